"""Flatten result objects (dataclasses, dicts, tuples, arrays) to ``{key: array}``."""

from __future__ import annotations

import dataclasses

import numpy as np

#: Fields that are words, not numbers the model produces (their wording may change).
SKIP = {"explanation", "actor_colors", "actor_labels", "reference_labels", "deal_labels"}


def flatten(obj, prefix: str) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    _walk(obj, prefix, out)
    return out


def _walk(obj, key: str, out: dict) -> None:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name not in SKIP:
                _walk(getattr(obj, f.name), f"{key}/{f.name}", out)
        return
    if isinstance(obj, dict):
        for k, v in obj.items():
            _walk(v, f"{key}/{k}", out)
        return
    if obj is None:
        return
    if isinstance(obj, tuple | list) and any(
        dataclasses.is_dataclass(v) or isinstance(v, dict | tuple | list) for v in obj
    ):
        for i, v in enumerate(obj):
            _walk(v, f"{key}/{i}", out)
        return
    arr = np.asarray(obj)
    if arr.dtype == object:
        raise TypeError(f"{key}: cannot store {type(obj).__name__}")
    out[key] = arr
