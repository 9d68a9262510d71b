#!/usr/bin/env bash
# What a `labpath check` user waits for, against the process floor: the
# release binary's `--version`, `check` on an example profile with the
# built-in (compiled) catalog, and the same `check` reading the catalog
# folder's TOML at run time (`--catalog catalog`), run in turn ROUNDS times
# in one loop so the machine's load falls on all three alike. Prints each
# one's median and minimum wall time and the ratios of the medians.
#
#   bench/startup.sh                      # ROUNDS=200, the Philippine example
#   PROFILE=examples/profiles/x.toml ROUNDS=50 NO_BUILD=1 bench/startup.sh
#
# Needs python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
rounds=${ROUNDS:-200}
profile=${PROFILE:-examples/profiles/ph-medtech-graduate.toml}
bin=${BIN:-${CARGO_TARGET_DIR:-target}/release/labpath}
if [ -z "${NO_BUILD:-}" ]; then
  cargo build --release --quiet --bin labpath
fi
python3 - "$rounds" "$bin" "$profile" <<'PY'
import statistics, subprocess, sys, time

rounds, bin, profile = int(sys.argv[1]), sys.argv[2], sys.argv[3]
runs = {
    "--version": [bin, "--version"],
    "check (built-in catalog)": [bin, "check", profile],
    "check --catalog catalog": [bin, "--catalog", "catalog", "check", profile],
}
for name, argv in runs.items():
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed: {done.stderr.decode()}")
times = {name: [] for name in runs}
for _ in range(rounds):
    for name, argv in runs.items():
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[name].append((time.perf_counter() - started) * 1e3)
floor = statistics.median(times["--version"])
print(f"{rounds} rounds, {profile}")
for name, t in times.items():
    median = statistics.median(t)
    print(f"  {name:26} median {median:6.2f} ms  min {min(t):6.2f} ms  {median / floor:4.1f}x --version")
PY
