"""docs/CLAIMS.md: every command of the claims table runs and prints what the table says.

The table's rows are parsed from the markdown (a row starts with ``| <number>``); the
columns "Command" and "Prints" hold one command and one literal piece of its output
(or, after ``re:``, a regular expression it must match), each in backquotes.  Each
distinct command runs once, in process (typer's CliRunner).  A regular expression may
not contain ``|`` (it would split the markdown row).
"""

from __future__ import annotations

import re
import shlex
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

CLAIMS = Path(__file__).resolve().parents[2] / "docs" / "CLAIMS.md"
VERDICTS = {"yes", "partly", "no", "assumed"}


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def rows() -> list[dict[str, str]]:
    lines = CLAIMS.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("| # |"))
    names = _cells(lines[header])
    out = []
    for line in lines[header + 2 :]:
        if not line.startswith("|"):
            break
        cells = _cells(line)
        assert len(cells) == len(names), f"row with {len(cells)} cells: {line[:60]}"
        out.append(dict(zip(names, cells, strict=True)))
    return out


def _quoted(cell: str) -> str:
    found = re.fullmatch(r"`([^`]+)`", cell)
    assert found, f"expected one `...` in {cell!r}"
    return found.group(1)


@cache
def run(command: str) -> str:
    argv = shlex.split(command)
    assert argv[0] == "ceasefire"
    result = CliRunner().invoke(app, argv[1:])
    assert result.exit_code == 0, f"{command}: exit {result.exit_code}\n{result.output}"
    return result.output


def test_the_table_covers_the_issue_claims():
    table = rows()
    numbers = {r["#"] for r in table}
    assert {str(k) for k in range(1, 23)} <= numbers
    assert all(r["Agrees"] in VERDICTS for r in table)
    assert all(r["Model's answer"] and r["Mechanism and parameters"] for r in table)


@pytest.mark.parametrize("row", rows(), ids=lambda r: r["#"])
def test_every_command_prints_what_the_table_says(row):
    output = run(_quoted(row["Command"]))
    expected = _quoted(row["Prints"])
    if expected.startswith("re:"):
        found = re.search(expected[3:], output)
    else:
        found = expected in output
    assert found, f"row {row['#']}: {expected!r} not in the output of {row['Command']}"
