"""A batch of parameter sets: every scenario parameter as an array over the batch.

``ParamTable`` holds one array of shape ``(B,)`` per dotted path (the file's value,
or the values a sweep passes), and resolves dated events: an event that sets a
path from month ``t_e`` on turns that path into a series of shape ``(B, T)``.
The engine reads every number through this table, so a sweep over any path
needs no special code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from sim.errors import ParameterError
from sim.model.params import did_you_mean
from sim.model.scenario import Scenario


class ParamTable:
    """Parameter values for a batch of ``B`` parameter sets over ``T`` months.

    Parameters
    ----------
    scenario : the scenario whose values are the defaults.
    overrides : ``{path: array_like}``; every array is 1-D of length ``B`` or a scalar.
    months : number of months ``T`` (``horizon + 1``).
    """

    def __init__(self, scenario: Scenario, overrides: Mapping[str, Any], months: int):
        self.scenario = scenario
        self.months = months
        known = scenario.values()
        arrays: dict[str, np.ndarray] = {}
        size = 1
        for path, value in overrides.items():
            if path not in known:
                raise ParameterError(f"unknown parameter {path!r}{did_you_mean(path, list(known))}")
            try:
                arr = np.asarray(value, dtype=float)
            except (TypeError, ValueError):
                raise ParameterError(f"{path}: expected numbers, got {value!r}") from None
            if arr.ndim > 1:
                raise ParameterError(f"{path}: expected a 1-D array, got shape {arr.shape}")
            if arr.ndim == 1:
                if size not in (1, arr.size) and arr.size != 1:
                    raise ParameterError(
                        f"{path}: length {arr.size} does not match the other arrays ({size})"
                    )
                size = max(size, arr.size)
            if np.isnan(arr).any():
                raise ParameterError(f"{path}: NaN is not a parameter value")
            arrays[path] = arr
        self.size = size
        self._defaults = known
        # A path nobody overrides gets its (B,) array on first use: a chunk reads
        # only part of the scenario's parameters.
        self._base = {
            path: np.broadcast_to(arr, (size,)).astype(float) for path, arr in arrays.items()
        }
        self._events: dict[str, list[tuple[int, str]]] = {}
        for ekey, event in scenario.model.events.items():
            t = scenario.event_month(event.date)
            for target in event.set:
                if target not in known:
                    raise ParameterError(
                        f"events.{ekey}.set: unknown parameter {target!r}"
                        f"{did_you_mean(target, list(known))}"
                    )
                self._events.setdefault(target, []).append((t, f"events.{ekey}.set.{target}"))
        for target in self._events:
            self._events[target].sort()
        self._series_cache: dict[str, np.ndarray] = {}

    def __getitem__(self, path: str) -> np.ndarray:
        """The value at month 0, shape ``(B,)`` (events ignored; read-only when not overridden)."""
        value = self._base.get(path)
        if value is None:
            # The scenario's value for every set: a read-only broadcast, no copies.
            value = np.broadcast_to(np.float64(self._defaults[path]), (self.size,))
            self._base[path] = value
        return value

    def __contains__(self, path: str) -> bool:
        return path in self._defaults

    def values(self) -> Mapping[str, np.ndarray]:
        """Every parameter's ``(B,)`` array, by path (a read-only mapping)."""
        return _Values(self)

    def varies(self, path: str) -> bool:
        return path in self._events

    def column(self, path: str) -> np.ndarray:
        """``(B, 1)`` when the value is constant over time, else the ``(B, T)`` series.

        Either shape broadcasts against ``(B, T)``; the compact one spares the
        engine ``T``-fold work on the many parameters no event changes.
        """
        if path in self._events:
            return self.series(path)
        return self[path][:, None]

    def series(self, path: str) -> np.ndarray:
        """The value month by month, shape ``(B, T)`` (a broadcast view when constant).

        A varying series is the transpose of a month-major ``(T, B)`` array.
        """
        if path not in self._events:
            return np.broadcast_to(self[path][:, None], (self.size, self.months))
        cached = self._series_cache.get(path)
        if cached is None:
            # Stored month-major (each month's values contiguous), the engine's order:
            # element-wise results keep the storage order of their inputs.
            by_month = np.repeat(self[path][None, :], self.months, axis=0)
            for t, source in self._events[path]:
                if t < self.months:
                    by_month[max(t, 0) :] = self[source][None, :]
            cached = self._series_cache[path] = by_month.T
        return cached


class _Values(Mapping):
    """``ParamTable.values()``: the table as a mapping from path to ``(B,)`` array."""

    def __init__(self, table: ParamTable):
        self._table = table

    def __getitem__(self, path: str) -> np.ndarray:
        if path not in self._table:
            raise KeyError(path)
        return self._table[path]

    def __iter__(self):
        return iter(self._table._defaults)

    def __len__(self) -> int:
        return len(self._table._defaults)
