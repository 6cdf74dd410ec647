#!/usr/bin/env bash
# corridor's single-pair min-cost flow against OR-Tools' SimpleMinCostFlow on the same
# instance: a seeded synthetic road network (corridor generate), one origin–destination
# pair and volume, solved by corridor (capacity::mcf, through benches/examples/mcf.rs),
# exported as DIMACS and solved by OR-Tools (benches/mcf_ortools.py). Both must report
# the same optimal cost; the ratio of the median solve times is printed at the end.
#
#   pip install ortools        # once
#   benches/mcf_compare.sh     # 10^6 places, n250250 -> n750750, 500 TEU/yr, 3 runs each
#   benches/mcf_compare.sh --places 250000 --volume 100000 --runs 5 --cli
#
# Options (defaults in brackets):
#   --places N   places of the synthetic grid [1000000]
#   --seed S     its seed [1]
#   --from ID    origin [the place a quarter of the way along both grid axes]
#   --to ID      destination [three quarters of the way along both axes]
#   --volume V   demand in TEU per year [500: about five times the first path's
#                bottleneck; above the network's limit, both solvers send the most
#                the network can deliver, see crates/corridor/src/capacity/dimacs.rs]
#   --runs K     solves per solver, each from scratch; medians are compared [3]
#   --work DIR   where the network, demand and DIMACS files go [target/mcf-bench]
#   --cli        also run `corridor flow --format json` on the same demand and check
#                that its total_objective is the same cost (it also computes shadow
#                prices, two more solves per saturated leg, so it takes longer)
#
# Times are wall-clock seconds on one core. corridor's "solve" is capacity::mcf::solve
# on a built instance (flow network, residual arrays, successive shortest paths, arc
# flows); OR-Tools' "solve" is SimpleMinCostFlow.solve() after the arcs and supplies
# were added (it builds its own graph inside). Loading, graph compilation and instance
# building (corridor) and file parsing and arc loading (OR-Tools) are reported apart.
set -euo pipefail

places=1000000 seed=1 from= to= volume=500 runs=3 work=target/mcf-bench cli=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --places) places=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --from) from=$2; shift 2 ;;
        --to) to=$2; shift 2 ;;
        --volume) volume=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --cli) cli=1; shift ;;
        *) echo "error: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
    esac
done

cd "$(dirname "$0")/.."
python3 -c 'import ortools' 2>/dev/null || {
    echo "error: OR-Tools is not installed for python3; run: pip install ortools" >&2
    exit 1
}
cargo build --release --quiet -p corridor-cli
cargo build --release --quiet -p corridor-benches --example mcf
bin=${CARGO_TARGET_DIR:-target}/release

# The grid is side x rows places named n0, n1, ... row by row (corridor::synthetic).
side=$(python3 -c "import math; print(math.ceil(math.sqrt(max($places, 2))))")
rows=$(python3 -c "print(-(-max($places, 2) // $side))")
from=${from:-n$(( rows / 4 * side + side / 4 ))}
to=${to:-n$(( rows * 3 / 4 * side + side * 3 / 4 ))}

mkdir -p "$work"
net=$work/net-$places-$seed
if [[ ! -f $net/legs.csv ]]; then
    "$bin/corridor" generate --places "$places" --seed "$seed" --output "$net" --force
fi
printf 'from,to,volume_teu_per_year\n%s,%s,%s\n' "$from" "$to" "$volume" > "$work/demand.csv"
dimacs=$work/$from-$to-$volume.min

echo "instance: $net, $from -> $to, $volume TEU/yr, $runs runs per solver" >&2
ours=$("$bin/examples/mcf" --data "$net" --from "$from" --to "$to" --volume "$volume" \
    --runs "$runs" --dimacs "$dimacs" --force)
echo "$ours"
theirs=$(python3 benches/mcf_ortools.py "$dimacs" --runs "$runs")
echo "$theirs"
cli_json=
if [[ $cli == 1 ]]; then
    start=$(date +%s.%N)
    cli_json=$("$bin/corridor" --data "$net" flow --demand "$work/demand.csv" --format json)
    end=$(date +%s.%N)
    cli_json=$(python3 -c 'import json, sys; v = json.loads(sys.argv[1]); print(json.dumps({"solver": v["solver"], "delivered": v["delivered_teu_per_year"], "total_objective": v["total_objective"], "saturated": len(v["saturated_legs"]) + len(v["saturated_places"]), "wall_s": round(float(sys.argv[3]) - float(sys.argv[2]), 2)}))' "$cli_json" "$start" "$end")
    echo "corridor flow: $cli_json"
fi

python3 - "$ours" "$theirs" "$cli_json" <<'EOF'
import json, sys
ours, theirs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"instance: {ours['nodes']:,} nodes, {ours['arcs']:,} arcs, {ours['from']} -> {ours['to']}, "
      f"demand {ours['volume']:g}, delivered {ours['delivered']:g} TEU/yr")
print(f"optimal cost: corridor {ours['optimal_cost']:,.0f}, OR-Tools {theirs['optimal_cost']:,}")
print(f"corridor: load {ours['load_s']} s, graph {ours['graph_s']} s, instance {ours['instance_s']} s, "
      f"solve {ours['solve_s']} s (median {ours['solve_median_s']} s)")
print(f"OR-Tools: parse {theirs['parse_s']} s, load {theirs['load_s']} s, "
      f"solve {theirs['solve_s']} s (median {theirs['solve_median_s']} s)")
ratio = theirs["solve_median_s"] / ours["solve_median_s"]
print(f"solve time ratio OR-Tools / corridor: {ratio:.1f}x")
ok = ours["optimal_cost"] == theirs["optimal_cost"] and ours["delivered"] == theirs["flow"]
if sys.argv[3]:
    cli = json.loads(sys.argv[3])
    ok = ok and abs(cli["total_objective"] - ours["optimal_cost"]) < 0.5
    print(f"corridor flow (CLI) total_objective {cli['total_objective']:,} with {cli['saturated']} "
          f"saturated limits priced, {cli['wall_s']} s end to end")
if not ok:
    sys.exit("error: the solvers disagree")
EOF
