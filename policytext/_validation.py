"""Argument checks shared by the public functions.

>>> from policytext._validation import check_text
>>> check_text("一网通办")
'一网通办'
>>> check_sentences(("稳增长。", "保就业。"))
['稳增长。', '保就业。']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ._errors import InvalidInputError

__all__ = ["check_sentences", "check_text"]


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


def check_sentences(sentences: object) -> list[str]:
    """Return ``sentences`` as a new list of str, or raise naming the first bad item.

    A bare string is refused, as scikit-learn refuses it: it is almost always
    one sentence passed where a list of sentences was meant; so is a mapping,
    whose keys would be taken for the sentences.
    """
    if isinstance(sentences, str):
        raise InvalidInputError(
            "sentences must be a list of str, got a single str; wrap one sentence in a list: [text]"
        )
    if isinstance(sentences, Mapping):
        raise InvalidInputError(
            f"sentences must be a list of str, got a mapping ({type(sentences).__name__}); "
            "pass its values, e.g. list(mapping.values())"
        )
    if isinstance(sentences, (bytes, bytearray)) or sentences is None:
        raise InvalidInputError(f"sentences must be a list of str, got {type(sentences).__name__}")
    if not isinstance(sentences, Iterable):
        raise InvalidInputError(f"sentences must be a list of str, got {type(sentences).__name__}")
    checked: list[str] = []
    for position, item in enumerate(sentences):
        if not isinstance(item, str):
            raise InvalidInputError(f"sentences[{position}] must be str, got {type(item).__name__}")
        checked.append(item)
    return checked
