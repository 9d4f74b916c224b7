"""Word segmenters behind :class:`policytext.PolicyTokenizer`.

Two interchangeable backends wrap one private instance each, never jieba's
global ``jieba.dt``: ``"rjieba"`` (the Rust port, fast, the default) and
``"jieba"`` (the reference implementation). With the same words added they
segment the same way; the tokenizer smooths over the one place where they
differ (ASCII runs joined by ``.``, ``_`` or ``-``).

>>> from policytext._segmenters import make_segmenter
>>> segmenter = make_segmenter("rjieba")
>>> segmenter.cut("我们推进改革")
['我们', '推进改革']
"""

from __future__ import annotations

import logging
import warnings
from typing import Any, Protocol

from ._errors import InvalidInputError

__all__ = ["BACKENDS", "Segmenter", "make_segmenter"]

BACKENDS = ("rjieba", "jieba")
"""Names accepted by :func:`make_segmenter`, the default first."""


class Segmenter(Protocol):
    """What the tokenizer needs from a word segmenter."""

    def cut(self, text: str) -> list[str]:
        """Segment ``text`` into words (HMM on for unknown words), losslessly."""

    def add_word(self, word: str, freq: int) -> None:
        """Add ``word`` to this instance's dictionary with frequency ``freq``."""

    def cut_dictionary(self, text: str) -> list[str]:
        """Segment ``text`` by the dictionary alone (HMM off)."""

    def suggest_freq(self, word: str) -> int:
        """The smallest frequency that keeps ``word`` whole when cut on its own."""


class _RJiebaSegmenter:
    def __init__(self) -> None:
        import rjieba

        self._jieba = rjieba.Jieba()

    def cut(self, text: str) -> list[str]:
        return self._jieba.cut(text)

    def add_word(self, word: str, freq: int) -> None:
        self._jieba.add_word(word, freq, None)

    def cut_dictionary(self, text: str) -> list[str]:
        return self._jieba.cut(text, hmm=False)

    def suggest_freq(self, word: str) -> int:
        return self._jieba.suggest_freq(word)


def _import_jieba() -> Any:
    """Import jieba without its warnings about pkg_resources."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    return jieba


class _JiebaSegmenter:
    def __init__(self) -> None:
        jieba = _import_jieba()
        self._tokenizer: Any = jieba.Tokenizer()
        # jieba logs "Building prefix dict ..." at DEBUG on stderr while loading.
        logger = logging.getLogger("jieba")
        level = logger.level
        logger.setLevel(logging.WARNING)
        try:
            self._tokenizer.initialize()
        finally:
            logger.setLevel(level)

    def cut(self, text: str) -> list[str]:
        words: list[str] = self._tokenizer.lcut(text, HMM=True)
        return words

    def add_word(self, word: str, freq: int) -> None:
        self._tokenizer.add_word(word, freq)

    def cut_dictionary(self, text: str) -> list[str]:
        words: list[str] = self._tokenizer.lcut(text, HMM=False)
        return words

    def suggest_freq(self, word: str) -> int:
        freq: int = self._tokenizer.suggest_freq(word, tune=False)
        return freq


def make_segmenter(backend: str) -> Segmenter:
    """Return a new segmenter with the default jieba dictionary for ``backend``."""
    if backend == "rjieba":
        return _RJiebaSegmenter()
    if backend == "jieba":
        return _JiebaSegmenter()
    raise InvalidInputError(f"backend must be one of {BACKENDS}, got {backend!r}")
