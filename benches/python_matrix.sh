#!/usr/bin/env bash
# `net.matrix` from Python against `Engine::matrix` in Rust on the 10^6-place synthetic
# network: the two programs alternate ROUNDS times (each: load, one warm-up call, RUNS
# timed calls), and the medians of all timed calls are compared.
#
#   benches/python_matrix.sh [PYTHON] [ROUNDS] [RUNS]
#
# PYTHON is an interpreter with the package installed (pip install ./crates/corridor-py);
# default: target/py-venv/bin/python, the virtualenv .ci/run makes.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${1:-target/py-venv/bin/python}"
ROUNDS="${2:-3}"
RUNS="${3:-5}"
NET="${CORRIDOR_BENCH_NET:-${TMPDIR:-/tmp}/road-1m}"
cargo build --release --locked -q -p corridor-cli
cargo build --release --locked -q -p corridor-benches --example matrix_call
if [ ! -f "$NET/nodes.csv" ]; then
  target/release/corridor generate --places 1000000 --seed 1 --output "$NET"
fi
# Eight origins and eight destinations spread over the 1000 x 1000 grid.
FROM="n1001,n125125,n250250,n375375,n500500,n625625,n750750,n875875"
TO="n998998,n874874,n749749,n624624,n499499,n374374,n249249,n124124"
OUT="$(mktemp)"
for round in $(seq "$ROUNDS"); do
  target/release/examples/matrix_call "$NET" "$FROM" "$TO" "$RUNS" | tee -a "$OUT"
  "$PYTHON" benches/python_matrix.py "$NET" "$FROM" "$TO" "$RUNS" | tee -a "$OUT"
done
python3 - "$OUT" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    row = json.loads(line)
    runs.setdefault(row["language"], []).extend(row["seconds"])
rust, python = statistics.median(runs["rust"]), statistics.median(runs["python"])
print(f"8 x 8 matrix on 10^6 places, median of {len(runs['rust'])} calls each: "
      f"Rust {rust * 1000:.0f} ms, Python {python * 1000:.0f} ms, Python / Rust = {python / rust:.3f}")
PY
rm -f "$OUT"
