"""Argument checks shared by the public functions.

>>> from policytext._validation import check_text
>>> check_text("一网通办")
'一网通办'
"""

from __future__ import annotations

from ._errors import InvalidInputError

__all__ = ["check_text"]


def check_text(value: object, name: str = "text") -> str:
    """Return ``value`` if it is a ``str``, else raise :class:`InvalidInputError`.

    Bytes get a hint to decode them first, since that is the usual mistake.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        raise InvalidInputError(
            f"{name} must be str, got {type(value).__name__}; decode it first, "
            f"e.g. {name}.decode('utf-8')"
        )
    raise InvalidInputError(f"{name} must be str, got {type(value).__name__}")
