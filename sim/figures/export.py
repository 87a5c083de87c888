"""Writing figures to files, reproducibly.

The same figure written twice gives byte-identical SVG and PDF files: the
creation dates are left out of the metadata, the SVG element ids are salted with
a fixed string (``svg.hashsalt`` in the article style) and fonts are embedded as
TrueType (``pdf.fonttype: 42``), whose subsets matplotlib names from their
contents.  PNG files carry no date either.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from sim.figures.style import article_style

#: File formats by suffix, with the metadata each backend should write.
#: ``None`` removes a key the backend would otherwise fill with today's date.
METADATA: dict[str, dict[str, str | None]] = {
    "svg": {"Date": None, "Creator": "ceasefire (matplotlib)"},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": "ceasefire (matplotlib)"},
    "png": {"Software": "ceasefire (matplotlib)"},
}


def save_figure(fig: Figure, path: str | Path, *, dpi: float = 300) -> Path:
    """Write ``fig`` to ``path`` as SVG, PDF or PNG (chosen by the suffix).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure from one of the :mod:`sim.figures` functions (any figure works).
    path : str or pathlib.Path
        Target file; its suffix (``.svg``, ``.pdf``, ``.png``) selects the format.
        The parent folder is created if missing.
    dpi : float
        Resolution of PNG files (and of rasterized parts of vector files).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        If the suffix is not one of the supported formats.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in METADATA:
        raise ValueError(
            f"figure file {str(path)!r}: unsupported suffix {path.suffix!r}; "
            f"use one of {', '.join('.' + f for f in METADATA)}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with article_style():
        fig.savefig(path, format=fmt, dpi=dpi, metadata=METADATA[fmt])
    return path
