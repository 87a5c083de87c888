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
    """Print ``payload`` as indented JSON (NaN and infinities become null)."""
    import json
    import math

    def clean(obj: Any) -> Any:
        if isinstance(obj, float):
            return obj if math.isfinite(obj) else None
        if isinstance(obj, dict):
            return {str(k): clean(v) for k, v in obj.items()}
        if isinstance(obj, list | tuple):
            return [clean(v) for v in obj]
        if hasattr(obj, "item") and not isinstance(obj, str):
            return clean(obj.item())
        return obj

    sys.stdout.write(json.dumps(clean(payload), indent=2) + "\n")
