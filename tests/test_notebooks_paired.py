"""The notebooks: each ``py:percent`` file and its ``.ipynb`` hold the same cells, no outputs.

The ``.py`` files are what people edit and review; the ``.ipynb`` files are what
nbmake executes in CI. After editing one, run ``jupytext --sync notebooks/*.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext")

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
SCRIPTS = sorted(NOTEBOOKS.glob("*.py"))


def _cells(notebook) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source.strip()) for cell in notebook.cells]


def test_there_are_notebooks():
    assert len(SCRIPTS) >= 5


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_script_and_notebook_hold_the_same_cells(script):
    paired = script.with_suffix(".ipynb")
    assert paired.exists(), f"{paired.name} is missing: run jupytext --sync {script}"
    from_script = jupytext.read(script)
    from_notebook = jupytext.read(paired)
    assert _cells(from_script) == _cells(from_notebook), (
        f"{script.name} and {paired.name} differ: run jupytext --sync {script}"
    )
    formats = from_script.metadata["jupytext"]["formats"]
    assert set(formats.split(",")) == {"ipynb", "py:percent"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(script):
    raw = json.loads(script.with_suffix(".ipynb").read_text(encoding="utf-8"))
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_parameters_come_first(script):
    """The sizes a user scales up sit in the first code cell, tagged for papermill."""
    first = next(c for c in jupytext.read(script).cells if c.cell_type == "code")
    assert "parameters" in first.metadata.get("tags", [])
