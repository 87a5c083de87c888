"""The figures draw, they don't compute: ``sim.figures`` never reaches the engine.

Every module of :mod:`sim.figures` takes results and returns a Figure; what a
figure needs computed (a solve, a sweep, PRIM, a frontier) comes from
:mod:`sim.report`.  Read from the source (the AST), so that an import hidden
inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sim.figures

FIGURES = sorted(Path(sim.figures.__file__).parent.glob("*.py"))

#: What a drawing module may import from ``sim``: itself, the result types, the
#: presentation formatter and the errors.  Not the engine, the sweeps, the
#: report, the model or the kernels.
ALLOWED = ("sim.figures", "sim.results", "sim.format", "sim.errors")


def _sim_imports(path: Path) -> list[str]:
    """Every module of ``sim`` that ``path`` imports (``from sim import x`` gives ``sim.x``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "sim":
                found += [f"sim.{alias.name}" for alias in node.names]
            else:
                found.append(node.module)
    return [name for name in found if name == "sim" or name.startswith("sim.")]


def _allowed(module: str) -> bool:
    return any(module == a or module.startswith(a + ".") for a in ALLOWED)


def test_there_are_figure_modules():
    assert len(FIGURES) >= 10


@pytest.mark.parametrize("path", FIGURES, ids=lambda p: p.stem)
def test_figure_module_imports_nothing_that_computes(path):
    assert [m for m in _sim_imports(path) if not _allowed(m)] == []


def test_the_check_sees_engine_sweep_and_report_imports(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text(
        "import sim\n"
        "from sim import evaluate\n"
        "from sim.results import SolveResult\n"
        "def f():\n"
        "    from sim.sweep import run_sweep\n"
        "    import sim.engine\n"
        "    from sim.report import phase_grid\n"
    )
    assert [m for m in _sim_imports(module) if not _allowed(m)] == [
        "sim",
        "sim.evaluate",
        "sim.sweep",
        "sim.engine",
        "sim.report",
    ]
