"""Input checks shared by the bargaining solvers.

Every public function converts its inputs with :func:`as_float` (or
:func:`as_int`), checks them with the ``check_*`` helpers and broadcasts them
with :func:`broadcast`.  A failed check raises :class:`ValueError` whose message
names the argument and the first offending value (with its index for arrays),
so a bad row in a batch of a million is easy to find.  NaN never passes a check:
it is reserved for outputs that mean "empty range".

Arrays of any library of the Python array API standard pass through in their own
library (:func:`sim.xp.namespace`); only an error's message converts one to numpy.
"""

from __future__ import annotations

import numpy as np

from sim.xp import namespace


def _host(x) -> np.ndarray:
    """A numpy view of an array of any array API library (for error messages)."""
    return np.asarray(x) if namespace(x) is np else np.from_dlpack(x)


def _describe(name: str, values: np.ndarray, bad: np.ndarray) -> str:
    """``"name=value"`` for a scalar, ``"name[i, j]=value"`` for the first bad array entry."""
    if values.ndim == 0:
        return f"{name}={values.item()!r}"
    index = np.unravel_index(int(np.flatnonzero(bad)[0]), bad.shape)
    return f"{name}[{', '.join(str(int(i)) for i in index)}]={values[index].item()!r}"


def fail_where(name: str, values: np.ndarray, bad: np.ndarray, requirement: str) -> None:
    """Raise ``ValueError`` naming ``name`` and its first entry where ``bad`` is true."""
    xp = namespace(values, bad)
    bad = xp.broadcast_to(bad, values.shape)
    if bool(xp.any(bad)):
        described = _describe(name, _host(values), _host(bad))
        raise ValueError(f"{requirement}; got {described}")


def as_float(name: str, value: object) -> np.ndarray:
    """``value`` as a float64 array; NaN and infinities are rejected."""
    xp = namespace(value)
    if xp is not np:
        array = xp.astype(value, xp.float64)
        fail_where(name, array, ~xp.isfinite(array), f"{name} must be finite")
        return array
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number or an array of numbers; got {value!r}") from exc
    fail_where(name, array, ~np.isfinite(array), f"{name} must be finite")
    return array


def as_int(name: str, value: object) -> np.ndarray:
    """``value`` as an int64 array; non-integral numbers are rejected."""
    array = as_float(name, value)
    fail_where(name, array, array != np.round(array), f"{name} must be an integer")
    return array.astype(np.int64)


def check_unit_interval(name: str, array: np.ndarray) -> None:
    """Every entry of ``array`` lies in [0, 1]."""
    fail_where(name, array, (array < 0.0) | (array > 1.0), f"{name} must lie in [0, 1]")


def check_nonnegative(name: str, array: np.ndarray) -> None:
    """Every entry of ``array`` is >= 0."""
    fail_where(name, array, array < 0.0, f"{name} must be >= 0")


def check_positive(name: str, array: np.ndarray) -> None:
    """Every entry of ``array`` is > 0."""
    fail_where(name, array, array <= 0.0, f"{name} must be > 0")


def check_weights(name: str, array: np.ndarray) -> None:
    """Weights along the last axis are >= 0 and sum to a positive number."""
    check_nonnegative(name, array)
    total = namespace(array).sum(array, axis=-1)
    fail_where(
        f"sum({name}, over players)", total, total <= 0.0, f"{name} must sum to a positive number"
    )


def check_probabilities(name: str, array: np.ndarray, *, atol: float = 1e-9) -> None:
    """Probabilities along the last axis lie in [0, 1] and sum to 1 (within ``atol``)."""
    check_unit_interval(name, array)
    xp = namespace(array)
    total = xp.sum(array, axis=-1)
    fail_where(
        f"sum({name}, over players)",
        total,
        xp.abs(total - 1.0) > atol,
        f"{name} must sum to 1 over players",
    )


def broadcast(**named: np.ndarray) -> tuple[np.ndarray, ...]:
    """Broadcast the arrays against each other, naming them if their shapes clash."""
    try:
        return tuple(namespace(*named.values()).broadcast_arrays(*named.values()))
    except ValueError:
        shapes = ", ".join(f"{name} {array.shape}" for name, array in named.items())
        raise ValueError(f"shapes do not broadcast: {shapes}") from None


def check_player_axis(name: str, array: np.ndarray) -> None:
    """``array`` has a last (player) axis with at least one entry."""
    if array.ndim == 0 or array.shape[-1] == 0:
        raise ValueError(
            f"{name} must have a last axis of players (shape (..., n), n >= 1); "
            f"got shape {array.shape}"
        )


def scalar_or_array(array: np.ndarray) -> np.ndarray | np.generic:
    """A 0-d numpy result as a numpy scalar, anything else unchanged."""
    return array[()] if array.ndim == 0 and isinstance(array, np.ndarray) else array
