"""The policy tokenizer: jieba segmentation tuned to policy vocabulary.

>>> from policytext import tokenize
>>> tokenize("加快发展新质生产力，推进“一网通办”。")
['加快', '发展', '新质生产力', '，', '推进', '“', '一网通办', '”', '。']
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Mapping
from typing import Any

from ._errors import InvalidInputError
from ._script import looks_traditional, simplified
from ._segmenters import BACKENDS, Segmenter, make_segmenter
from ._validation import check_text
from ._vocabulary import bundled_vocabulary, read_vocabulary

__all__ = ["PolicyTokenizer", "default_tokenizer", "tokenize"]

_QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』", "‘": "’"}
# Inside a quoted term: no whitespace, no quote marks, no punctuation that would
# make the quote a phrase or a list rather than a term.
_TERM_CHAR = r"[^\s“”「」『』‘’，,。！!？?；;：:、（）()《》〈〉【】\[\]—…·]"
# Spans that are one token whatever the segmenter says:
# - ASCII words joined by '.', '_' or '-' (PM_2.5, 5G-A, NB-IoT, www.gov.cn).
#   rjieba keeps them whole and jieba splits them; deciding here makes both
#   backends agree.
# - Numbers in ASCII or full-width digits, with a decimal part and a unit of
#   time, percent or magnitude: 2024年, １２月, ３１日, 5.2%, １７％, 3.5万.
#   jieba cuts full-width digits one character at a time.
# - Years written with Chinese numerals and a ○ zero: 二○○○年, 二〇二四年.
# - Chinese characters outside jieba's range U+4E00..U+9FD5 (extension blocks,
#   compatibility ideographs): jieba emits each alone, rjieba may join them;
#   they are one token each here.
# The pattern starts with one character class, which lets the regex engine skip
# ahead quickly; each branch then checks what that first character was.
_RARE_HAN = "\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_ATOMIC_SPAN = re.compile(
    rf"[0-9０-９A-Za-z一二{_RARE_HAN}](?:"
    r"(?<=[0-9０-９])(?<![A-Za-z0-9０-９.．][0-9０-９])[0-9０-９]*(?:[.．][0-9０-９]+)?"
    r"(?:万亿|[%％年月日时分秒万亿]|(?![A-Za-z0-9０-９.．]))"
    r"|(?<=[A-Za-z0-9])[A-Za-z0-9]*(?:[._\-][A-Za-z0-9]+)+"
    r"|(?<=[一二])[〇○][〇○零一二三四五六七八九]{2}年"
    rf"|(?<=[{_RARE_HAN}])"
    r")"
)


@functools.lru_cache(maxsize=8)
def _quoted_term_pattern(max_length: int) -> re.Pattern[str]:
    alternatives = "|".join(
        f"{re.escape(open_)}({_TERM_CHAR}{{2,{max_length}}}){re.escape(close)}"
        for open_, close in _QUOTE_PAIRS.items()
    )
    return re.compile(alternatives)


class PolicyTokenizer:
    """A word tokenizer for Chinese policy documents.

    Parameters are only stored here; the segmenter and its dictionary load on
    the first call to :meth:`tokenize`, once, thread-safely.

    Args:
        backend: ``"rjieba"`` (default, fast) or ``"jieba"`` (reference); both
            give the same tokens.
        vocabulary: extra words for the segmenter, as ``{word: frequency}`` or
            the path of a vocabulary file; ``None`` uses the policy vocabulary
            bundled with policytext and ``{}`` none at all.
        learn_quoted_terms: keep a short term quoted in “…” or 「…」 as one
            token, here and wherever else it occurs in the same text.
        max_quoted_length: the longest quoted term, in characters, that
            ``learn_quoted_terms`` keeps whole.
        read_traditional: segment a text written in traditional characters
            through its simplified form (see :func:`policytext._script.looks_traditional`);
            the tokens keep the text's own characters.

    Tokenization is lossless: ``"".join(tokenizer.tokenize(s)) == s``.

    >>> tokenizer = PolicyTokenizer(backend="jieba")
    >>> tokenizer.tokenize("实施“黄小西吃晚饭”品牌行动，黄小西吃晚饭成为热词")
    ['实施', '“', '黄小西吃晚饭', '”', '品牌', '行动', '，', '黄小西吃晚饭', '成为', '热词']
    """

    def __init__(
        self,
        backend: str = "rjieba",
        vocabulary: Mapping[str, int] | str | os.PathLike[str] | None = None,
        learn_quoted_terms: bool = True,
        max_quoted_length: int = 8,
        read_traditional: bool = True,
    ) -> None:
        self.backend = backend
        self.vocabulary = vocabulary
        self.learn_quoted_terms = learn_quoted_terms
        self.max_quoted_length = max_quoted_length
        self.read_traditional = read_traditional
        # Wrong parameters fail here, not at first use (a vocabulary file is read then).
        self._check_parameters()
        if vocabulary is not None and not isinstance(vocabulary, (str, os.PathLike)):
            self._resolve_vocabulary()
        self._lock = threading.Lock()
        self._segmenter: Segmenter | None = None
        self._vocabulary_size = 0

    def __repr__(self) -> str:
        return (
            f"PolicyTokenizer(backend={self.backend!r}, "
            f"learn_quoted_terms={self.learn_quoted_terms!r}, "
            f"max_quoted_length={self.max_quoted_length!r})"
        )

    # Pickle parameters only: the segmenter is rebuilt on first use after
    # unpickling, so a tokenizer inside a saved scikit-learn pipeline stays small.
    def __getstate__(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "vocabulary": self.vocabulary,
            "learn_quoted_terms": self.learn_quoted_terms,
            "max_quoted_length": self.max_quoted_length,
            "read_traditional": self.read_traditional,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    @property
    def vocabulary_size(self) -> int:
        """Number of policy words added to the segmenter (loads it if needed)."""
        self._loaded_segmenter()
        return self._vocabulary_size

    def _resolve_vocabulary(self) -> dict[str, int]:
        vocabulary = self.vocabulary
        if vocabulary is None:
            return bundled_vocabulary()
        if isinstance(vocabulary, (str, os.PathLike)):
            return read_vocabulary(vocabulary)
        if isinstance(vocabulary, Mapping):
            for word, freq in vocabulary.items():
                if not isinstance(word, str) or not word or any(c.isspace() for c in word):
                    raise InvalidInputError(
                        f"vocabulary words must be non-empty str without whitespace, got {word!r}"
                    )
                if not isinstance(freq, int) or isinstance(freq, bool) or freq < 1:
                    raise InvalidInputError(
                        f"vocabulary frequency of {word!r} must be a positive int, got {freq!r}"
                    )
            return dict(vocabulary)
        raise InvalidInputError(
            "vocabulary must be a mapping of word to frequency, a file path or None, "
            f"got {type(vocabulary).__name__}"
        )

    def _check_parameters(self) -> None:
        if self.backend not in BACKENDS:
            raise InvalidInputError(f"backend must be one of {BACKENDS}, got {self.backend!r}")
        length = self.max_quoted_length
        if not isinstance(length, int) or isinstance(length, bool) or length < 2:
            raise InvalidInputError(f"max_quoted_length must be an int >= 2, got {length!r}")

    def _loaded_segmenter(self) -> Segmenter:
        segmenter = self._segmenter
        if segmenter is not None:
            return segmenter
        with self._lock:
            if self._segmenter is None:
                self._check_parameters()
                vocabulary = self._resolve_vocabulary()
                segmenter = make_segmenter(self.backend)
                for word, freq in vocabulary.items():
                    segmenter.add_word(word, freq)
                self._vocabulary_size = len(vocabulary)
                self._segmenter = segmenter
            return self._segmenter

    def quoted_terms(self, text: str) -> list[str]:
        """Return the short terms quoted in ``text``, longest first, each once.

        >>> PolicyTokenizer().quoted_terms("推进“一网通办”和「放管服」改革")
        ['一网通办', '放管服']
        """
        self._check_parameters()
        return self._quoted_terms(check_text(text))

    def _quoted_terms(self, text: str) -> list[str]:
        pattern = _quoted_term_pattern(self.max_quoted_length)
        found = {match.group(match.lastindex or 0) for match in pattern.finditer(text)}
        return sorted(found, key=lambda term: (-len(term), term))

    def _protected_spans(self, text: str) -> list[tuple[int, int]]:
        """Spans of ``text`` that become one token each, sorted, not overlapping."""
        spans = [match.span() for match in _ATOMIC_SPAN.finditer(text)]
        if self.learn_quoted_terms:
            # Every use of a quoted term, quoted or not; longest term first.
            terms = self._quoted_terms(text)
            if terms:
                uses = re.compile("|".join(map(re.escape, terms)))
                spans += [match.span() for match in uses.finditer(text)]
        if len(spans) < 2:
            return spans
        # Leftmost first and, at the same start, longest first; drop overlaps.
        spans.sort(key=lambda span: (span[0], -span[1]))
        kept = [spans[0]]
        for start, end in spans[1:]:
            if start >= kept[-1][1]:
                kept.append((start, end))
        return kept

    def tokenize(self, text: str) -> list[str]:
        """Split ``text`` into words; ``""`` gives ``[]``.

        Whitespace and punctuation come back as tokens of their own, so that
        joining the tokens gives ``text`` back exactly.
        """
        text = check_text(text)
        if not text:
            return []
        if self.read_traditional and looks_traditional(text):
            tokens, position = [], 0
            for token in self._tokens(simplified(text)):  # same length: map back
                tokens.append(text[position : position + len(token)])
                position += len(token)
            return tokens
        return self._tokens(text)

    def _tokens(self, text: str) -> list[str]:
        cut = self._loaded_segmenter().cut
        tokens: list[str] = []
        position = 0
        for start, end in self._protected_spans(text):
            if start > position:
                tokens.extend(cut(text[position:start]))
            tokens.append(text[start:end])
            position = end
        if position < len(text):
            tokens.extend(cut(text[position:]))
        return tokens

    __call__ = tokenize


_default_lock = threading.Lock()
_default: PolicyTokenizer | None = None


def default_tokenizer() -> PolicyTokenizer:
    """Return the process-wide tokenizer behind :func:`tokenize` (rjieba, bundled vocabulary)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = PolicyTokenizer()
        return _default


def tokenize(text: str) -> list[str]:
    """Tokenize ``text`` with the default :class:`PolicyTokenizer`.

    >>> tokenize("")
    []
    """
    return default_tokenizer().tokenize(text)
