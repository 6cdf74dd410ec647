"""The exceptions of corridor, with the messages the command-line tool prints.

Every exception is a :class:`CorridorError` with a stable ``code`` (the library's
``Error::code``: ``unknown_place``, ``ambiguous_place``, ``country_not_place``,
``unknown_country``, ``bad_parameter``, ``no_route``, ``bad_data``, ``too_large``).
"""

from __future__ import annotations

from typing import Any, Optional


class CorridorError(Exception):
    """Base class of every corridor error. ``code`` is stable for programs."""

    code: str = "error"


class UnknownPlace(CorridorError, LookupError):
    """A place (or country) of the request is unknown, ambiguous, or a country where a
    place was expected.

    ``field`` names the request argument (``from``, ``to``, ``via``, ``avoid``,
    ``avoid_country``, ``places``...); ``suggestions`` lists the closest places as
    ``"id (name)"`` ("did you mean").
    """

    field: Optional[str] = None
    suggestions: list[str] = []


class InvalidArgument(CorridorError, ValueError):
    """An argument is out of range or not understood; ``field`` names it and the
    message says what would be accepted."""

    field: Optional[str] = None
    suggestions: list[str] = []


class NoRoute(CorridorError):
    """No route satisfies the request. ``reason`` says which constraint or missing link
    cuts the pair off; ``origin`` and ``destination`` are ``"id (name)"``."""

    origin: str = ""
    destination: str = ""
    reason: str = ""


class DataError(CorridorError):
    """A network folder, scenario or demand table was refused. ``file``, ``line`` and
    ``column`` locate the first problem; ``errors`` lists every problem as a dict
    (``file``, ``line``, ``column``, ``value``, ``message``, ``expected``, ``text``)."""

    file: Optional[str] = None
    line: Optional[int] = None
    column: Optional[str] = None
    errors: list[dict[str, Any]] = []


class TooLarge(CorridorError):
    """The answer would be too large to compute (a Pareto set over the label limit)."""


__all__ = [
    "CorridorError",
    "DataError",
    "InvalidArgument",
    "NoRoute",
    "TooLarge",
    "UnknownPlace",
]
