"""Type stubs of the compiled extension ``corridor._corridor`` (src/lib.rs).

Internal: use :class:`corridor.Network`. Requests are JSON text with the fields of the
library's ``RouteRequest``, ``MatrixRequest`` and ``FlowRequest``; answers are the JSON
text of the library's views (the CLI's ``--format json``) or little-endian float64
buffers. Errors raise the exceptions of :mod:`corridor.errors`.
"""

from typing import Optional

#: The most draws one sweep takes.
MAX_SAMPLES: int
#: The most routes ``alternatives`` lists.
MAX_ALTERNATIVES: int

class Engine:
    """A network behind the library's front door, with its uncertain quantities."""

    @staticmethod
    def builtin() -> Engine:
        """The built-in Eurasian network."""
    @staticmethod
    def load(path: str) -> Engine:
        """Loads a network folder; raises ``DataError``."""
    def with_scenario(self, name: str, toml: str) -> Engine:
        """This network with one scenario (TOML text, ``name`` in error locations)."""
    def uncertain(self) -> int:
        """Number of uncertain quantities of the scenarios applied."""
    def places(self) -> dict[str, object]:
        """Columns ``id``, ``name``, ``country``, ``kind`` (lists) and ``lon``, ``lat``
        (float64 bytes)."""
    def summary(self) -> str:
        """``corridor validate --format json``'s summary."""
    def corridors(self) -> str:
        """``corridor corridors --format json``."""
    def route(self, request_json: str) -> str:
        """``corridor route --format json``."""
    def compare(self, request_json: str) -> str:
        """``corridor compare --format json``."""
    def alternatives(self, request_json: str, k: int, max_shared: float | None = None) -> str:
        """``corridor alternatives --format json`` (``--max-shared`` with ``max_shared``)."""
    def pareto(self, request_json: str, criteria: list[str]) -> str:
        """``corridor pareto --format json``."""
    def diff(self, request_json: str, scenarios: list[tuple[str, str]]) -> str:
        """``corridor diff --format json`` with ``(name, TOML text)`` scenarios."""
    def flow(self, request_json: str) -> str:
        """``corridor flow --format json`` for demand rows."""
    def flow_csv(self, name: str, csv: bytes, routing_json: str) -> str:
        """``corridor flow --format json`` for a demand CSV named ``name``."""
    def matrix(
        self, request_json: str, ch_origins: Optional[int] = None
    ) -> tuple[str, list[str], list[str], dict[str, bytes]]:
        """``(objective, from ids, to ids, columns)``: ``distance_km``, ``time_h``,
        ``cost_usd``, ``co2_kg`` as row-major float64 bytes, NaN where unreachable;
        contraction hierarchies decided for ``ch_origins`` origins when given."""
    def sweep(self, request_json: str, samples: int, seed: int) -> str:
        """``corridor sweep FROM TO --format json``."""
    def sweep_part(self, request_json: str, start: int, end: int, seed: int) -> bytes:
        """Draws ``start..end`` of a sweep, for :meth:`merge_sweep`."""
    def merge_sweep(self, request_json: str, samples: int, seed: int, parts: list[bytes]) -> str:
        """The sweep from parts covering ``0..samples``."""
    def sweep_pairs(self, routing_json: str, places: list[str], samples: int, seed: int) -> str:
        """``corridor sweep --hubs/--places --format json``."""
    def sweep_pairs_part(
        self, routing_json: str, places: list[str], start: int, end: int, seed: int
    ) -> bytes:
        """Draws ``start..end`` of a sweep over pairs, for :meth:`merge_sweep_pairs`."""
    def merge_sweep_pairs(
        self, routing_json: str, places: list[str], samples: int, seed: int, parts: list[bytes]
    ) -> str:
        """The sweep over pairs from parts covering every draw once."""
