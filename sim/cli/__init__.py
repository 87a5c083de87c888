"""The ``ceasefire`` command line: a thin shell over the library.

Each group of commands lives in its own module and registers itself on
:data:`app`.  Every user error (:class:`sim.errors.CeasefireError`) is printed
as one line on stderr with exit code 2, never as a traceback.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="ceasefire",
    help="Can a ceasefire line exist, where, when, and under which assumptions?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    from sim.cli._common import version_callback

    version_callback(value)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", is_eager=True, callback=_version
    ),
) -> None:
    """Can a ceasefire line exist, where, when, and under which assumptions?"""


# The command modules register themselves on `app` when imported.
from sim.cli import backtest as _backtest  # noqa: E402, F401
from sim.cli import export as _export  # noqa: E402, F401
from sim.cli import figures as _figures  # noqa: E402, F401
from sim.cli import forecast as _forecast  # noqa: E402, F401
from sim.cli import games as _games  # noqa: E402, F401
from sim.cli import patrons as _patrons  # noqa: E402, F401
from sim.cli import solve as _solve  # noqa: E402, F401
from sim.cli import sweep as _sweep  # noqa: E402, F401


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``ceasefire`` console script (usage errors in one line)."""
    from sim.cli._common import run

    run(app, argv)
