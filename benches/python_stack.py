"""The Python stack a researcher would use for `corridor matrix --by cost`: pandas reads
the network folder's CSV files, scipy's `csgraph.dijkstra` runs one search per origin.

    python benches/python_stack.py DIR FROM1,FROM2,... TO1,TO2,...

Prints the matrix as CSV (from,to,cost_usd; empty where unreachable), in the order
`corridor matrix --format csv` writes its rows. `benches/python_stack.sh` times this
against `corridor matrix` and checks that both answers agree.

The weights are the engine's for `--by cost`: a leg's `cost_usd`, both ways unless
`one_way`, operational legs only (the default profile), the cheapest of parallel legs.
The engine also charges transfers (mode and gauge changes, borders, waits) on a
state-expanded graph; a plain place graph cannot, so the script refuses networks whose
places charge transfer costs, cross borders or legs of several modes, where the two
would not answer the same question. `corridor generate` networks have none of these.
"""

import os
import sys

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

try:
    import pyarrow  # noqa: F401

    ENGINE = os.environ.get("PANDAS_CSV_ENGINE", "pyarrow")
except ImportError:
    ENGINE = os.environ.get("PANDAS_CSV_ENGINE", "c")

TRANSFER_COSTS = ["mode_change_usd", "gauge_change_usd", "border_usd", "border_exit_usd"]


def read(path, columns, dtype):
    """The named columns of a CSV file that has them; pyarrow's reader when installed
    (multi-threaded, the fastest pandas has), else pandas' C reader (PANDAS_CSV_ENGINE
    chooses)."""
    with open(path, encoding="utf-8") as file:
        header = file.readline().strip().split(",")
    columns = [c for c in columns if c in header]
    return pd.read_csv(path, usecols=columns, dtype=dtype, engine=ENGINE)


def main():
    folder, origins, destinations = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
    nodes = read(f"{folder}/nodes.csv", ["id", "country", *TRANSFER_COSTS], {"id": str})
    legs = read(
        f"{folder}/legs.csv",
        ["from", "to", "mode", "cost_usd", "status", "one_way"],
        {"from": str, "to": str, "mode": str, "status": str, "one_way": str},
    )
    for column in TRANSFER_COSTS:
        if column in nodes and nodes[column].fillna(0).ne(0).any():
            sys.exit(f"{column} is charged at some places: the place graph cannot model it")
    if "country" in nodes and nodes["country"].notna().any() or legs["mode"].nunique() > 1:
        sys.exit("borders or several modes: transfers apply, the place graph cannot model them")
    if legs["cost_usd"].isna().any():
        sys.exit("a leg has no cost_usd: its default comes from network.toml, not modelled here")

    index = pd.Index(nodes["id"])
    legs = legs[legs["status"].fillna("operational").eq("operational")]
    tail = index.get_indexer(legs["from"])
    head = index.get_indexer(legs["to"])
    cost = legs["cost_usd"].to_numpy(dtype=np.float64)
    one_way = legs["one_way"].fillna("false").str.lower()
    back = ~one_way.isin(["true", "yes", "1", "y"]).to_numpy()
    tails = np.concatenate([tail, head[back]])
    heads = np.concatenate([head, tail[back]])
    costs = np.concatenate([cost, cost[back]])
    # The cheapest of parallel arcs (a sparse matrix would add them up).
    n = len(index)
    key = tails.astype(np.int64) * n + heads
    order = np.argsort(key)
    key, costs = key[order], costs[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    starts = np.flatnonzero(first)
    cheapest = np.minimum.reduceat(costs, starts)
    key = key[starts]
    graph = csr_matrix((cheapest, (key // n, key % n)), shape=(n, n))

    sources = index.get_indexer(origins)
    targets = index.get_indexer(destinations)
    if (sources < 0).any() or (targets < 0).any():
        sys.exit("an origin or destination is not the id of a place")
    dist = dijkstra(graph, directed=True, indices=sources)
    out = ["from,to,cost_usd"]
    for i, a in enumerate(origins):
        for j, b in enumerate(destinations):
            d = dist[i, targets[j]]
            out.append(f"{a},{b},{'' if np.isinf(d) else repr(float(d))}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
