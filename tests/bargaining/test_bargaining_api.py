"""The public namespace of sim.bargaining: exports, documentation, runnable examples."""

from __future__ import annotations

import doctest
import importlib
import inspect

import pytest

import sim.bargaining

MODULES = [
    "attrition",
    "discounting",
    "fearon",
    "legislative",
    "lines",
    "nash",
    "rubinstein",
    "search",
]
FUNCTIONS = [
    getattr(sim.bargaining, name)
    for name in sim.bargaining.__all__
    if inspect.isfunction(getattr(sim.bargaining, name))
]


def test_all_lists_exactly_the_public_names():
    public = {
        name
        for name, value in vars(sim.bargaining).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }
    assert set(sim.bargaining.__all__) == public
    # The function, not its module of the same name, is what the package exports.
    assert inspect.isfunction(sim.bargaining.rubinstein)


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_every_function_documents_its_formula_source_and_errors(function):
    doc = inspect.getdoc(function)
    for section in ("Parameters", "Returns", "Raises", "References", "Examples"):
        assert section in doc, f"{function.__name__} lacks {section}"


def test_contract_signatures():
    signature = inspect.signature
    assert list(signature(sim.bargaining.rubinstein).parameters) == [
        "delta1",
        "delta2",
        "outside_option",
    ]
    outside = signature(sim.bargaining.rubinstein).parameters["outside_option"]
    assert outside.kind is inspect.Parameter.KEYWORD_ONLY
    assert list(signature(sim.bargaining.nash_solution).parameters) == [
        "utilities",
        "disagreement",
        "weights",
    ]
    assert list(signature(sim.bargaining.unanimity_bargaining).parameters) == [
        "recognition",
        "deltas",
    ]
    # The contract is the positional signature; a keyword-only option with a default
    # (``checked``) breaks no caller.
    factor = signature(sim.bargaining.discount_factor).parameters.values()
    assert [p.name for p in factor if p.kind is not p.KEYWORD_ONLY] == ["rate", "dt"]
    assert all(p.default is not p.empty for p in factor if p.kind is p.KEYWORD_ONLY)


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module):
    imported = importlib.import_module(f"sim.bargaining.{module}")
    result = doctest.testmod(imported, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
