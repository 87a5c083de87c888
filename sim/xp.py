"""The array namespace a kernel computes with (the Python array API standard).

Kernels and the game-theory solvers take arrays and compute with the namespace
those arrays belong to: numpy (2.x implements the standard in its main
namespace) in the engine, ``array_api_strict`` in the test that proves the
kernels use the standard alone, and later JAX or CuPy.

>>> import numpy as np
>>> namespace(np.zeros(3)) is np
True
"""

from __future__ import annotations

from typing import Any

import numpy as np


def namespace(*arrays: Any) -> Any:
    """The array namespace of the first argument that is an array API array, else numpy."""
    for a in arrays:
        get = getattr(a, "__array_namespace__", None)
        if get is not None:
            ns = get()
            # numpy's own arrays report numpy itself (2.x) -- return the module we import.
            return np if ns.__name__ == "numpy" else ns
    return np


def is_numpy(xp: Any) -> bool:
    """True when ``xp`` is numpy (the engine's fast paths may then use numpy-only ``out=``)."""
    return xp is np


def abs_inplace(x):
    """``|x|``, in place when the namespace allows it (numpy), else a new array."""
    if isinstance(x, np.ndarray):
        return np.abs(x, out=x)
    return namespace(x).abs(x)


def rsub_inplace(a, x):
    """``a - x``, written over ``x`` when the namespace allows it (numpy)."""
    if isinstance(x, np.ndarray) and x.flags.writeable:
        return np.subtract(a, x, out=x)
    return a - x


def pow_inplace(x, p):
    """``x ** p``, in place when the namespace allows it (numpy)."""
    if isinstance(x, np.ndarray):
        return np.power(x, p, out=x)
    return x**p
