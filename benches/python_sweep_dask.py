"""A sweep over every hub pair (`corridor sweep --hubs`) in-process and on a local Dask
cluster of two worker processes, with the same seed: wall times, the overhead of the
cluster, and a check that both answers are byte-identical.

    python benches/python_sweep_dask.py [SAMPLES] [PARTS]

SAMPLES defaults to 100,000 draws; PARTS (the draw ranges sent to the workers) to 8.
The in-process sweep runs before and after the cluster's; the overhead is stated against
their mean, in wall time and in CPU time (this process plus the workers': robust to other
jobs on a shared host).
In-process, the sweep uses every core (rayon); on the cluster, each of the two workers
runs one thread (RAYON_NUM_THREADS=1 in its environment), so both use two cores.
"""

import json
import resource
import sys
import time
from pathlib import Path

from dask.distributed import Client, LocalCluster

import corridor
import corridor.distributed

ROOT = Path(__file__).resolve().parents[1]


def cpu_seconds() -> float:
    """User + system CPU seconds of this process, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    parts = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    net = corridor.Network.builtin().with_scenario(ROOT / "data" / "scenarios" / "uncertainty.toml")

    def in_process_run() -> tuple[dict, float, float]:
        start, cpu = time.perf_counter(), cpu_seconds()
        result = net.sweep_pairs(samples=samples, seed=7)
        return result, time.perf_counter() - start, cpu_seconds() - cpu

    # In-process before and after the cluster run: the host is shared, so the cluster's
    # overhead is stated against the mean of the two.
    local, before, before_cpu = in_process_run()

    start = time.perf_counter()
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        env={"RAYON_NUM_THREADS": "1"},
    ) as cluster, Client(cluster) as client:
        started = time.perf_counter() - start
        workers_cpu = sum(client.run(cpu_seconds).values())
        start, cpu = time.perf_counter(), cpu_seconds()
        remote = corridor.distributed.sweep_pairs(client, net, samples=samples, seed=7, parts=parts)
        distributed = time.perf_counter() - start
        distributed_cpu = cpu_seconds() - cpu + sum(client.run(cpu_seconds).values()) - workers_cpu

    again, after, after_cpu = in_process_run()
    in_process = (before + after) / 2
    in_process_cpu = (before_cpu + after_cpu) / 2
    identical = json.dumps(remote) == json.dumps(local) == json.dumps(again)
    print(
        json.dumps(
            {
                "samples": samples,
                "pairs": len(local["pairs"]),
                "parts": parts,
                "in_process_s": [round(before, 2), round(after, 2)],
                "cluster_start_s": round(started, 2),
                "distributed_s": round(distributed, 2),
                "overhead": round(distributed / in_process - 1, 4),
                "in_process_cpu_s": [round(before_cpu, 2), round(after_cpu, 2)],
                "distributed_cpu_s": round(distributed_cpu, 2),
                "cpu_overhead": round(distributed_cpu / in_process_cpu - 1, 4),
                "identical": identical,
            }
        )
    )
    assert identical


if __name__ == "__main__":
    main()
