"""User-facing errors.

Every error a user can cause by a bad input has its own class here.  The CLI
catches :class:`CeasefireError` once and prints its message on one line with
exit code 2; library users catch the specific class.
"""

from __future__ import annotations


class CeasefireError(Exception):
    """Base class of every error caused by a user's input."""


class ScenarioError(CeasefireError):
    """A scenario file is missing, unreadable, or does not validate.

    The message names the file, the field path and the bad value.
    """


class ParameterError(CeasefireError):
    """A parameter path or value given to ``with_params``/``evaluate`` is invalid."""


class SweepSpecError(CeasefireError):
    """A sweep specification (``-p path=spec``, a design) is invalid."""


class ResultsError(CeasefireError):
    """A results file cannot be read, or does not belong to the command that uses it."""
