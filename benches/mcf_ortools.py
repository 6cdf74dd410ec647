#!/usr/bin/env python3
"""Solve a DIMACS min-cost-flow file with OR-Tools' SimpleMinCostFlow.

    pip install ortools
    python3 benches/mcf_ortools.py instance.min [--runs 3]

Reads `p min N A`, `n id supply` and `a u v low cap cost` lines (`c` lines are
comments; lower bounds must be 0), builds a fresh SimpleMinCostFlow for every run and
prints one JSON line: the optimal cost, the flow sent, the instance size, and the load
time (parsing the file, adding the arcs and supplies) apart from the solve time
(`solve()` alone, which includes OR-Tools' own graph building). With several runs the
times are listed and their medians given.

corridor's export (benches/examples/mcf.rs --dimacs, run by benches/mcf_compare.sh)
sets the supply to the largest volume the network can deliver, so `Solve()` is feasible
and its optimal cost is the cost corridor's min-cost flow reports.
"""

import argparse
import json
import statistics
import sys
import time

import numpy as np
from ortools.graph.python import min_cost_flow


def parse(path):
    """The DIMACS file as (node count, supplies by node, arc columns), nodes 0-based."""
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    nodes = arcs = None
    supplies = {}
    arc_lines = []
    for line in lines:
        kind = line[:1]
        if kind == b"a":
            arc_lines.append(line[2:])
        elif kind == b"n":
            _, node, supply = line.split()
            supplies[int(node) - 1] = supplies.get(int(node) - 1, 0) + int(supply)
        elif kind == b"p":
            _, problem, n, m = line.split()
            if problem != b"min":
                sys.exit(f"error: {path}: not a min-cost-flow problem ({problem.decode()})")
            nodes, arcs = int(n), int(m)
    if nodes is None:
        sys.exit(f"error: {path}: no 'p min N A' line")
    columns = np.array(b" ".join(arc_lines).split(), dtype=np.int64).reshape(-1, 5)
    if len(columns) != arcs:
        sys.exit(f"error: {path}: {len(columns)} arc lines, the p line says {arcs}")
    if columns[:, 2].any():
        sys.exit(f"error: {path}: non-zero lower bounds are not supported")
    return nodes, supplies, columns


def solve(nodes, supplies, columns):
    """(load seconds, solve seconds, optimal cost, maximum flow)."""
    start = time.perf_counter()
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        columns[:, 0] - 1, columns[:, 1] - 1, columns[:, 3], columns[:, 4]
    )
    # Every node gets a supply (zero for most), so nodes no arc touches exist too.
    supply = np.zeros(nodes, dtype=np.int64)
    for node, amount in supplies.items():
        supply[node] = amount
    smcf.set_nodes_supplies(np.arange(nodes, dtype=np.int64), supply)
    loaded = time.perf_counter()
    status = smcf.solve()
    solved = time.perf_counter()
    if status != smcf.OPTIMAL:
        sys.exit(f"error: OR-Tools status {status} (not optimal)")
    return loaded - start, solved - loaded, smcf.optimal_cost(), smcf.maximum_flow()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dimacs", help="DIMACS min-cost-flow file")
    parser.add_argument("--runs", type=int, default=1, help="solves, each from scratch")
    args = parser.parse_args()
    start = time.perf_counter()
    nodes, supplies, columns = parse(args.dimacs)
    parse_s = time.perf_counter() - start
    load_s, solve_s, costs, flows = [], [], set(), set()
    for _ in range(args.runs):
        load, solve_time, cost, flow = solve(nodes, supplies, columns)
        load_s.append(load)
        solve_s.append(solve_time)
        costs.add(cost)
        flows.add(flow)
    if len(costs) != 1 or len(flows) != 1:
        sys.exit(f"error: runs disagree: costs {costs}, flows {flows}")
    print(
        json.dumps(
            {
                "solver": "ortools-simple-min-cost-flow",
                "nodes": nodes,
                "arcs": len(columns),
                "optimal_cost": costs.pop(),
                "flow": flows.pop(),
                "parse_s": round(parse_s, 4),
                "load_s": [round(t, 4) for t in load_s],
                "solve_s": [round(t, 4) for t in solve_s],
                "solve_median_s": round(statistics.median(solve_s), 4),
            }
        )
    )


if __name__ == "__main__":
    main()
