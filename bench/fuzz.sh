#!/usr/bin/env bash
# Fuzzes labpath's parsers of what people type and upload (fuzz/: profiles
# as TOML and JSON, credential strings, CE and people CSVs, catalog files)
# with libFuzzer through cargo-fuzz, each target for a bounded time, one
# after another.
#
#   bash bench/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS is each target's time (default 60); without TARGETs every target
# runs. It installs cargo-fuzz when missing and needs a nightly toolchain
# (`rustup toolchain install nightly`). New inputs that reach new code go
# to fuzz/corpus/TARGET (kept between runs, not committed); the committed
# starting points are fuzz/seeds/TARGET. A crash, a panic, an input slower
# than 10 s or one that needs over 2 GiB is saved to fuzz/artifacts/TARGET
# and makes the script exit 1 after the other targets ran; the summary at
# the end gives each target's executions.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${1:-60}"
shift || true
case "$seconds" in
  '' | *[!0-9]*)
    echo "usage: bash bench/fuzz.sh [SECONDS] [TARGET...]" >&2
    exit 2
    ;;
esac

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "error: cargo-fuzz needs a nightly toolchain: rustup toolchain install nightly" >&2
  exit 2
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
failed=0
summary=()
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  echo "== $target: ${seconds} s"
  log="$logs/$target.log"
  status=0
  # The first folder receives new inputs; the seeds are only read.
  cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 >"$log" 2>&1 || status=$?
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  if [ "$status" -eq 0 ]; then
    result="no crash"
  else
    result="FAILED (exit $status): $(grep -m1 -E '^==[0-9]+==|panicked at|Test unit written to' "$log" || echo "see the log")"
    failed=1
    tail -n 40 "$log" >&2
  fi
  summary+=("$(printf '%-18s %14s executions  %s' "$target" "${runs:-?}" "$result")")
done

echo
echo "fuzzing summary (${seconds} s a target):"
printf '  %s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "a target failed: its input is in fuzz/artifacts/TARGET (cargo +nightly fuzz run TARGET FILE replays it)" >&2
  exit 1
fi
