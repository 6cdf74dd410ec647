"""Sweeps and matrices across a Dask cluster, identical to the single-process results.

Pass a ``dask.distributed.Client`` connected to any cluster — a ``LocalCluster``, an
SSH, Kubernetes or cloud cluster, or a scheduler started by hand::

    from dask.distributed import Client
    import corridor, corridor.distributed

    client = Client("tcp://scheduler.example:8786")     # or Client(LocalCluster(n_workers=2))
    net = corridor.Network.builtin().with_scenario("data/scenarios/uncertainty.toml")
    s = corridor.distributed.sweep(client, net, "Xian", "Duisburg", samples=1_000_000, seed=7)
    assert s == net.sweep("Xian", "Duisburg", samples=1_000_000, seed=7)

How the work is split, and why the merge is exact:

- a sweep's draws are split into consecutive ranges; draw ``i`` uses its own random
  stream (the seed, stream ``i``), so a worker computes exactly the draws the single
  process would, and the parts (per-draw routes and totals, or per-pair histograms that
  merge exactly) are merged in draw order by the same library code;
- a matrix's origins are split into blocks; each row is its own search, and whether
  contraction hierarchies are used is decided once for the whole matrix.

The network is shipped to every worker once (``Client.scatter(..., broadcast=True)``),
not with each task; it pickles by its source (built-in or folder path plus scenario
texts), so a folder network must be readable at the same path on the workers (a shared
file system or the same checkout). Workers need ``pip install corridor`` in the same
version. Each worker computes its part on all its cores (rayon); on a machine running
several workers, set ``RAYON_NUM_THREADS`` in the workers' environment to share cores.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Optional, Union

from . import Network, Places, Scenario, _list, _matrix, _matrix_frame, _frombuffer, _routing

__all__ = ["matrix", "sweep", "sweep_pairs", "ranges"]


def ranges(total: int, parts: int) -> list[tuple[int, int]]:
    """``0..total`` cut into ``parts`` consecutive ranges of near-equal size (fewer when
    ``total`` is small), as ``(start, end)`` pairs."""
    parts = max(1, min(int(parts), int(total)))
    bounds = [total * k // parts for k in range(parts + 1)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def _default_parts(client: Any) -> int:
    # Two tasks per worker thread: workers that finish early take the rest.
    try:
        threads = sum(client.nthreads().values())
    except Exception:  # pragma: no cover - any client without nthreads()
        threads = 1
    return max(2, 2 * threads)


def _scatter(client: Any, network: Network) -> Any:
    """The network on every worker, once."""
    return client.scatter(network, broadcast=True, hash=False)


def _sweep_part(network: Network, request: str, start: int, end: int, seed: int) -> bytes:
    return network._engine.sweep_part(request, start, end, seed)


def _pairs_part(
    network: Network, routing: str, places: list[str], start: int, end: int, seed: int
) -> bytes:
    return network._engine.sweep_pairs_part(routing, places, start, end, seed)


def _matrix_block(
    network: Network, request: str, ch_origins: int
) -> tuple[str, list[str], list[str], dict[str, bytes]]:
    return network._engine.matrix(request, ch_origins)


def sweep(
    client: Any,
    network: Network,
    origin: str,
    destination: str,
    *,
    scenarios: Iterable[Scenario] = (),
    samples: int = 1000,
    seed: int = 1,
    parts: Optional[int] = None,
    by: str = "time",
    **constraints: Any,
) -> dict[str, Any]:
    """:meth:`corridor.Network.sweep` on the cluster: the draws split into ``parts``
    consecutive ranges (two per worker thread by default), merged in draw order. Equal
    to ``network.sweep(origin, destination, ...)`` with the same arguments."""
    network = network.with_scenarios(scenarios)
    request = json.dumps(_routing(origin, destination, by=by, **constraints))
    samples, seed = int(samples), int(seed)
    # Bad requests fail here, before anything is sent.
    network._engine.sweep_part(request, 0, 1, seed)
    remote = _scatter(client, network)
    futures = [
        client.submit(_sweep_part, remote, request, start, end, seed, pure=False)
        for start, end in ranges(samples, parts or _default_parts(client))
    ]
    blobs = client.gather(futures)
    return json.loads(network._engine.merge_sweep(request, samples, seed, blobs))


def sweep_pairs(
    client: Any,
    network: Network,
    places: Optional[Places] = None,
    *,
    scenarios: Iterable[Scenario] = (),
    samples: int = 1000,
    seed: int = 1,
    parts: Optional[int] = None,
    by: str = "time",
    **constraints: Any,
) -> dict[str, Any]:
    """:meth:`corridor.Network.sweep_pairs` (``corridor sweep --hubs``) on the cluster:
    the draws split into ranges, each summarised per pair in histograms that merge
    exactly. Equal to ``network.sweep_pairs(places, ...)`` with the same arguments."""
    network = network.with_scenarios(scenarios)
    routing = json.dumps(_routing(by=by, **constraints))
    names = _list(places)
    samples, seed = int(samples), int(seed)
    network._engine.sweep_pairs_part(routing, names, 0, 1, seed)
    remote = _scatter(client, network)
    futures = [
        client.submit(_pairs_part, remote, routing, names, start, end, seed, pure=False)
        for start, end in ranges(samples, parts or _default_parts(client))
    ]
    blobs = client.gather(futures)
    return json.loads(network._engine.merge_sweep_pairs(routing, names, samples, seed, blobs))


def matrix(
    client: Any,
    network: Network,
    origins: Places,
    destinations: Places,
    *,
    by: str = "time",
    ch: Optional[bool] = None,
    block: Optional[int] = None,
    as_frame: bool = True,
    **constraints: Any,
) -> Union[Any, dict[str, Any]]:
    """:meth:`corridor.Network.matrix` on the cluster: the origins split into blocks of
    ``block`` (by default enough for two blocks per worker thread), each block a task
    computing its rows against every destination. Contraction hierarchies are chosen
    once for the whole matrix (each task builds its own hierarchy, so for CH matrices
    use few, large blocks). Equal to ``network.matrix(origins, destinations, ...)``."""
    import numpy as np

    origin_list, destination_list = _list(origins), _list(destinations)
    if not origin_list or not destination_list:
        # The library's error for an empty side.
        return _matrix(network, origin_list, destination_list, by, ch, as_frame, constraints, None)
    routing = _routing(by=by, **constraints)
    # Resolve everything once here: bad places fail before anything is sent.
    network._engine.matrix(
        json.dumps({"from": origin_list[:1], "to": destination_list[:1], "routing": routing, "ch": False}),
        None,
    )
    size = block or -(-len(origin_list) // _default_parts(client))
    remote = _scatter(client, network)
    futures = []
    for start, end in ranges(len(origin_list), -(-len(origin_list) // max(1, size))):
        request = {"from": origin_list[start:end], "to": destination_list, "routing": routing, "ch": ch}
        futures.append(
            client.submit(_matrix_block, remote, json.dumps(request), len(origin_list), pure=False)
        )
    blocks = client.gather(futures)
    objective = blocks[0][0]
    from_ids = [place for b in blocks for place in b[1]]
    to_ids = blocks[0][2]
    arrays = {
        name: np.concatenate([_frombuffer(b[3][name]) for b in blocks])
        for name in ("distance_km", "time_h", "cost_usd", "co2_kg")
    }
    if not as_frame:
        shape = (len(from_ids), len(to_ids))
        result: dict[str, Any] = {"objective": objective, "from": from_ids, "to": to_ids}
        result.update({name: a.reshape(shape) for name, a in arrays.items()})
        return result
    return _matrix_frame(objective, from_ids, to_ids, arrays)
