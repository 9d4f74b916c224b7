"""The policytext exception hierarchy.

Every error the library raises on purpose derives from :class:`PolicyTextError`,
and also from the built-in exception a caller would expect, so both
``except policytext.PolicyTextError`` and ``except TypeError`` work::

    >>> import policytext
    >>> try:
    ...     policytext.tokenize(None)
    ... except policytext.InvalidInputError as error:
    ...     print(error)
    text must be str, got NoneType
"""

from __future__ import annotations

__all__ = ["InvalidInputError", "ModelLoadError", "PolicyTextError", "UnreadableInputError"]


class PolicyTextError(Exception):
    """Root of every error raised by policytext."""


class InvalidInputError(PolicyTextError, TypeError, ValueError):
    """An argument has the wrong type or an impossible value."""


class ModelLoadError(PolicyTextError, OSError):
    """A model or data file is missing, corrupt or incompatible."""


class UnreadableInputError(PolicyTextError, OSError):
    """An input file cannot be opened, or is not in the expected encoding."""


# Shown as policytext.InvalidInputError in tracebacks, where users import them.
for _error in (PolicyTextError, InvalidInputError, ModelLoadError, UnreadableInputError):
    _error.__module__ = "policytext"
