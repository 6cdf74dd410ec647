"""Snapshots written by `corridor build` load in Python like network folders (issue 18)."""

from __future__ import annotations

import pickle
import subprocess

import numpy as np
import pytest

import corridor
from conftest import ROOT, _cli

PLACES = ["Xian", "Almaty", "Tashkent", "Baku", "Istanbul", "Duisburg"]


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> str:
    binary = _cli()
    if binary is None:
        pytest.fail("no corridor binary: build it (cargo build -p corridor-cli) or set CORRIDOR_BIN")
    path = tmp_path_factory.mktemp("snapshot") / "eurasia.corridor"
    done = subprocess.run(
        [binary, "build", "--output", str(path), "--ch", "--by", "cost"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"wrote {path}: "), done.stderr
    return str(path)


def test_a_snapshot_answers_as_the_builtin_network(net, snapshot):
    loaded = corridor.Network.load(snapshot)
    assert loaded.route("Xian", "Duisburg", by="cost") == net.route("Xian", "Duisburg", by="cost")
    assert loaded.compare("Tashkent", "Baku") == net.compare("Tashkent", "Baku")
    # The stored hierarchy (by cost) gives the plain matrix's costs.
    fast = loaded.matrix(PLACES, PLACES, by="cost", as_frame=False)
    plain = net.matrix(PLACES, PLACES, by="cost", ch=False, as_frame=False)
    assert np.allclose(fast["cost_usd"], plain["cost_usd"], equal_nan=True)
    # A loaded snapshot pickles by its path, like a folder.
    assert pickle.loads(pickle.dumps(loaded)).route("Almaty", "Baku") == loaded.route("Almaty", "Baku")


def test_a_corrupt_snapshot_is_a_data_error(snapshot, tmp_path):
    data = bytearray(open(snapshot, "rb").read())
    data[-1] ^= 1
    broken = tmp_path / "broken.corridor"
    broken.write_bytes(bytes(data))
    with pytest.raises(corridor.DataError) as caught:
        corridor.Network.load(broken)
    assert "checksum mismatch" in str(caught.value)
    truncated = tmp_path / "truncated.corridor"
    truncated.write_bytes(bytes(data[: len(data) // 2]))
    with pytest.raises(corridor.DataError, match="truncated"):
        corridor.Network.load(truncated)
