"""A LocalCluster of two worker processes gives exactly the single-process results."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import corridor
import corridor.distributed as cd
from conftest import UNCERTAINTY

pytest.importorskip("dask.distributed")


def test_ranges_cover_everything_once():
    assert cd.ranges(10, 3) == [(0, 3), (3, 6), (6, 10)]
    assert cd.ranges(2, 8) == [(0, 1), (1, 2)]
    assert cd.ranges(1, 1) == [(0, 1)]


@pytest.mark.parametrize("parts", [None, 3, 7])
def test_sweep_is_byte_identical(client, net, parts):
    changed = net.with_scenario(UNCERTAINTY)
    local = changed.sweep("Xian", "Duisburg", samples=2500, seed=11)
    remote = cd.sweep(client, changed, "Xian", "Duisburg", samples=2500, seed=11, parts=parts)
    assert json.dumps(remote) == json.dumps(local)


def test_sweep_takes_scenarios_and_constraints(client, net):
    kwargs = dict(scenarios=[UNCERTAINTY.read_text()], samples=700, seed=4, by="cost", avoid_countries="RU")
    assert cd.sweep(client, net, "Xian", "Duisburg", **kwargs) == net.sweep("Xian", "Duisburg", **kwargs)


def test_sweep_pairs_is_byte_identical(client, net):
    places = ["Xian", "Almaty", "Baku", "Istanbul", "Duisburg"]
    local = net.sweep_pairs(places, scenarios=[UNCERTAINTY], samples=900, seed=9)
    remote = cd.sweep_pairs(client, net, places, scenarios=[UNCERTAINTY], samples=900, seed=9, parts=5)
    assert json.dumps(remote) == json.dumps(local)


def test_sweep_over_hubs_is_identical(client, net):
    changed = net.with_scenario(UNCERTAINTY)
    assert cd.sweep_pairs(client, changed, samples=30, seed=2) == changed.sweep_pairs(samples=30, seed=2)


@pytest.mark.parametrize("ch", [None, True])
def test_matrix_is_byte_identical(client, net, ch):
    places = list(net.places()["id"])
    origins, destinations = places[::3], places[1::2]
    local = net.matrix(origins, destinations, ch=ch, by="cost")
    remote = cd.matrix(client, net, origins, destinations, ch=ch, by="cost", block=17)
    pd.testing.assert_frame_equal(remote, local)
    for column in ("distance_km", "time_h", "cost_usd", "co2_kg"):
        assert remote[column].to_numpy().tobytes() == local[column].to_numpy().tobytes()
    arrays = cd.matrix(client, net, origins, destinations, ch=ch, by="cost", as_frame=False)
    assert np.array_equal(arrays["cost_usd"].ravel(), local["cost_usd"].to_numpy(), equal_nan=True)


def test_errors_surface_before_anything_is_sent(client, net):
    with pytest.raises(corridor.UnknownPlace):
        cd.sweep(client, net, "Atlantis", "Duisburg", samples=10)
    with pytest.raises(corridor.UnknownPlace):
        cd.matrix(client, net, ["Xian"], ["Atlantis"])
    with pytest.raises(corridor.NoRoute):
        cd.sweep(client, net, "Xian", "Duisburg", modes="sea", samples=10)
