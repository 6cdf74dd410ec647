#!/usr/bin/env python3
"""Prints the latest criterion results (target/criterion) as a Markdown table, with the
ratios BENCHMARKS.md quotes, each computed from two benchmarks of the same run.

Usage: python3 benches/summary.py [target/criterion]
"""

import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")


def mean_ns(path):
    return json.loads((path / "new" / "estimates.json").read_text())["mean"]["point_estimate"]


def human(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


results = {}
for estimates in sorted(root.glob("**/new/estimates.json")):
    bench = estimates.parent.parent
    name = str(bench.relative_to(root))
    if name.endswith("report") or "/report/" in name:
        continue
    # criterion's own name for it (directory names replace characters such as > and *).
    meta = bench / "new" / "benchmark.json"
    if meta.exists():
        name = json.loads(meta.read_text()).get("full_id", name)
    results[name] = mean_ns(bench)

print("| benchmark | mean |")
print("|---|---|")
for name, ns in results.items():
    print(f"| {name} | {human(ns)} |")


def ratio(label, slow, fast):
    if slow in results and fast in results:
        print(f"| {label} | {results[slow] / results[fast]:.2f}× |")


print()
print("| ratio (same run) | value |")
print("|---|---|")
groups = sorted({name.split("/")[0] for name in results})
for group in groups:
    g = group + "/"
    ratio(f"{group}: one-to-all, petgraph ÷ ours", g + "one-to-all baseline: petgraph dijkstra", g + "one-to-all (ours)")
    ratio(f"{group}: point-to-point, our Dijkstra ÷ CH", g + "point-to-point (plain Dijkstra, ours)", g + "point-to-point (CH)")
    ratio(f"{group}: point-to-point, petgraph to goal ÷ CH", g + "point-to-point baseline: petgraph dijkstra to the goal", g + "point-to-point (CH)")
    ratio(f"{group}: point-to-point, petgraph one-to-all ÷ CH", g + "one-to-all baseline: petgraph dijkstra", g + "point-to-point (CH)")
    for size, kind in (("8x8", "one-to-all"), ("8x8", "CH"), ("256x256", "CH")):
        ratio(f"{group}: matrix {size} ({kind}) 2 threads speed-up", g + f"matrix {size} ({kind}), threads/1", g + f"matrix {size} ({kind}), threads/2")
    ratio(f"{group}: matrix 8x8, one-to-all rows ÷ CH", g + "matrix 8x8 (one-to-all), threads/1", g + "matrix 8x8 (CH), threads/1")
