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
