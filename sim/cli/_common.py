"""Helpers shared by the command modules."""

from __future__ import annotations

import contextlib
import functools
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import typer

from sim.errors import CeasefireError

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """Turn a :class:`CeasefireError` into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CeasefireError as exc:
            typer.echo(f"error: {worded(str(exc))}", err=True)
            raise typer.Exit(code=2) from None

    return wrapper  # type: ignore[return-value]


#: How the library names an argument in a message: in backquotes (```workers` must be >= 1``);
#: a quoted command (```ceasefire sweep ...```) has spaces and stays as it is.
_ARGUMENT = re.compile(r"`([A-Za-z_][\w.=]*)`")


def worded(message: str, flags: Mapping[str, str] | None = None) -> str:
    """A library message in the command line's words: each argument the library names
    in backquotes becomes its flag (``workers`` -> ``--workers``), or its bare name."""
    flags = flags or {}
    return _ARGUMENT.sub(lambda match: flags.get(match[1], match[1]), message)


@contextlib.contextmanager
def flags(names: Mapping[str, str], prefix: str = "") -> Iterator[None]:
    """Reword a user error raised inside the block with the command's flags ``names``
    (``{"workers": "--workers"}``), after ``prefix`` (a file name)."""
    try:
        yield
    except CeasefireError as exc:
        raise type(exc)(prefix + worded(str(exc), names)) from None


def echo_json(payload: Any) -> None:
    """Print JSON values (a result's ``to_dict()``) as indented JSON.

    The payload must be JSON-ready already (:func:`sim.results.json_ready`): a NaN
    left in it is an error here, not an invalid ``NaN`` token in the output.
    """
    import json

    sys.stdout.write(json.dumps(payload, indent=2, allow_nan=False) + "\n")


#: Where no output may go: kernel and device file systems (writes there fail or do harm).
_SPECIAL = (Path("/proc"), Path("/sys"), Path("/dev"))


def _writable_folder(path: Path, option: str, shown: Path | None = None) -> None:
    """Check that files can be created in ``path``'s nearest existing folder, by creating
    one (``os.access`` answers yes to root on a read-only folder, and not for /proc)."""
    import os
    import tempfile

    shown = path if shown is None else shown
    resolved = path.absolute()
    if any(resolved == s or s in resolved.parents for s in _SPECIAL):
        raise CeasefireError(f"{option} {shown}: cannot write results under /{resolved.parts[1]}")
    folder = resolved.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise CeasefireError(f"{option} {shown}: {folder} is a file, not a folder")
    try:
        handle, trial = tempfile.mkstemp(dir=folder, prefix=".ceasefire-write-test-")
    except OSError as exc:
        raise CeasefireError(
            f"{option} {shown}: cannot write in {folder} ({exc.strerror or exc})"
        ) from None
    os.close(handle)
    os.remove(trial)


def check_output_file(path: Path, option: str = "--out") -> None:
    """Refuse, before any work, an output file that cannot be written: a folder, a path
    under /proc, /sys or /dev, or one in a folder without write access."""
    if path.is_dir():
        raise CeasefireError(f"{option} {path}: is a folder; give a file name")
    _writable_folder(path, option)


def check_output_folder(path: Path, option: str = "--out") -> None:
    """Refuse, before any work, an output folder that is an existing file or cannot be
    written."""
    if path.exists() and not path.is_dir():
        raise CeasefireError(f"{option} {path}: exists and is a file; give a folder")
    _writable_folder(path / "x", option, shown=path)


def check_output_store(path: Path, option: str = "--out") -> None:
    """Refuse, before any work, a sweep's output that cannot be its results: a ``.zarr``
    that is an existing file, a ``.nc`` that is an existing folder, or an unwritable
    place.  An existing sweep store is fine (the sweep resumes it, or says it differs)."""
    suffix = path.suffix.lower()
    if suffix == ".zarr" and path.exists() and not path.is_dir():
        raise CeasefireError(f"{option} {path}: exists and is a file, not a Zarr store")
    if suffix != ".zarr" and path.is_dir():
        raise CeasefireError(f"{option} {path}: is a folder; give a *.zarr or *.nc name")
    _writable_folder(path, option)


class Terminated(BaseException):
    """SIGTERM, raised where Ctrl-C raises KeyboardInterrupt: the same clean stop (the
    sweep commands say what is saved and how to resume), with exit code 143."""


def interrupted_code(exc: BaseException) -> int:
    """The exit code of a stop by a signal: 143 for SIGTERM, 130 for Ctrl-C (SIGINT)."""
    return 143 if isinstance(exc, Terminated) else 130


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Terminated()


def run(app: typer.Typer, argv: list[str] | None = None) -> None:
    """Run the command line with every usage error as one line on stderr (exit code 2),
    Ctrl-C as exit code 130 and SIGTERM as 143, never a traceback or a usage box."""
    import signal

    try:  # typer >= 0.20 vendors click
        from typer._click import exceptions as click
    except ImportError:
        from click import exceptions as click  # type: ignore[no-redef]

    if threading_is_main():
        signal.signal(signal.SIGTERM, _on_sigterm)
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="ceasefire", standalone_mode=False)
    except click.NoArgsIsHelpError as exc:
        exc.show()
        code = 2
    except click.UsageError as exc:
        where = f"{exc.ctx.command_path}: " if exc.ctx is not None else ""
        message = " ".join(exc.format_message().split())
        typer.echo(f"error: {where}{message} (see --help)", err=True)
        code = exc.exit_code
    except click.ClickException as exc:
        typer.echo(f"error: {' '.join(exc.format_message().split())}", err=True)
        code = exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("interrupted", err=True)
        code = 130
    except Terminated:
        typer.echo("terminated", err=True)
        code = 143
    sys.exit(code if isinstance(code, int) else 0)


def threading_is_main() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def version_callback(value: bool) -> None:
    """``ceasefire --version``: the package's version, then exit."""
    if value:
        import sim

        typer.echo(f"ceasefire {sim.__version__}")
        raise typer.Exit()


#: The extra that installs each optional package.
EXTRAS = {
    "SALib": "sweep",
    "ema_workbench": "sweep",
    "zarr": "sweep",
    "dask": "sweep",
    "pyarrow": "export",
    "h5netcdf": "sweep",
    "pygambit": "games",
}


def require(module: str, what: str) -> None:
    """Refuse in one line, naming the extra to install, when ``module`` is missing."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        extra = EXTRAS.get(module, "sweep")
        raise CeasefireError(
            f"{what} needs {module}, which is not installed: pip install 'ceasefire[{extra}]'"
        )
