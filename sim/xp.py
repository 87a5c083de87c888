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

from typing import Any, ClassVar

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


class Scratch:
    """Element-wise arithmetic written into existing arrays, without temporaries where the
    namespace allows it.

    The month loops of the kernels update arrays of one shape many times; a fresh
    temporary per step costs more than the arithmetic once it is large (the allocator
    maps new pages).  Each method computes ``op(a, b)`` into ``out[key]`` (``key`` None:
    ``out`` itself) and returns it: with numpy through the ufunc's ``out=``, with any
    other array API library as a new array assigned with ``__setitem__``.
    """

    _UFUNCS: ClassVar[dict[str, Any]] = {
        "add": np.add,
        "sub": np.subtract,
        "mul": np.multiply,
        "div": np.divide,
        "maximum": np.maximum,
        "pow": np.power,
    }

    def __init__(self, xp: Any):
        self.xp = xp
        self.numpy = xp is np

    def _apply(self, name: str, a, b, out, key):
        if self.numpy:
            target = out if key is None else out[key]
            return self._UFUNCS[name](a, b, out=target)
        xp = self.xp
        value = {
            "add": lambda: a + b,
            "sub": lambda: a - b,
            "mul": lambda: a * b,
            "div": lambda: a / b,
            "maximum": lambda: xp.maximum(a, b),
            "pow": lambda: a**b,
        }[name]()
        out[(...) if key is None else key] = value
        return value

    def add(self, a, b, out, key=None):
        return self._apply("add", a, b, out, key)

    def sub(self, a, b, out, key=None):
        return self._apply("sub", a, b, out, key)

    def mul(self, a, b, out, key=None):
        return self._apply("mul", a, b, out, key)

    def div(self, a, b, out, key=None):
        return self._apply("div", a, b, out, key)

    def maximum(self, a, b, out, key=None):
        return self._apply("maximum", a, b, out, key)

    def pow(self, a, b, out, key=None):
        return self._apply("pow", a, b, out, key)

    def abs(self, a, out, key=None):
        if self.numpy:
            return np.abs(a, out=out if key is None else out[key])
        value = self.xp.abs(a)
        out[(...) if key is None else key] = value
        return value

    def clip(self, a, lo, hi, out, key=None):
        if self.numpy:
            return np.clip(a, lo, hi, out=out if key is None else out[key])
        value = self.xp.clip(a, lo, hi)
        out[(...) if key is None else key] = value
        return value
