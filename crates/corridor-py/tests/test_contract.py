"""Every call returns json.loads of what `corridor ... --format json` prints."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import corridor
from conftest import DEMAND, UNCERTAINTY


@pytest.mark.parametrize(
    "kwargs, flags",
    [
        ({}, []),
        ({"by": "cost"}, ["--by", "cost"]),
        ({"by": "co2", "avoid_countries": ["RU"]}, ["--by", "co2", "--avoid-country", "RU"]),
        ({"via": "Tbilisi"}, ["--via", "Tbilisi"]),
        ({"corridors": "trans-caspian", "by": "generalized"}, ["--corridor", "trans-caspian", "--by", "generalized"]),
        ({"modes": ["rail", "ferry"], "include_planned": True}, ["--modes", "rail,ferry", "--include-planned"]),
        ({"volume_teu_per_year": 50_000}, ["--volume", "50000"]),
        ({"booked": True, "by": "cost"}, ["--booked", "--by", "cost"]),
    ],
)
def test_route_equals_cli(net, cli, kwargs, flags):
    assert net.route("Xian", "Duisburg", **kwargs) == cli("route", "Xian", "Duisburg", *flags)


def test_issue_example(net, cli):
    r = net.route("Tashkent", "Almaty", by="cost")
    assert r == cli("route", "Tashkent", "Almaty", "--by", "cost")
    assert set(r["totals"]) == {"distance_km", "time_h", "time_days", "cost_usd", "co2_kg"}


def test_compare_equals_cli(net, cli):
    assert net.compare("Xian", "Duisburg") == cli("compare", "Xian", "Duisburg")
    assert net.compare("Xian", "Duisburg", by="cost") == cli("compare", "Xian", "Duisburg", "--by", "cost")


def test_compare_as_frame(net):
    compared = net.compare("Xian", "Duisburg")
    frame = net.compare("Xian", "Duisburg", as_frame=True)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["corridor"]) == [c["corridor"] for c in compared["corridors"]]
    assert {"corridor", "time_days", "cost_usd", "co2_kg", "countries"} <= set(frame.columns)
    assert frame["best"].sum() >= 1
    first = compared["corridors"][0]["route"]
    assert frame.loc[0, "cost_usd"] == first["totals"]["cost_usd"]
    assert frame.loc[0, "countries"] == " ".join(first["countries"])


def test_alternatives_and_pareto_equal_cli(net, cli):
    assert net.alternatives("Tashkent", "Almaty", k=4) == cli("alternatives", "Tashkent", "Almaty", "-k", "4")
    assert net.alternatives("Xian", "Duisburg", k=4, max_shared=0.5) == cli(
        "alternatives", "Xian", "Duisburg", "-k", "4", "--max-shared", "0.5"
    )
    assert net.pareto("Xian", "Duisburg") == cli("pareto", "Xian", "Duisburg")
    assert net.pareto("Xian", "Duisburg", criteria=["time", "co2"]) == cli(
        "pareto", "Xian", "Duisburg", "--criteria", "time,co2"
    )


def test_diff_equals_cli(net, cli):
    closed = "data/scenarios/northern-route-closed.toml"
    ours = net.diff("Xian", "Duisburg", str(corridor_root() / closed))
    theirs = cli("diff", "Xian", "Duisburg", "--scenario", str(corridor_root() / closed))
    assert ours == theirs
    assert ours["route_changed"]


def corridor_root():
    from conftest import ROOT

    return ROOT


def _matrix_pairs(frame: pd.DataFrame) -> list[dict]:
    pairs = []
    for row in frame.itertuples(index=False):
        values = {k: getattr(row, k) for k in ("distance_km", "time_h", "cost_usd", "co2_kg")}
        pairs.append(
            {
                "from": row[0],
                "to": row[1],
                "reachable": bool(row.reachable),
                **{k: (None if math.isnan(v) else v) for k, v in values.items()},
            }
        )
    return pairs


@pytest.mark.parametrize(
    "kwargs, flags",
    [
        ({}, []),
        ({"by": "cost"}, ["--by", "cost"]),
        ({"modes": "sea"}, ["--modes", "sea"]),  # Xi'an is unreachable by sea: NaN cells
        ({"ch": True}, ["--engine", "ch"]),
    ],
)
def test_matrix_equals_cli(net, cli, kwargs, flags):
    origins, destinations = ["Xian", "Almaty", "Shanghai"], ["Duisburg", "Istanbul", "Rotterdam"]
    frame = net.matrix(origins, destinations, **kwargs)
    theirs = cli("matrix", "--from", ",".join(origins), "--to", ",".join(destinations), *flags)
    assert frame.attrs["objective"] == theirs["objective"]
    assert _matrix_pairs(frame) == theirs["pairs"]
    assert frame["time_h"].dtype == "float64"
    assert list(frame.columns[:6]) == ["from", "to", "distance_km", "time_h", "cost_usd", "co2_kg"]


def test_matrix_has_unreachable_cells_as_nan(net):
    frame = net.matrix(["Xian"], ["Rotterdam"], modes="sea")
    assert not frame["reachable"].any() and frame["time_h"].isna().all()


def test_matrix_arrays(net):
    m = net.matrix(["Xian", "Almaty"], ["Duisburg", "Istanbul", "Baku"], by="cost", as_frame=False)
    assert m["from"] == ["xian", "almaty"] and m["to"] == ["duisburg", "istanbul", "baku"]
    assert m["cost_usd"].shape == (2, 3)
    frame = net.matrix(["Xian", "Almaty"], ["Duisburg", "Istanbul", "Baku"], by="cost")
    assert (m["cost_usd"].ravel() == frame["cost_usd"].to_numpy()).all()


def test_matrix_with_repeated_places(net):
    frame = net.matrix(["Xian", "Xian"], ["Xian", "Baku"])
    assert list(frame["from"]) == ["xian"] * 4 and list(frame["to"]) == ["xian", "baku"] * 2


def test_flow_equals_cli(net, cli):
    theirs = cli("flow", "--demand", str(DEMAND))
    assert net.flow(DEMAND) == theirs
    demand = pd.read_csv(DEMAND)[["from", "to", "volume_teu_per_year"]]
    assert net.flow(demand) == theirs
    assert net.flow(demand.to_dict("records")) == theirs
    assert net.flow(demand, by="time") == cli("flow", "--demand", str(DEMAND), "--by", "time")


def test_sweep_equals_cli(net, cli):
    ours = net.sweep("Xian", "Duisburg", scenarios=[str(UNCERTAINTY)], samples=3000, seed=7)
    theirs = cli(
        "sweep", "Xian", "Duisburg", "--scenario", str(UNCERTAINTY), "--samples", "3000", "--seed", "7"
    )
    assert ours == theirs
    assert ours["samples"] == 3000 and ours["seed"] == 7


def test_sweep_pairs_equals_cli(net, cli):
    places = ["Xian", "Almaty", "Baku", "Istanbul"]
    ours = net.sweep_pairs(places, scenarios=[str(UNCERTAINTY)], samples=600, seed=3)
    theirs = cli(
        "sweep", "--places", ",".join(places), "--scenario", str(UNCERTAINTY),
        "--samples", "600", "--seed", "3",
    )
    assert ours == theirs


def test_sweep_over_hubs_equals_cli(net, cli):
    ours = net.sweep_pairs(scenarios=[str(UNCERTAINTY)], samples=20, seed=5)
    theirs = cli("sweep", "--hubs", "--scenario", str(UNCERTAINTY), "--samples", "20", "--seed", "5")
    assert ours == theirs


def test_summary_and_corridors_equal_cli(net, cli):
    assert net.summary() == cli("validate")["summary"]
    assert net.corridors() == cli("corridors")
