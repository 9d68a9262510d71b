#!/usr/bin/env bash
# A bounded load test of the eligibility endpoint on loopback.
#
# Builds the release binary, starts `labpath serve` in local mode on a
# throwaway data directory, stores one example profile, checks one answer,
# then runs wrk for a fixed time with a fixed number of connections and
# prints requests per second, latency percentiles and the server's CPU time
# per request (the figure to compare builds by on a machine that also runs
# other work: req/s and latency move with that load, CPU per request much
# less). The server is stopped and the data directory removed on any exit.
#
#   bench/load.sh                          # POST /api/eligibility, the profile as the body
#   bench/load.sh get                      # GET /api/people/1/eligibility (the stored profile)
#   QUERY=view=summary bench/load.sh       # the summary view (41 KB)
#   QUERY=view=full bench/load.sh          # the full view (873 KB: every text written out)
#
# Without QUERY it asks for the default answer, the compact view (86 KB for
# the Philippine example with the embedded catalog): every credential,
# route and clause with its outcome and finding.
#
# Settings (environment): DURATION (s, default 15), CONNECTIONS (default 32),
# THREADS (wrk threads, default 1), PORT (default 0: a free one), PROFILE (a TOML
# profile, default examples/profiles/ph-medtech-graduate.toml), QUERY (added
# to the URL, e.g. `view=summary`), NO_BUILD=1 to use target/release as is,
# BIN (another labpath binary to measure, e.g. a copy of an older build).
# Needs wrk (Debian: apt-get install wrk), curl, jq and python3 (3.11+).
set -euo pipefail

mode=${1:-post}
case $mode in post | get) ;; *) echo "usage: $0 [post|get]" >&2; exit 2 ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
duration=${DURATION:-15}
connections=${CONNECTIONS:-32}
threads=${THREADS:-1}
port=${PORT:-0}
profile=${PROFILE:-$root/examples/profiles/ph-medtech-graduate.toml}
query=${QUERY:-}
for tool in wrk curl jq python3; do
    command -v "$tool" >/dev/null || { echo "$0: needs $tool" >&2; exit 2; }
done

if [[ -z ${NO_BUILD:-} && -z ${BIN:-} ]]; then
    cargo build --release --quiet -p labpath-cli --manifest-path "$root/Cargo.toml"
fi
bin=${BIN:-$root/target/release/labpath}

work=$(mktemp -d)
server=
cleanup() {
    if [[ -n $server ]]; then
        kill -TERM "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$bin" serve --data-dir "$work/data" --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
# It prints its address once it listens.
base=
for _ in $(seq 100); do
    base=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/server.log" || true)
    [[ -n $base ]] && break
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.1
done
[[ -n $base ]] || { echo "$0: the server did not start" >&2; exit 1; }

# The profile as JSON (TOML dates become ISO strings).
python3 - "$profile" >"$work/profile.json" <<'PY'
import json, sys, tomllib
with open(sys.argv[1], "rb") as f:
    print(json.dumps(tomllib.load(f), default=str))
PY
csrf=$(curl -fs "$base/api/session" | jq -r .csrf)
jq -n --slurpfile p "$work/profile.json" '{name: "Load test", profile: $p[0]}' >"$work/person.json"
person=$(curl -fs -X POST "$base/api/people" -H "content-type: application/json" \
    -H "x-csrf-token: $csrf" --data-binary @"$work/person.json" | jq -r .id)

if [[ $mode == post ]]; then
    url="$base/api/eligibility${query:+?$query}"
    check=(-X POST -H "content-type: application/json" -H "x-csrf-token: $csrf" --data-binary @"$work/profile.json")
else
    url="$base/api/people/$person/eligibility${query:+?$query}"
    check=()
fi
# One answer first: it must be a 200 with credentials in it.
size=$(curl -fs "${check[@]}" "$url" | tee "$work/answer.json" | wc -c)
jq -e '.credentials | length > 0' "$work/answer.json" >/dev/null
echo "endpoint: ${mode^^} $url"
echo "response: $size bytes, $(jq '.credentials | length' "$work/answer.json") credentials"
echo "load: wrk -t$threads -c$connections -d${duration}s (server: $(nproc) cores shared with wrk)"

cat >"$work/load.lua" <<LUA
wrk.method = "${mode^^}"
if wrk.method == "POST" then
    local f = assert(io.open("$work/profile.json", "rb"))
    wrk.body = f:read("*a")
    f:close()
    wrk.headers["content-type"] = "application/json"
    wrk.headers["x-csrf-token"] = "$csrf"
end

function done(summary, latency, requests)
    local s = summary.duration / 1e6
    local e = summary.errors
    io.write(string.format("requests: %d in %.1f s = %.0f req/s\n",
        summary.requests, s, summary.requests / s))
    io.write(string.format("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n",
        latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
        latency:percentile(99) / 1e3, latency:percentile(99.9) / 1e3, latency.max / 1e3))
    io.write(string.format("errors: connect %d, read %d, write %d, timeout %d, non-2xx %d\n",
        e.connect, e.read, e.write, e.timeout, e.status))
end
LUA
# The server's CPU time (user + system, in clock ticks) from /proc: per
# request it is a figure that other load on the machine hardly moves, unlike
# requests per second.
cpu() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
before=$(cpu)
wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 5s -s "$work/load.lua" "$url" |
    sed -n '/^requests:/,$p' | tee "$work/wrk.out"
after=$(cpu)
requests=$(awk '/^requests:/ { print $2 }' "$work/wrk.out")
awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" -v cores="$(nproc)" 'BEGIN {
    us = t / hz * 1e6 / n
    printf "server CPU: %.0f us per request (%d cores: at most %.0f req/s with nothing else running)\n", us, cores, cores * 1e6 / us
}'
