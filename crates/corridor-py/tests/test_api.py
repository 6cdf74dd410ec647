"""Exceptions, scenarios, pickling, tables, the GIL and Ctrl-C."""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import threading
import time

import numpy as np
import pandas as pd
import pytest

import corridor
from conftest import ROOT, UNCERTAINTY


def cli_message(cli, *args: str) -> str:
    """The CLI's error message without `error: ` and its name for the field."""
    return cli.fail(*args).split("\n")[0].removeprefix("error: ")


def test_unknown_place_has_suggestions_and_the_cli_message(net, cli):
    with pytest.raises(corridor.UnknownPlace) as caught:
        net.route("Tashknet", "Almaty")
    error = caught.value
    assert error.code == "unknown_place" and error.field == "from"
    assert error.suggestions[0] == "tashkent (Tashkent)"
    # Same message; the CLI names the field `origin` where Python names it `from`.
    assert str(error).removeprefix("from: ") == cli_message(cli, "route", "Tashknet", "Almaty").removeprefix(
        "origin: "
    )
    assert isinstance(error, corridor.CorridorError) and isinstance(error, LookupError)


def test_no_route_has_a_reason_and_the_cli_message(net, cli):
    with pytest.raises(corridor.NoRoute) as caught:
        net.route("Xian", "Duisburg", modes="sea")
    error = caught.value
    assert error.code == "no_route"
    assert error.reason == "the excluded modes cut the route off"
    assert error.origin.startswith("xian") and error.destination.startswith("duisburg")
    assert str(error) == cli_message(cli, "route", "Xian", "Duisburg", "--modes", "sea")
    with pytest.raises(corridor.NoRoute):
        net.sweep("Xian", "Duisburg", modes="sea", samples=10)


def test_data_error_locates_the_problem(net, cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('format_version = 1\n[[close]]\ncountry = "XX"\n')
    with pytest.raises(corridor.DataError) as caught:
        net.with_scenario(bad)
    error = caught.value
    assert error.code == "bad_data"
    assert (error.file, error.line, error.column) == (str(bad), 2, "country")
    assert error.errors[0]["value"] == "XX"
    assert str(error) == cli.fail("route", "Xian", "Duisburg", "--scenario", str(bad)).removeprefix("error: ")


def test_data_error_for_a_network_folder(tmp_path):
    folder = tmp_path / "net"
    shutil.copytree(ROOT / "data" / "eurasia", folder)
    nodes = (folder / "nodes.csv").read_text().splitlines()
    header = nodes[0].split(",")
    row = nodes[1].split(",")
    row[header.index("lat")] = "4x"
    nodes[1] = ",".join(row)
    (folder / "nodes.csv").write_text("\n".join(nodes) + "\n")
    with pytest.raises(corridor.DataError) as caught:
        corridor.Network.load(folder)
    assert caught.value.file.endswith("nodes.csv") and caught.value.line == 2
    assert caught.value.column == "lat"
    with pytest.raises(corridor.DataError, match="folder does not exist"):
        corridor.Network.load(tmp_path / "missing")


def test_invalid_arguments(net):
    with pytest.raises(corridor.InvalidArgument, match="by: unknown objective 'speed'"):
        net.route("Xian", "Duisburg", by="speed")
    with pytest.raises(corridor.InvalidArgument, match="modes: unknown mode 'air'"):
        net.route("Xian", "Duisburg", modes=["air"])
    with pytest.raises(corridor.InvalidArgument) as caught:
        net.alternatives("Xian", "Duisburg", k=0)
    assert caught.value.field == "k" and isinstance(caught.value, ValueError)
    with pytest.raises(corridor.InvalidArgument) as caught:
        net.alternatives("Xian", "Duisburg", max_shared=1.5)
    assert caught.value.field == "max_shared"
    with pytest.raises(corridor.InvalidArgument, match="samples"):
        net.sweep("Xian", "Duisburg", samples=0)
    with pytest.raises(corridor.InvalidArgument, match="criteria"):
        net.pareto("Xian", "Duisburg", criteria=["time", "speed"])
    with pytest.raises(corridor.InvalidArgument, match="no places given"):
        net.matrix([], ["Baku"])
    with pytest.raises(corridor.UnknownPlace):
        net.matrix(["Xian"], ["Atlantis"])
    with pytest.raises(corridor.InvalidArgument, match="corridor"):
        net.route("Xian", "Duisburg", corridors="silk road to nowhere")
    with pytest.raises(corridor.InvalidArgument, match="row 1: volume"):
        net.flow([{"from": "Xian", "to": "Duisburg", "volume_teu_per_year": float("nan")}])
    with pytest.raises(corridor.InvalidArgument, match="no volume_teu_per_year"):
        net.flow(pd.DataFrame({"from": ["Xian"], "to": ["Duisburg"]}))
    with pytest.raises(corridor.InvalidArgument, match="cannot read"):
        net.flow("no-such-demand.csv")
    with pytest.raises(corridor.InvalidArgument, match="no such file"):
        net.with_scenario("no-such-scenario.toml")


def test_scenarios_as_text_or_path(net):
    text = UNCERTAINTY.read_text()
    by_path = net.with_scenario(UNCERTAINTY)
    by_text = net.with_scenario(text)
    assert by_path.scenarios == [str(UNCERTAINTY)] and by_text.scenarios == ["<string>"]
    a = by_path.sweep("Aktau", "Baku", samples=200, seed=2)
    assert a == by_text.sweep("Aktau", "Baku", samples=200, seed=2)
    assert a == net.sweep("Aktau", "Baku", scenarios=[text], samples=200, seed=2)
    closed = net.with_scenario('format_version = 1\n[[close]]\ncountry = "RU"\n')
    assert "RU" not in closed.route("Xian", "Duisburg")["countries"]
    assert "RU" in net.route("Xian", "Duisburg")["countries"]  # unchanged


def test_networks_pickle_by_source(net, tmp_path):
    changed = net.with_scenario(UNCERTAINTY).with_scenario('format_version = 1\n[[close]]\ncountry = "RU"\n')
    copy = pickle.loads(pickle.dumps(changed))
    assert copy.scenarios == changed.scenarios and copy.source is None
    assert copy.route("Xian", "Duisburg") == changed.route("Xian", "Duisburg")
    assert len(pickle.dumps(changed)) < 10_000
    folder = tmp_path / "eurasia"
    shutil.copytree(ROOT / "data" / "eurasia", folder)
    loaded = corridor.Network.load(folder)
    assert pickle.loads(pickle.dumps(loaded)).source == str(folder)
    assert loaded.route("Xian", "Baku") == net.route("Xian", "Baku")
    assert "eurasia" in repr(loaded)


def test_places(net):
    places = net.places()
    assert {"id", "name", "country", "kind", "lon", "lat"} <= set(places.columns)
    xian = places.set_index("id").loc["xian"]
    assert xian["country"] == "CN" and 30 < xian["lat"] < 40 and 100 < xian["lon"] < 115
    assert len(places) == net.summary()["places"]


def test_to_geodataframe(net):
    r = net.route("Xian", "Duisburg")
    try:
        import geopandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pip install geopandas"):
            corridor.to_geodataframe(r)
        return
    frame = corridor.to_geodataframe(r)
    assert len(frame) == len(r["legs"]) and frame.crs.to_epsg() == 4326
    compared = corridor.to_geodataframe(net.compare("Xian", "Duisburg"))
    assert set(compared["label"]) == {c["corridor"] for c in net.compare("Xian", "Duisburg")["corridors"]}


def test_long_calls_release_the_gil(net):
    """While one thread sweeps in Rust, another keeps running Python code; two threads
    computing matrices at once do not deadlock and agree with one thread."""
    changed = net.with_scenario(UNCERTAINTY)
    done = threading.Event()
    ticks = 0

    def work():
        changed.sweep("Xian", "Duisburg", samples=4000, seed=1)
        done.set()

    worker = threading.Thread(target=work)
    worker.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    assert ticks > 20, "the Python thread did not run while Rust computed"

    hubs = list(net.places().query("kind == 'city'")["id"])[:40]
    expected = net.matrix(hubs, hubs)
    results = [None, None]

    def matrix(i):
        results[i] = net.matrix(hubs, hubs)

    threads = [threading.Thread(target=matrix, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for result in results:
        pd.testing.assert_frame_equal(result, expected)


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="POSIX signals")
def test_ctrl_c_stops_a_long_sweep(net):
    changed = net.with_scenario(UNCERTAINTY)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        changed.sweep("Xian", "Duisburg", samples=2_000_000, seed=1)
    assert time.monotonic() - start < 60
    timer.join()


def test_matrix_numbers_come_from_buffers(net):
    frame = net.matrix(["Xian", "Almaty"], ["Duisburg", "Baku"])
    for column in ("distance_km", "time_h", "cost_usd", "co2_kg"):
        assert frame[column].dtype == np.float64
    assert isinstance(frame["from"].dtype, pd.CategoricalDtype)
