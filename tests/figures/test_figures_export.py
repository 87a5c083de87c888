"""Saving figures: byte-identical SVG and PDF for the same inputs, even across processes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _figure_inputs import make_solve_result

from sim.figures import save_figure, zopa_diagram

ROOT = Path(__file__).parents[2]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("suffix", [".svg", ".pdf", ".png"])
def test_same_inputs_give_identical_bytes(tmp_path, suffix):
    first = save_figure(zopa_diagram(make_solve_result()), tmp_path / f"a{suffix}")
    second = save_figure(zopa_diagram(make_solve_result()), tmp_path / f"b{suffix}")
    assert digest(first) == digest(second)


SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from _figure_inputs import make_solve_result
from sim.figures import save_figure, zopa_diagram
figure = zopa_diagram(make_solve_result(open_zopa=False))
for suffix in (".svg", ".pdf"):
    save_figure(figure, {out!r} + suffix)
"""


@pytest.mark.slow
def test_identical_bytes_across_processes_with_different_hash_seeds(tmp_path):
    """Python's hash randomisation and object ids must not leak into the files."""
    outputs = []
    for seed in ("1", "2"):
        out = str(tmp_path / f"run{seed}")
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        script = SCRIPT.format(tests=str(Path(__file__).parent), out=out)
        subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=ROOT)
        outputs.append(out)
    for suffix in (".svg", ".pdf"):
        assert digest(Path(outputs[0] + suffix)) == digest(Path(outputs[1] + suffix))


def test_pdf_embeds_truetype_fonts_and_carries_no_date(tmp_path):
    data = save_figure(zopa_diagram(make_solve_result()), tmp_path / "z.pdf").read_bytes()
    assert b"/FontFile2" in data  # TrueType (Type 42) embedded
    assert b"/Subtype /Type3" not in data
    assert b"CreationDate" not in data and b"ModDate" not in data


def test_svg_carries_no_date(tmp_path):
    text = save_figure(zopa_diagram(make_solve_result()), tmp_path / "z.svg").read_text()
    assert "<dc:date>" not in text


def test_png_is_written_at_print_resolution(tmp_path):
    from PIL import Image

    path = save_figure(zopa_diagram(make_solve_result()), tmp_path / "z.png")
    with Image.open(path) as image:
        width_px = image.size[0]
    assert width_px == pytest.approx(89 / 25.4 * 300, abs=2)


def test_unknown_suffix_is_refused_by_name(tmp_path):
    with pytest.raises(ValueError, match=r"'\.jpg'"):
        save_figure(zopa_diagram(make_solve_result()), tmp_path / "z.jpg")


def test_parent_folders_are_created(tmp_path):
    path = save_figure(zopa_diagram(make_solve_result()), tmp_path / "a" / "b" / "z.svg")
    assert path.exists()
