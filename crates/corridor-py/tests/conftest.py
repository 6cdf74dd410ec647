"""Shared fixtures: the built-in network, the CLI binary to compare with, a Dask cluster."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import corridor

#: The repository root (tests run from a checkout).
ROOT = Path(__file__).resolve().parents[3]
UNCERTAINTY = ROOT / "data" / "scenarios" / "uncertainty.toml"
DEMAND = ROOT / "data" / "demand" / "middle-corridor-2030.csv"


def _cli() -> str | None:
    """The `corridor` binary: $CORRIDOR_BIN, else a build in target/, else on PATH."""
    if os.environ.get("CORRIDOR_BIN"):
        return os.environ["CORRIDOR_BIN"]
    for build in ("debug", "release"):
        path = ROOT / "target" / build / "corridor"
        if path.exists():
            return str(path)
    return shutil.which("corridor")


@pytest.fixture(scope="session")
def cli():
    """Runs the CLI with `--format json` and returns `json.loads` of its output."""
    binary = _cli()
    if binary is None:
        pytest.fail("no corridor binary: build it (cargo build -p corridor-cli) or set CORRIDOR_BIN")

    def run(*args: str) -> object:
        done = subprocess.run(
            [binary, *args, "--format", "json"], capture_output=True, text=True, cwd=ROOT
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def fail(*args: str) -> str:
        done = subprocess.run([binary, *args], capture_output=True, text=True, cwd=ROOT)
        assert done.returncode != 0, done.stdout
        return done.stderr.strip()

    run.fail = fail  # type: ignore[attr-defined]
    return run


@pytest.fixture(scope="session")
def net() -> corridor.Network:
    return corridor.Network.builtin()


@pytest.fixture(scope="module")
def client():
    """A local Dask cluster of two worker processes, one thread each."""
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        yield client
