"""corridor: route planning on Eurasian freight corridors, from Python.

A network answers the questions of the ``corridor`` command-line tool and returns what
its ``--format json`` prints, as plain dicts and lists (``json.loads`` of the same
text), or pandas DataFrames and numpy arrays where tables fit::

    import corridor
    net = corridor.Network.builtin()                  # or corridor.Network.load("my-network/")
    r = net.route("Tashkent", "Almaty", by="cost")
    df = net.compare("Xian", "Duisburg", as_frame=True)
    m = net.matrix(["Xian", "Almaty"], ["Duisburg", "Istanbul"], by="time")
    s = net.sweep("Xian", "Duisburg", scenarios=["data/scenarios/uncertainty.toml"],
                  samples=10_000, seed=7)

Every routing call takes the same keyword constraints (see :meth:`Network.route`).
Errors are :mod:`corridor.errors` exceptions with the command-line tool's messages.
Long calls release the GIL (other threads run) and stop on Ctrl-C between chunks.
:mod:`corridor.distributed` runs sweeps and matrices on a Dask cluster.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional, Sequence, Union

import numpy as np

from . import _corridor
from .errors import (
    CorridorError,
    DataError,
    InvalidArgument,
    NoRoute,
    TooLarge,
    UnknownPlace,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "CorridorError",
    "DataError",
    "InvalidArgument",
    "MAX_ALTERNATIVES",
    "MAX_SAMPLES",
    "Network",
    "NoRoute",
    "OBJECTIVES",
    "TooLarge",
    "UnknownPlace",
    "to_geodataframe",
]

#: What a route can minimise (``by=``).
OBJECTIVES = ("distance", "time", "cost", "co2", "generalized")
#: Transport modes (``modes=``).
MODES = ("rail", "road", "sea", "ferry")
#: The most draws one sweep takes.
MAX_SAMPLES: int = _corridor.MAX_SAMPLES
#: The most routes ``alternatives`` lists.
MAX_ALTERNATIVES: int = _corridor.MAX_ALTERNATIVES

#: A scenario: TOML text (the format of docs/scenarios.md) or the path of a TOML file.
Scenario = Union[str, "os.PathLike[str]"]
#: Places: ids, names, aliases or ``"lat,lon"``.
Places = Union[str, Iterable[str]]

_MATRIX_COLUMNS = ("distance_km", "time_h", "cost_usd", "co2_kg")


def _list(value: Optional[Places]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _objective(by: Optional[str]) -> Optional[str]:
    if by is None:
        return None
    if by not in OBJECTIVES:
        error = InvalidArgument(
            f"by: unknown objective {by!r}; expected distance, time, cost, co2 or generalized"
        )
        error.code, error.field = "bad_parameter", "by"
        raise error
    return by


def _routing(
    origin: str = "",
    destination: str = "",
    *,
    by: Optional[str] = None,
    via: Optional[Places] = None,
    avoid_countries: Optional[Places] = None,
    avoid: Optional[Places] = None,
    modes: Optional[Places] = None,
    corridors: Optional[Places] = None,
    avoid_corridors: Optional[Places] = None,
    include_planned: bool = False,
    booked: bool = False,
    volume_teu_per_year: Optional[float] = None,
    value_of_time_usd_per_teu_h: Optional[float] = None,
) -> dict[str, Any]:
    """The library's ``RouteRequest`` as a dict (its JSON field names)."""
    mode_list = _list(modes)
    for mode in mode_list:
        if mode not in MODES:
            error = InvalidArgument(
                f"modes: unknown mode {mode!r}; expected rail, road, sea or ferry"
            )
            error.code, error.field = "bad_parameter", "modes"
            raise error
    return {
        "from": str(origin),
        "to": str(destination),
        "by": _objective(by),
        "via": _list(via),
        "avoid_countries": _list(avoid_countries),
        "avoid": _list(avoid),
        "modes": mode_list,
        "corridors": _list(corridors),
        "avoid_corridors": _list(avoid_corridors),
        "include_planned": bool(include_planned),
        "booked": bool(booked),
        "volume_teu_per_year": None if volume_teu_per_year is None else float(volume_teu_per_year),
        "value_of_time_usd_per_teu_h": None
        if value_of_time_usd_per_teu_h is None
        else float(value_of_time_usd_per_teu_h),
    }


def _scenario(scenario: Scenario) -> tuple[str, str]:
    """A scenario as ``(name, TOML text)``: a path (``os.PathLike``, or a string naming an
    existing file) is read and named as given, as the CLI names it; other strings are TOML
    text named ``<string>``."""
    if isinstance(scenario, os.PathLike) or (
        isinstance(scenario, str) and "\n" not in scenario and os.path.isfile(scenario)
    ):
        path = os.fspath(scenario)
        with open(path, encoding="utf-8") as file:
            return str(path), file.read()
    if not isinstance(scenario, str):
        raise TypeError(f"a scenario is TOML text or a path, not {type(scenario).__name__}")
    if "\n" not in scenario and "=" not in scenario:
        error = InvalidArgument(
            f"scenario: cannot read {scenario}: no such file (and not TOML text)"
        )
        error.code, error.field = "bad_parameter", "scenario"
        raise error
    return "<string>", scenario


def _frombuffer(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f8")


class Network:
    """A network ready to answer routing requests (the library's ``Engine``).

    Make one with :meth:`builtin`, :meth:`load` or :meth:`with_scenario`. A network is
    immutable, safe to share between threads, and picklable by its source (built-in or
    folder path, plus the scenario texts applied), so it ships cheaply to Dask workers;
    a loaded folder must be readable at the same path there.

    Routing methods take keyword constraints, the same as the CLI's flags:

    - ``by``: ``"distance"``, ``"time"`` (default), ``"cost"``, ``"co2"`` or
      ``"generalized"``;
    - ``via``: places to pass through, in order (a route does not go to one and back
      the way it came unless no route passes through it);
    - ``avoid_countries``: ISO codes or names of countries not to enter;
    - ``avoid``: places not to pass;
    - ``modes``: modes allowed (``rail``, ``road``, ``sea``, ``ferry``);
    - ``corridors``: corridor tags or names to run on; ``avoid_corridors``: not to use;
    - ``include_planned``: also use planned and under-construction legs;
    - ``booked``: the freight is booked on a departure from the origin, so the wait for
      the first service there is not counted (liner and block-train transit times);
    - ``volume_teu_per_year``: only legs and places with capacity for this volume;
    - ``value_of_time_usd_per_teu_h``: for the generalized objective.

    Places are ids, names, aliases or ``"lat,lon"``; list arguments take one string or
    a list.
    """

    __slots__ = ("_engine", "_source", "_scenarios")

    def __init__(self, engine: Any, source: Optional[str], scenarios: tuple[tuple[str, str], ...]):
        # Private: use builtin(), load() or with_scenario().
        self._engine = engine
        self._source = source
        self._scenarios = scenarios

    # -- making networks ------------------------------------------------------------

    @classmethod
    def builtin(cls) -> "Network":
        """The built-in Eurasian network (embedded in the package)."""
        return cls(_corridor.Engine.builtin(), None, ())

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"]) -> "Network":
        """Loads a network folder (``nodes.csv``, ``legs.csv``, optional ``network.toml``)
        or a snapshot file written by ``corridor build`` (recognised by its first bytes;
        matrices from 16 origins on use its contraction hierarchies unless ``ch=False``).

        Raises :class:`DataError` locating every problem by file, line and column.
        """
        path = os.fspath(path)
        return cls(_corridor.Engine.load(path), path, ())

    def with_scenario(self, scenario: Scenario) -> "Network":
        """A new network with ``scenario`` applied (TOML text or a path; this one is
        unchanged). Its ``[[uncertain]]`` entries are drawn by :meth:`sweep`; routing
        uses their central values. Raises :class:`DataError` for a bad scenario."""
        name, text = _scenario(scenario)
        return Network(
            self._engine.with_scenario(name, text), self._source, self._scenarios + ((name, text),)
        )

    def with_scenarios(self, scenarios: Iterable[Scenario]) -> "Network":
        """:meth:`with_scenario` for each of ``scenarios``, in order."""
        network = self
        for scenario in scenarios:
            network = network.with_scenario(scenario)
        return network

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (self._source, self._scenarios))

    def __repr__(self) -> str:
        source = "builtin" if self._source is None else repr(self._source)
        names = ", ".join(name for name, _ in self._scenarios)
        scenarios = f", scenarios=[{names}]" if names else ""
        return f"<corridor.Network {source}{scenarios}>"

    @property
    def source(self) -> Optional[str]:
        """The folder loaded, or ``None`` for the built-in network."""
        return self._source

    @property
    def scenarios(self) -> list[str]:
        """The names of the scenarios applied, in order (paths as given, ``<string>``
        for text)."""
        return [name for name, _ in self._scenarios]

    # -- what the network holds -----------------------------------------------------

    def places(self) -> "pd.DataFrame":
        """The places: ``id``, ``name``, ``country`` (ISO code or ``None``), ``kind``,
        ``lon``, ``lat`` (WGS84)."""
        import pandas as pd

        columns = self._engine.places()
        columns["lon"] = _frombuffer(columns["lon"])
        columns["lat"] = _frombuffer(columns["lat"])
        return pd.DataFrame(columns)

    def summary(self) -> dict[str, Any]:
        """What the network holds (``corridor validate --format json``'s ``summary``)."""
        return json.loads(self._engine.summary())

    def corridors(self) -> list[dict[str, Any]]:
        """Every corridor tag with its names and extent (``corridor corridors --format
        json``)."""
        return json.loads(self._engine.corridors())

    # -- routing --------------------------------------------------------------------

    def route(self, origin: str, destination: str, *, by: str = "time", **constraints: Any) -> dict[str, Any]:
        """The best route: ``json.loads`` of ``corridor route ORIGIN DESTINATION --format
        json`` with the same options (keys ``from``, ``to``, ``totals``, ``legs``,
        ``transfers``, ``countries``, ``corridors``, ``bottleneck``...).

        Raises :class:`UnknownPlace` (with ``suggestions``), :class:`NoRoute` (with
        ``reason``) or :class:`InvalidArgument`.
        """
        request = _routing(origin, destination, by=by, **constraints)
        return json.loads(self._engine.route(json.dumps(request)))

    def compare(
        self,
        origin: str,
        destination: str,
        *,
        by: str = "time",
        as_frame: bool = False,
        **constraints: Any,
    ) -> Union[dict[str, Any], "pd.DataFrame"]:
        """The best route overall, the best per corridor and why the other corridors
        cannot serve the pair: ``corridor compare --format json`` (keys ``best``,
        ``corridors``, ``unserved``).

        With ``as_frame=True``, a DataFrame with one row per corridor route, best first:
        ``corridor``, ``time_days``, ``time_h``, ``cost_usd``, ``co2_kg``,
        ``distance_km``, ``countries`` (``"CN KZ ..."``), ``border_crossings``,
        ``handlings``, ``best`` (whether it is the best route overall).
        """
        request = _routing(origin, destination, by=by, **constraints)
        result = json.loads(self._engine.compare(json.dumps(request)))
        if not as_frame:
            return result
        import pandas as pd

        best_legs = None if result["best"] is None else result["best"]["legs"]
        rows = []
        for entry in result["corridors"]:
            route = entry["route"]
            totals = route["totals"]
            rows.append(
                {
                    "corridor": entry["corridor"],
                    "time_days": totals["time_days"],
                    "time_h": totals["time_h"],
                    "cost_usd": totals["cost_usd"],
                    "co2_kg": totals["co2_kg"],
                    "distance_km": totals["distance_km"],
                    "countries": " ".join(route["countries"]),
                    "border_crossings": route["border_crossings"],
                    "handlings": route["handlings"],
                    "best": route["legs"] == best_legs,
                }
            )
        columns = [
            "corridor", "time_days", "time_h", "cost_usd", "co2_kg", "distance_km",
            "countries", "border_crossings", "handlings", "best",
        ]
        return pd.DataFrame(rows, columns=columns)

    def alternatives(
        self,
        origin: str,
        destination: str,
        k: int = 3,
        *,
        by: str = "time",
        max_shared: float | None = None,
        **constraints: Any,
    ) -> dict[str, Any]:
        """Up to ``k`` (1 to :data:`MAX_ALTERNATIVES`) best routes that never visit a
        place twice: ``corridor alternatives -k K --format json`` (key ``routes``).

        With ``max_shared`` (0 to below 1), routes that differ: every two share at most
        that share of the kilometres of the shorter one, as ``--max-shared``."""
        request = _routing(origin, destination, by=by, **constraints)
        share = None if max_shared is None else float(max_shared)
        return json.loads(self._engine.alternatives(json.dumps(request), int(k), share))

    def pareto(
        self,
        origin: str,
        destination: str,
        criteria: Sequence[str] = ("time", "cost"),
        **constraints: Any,
    ) -> dict[str, Any]:
        """The routes not beaten on all of ``criteria`` (2 to 4 of ``distance``,
        ``time``, ``cost``, ``co2``) at once: ``corridor pareto --format json``."""
        request = _routing(origin, destination, **constraints)
        return json.loads(self._engine.pareto(json.dumps(request), _list(criteria)))

    def diff(
        self,
        origin: str,
        destination: str,
        scenarios: Union[Scenario, Sequence[Scenario]],
        *,
        by: str = "time",
        **constraints: Any,
    ) -> dict[str, Any]:
        """The best route on this network and with ``scenarios`` applied, side by side:
        ``corridor diff --format json`` (keys ``baseline``, ``scenario``, ``delta``,
        ``route_changed``, ``scenarios``)."""
        if isinstance(scenarios, (str, os.PathLike)):
            scenarios = [scenarios]
        files = [_scenario(s) for s in scenarios]
        request = _routing(origin, destination, by=by, **constraints)
        return json.loads(self._engine.diff(json.dumps(request), files))

    # -- tables ---------------------------------------------------------------------

    def matrix(
        self,
        origins: Places,
        destinations: Places,
        *,
        by: str = "time",
        ch: Optional[bool] = None,
        as_frame: bool = True,
        **constraints: Any,
    ) -> Union["pd.DataFrame", dict[str, Any]]:
        """Best-route totals from every origin to every destination, computed in
        parallel in Rust (contraction hierarchies from 300 origins on unless ``ch``
        says).

        Returns a DataFrame, origins outer and destinations inner (the order of
        ``corridor matrix --format json``'s ``pairs``), with columns ``from``, ``to``
        (categoricals of place ids), ``distance_km``, ``time_h``, ``cost_usd``,
        ``co2_kg`` (float64, rounded like the JSON, NaN where unreachable) and
        ``reachable``. The numbers are numpy arrays filled from Rust buffers, without a
        Python object per cell.

        With ``as_frame=False``: a dict with ``objective``, ``from`` and ``to`` (id
        lists), and each quantity as a 2-D array of shape ``(len(from), len(to))``.
        """
        return _matrix(self, _list(origins), _list(destinations), by, ch, as_frame, constraints, None)

    def flow(
        self,
        demand: Union["pd.DataFrame", Iterable[Mapping[str, Any]], str, "os.PathLike[str]"],
        *,
        by: str = "cost",
        **constraints: Any,
    ) -> dict[str, Any]:
        """The optimal allocation of ``demand`` over the capacity-limited network:
        ``corridor flow --demand FILE --format json``.

        ``demand`` is a DataFrame (or records) with columns ``from``, ``to``,
        ``volume_teu_per_year``, or the path of such a CSV file (errors located by file
        and line, as :class:`DataError`).
        """
        routing = _routing(by=by, **constraints)
        if isinstance(demand, (str, os.PathLike)):
            path = os.fspath(demand)
            try:
                with open(path, "rb") as file:
                    data = file.read()
            except OSError as e:
                error = InvalidArgument(f"demand: cannot read {path}: {e.strerror}")
                error.code, error.field = "bad_parameter", "demand"
                raise error from None
            return json.loads(self._engine.flow_csv(str(path), data, json.dumps(routing)))
        records = demand.to_dict("records") if hasattr(demand, "to_dict") else list(demand)
        rows = []
        for i, record in enumerate(records):
            missing = [c for c in ("from", "to", "volume_teu_per_year") if c not in record]
            if missing:
                error = InvalidArgument(
                    f"demands: row {i + 1}: no {', '.join(missing)}; expected the columns "
                    "from, to, volume_teu_per_year"
                )
                error.code, error.field = "bad_parameter", "demands"
                raise error
            try:
                volume = float(record["volume_teu_per_year"])
                if not np.isfinite(volume):
                    raise ValueError
            except (TypeError, ValueError):
                error = InvalidArgument(
                    f"demands: row {i + 1}: volume {record['volume_teu_per_year']!r} is not a number"
                )
                error.code, error.field = "bad_parameter", "demands"
                raise error from None
            rows.append(
                {"from": str(record["from"]), "to": str(record["to"]), "volume_teu_per_year": volume}
            )
        request = {"demands": rows, "routing": routing}
        return json.loads(self._engine.flow(json.dumps(request)))

    # -- sweeps ---------------------------------------------------------------------

    def sweep(
        self,
        origin: str,
        destination: str,
        *,
        scenarios: Iterable[Scenario] = (),
        samples: int = 1000,
        seed: int = 1,
        by: str = "time",
        **constraints: Any,
    ) -> dict[str, Any]:
        """Monte Carlo reliability: routes the pair in ``samples`` draws of the
        ``[[uncertain]]`` quantities of the scenarios applied to this network and of
        ``scenarios`` (reproducible from ``seed``, the same whatever the threads or
        machines), and summarises door-to-door time and cost per route chosen:
        ``corridor sweep ORIGIN DESTINATION --scenario ... --format json`` (keys
        ``samples``, ``seed``, ``reached``, ``no_route_share``, ``time_h``, ``cost_usd``,
        ``routes``)."""
        network = self.with_scenarios(scenarios)
        request = _routing(origin, destination, by=by, **constraints)
        return json.loads(network._engine.sweep(json.dumps(request), int(samples), int(seed)))

    def sweep_pairs(
        self,
        places: Optional[Places] = None,
        *,
        scenarios: Iterable[Scenario] = (),
        samples: int = 1000,
        seed: int = 1,
        by: str = "time",
        **constraints: Any,
    ) -> dict[str, Any]:
        """A sweep over every ordered pair of ``places`` (every hub — city, port, dry
        port — when ``None``), one matrix per draw: ``corridor sweep --hubs`` (or
        ``--places``) ``--format json``. Counts and means are exact; percentiles are
        within ``percentile_relative_accuracy``."""
        network = self.with_scenarios(scenarios)
        routing = _routing(by=by, **constraints)
        return json.loads(
            network._engine.sweep_pairs(json.dumps(routing), _list(places), int(samples), int(seed))
        )


def _restore(source: Optional[str], scenarios: tuple[tuple[str, str], ...]) -> Network:
    """Rebuilds a pickled :class:`Network` from its source."""
    network = Network.builtin() if source is None else Network.load(source)
    for name, text in scenarios:
        network = Network(
            network._engine.with_scenario(name, text), source, network._scenarios + ((name, text),)
        )
    return network


def _matrix(
    network: Network,
    origins: list[str],
    destinations: list[str],
    by: str,
    ch: Optional[bool],
    as_frame: bool,
    constraints: dict[str, Any],
    ch_origins: Optional[int],
) -> Union["pd.DataFrame", dict[str, Any]]:
    request = {
        "from": origins,
        "to": destinations,
        "routing": _routing(by=by, **constraints),
        "ch": ch,
    }
    objective, from_ids, to_ids, columns = network._engine.matrix(json.dumps(request), ch_origins)
    arrays = {name: _frombuffer(columns[name]) for name in _MATRIX_COLUMNS}
    if not as_frame:
        shape = (len(from_ids), len(to_ids))
        result: dict[str, Any] = {"objective": objective, "from": from_ids, "to": to_ids}
        result.update({name: a.reshape(shape) for name, a in arrays.items()})
        return result
    return _matrix_frame(objective, from_ids, to_ids, arrays)


def _matrix_frame(
    objective: str, from_ids: list[str], to_ids: list[str], arrays: Mapping[str, np.ndarray]
) -> "pd.DataFrame":
    import pandas as pd

    n_from, n_to = len(from_ids), len(to_ids)
    # Categoricals: one code per cell, ids once (duplicates keep their position).
    from_codes = np.repeat(np.arange(n_from, dtype=np.int32), n_to)
    to_codes = np.tile(np.arange(n_to, dtype=np.int32), n_from)
    frame = pd.DataFrame(
        {
            "from": _categorical(from_ids, from_codes),
            "to": _categorical(to_ids, to_codes),
            **{name: arrays[name] for name in _MATRIX_COLUMNS},
        }
    )
    frame["reachable"] = ~np.isnan(arrays["time_h"])
    frame.attrs["objective"] = objective
    return frame


def _categorical(ids: list[str], codes: np.ndarray) -> Any:
    import pandas as pd

    unique = list(dict.fromkeys(ids))
    if len(unique) != len(ids):
        position = {place: i for i, place in enumerate(unique)}
        codes = np.asarray([position[p] for p in ids], dtype=np.int32)[codes]
    return pd.Categorical.from_codes(codes, categories=unique)


def to_geodataframe(result: Mapping[str, Any], network: Optional[Network] = None) -> Any:
    """The legs of a route (a :meth:`Network.route` result, or any result with routes:
    ``compare``, ``alternatives``, ``pareto``, ``diff``) as a ``geopandas.GeoDataFrame``
    of straight LineStrings between place coordinates (WGS84, EPSG:4326), one row per
    leg with ``route`` (which route), ``label``, and the leg's keys.

    ``network`` gives the coordinates (the built-in network when ``None``). Needs
    geopandas (``pip install geopandas``); raises ``ImportError`` saying so otherwise.
    """
    try:
        import geopandas
        from shapely.geometry import LineString
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "corridor.to_geodataframe needs geopandas: pip install geopandas"
        ) from e
    network = network or Network.builtin()
    places = network.places().set_index("id")
    coords = dict(zip(places.index, zip(places["lon"], places["lat"])))
    rows, geometry = [], []
    for index, (label, route) in enumerate(_routes_of(result)):
        for leg in route["legs"]:
            rows.append({"route": index, "label": label, **leg})
            geometry.append(LineString([coords[leg["from"]], coords[leg["to"]]]))
    return geopandas.GeoDataFrame(rows, geometry=geometry, crs="EPSG:4326")


def _routes_of(result: Mapping[str, Any]) -> list[tuple[Optional[str], Mapping[str, Any]]]:
    if "legs" in result:
        return [(None, result)]
    if "corridors" in result and "unserved" in result:
        return [(c["corridor"], c["route"]) for c in result["corridors"]]
    if "routes" in result:
        return [(None, r) for r in result["routes"]]
    if "baseline" in result:
        return [(k, result[k]) for k in ("baseline", "scenario") if result.get(k)]
    raise TypeError("expected a route, or a compare, alternatives, pareto or diff result")
