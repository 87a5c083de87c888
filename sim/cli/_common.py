"""Helpers shared by the command modules."""

from __future__ import annotations

import contextlib
import functools
import re
import sys
from collections.abc import Callable, Iterator, Mapping
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
            typer.echo(f"error: {worded(str(exc))}", err=True)
            raise typer.Exit(code=2) from None

    return wrapper  # type: ignore[return-value]


#: How the library names an argument in a message: in backquotes (```workers` must be >= 1``);
#: a quoted command (```ceasefire sweep ...```) has spaces and stays as it is.
_ARGUMENT = re.compile(r"`([A-Za-z_][\w.=]*)`")


def worded(message: str, flags: Mapping[str, str] | None = None) -> str:
    """A library message in the command line's words: each argument the library names
    in backquotes becomes its flag (``workers`` -> ``--workers``), or its bare name."""
    flags = flags or {}
    return _ARGUMENT.sub(lambda match: flags.get(match[1], match[1]), message)


@contextlib.contextmanager
def flags(names: Mapping[str, str], prefix: str = "") -> Iterator[None]:
    """Reword a user error raised inside the block with the command's flags ``names``
    (``{"workers": "--workers"}``), after ``prefix`` (a file name)."""
    try:
        yield
    except CeasefireError as exc:
        raise type(exc)(prefix + worded(str(exc), names)) from None


def echo_json(payload: Any) -> None:
    """Print JSON values (a result's ``to_dict()``) as indented JSON.

    The payload must be JSON-ready already (:func:`sim.results.json_ready`): a NaN
    left in it is an error here, not an invalid ``NaN`` token in the output.
    """
    import json

    sys.stdout.write(json.dumps(payload, indent=2, allow_nan=False) + "\n")
