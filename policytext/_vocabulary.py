"""Policy vocabulary files: ``word<TAB>frequency`` lines, ``#`` comments.

The bundled file ``data/policy_vocab.txt`` is built by
``policytext build-vocabulary`` (see :mod:`policytext._discovery`).

>>> from policytext._vocabulary import bundled_vocabulary
>>> vocabulary = bundled_vocabulary()
>>> "新质生产力" in vocabulary
True
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

from ._errors import InvalidInputError, ModelLoadError

__all__ = ["bundled_vocabulary", "format_vocabulary", "parse_vocabulary", "read_vocabulary"]

BUNDLED_FILE = "policy_vocab.txt"


def parse_vocabulary(lines: Iterable[str], source: str = "<vocabulary>") -> dict[str, int]:
    """Parse vocabulary lines into ``{word: frequency}``; ``source`` names them in errors."""
    vocabulary: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        word, _, freq = line.partition("\t")
        try:
            vocabulary[word] = int(freq)
        except ValueError:
            raise ModelLoadError(
                f"{source}, line {number}: expected 'word<TAB>frequency', got {line!r}"
            ) from None
    return vocabulary


def read_vocabulary(path: str | os.PathLike[str]) -> dict[str, int]:
    """Read a vocabulary file written by :func:`format_vocabulary`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ModelLoadError(f"cannot read vocabulary {os.fspath(path)!r}: {error}") from error
    return parse_vocabulary(text.splitlines(), source=os.fspath(path))


@functools.cache
def _bundled() -> tuple[tuple[str, int], ...]:
    text = resources.files("policytext").joinpath("data", BUNDLED_FILE).read_text("utf-8")
    return tuple(parse_vocabulary(text.splitlines(), source=BUNDLED_FILE).items())


def bundled_vocabulary() -> dict[str, int]:
    """Return a fresh copy of the vocabulary shipped with policytext."""
    return dict(_bundled())


def format_vocabulary(vocabulary: Mapping[str, int], header: Iterable[str] = ()) -> str:
    """Render ``vocabulary`` as file text, words sorted, with ``#`` header lines."""
    lines = [f"# {line}" for line in header]
    for word in sorted(vocabulary):
        if not word or any(ch.isspace() for ch in word):
            raise InvalidInputError(f"vocabulary word {word!r} is empty or contains whitespace")
        lines.append(f"{word}\t{vocabulary[word]}")
    return "\n".join(lines) + "\n"
