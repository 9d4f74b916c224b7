"""Policy vocabulary files: one word per line, ``#`` comments.

A line is ``word<TAB>frequency`` (what ``policytext build-vocabulary``
writes, as the bundled ``data/policy_vocab.txt``) or jieba's user dictionary
format, ``word [frequency] [tag]`` separated by spaces, frequency and tag
optional. A word without a frequency gets the smallest one that keeps it
whole; tags are read and ignored.

>>> from policytext._vocabulary import bundled_vocabulary
>>> vocabulary = bundled_vocabulary()
>>> "新质生产力" in vocabulary
True
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

from ._errors import InvalidInputError, ModelLoadError

__all__ = ["bundled_vocabulary", "format_vocabulary", "parse_vocabulary", "read_vocabulary"]

BUNDLED_FILE = "policy_vocab.txt"
_TAG = re.compile(r"[A-Za-z]+")


def parse_vocabulary(lines: Iterable[str], source: str = "<vocabulary>") -> dict[str, int | None]:
    """Parse vocabulary lines into ``{word: frequency}``, ``None`` where a line gives
    no frequency; ``source`` names the lines in errors.

    >>> parse_vocabulary(["新质生产力\t12", "稳岗扩容 5 nz", "一网统管", "揭榜挂帅 n"])
    {'新质生产力': 12, '稳岗扩容': 5, '一网统管': None, '揭榜挂帅': None}
    """
    vocabulary: dict[str, int | None] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        word, *rest = line.split()
        freq = int(rest.pop(0)) if rest and rest[0].isascii() and rest[0].isdigit() else None
        if freq == 0 or len(rest) > 1 or (rest and not _TAG.fullmatch(rest[0])):
            raise ModelLoadError(
                f"{source}, line {number}: expected 'word<TAB>frequency' or jieba's "
                f"'word [frequency] [tag]' with a positive frequency, got {line!r}"
            )
        vocabulary[word] = freq
    return vocabulary


def read_vocabulary(path: str | os.PathLike[str]) -> dict[str, int | None]:
    """Read a vocabulary file: policytext's format or jieba's user dictionary."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ModelLoadError(f"cannot read vocabulary {os.fspath(path)!r}: {error}") from error
    return parse_vocabulary(text.splitlines(), source=os.fspath(path))


@functools.cache
def _bundled() -> tuple[tuple[str, int | None], ...]:
    text = resources.files("policytext").joinpath("data", BUNDLED_FILE).read_text("utf-8")
    return tuple(parse_vocabulary(text.splitlines(), source=BUNDLED_FILE).items())


def bundled_vocabulary() -> dict[str, int | None]:
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
