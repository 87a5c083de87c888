"""Helpers shared by the command modules."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from sim.errors import CeasefireError

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """Turn a :class:`CeasefireError` into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CeasefireError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=2) from None

    return wrapper  # type: ignore[return-value]


def echo_json(payload: Any) -> None:
    """Print JSON values (a result's ``to_dict()``) as indented JSON.

    The payload must be JSON-ready already (:func:`sim.results.json_ready`): a NaN
    left in it is an error here, not an invalid ``NaN`` token in the output.
    """
    import json

    sys.stdout.write(json.dumps(payload, indent=2, allow_nan=False) + "\n")
