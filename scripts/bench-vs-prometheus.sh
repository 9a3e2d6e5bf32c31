#!/usr/bin/env bash
# Benchmarks the seed's queries in promplay and in a real Prometheus (Debian's 2.42) on the same
# data, side by side.
#
#   scripts/bench-vs-prometheus.sh [--dataset ID] [--runs N] [--no-wasm]
#
# promplay: `promplay bench --tsv` (release build) gives each query's median evaluation time.
# Prometheus: the dataset is exported as OpenMetrics, backfilled with promtool, served on a free
# port on 127.0.0.1, and each query is sent RUNS times to /api/v1/query(_range) with
# stats=all; the median of data.stats.timings.evalTotalTime is kept. Same queries, same
# evaluation times. The ratio column is Prometheus time / promplay time (> 1: promplay faster).
# wasm in Chromium: the same query set run by the site's engine module inside headless Chromium
# (e2e/bench.mjs on dist/, built with `trunk build --release` if missing); its ratio column is
# wasm time / native time. --no-wasm leaves that column out.
set -euo pipefail

dataset=ml-platform
runs=15
wasm=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --dataset) dataset="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --no-wasm) wasm=no; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need prometheus || ! need promtool || ! need curl || ! need jq; then
  echo "== installing prometheus, curl, jq (apt)"
  apt-get update && apt-get install -y prometheus curl jq
fi

echo "== building promplay (release)"
cargo build --release --bin promplay --quiet
target="${CARGO_TARGET_DIR:-$root/target}"
promplay="$target/release/promplay"

work="$(mktemp -d)"
prom_pid=""
cleanup() {
  if [ -n "$prom_pid" ]; then kill "$prom_pid" 2>/dev/null || true; wait "$prom_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "== promplay bench --dataset $dataset --runs $runs"
"$promplay" bench --dataset "$dataset" --runs "$runs" | tee "$work/promplay.txt"
"$promplay" bench --dataset "$dataset" --runs "$runs" --tsv > "$work/promplay.tsv"

: > "$work/wasm.tsv"
if [ "$wasm" = yes ]; then
  # shellcheck source=scripts/setup.sh
  source "$root/scripts/setup.sh"
  setup_test >/dev/null
  [ -f dist/index.html ] || { setup_build; trunk build --release; }
  echo "== wasm in Chromium: node e2e/bench.mjs --dataset $dataset --runs $runs"
  node e2e/bench.mjs --dataset "$dataset" --runs "$runs"
  node e2e/bench.mjs --dataset "$dataset" --runs "$runs" --tsv > "$work/wasm.tsv"
fi
# Median ms of each wasm row, in the order of promplay's rows (the same query set).
mapfile -t wasm_ms < <(awk -F'\t' 'NR > 1 { print $7 }' "$work/wasm.tsv")

echo "== exporting $dataset and backfilling it with promtool"
"$promplay" export --dataset "$dataset" --format openmetrics > "$work/data.om"
promtool tsdb create-blocks-from openmetrics --quiet "$work/data.om" "$work/tsdb" >/dev/null
printf 'global:\n  scrape_interval: 1h\n' > "$work/prometheus.yml"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 19190)"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --storage.tsdb.retention.time=100y --web.listen-address="127.0.0.1:$port" \
  >"$work/prometheus.log" 2>&1 &
prom_pid=$!
for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$port/-/ready" >/dev/null || { tail -20 "$work/prometheus.log"; exit 1; }
echo "   prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}') on 127.0.0.1:$port"

# Median of numbers on stdin.
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else print a[int((NR+1)/2)]}'; }

echo
echo "== side by side (median of $runs runs; ms; ratio = Prometheus / promplay; wasm/native = wasm in Chromium / promplay; prom/wasm = Prometheus / wasm in Chromium)"
printf '%3s  %-7s  %12s  %14s  %8s  %10s  %11s  %9s  %12s  %12s  %s\n' \
  "#" mode "promplay ms" "Prometheus ms" ratio "wasm ms" "wasm/native" "prom/wasm" "samples pp" "samples prom" query
slower=0
wasm_slower=0
row=0
# Tabs become \037 first: `read` would merge adjacent tabs (empty fields) as whitespace.
while IFS=$'\037' read -r id mode time start end step ms samples query; do
  [ "$id" = id ] && continue
  if [ "$mode" = instant ]; then
    args=(--data-urlencode "query=$query" --data-urlencode "time=$time")
    endpoint=query
  else
    args=(--data-urlencode "query=$query" --data-urlencode "start=$start" \
          --data-urlencode "end=$end" --data-urlencode "step=$step")
    endpoint=query_range
  fi
  # One warm-up (loads chunks from disk), then the measured runs.
  curl -s "http://127.0.0.1:$port/api/v1/$endpoint" "${args[@]}" -d stats=all >/dev/null
  : > "$work/times"
  psamples=""
  for _ in $(seq 1 "$runs"); do
    body="$(curl -s "http://127.0.0.1:$port/api/v1/$endpoint" "${args[@]}" -d stats=all)"
    echo "$body" | jq -r '.data.stats.timings.evalTotalTime // "nan"' >> "$work/times"
    psamples="$(echo "$body" | jq -r '.data.stats.samples.totalQueryableSamples // ""')"
  done
  prom_s="$(median < "$work/times")"
  line="$(awk -v p="$prom_s" -v m="$ms" 'BEGIN {
    pm = p * 1000; r = (m > 0) ? pm / m : 0;
    printf "%12.3f  %14.3f  %8.1f", m, pm, r; if (r < 1) exit 1 }')" || slower=$((slower + 1))
  wms="${wasm_ms[$row]:-}"
  row=$((row + 1))
  wasm_cols="$(awk -v w="$wms" -v m="$ms" -v p="$prom_s" 'BEGIN {
    if (w == "") { printf "%10s  %11s  %9s", "-", "-", "-"; exit 0 }
    # The browser clock ticks in 0.1 ms: a median of 0 is a query faster than one tick.
    if (w == 0) { printf "%10.3f  %11.1f  %9s", w, 0, "> tick"; exit 0 }
    r = p * 1000 / w;
    printf "%10.3f  %11.1f  %9.1f", w, (m > 0 ? w / m : 0), r; if (r < 1) exit 1 }')" ||
    wasm_slower=$((wasm_slower + 1))
  printf '%3s  %-7s  %s  %s  %12s  %12s  %s\n' "$id" "$mode" "$line" "$wasm_cols" "$samples" "$psamples" "$query"
done < <(tr '\t' '\037' < "$work/promplay.tsv")
echo
if [ "$slower" -eq 0 ]; then
  echo "promplay is faster than Prometheus on every query."
else
  echo "promplay is slower than Prometheus on $slower case(s)."
fi
if [ "$wasm" = yes ]; then
  if [ "$wasm_slower" -eq 0 ]; then
    echo "The engine module in Chromium is faster than Prometheus on every query."
  else
    echo "The engine module in Chromium is slower than Prometheus on $wasm_slower case(s)."
  fi
fi
