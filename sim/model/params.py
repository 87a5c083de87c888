"""Sourced numeric parameters and their dotted paths.

A scenario file gives every number as ``{ value = ..., source = "..." }`` (an
optional ``range = [lo, hi]`` is its uncertainty range for sweeps, an optional
``unit`` documents it); a bare number is accepted too and has no source.  A
parameter's *path* follows the TOML nesting, e.g. ``actors.russia.discount_rate``.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


class Param(BaseModel):
    """A number with its provenance."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float
    source: str | None = None
    range: tuple[float, float] | None = None
    unit: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise ValueError(f"expected a number, got {data!r}")
        if isinstance(data, int | float):
            return {"value": float(data)}
        return data

    @model_validator(mode="after")
    def _range_ordered(self) -> Param:
        if not math.isfinite(self.value):
            raise ValueError(f"must be a finite number, got {self.value!r}")
        if self.range is not None and not all(math.isfinite(x) for x in self.range):
            raise ValueError(f"range {list(self.range)} must be finite")
        if self.range is not None and self.range[0] > self.range[1]:
            raise ValueError(f"range [{self.range[0]}, {self.range[1]}] is reversed")
        return self


def iter_params(obj: Any, prefix: str = "") -> Iterator[tuple[str, Param]]:
    """Yield ``(dotted path, Param)`` for every parameter inside a validated model."""
    if isinstance(obj, Param):
        yield prefix, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from iter_params(getattr(obj, name), f"{prefix}.{name}" if prefix else name)
    elif isinstance(obj, Mapping):
        for key, value in obj.items():
            yield from iter_params(value, f"{prefix}.{key}" if prefix else str(key))


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """A ``" (did you mean 'x'?)"`` hint, or ``""`` when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
