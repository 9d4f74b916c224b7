"""The policy tokenizer: jieba segmentation tuned to policy vocabulary.

>>> from policytext import tokenize
>>> tokenize("加快发展新质生产力，推进“一网通办”。")
['加快', '发展', '新质生产力', '，', '推进', '“', '一网通办', '”', '。']
"""

from __future__ import annotations

import bisect
import functools
import itertools
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ._errors import InvalidInputError
from ._script import looks_traditional, simplified
from ._segmenters import BACKENDS, Segmenter, make_segmenter
from ._validation import check_text
from ._vocabulary import bundled_vocabulary, read_vocabulary

__all__ = ["GRANULARITIES", "PolicyTokenizer", "VocabularySource", "default_tokenizer", "tokenize"]

GRANULARITIES = ("coarse", "fine")
"""Values of ``PolicyTokenizer(granularity=...)``, the default first."""
VocabularySource = Mapping[str, int | None] | Iterable[str] | str | os.PathLike[str]
"""Words for the segmenter: ``{word: frequency or None}``, words, or a vocabulary file."""

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
# ahead quickly; each branch then checks what that first character was. The
# whole span is a group, so that ``split`` returns the spans between the parts.
_RARE_HAN = "\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_ATOMIC_SPAN = re.compile(
    rf"([0-9０-９A-Za-z一二{_RARE_HAN}](?:"
    r"(?<=[0-9０-９])(?<![A-Za-z0-9０-９.．][0-9０-９])[0-9０-９]*(?:[.．][0-9０-９]+)?"
    r"(?:万亿|[%％年月日时分秒万亿]|(?![A-Za-z0-9０-９.．]))"
    r"|(?<=[A-Za-z0-9])[A-Za-z0-9]*(?:[._\-][A-Za-z0-9]+)+"
    r"|(?<=[一二])[〇○][〇○零一二三四五六七八九]{2}年"
    rf"|(?<=[{_RARE_HAN}])"
    r"))"
)

# Document numbers (文号), one token too: the issuing office's abbreviation, the
# year in 〔〕 (or [] ［］ 【】), the serial number and 号: 国发〔2021〕29号. The
# abbreviation is the whole run of Chinese characters before the year, or what
# follows a word that introduces a citation (根据国办发〔2023〕5号).
_DOCUMENT_NUMBER = re.compile(
    r"(?<![\u4e00-\u9fff])(?:根据|依据|按照|依照|参照|参见|详见|见|据)?"
    r"([\u4e00-\u9fff]{1,8}[〔［\[【](?:19|20)[0-9]{2}[〕］\]】][0-9]{1,5}号)"
)
# The year and serial alone, which the regex engine finds much faster: a document
# number ends with one, at most 10 characters after the match starts.
_YEAR_AND_SERIAL = re.compile(r"[〔［\[【](?:19|20)[0-9]{2}[〕］\]】][0-9]{1,5}号")
_BEFORE_YEAR = 10

# Stands in for a protected span while the rest of the text is segmented: a
# character the segmenters always emit alone.
_PLACEHOLDER = "\x00"


@functools.lru_cache(maxsize=8)
def _quoted_term_pattern(max_length: int) -> re.Pattern[str]:
    alternatives = "|".join(
        f"{re.escape(open_)}({_TERM_CHAR}{{2,{max_length}}}){re.escape(close)}"
        for open_, close in _QUOTE_PAIRS.items()
    )
    return re.compile(alternatives)


def _resolve(source: VocabularySource) -> dict[str, int | None]:
    """The words and frequencies of a ``vocabulary`` or ``extra_vocabulary`` argument."""
    if isinstance(source, (str, os.PathLike)):
        return read_vocabulary(source)
    if isinstance(source, Mapping):
        words: dict[str, int | None] = dict(source)
    elif isinstance(source, Iterable):
        words = dict.fromkeys(source)
    else:
        raise InvalidInputError(
            "vocabulary must be a mapping of word to frequency, words, a file path or None, "
            f"got {type(source).__name__}"
        )
    for word, freq in words.items():
        if not isinstance(word, str) or not word or any(c.isspace() for c in word):
            raise InvalidInputError(
                f"vocabulary words must be non-empty str without whitespace, got {word!r}"
            )
        if freq is not None and (not isinstance(freq, int) or isinstance(freq, bool) or freq < 1):
            raise InvalidInputError(
                f"vocabulary frequency of {word!r} must be a positive int or None, got {freq!r}"
            )
    return words


def _document_numbers(text: str) -> list[tuple[int, int]]:
    """Spans of the document numbers in ``text``, as ``_DOCUMENT_NUMBER.finditer`` finds them."""
    spans: list[tuple[int, int]] = []
    searched = 0  # where the previous match ended
    for hit in _YEAR_AND_SERIAL.finditer(text):
        start = max(searched, hit.start() - _BEFORE_YEAR)
        match = _DOCUMENT_NUMBER.search(text, start, hit.end())
        if match:
            spans.append(match.span(1))
            searched = match.end()
    return spans


def _pieces(text: str) -> list[str]:
    """``text`` as parts to segment and spans that are one token each, alternating:
    ``[part, span, part, …, part]`` (parts may be empty)."""
    numbers = _document_numbers(text) if "号" in text else []
    if not numbers:  # the usual text: one C call (a quarter faster than the merge below)
        return _ATOMIC_SPAN.split(text)
    # Document numbers and atomic spans merged: leftmost first and, at the same
    # start, longest first; drop overlaps.
    spans = [match.span() for match in _ATOMIC_SPAN.finditer(text)]
    pieces: list[str] = []
    position = 0
    for start, end in sorted(spans + numbers, key=lambda span: (span[0], -span[1])):
        if start >= position:
            pieces += (text[position:start], text[start:end])
            position = end
    pieces.append(text[position:])
    return pieces


def _cut_around(cut: Callable[[str], list[str]], pieces: list[str]) -> list[str]:
    """``cut`` of each part of ``pieces`` (see :func:`_pieces`) with each span as one token.

    One call of the segmenter: the parts are joined by ``_PLACEHOLDER``, which
    the segmenter emits alone and which separates the parts as the spans did;
    each placeholder is then replaced by its span. A placeholder character the
    text itself holds is skipped.
    """
    parts = pieces[0::2]
    tokens = cut(_PLACEHOLDER.join(parts))
    found = 0  # tokens before this index have been looked at
    for part, span in zip(parts, pieces[1::2], strict=False):  # one part more than spans
        for _ in range(part.count(_PLACEHOLDER) + 1):
            found = tokens.index(_PLACEHOLDER, found) + 1
        tokens[found - 1] = span
    return tokens


def _join_uses(text: str, tokens: list[str], terms: list[str]) -> list[str]:
    """``tokens`` of ``text`` with the tokens that make up a use of one of ``terms``
    (longest first) joined into one, wherever the use starts and ends at token
    boundaries."""
    pattern = re.compile("|".join(map(re.escape, terms)))
    uses = [match.span() for match in pattern.finditer(text)]
    ends = list(itertools.accumulate(map(len, tokens)))
    result: list[str] = []
    done = 0  # tokens before this index are in result
    for start, end in uses:
        first = bisect.bisect_right(ends, start)  # the token that holds ``start``
        if first < done or (ends[first - 1] if first else 0) != start:
            continue
        last = bisect.bisect_left(ends, end, first)  # the token that holds ``end - 1``
        if last > first and ends[last] == end:
            result.extend(tokens[done:first])
            result.append(text[start:end])
            done = last + 1
    return result + tokens[done:] if done else tokens


class PolicyTokenizer:
    """A word tokenizer for Chinese policy documents.

    Parameters are only stored here; the segmenter and its dictionary load on
    the first call to :meth:`tokenize`, once, thread-safely.

    Args:
        backend: ``"rjieba"`` (default, fast) or ``"jieba"`` (reference); both
            give the same tokens.
        vocabulary: the words added to jieba's dictionary: ``None`` for the
            policy vocabulary bundled with policytext, or in its place
            ``{word: frequency}`` (``None`` as frequency: the smallest that
            keeps the word whole), an iterable of words, or the path of a
            vocabulary file (policytext's ``word<TAB>frequency`` lines or
            jieba's user dictionary, ``word [frequency] [tag]``); ``{}`` for
            none at all.
        learn_quoted_terms: keep a short term quoted in “…” or 「…」 as one
            token, here and wherever else in the same text it stands between
            two word boundaries of the segmentation (so it never cuts a word:
            a document quoting “链主” leaves 产业链供应链主导力 alone).
        max_quoted_length: the longest quoted term, in characters, that
            ``learn_quoted_terms`` keeps whole.
        read_traditional: segment a text written in traditional characters
            through its simplified form (see :func:`policytext._script.looks_traditional`);
            the tokens keep the text's own characters.
        extra_vocabulary: words added on top of ``vocabulary``, in any of its
            forms: the way to extend the bundled vocabulary.
        granularity: ``"coarse"`` (default) keeps policy words and
            formulations whole (中国式现代化); ``"fine"`` gives each of them
            in the parts jieba's own dictionary cuts it into (中国式 现代化),
            as segmentation standards such as SIGHAN's do, and joins no
            quoted terms.

    Tokenization is lossless: ``"".join(tokenizer.tokenize(s)) == s``.

    >>> tokenizer = PolicyTokenizer(backend="jieba")
    >>> tokenizer.tokenize("实施“黄小西吃晚饭”品牌行动，黄小西吃晚饭成为热词")
    ['实施', '“', '黄小西吃晚饭', '”', '品牌', '行动', '，', '黄小西吃晚饭', '成为', '热词']
    >>> PolicyTokenizer(extra_vocabulary=["稳岗扩容"]).tokenize("以中国式现代化稳岗扩容")
    ['以', '中国式现代化', '稳岗扩容']
    >>> PolicyTokenizer(granularity="fine").tokenize("以中国式现代化稳岗扩容")
    ['以', '中国式', '现代化', '稳岗', '扩容']
    """

    def __init__(
        self,
        backend: str = "rjieba",
        vocabulary: VocabularySource | None = None,
        learn_quoted_terms: bool = True,
        max_quoted_length: int = 8,
        read_traditional: bool = True,
        extra_vocabulary: VocabularySource | None = None,
        granularity: str = "coarse",
    ) -> None:
        self.backend = backend
        self.vocabulary = vocabulary
        self.learn_quoted_terms = learn_quoted_terms
        self.max_quoted_length = max_quoted_length
        self.read_traditional = read_traditional
        self.extra_vocabulary = extra_vocabulary
        self.granularity = granularity
        # Wrong parameters fail here, not at first use (a vocabulary file is read then).
        self._check_parameters()
        for source in (vocabulary, extra_vocabulary):
            if source is not None and not isinstance(source, (str, os.PathLike)):
                _resolve(source)
        self._lock = threading.Lock()
        self._segmenter: Segmenter | None = None
        self._added: frozenset[str] = frozenset()
        self._parts: dict[str, list[str]] = {}  # fine granularity: word -> its parts

    def __repr__(self) -> str:
        return (
            f"PolicyTokenizer(backend={self.backend!r}, "
            f"learn_quoted_terms={self.learn_quoted_terms!r}, "
            f"max_quoted_length={self.max_quoted_length!r}, "
            f"granularity={self.granularity!r})"
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
            "extra_vocabulary": self.extra_vocabulary,
            "granularity": self.granularity,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    @property
    def vocabulary_size(self) -> int:
        """Number of policy words added to the segmenter (loads it if needed)."""
        self._loaded_segmenter()
        return len(self._added)

    def _check_parameters(self) -> None:
        if self.backend not in BACKENDS:
            raise InvalidInputError(f"backend must be one of {BACKENDS}, got {self.backend!r}")
        if self.granularity not in GRANULARITIES:
            raise InvalidInputError(
                f"granularity must be one of {GRANULARITIES}, got {self.granularity!r}"
            )
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
                words = bundled_vocabulary()
                if self.vocabulary is not None:
                    words = _resolve(self.vocabulary)
                if self.extra_vocabulary is not None:
                    words.update(_resolve(self.extra_vocabulary))
                segmenter = make_segmenter(self.backend)
                if self.granularity == "fine":  # cut by jieba's own dictionary alone
                    self._parts = {
                        word: parts for word in words if len(parts := segmenter.cut(word)) > 1
                    }
                for word, freq in words.items():
                    segmenter.add_word(word, freq or segmenter.suggest_freq(word))
                self._added = frozenset(words)
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
        tokens = _cut_around(cut, _pieces(text))
        if self.granularity == "fine":
            parts = self._parts
            if parts.keys().isdisjoint(tokens):
                return tokens
            return [part for token in tokens for part in parts.get(token, (token,))]
        if self.learn_quoted_terms:
            # A term the segmenter keeps whole on its own (人民, 数据, every
            # vocabulary word) needs no rule.
            added = self._added
            terms = [
                term
                for term in self._quoted_terms(text)
                if term not in added and len(cut(term)) > 1
            ]
            if terms:
                tokens = _join_uses(text, tokens, terms)
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
