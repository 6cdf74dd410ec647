#!/usr/bin/env bash
# `corridor matrix --by cost` as a whole process against the Python stack a researcher
# would use for the same question (pandas reading the same CSV files, then scipy's
# `csgraph.dijkstra` from each origin: benches/python_stack.py), on the same shuffled
# 10^6-place network (`corridor generate --places 1000000 --shuffle`), and the same
# `corridor matrix` on the network's compiled snapshot with its graph by cost (`corridor
# build --by cost`, written beside the folder first, not timed). The three alternate
# ROUNDS times; wall time and peak memory come from GNU time, and every round checks
# that all answered the same costs.
#
#   benches/python_stack.sh [PYTHON] [ROUNDS]
#
# PYTHON needs pandas and scipy; default target/py-stack/bin/python, made here with
# `python3 -m venv target/py-stack && target/py-stack/bin/pip install pandas scipy pyarrow`
# when missing. CORRIDOR_BENCH_NET names another network folder (ids as below).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${1:-target/py-stack/bin/python}"
ROUNDS="${2:-3}"
NET="${CORRIDOR_BENCH_NET:-${TMPDIR:-/tmp}/road-1m-shuffled}"
if [ ! -x "$PYTHON" ] && [ "$PYTHON" = target/py-stack/bin/python ]; then
  python3 -m venv target/py-stack
  target/py-stack/bin/pip install -q pandas scipy pyarrow
fi
cargo build --release --locked -q -p corridor-cli
if [ ! -f "$NET/legs.csv" ]; then
  target/release/corridor generate --places 1000000 --seed 1 --shuffle --output "$NET"
fi
SNAPSHOT="$NET.cost.corridor"
target/release/corridor --data "$NET" build --output "$SNAPSHOT" --by cost --force 2>/dev/null
# Four origins and seven destinations; the shuffle scattered these ids over the grid.
FROM="n100000,n200000,n300000,n400000"
TO="n500000,n600000,n700000,n800000,n900000,n999999,n1"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
for round in $(seq "$ROUNDS"); do
  /usr/bin/time -o "$WORK/corridor.$round" -f "%e %M" \
    target/release/corridor --data "$NET" matrix --from "$FROM" --to "$TO" --by cost \
    --format csv > "$WORK/corridor.csv"
  /usr/bin/time -o "$WORK/snapshot.$round" -f "%e %M" \
    target/release/corridor --data "$SNAPSHOT" matrix --from "$FROM" --to "$TO" --by cost \
    --format csv > "$WORK/snapshot.csv"
  cmp -s "$WORK/corridor.csv" "$WORK/snapshot.csv" || { echo "snapshot and folder differ" >&2; exit 1; }
  /usr/bin/time -o "$WORK/python.$round" -f "%e %M" \
    "$PYTHON" benches/python_stack.py "$NET" "$FROM" "$TO" > "$WORK/python.csv"
  python3 - "$WORK/corridor.csv" "$WORK/python.csv" <<'PY'
import csv, sys
ours = {(r["from"], r["to"]): r["cost_usd"] for r in csv.DictReader(open(sys.argv[1]))}
theirs = {(r["from"], r["to"]): r["cost_usd"] for r in csv.DictReader(open(sys.argv[2]))}
assert ours.keys() == theirs.keys(), "not the same pairs"
for pair, cost in ours.items():
    other = theirs[pair]
    if (cost == "") != (other == "") or cost and abs(float(cost) - float(other)) > 1e-6 * float(cost):
        sys.exit(f"answers differ for {pair}: corridor {cost!r}, python {other!r}")
PY
done
python3 - "$WORK" "$ROUNDS" <<'PY'
import statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def runs(name):
    rows = [open(f"{work}/{name}.{r}").read().split()[-2:] for r in range(1, rounds + 1)]
    return [float(s) for s, _ in rows], [int(kb) / 1000 for _, kb in rows]
(cs, cm), (ss, sm), (ps, pm) = runs("corridor"), runs("snapshot"), runs("python")
print(f"4 x 7 matrix by cost, shuffled 10^6-place network, {rounds} alternating rounds, same answers")
print(f"corridor matrix: wall {', '.join(f'{s:.2f}' for s in cs)} s, peak {max(cm):.0f} MB")
print(f"corridor, snapshot with graph: wall {', '.join(f'{s:.2f}' for s in ss)} s, peak {max(sm):.0f} MB")
print(f"pandas + scipy : wall {', '.join(f'{s:.2f}' for s in ps)} s, peak {max(pm):.0f} MB")
ratios = [c / p for c, p in zip(cs, ps)]
print(f"corridor / python: wall {statistics.median(cs) / statistics.median(ps):.3f} "
      f"(medians; per round {', '.join(f'{r:.3f}' for r in ratios)}), "
      f"peak memory {max(cm) / max(pm):.3f}")
print(f"snapshot / python: wall {statistics.median(ss) / statistics.median(ps):.3f}, "
      f"peak memory {max(sm) / max(pm):.3f}")
PY
