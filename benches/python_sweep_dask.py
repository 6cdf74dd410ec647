"""A sweep over every hub pair (`corridor sweep --hubs`) in-process and on a local Dask
cluster of two worker processes, with the same seed: wall times, the overhead of the
cluster, and a check that both answers are byte-identical.

    python benches/python_sweep_dask.py [SAMPLES] [PARTS]

SAMPLES defaults to 100,000 draws; PARTS (the draw ranges sent to the workers) to 8.
In-process, the sweep uses every core (rayon); on the cluster, each of the two workers
runs one thread (RAYON_NUM_THREADS=1 in its environment), so both use two cores.
"""

import json
import sys
import time
from pathlib import Path

from dask.distributed import Client, LocalCluster

import corridor
import corridor.distributed

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    parts = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    net = corridor.Network.builtin().with_scenario(ROOT / "data" / "scenarios" / "uncertainty.toml")

    start = time.perf_counter()
    local = net.sweep_pairs(samples=samples, seed=7)
    in_process = time.perf_counter() - start

    start = time.perf_counter()
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        env={"RAYON_NUM_THREADS": "1"},
    ) as cluster, Client(cluster) as client:
        started = time.perf_counter() - start
        start = time.perf_counter()
        remote = corridor.distributed.sweep_pairs(client, net, samples=samples, seed=7, parts=parts)
        distributed = time.perf_counter() - start

    identical = json.dumps(remote) == json.dumps(local)
    print(
        json.dumps(
            {
                "samples": samples,
                "pairs": len(local["pairs"]),
                "parts": parts,
                "in_process_s": round(in_process, 2),
                "cluster_start_s": round(started, 2),
                "distributed_s": round(distributed, 2),
                "overhead": round(distributed / in_process - 1, 4),
                "identical": identical,
            }
        )
    )
    assert identical


if __name__ == "__main__":
    main()
