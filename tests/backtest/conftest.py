"""Shared helpers of the back-test's tests: a decisions file written from text."""

from __future__ import annotations

import textwrap

import pytest

ONE_DECISION = """
[decisions.freeze]
date = "2025-10"
label = "Freeze"
kind = "deal"
line = "contact"
terms = {}
observed = { russia = "reject", ukraine = "accept" }
source = "test"
"""


@pytest.fixture
def decisions_file(tmp_path):
    """Write a decisions file (TOML text) and return its path."""

    def write(text: str = ONE_DECISION, name: str = "decisions.toml"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write
