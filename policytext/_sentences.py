"""Sentence splitting that knows the structure of Chinese policy documents.

>>> from policytext import split_sentences
>>> split_sentences("（一）扩大内需。一是促进消费；二是扩大投资。他说：“要实干。要担当！”")
['（一）扩大内需。', '一是促进消费；二是扩大投资。', '他说：“要实干。要担当！”']
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterator
from typing import NamedTuple

from ._validation import check_text
from ._wrapping import unwrap, wrapped_breaks

__all__ = ["MAX_SENTENCE_LENGTH", "SentenceSpan", "sentence_spans", "spans_of", "split_sentences"]

MAX_SENTENCE_LENGTH = 5_000
"""Longer units are cut: the longest sentence of the training corpus has 4,719 characters."""
_SOFT_BREAKS = frozenset("，；：、,;: \t")

_TERMINATORS = frozenset("。！？!?")
_OPENERS = {
    "“": "”",
    "‘": "’",
    "「": "」",
    "『": "』",
    "（": "）",
    "(": ")",
    "【": "】",
    "〔": "〕",
    "［": "］",
    "[": "]",
    "《": "》",
    "〈": "〉",
}
_CLOSERS = frozenset(_OPENERS.values())
_NUMERAL = "一二三四五六七八九十百零〇两"
# A chapter, section or part heading that runs on into body text on the same
# line, separated by whitespace: "第二章 全面贯彻… 坚持以…". The heading is
# the marker and a short title without punctuation; the body text must follow
# on the same line (a line's sentences never depend on the next line).
_RUN_ON_HEADING = re.compile(
    rf"(?:^|(?<=\s))第[{_NUMERAL}\d]+[章节篇编][^\S\n]*[^\s。！？；，：、“”]{{1,30}}(?=[^\S\n]+\S)"
)


class SentenceSpan(NamedTuple):
    """A sentence and where it lies in the text it was split from."""

    text: str
    """The sentence, with the line breaks of a hard-wrapped line taken out."""
    start: int
    end: int
    """``text[start:end]`` is the sentence as it stands in the original text."""


def _breaks(text: str, wraps: Collection[int]) -> Iterator[int]:
    """Offsets just after each sentence end in ``text``; the line breaks at
    offsets in ``wraps`` do not end a sentence."""
    expected: list[str] = []  # closing marks of the open quotes and brackets
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "\n" and index not in wraps:
            expected.clear()  # a paragraph ends whatever marks were left open
            yield index + 1
        elif char == '"':  # a straight quote opens or closes
            if expected and expected[-1] == '"':
                expected.pop()
            else:
                expected.append('"')
        elif char in _OPENERS:
            expected.append(_OPENERS[char])
        elif char in _CLOSERS:
            if char in expected:
                while expected.pop() != char:
                    pass
        elif char in _TERMINATORS and not expected:
            end = index + 1
            while end < length and text[end] in _TERMINATORS:
                end += 1
            yield end
            index = end
            continue
        elif char in _TERMINATORS and len(expected) == 1 and expected[0] in '”」』’"':
            # 。” closes the sentence together with its quote: 他说：“要实干。”
            end = index + 1
            while end < length and text[end] in _TERMINATORS:
                end += 1
            if end < length and text[end] == expected[0]:
                expected.clear()
                yield end + 1
                index = end + 1
                continue
        index += 1


def sentence_spans(text: str) -> list[SentenceSpan]:
    """The sentences of ``text`` (as :func:`split_sentences`) with their offsets.

    >>> sentence_spans("  稳增长。 保就业。")
    [SentenceSpan(text='稳增长。', start=2, end=6), SentenceSpan(text='保就业。', start=7, end=11)]
    >>> text = "推进数字技术与实体经济深度融合，\\n加快建设数字中国。"
    >>> [(s.text, s.end - s.start) for s in sentence_spans(text)]
    [('推进数字技术与实体经济深度融合，加快建设数字中国。', 26)]
    """
    text = check_text(text)
    return [
        SentenceSpan(unwrap(text[start:end]), start, end)
        for start, end in spans_of(text, wrapped_breaks(text))
    ]


def spans_of(text: str, wraps: Collection[int]) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of each sentence of ``text``, whitespace trimmed,
    where the line breaks at the offsets in ``wraps`` are hard wraps."""
    cuts = {0, len(text), *_breaks(text, wraps)}
    for match in _RUN_ON_HEADING.finditer(text):
        cuts.update(match.span())
    ordered = sorted(cuts)
    spans = []
    for start, end in itertools.pairwise(ordered):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        while end - start > MAX_SENTENCE_LENGTH:
            cut = _soft_cut(text, start)
            spans.append((start, cut))
            start = cut
        if start < end:
            spans.append((start, end))
    return spans


def _soft_cut(text: str, start: int) -> int:
    """Where to cut an over-long unit from ``start``: after the last comma, semicolon,
    colon or space in the second half of its first ``MAX_SENTENCE_LENGTH`` characters,
    else at that length."""
    limit = start + MAX_SENTENCE_LENGTH
    for index in range(limit - 1, start + MAX_SENTENCE_LENGTH // 2, -1):
        if text[index] in _SOFT_BREAKS:
            return index + 1
    return limit


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences and headings, in order.

    - A sentence ends at 。！？ (and ``!?``), after any closing quote that
      follows, and at every line break except a hard wrap: a line that ends
      without sentence-final punctuation and runs on in the next (see
      :mod:`policytext._wrapping`; text extracted from PDFs) is joined to
      it, and the line break taken out (:func:`sentence_spans` gives where
      the sentence stands in ``text``).
    - Headings on a line of their own (一、 （二） 第三章 1., and 前言,
      结束语, 关于外交工作, 附件2 alone on a line) are units of their own;
      a chapter or section heading followed on the same line by whitespace
      and body text is split from it.
    - Nothing splits inside quotes or brackets (“” 「」 （） 《》 …), on a
      semicolon, or between the parts of an enumeration (一是……二是……).
    - A unit longer than ``MAX_SENTENCE_LENGTH`` (5,000) characters, such as
      a line without sentence-final punctuation, is cut into pieces of at
      most that length, after a comma, semicolon, colon or space where one
      is near the limit.
    - Only whitespace around sentences is dropped; ``""`` and whitespace give ``[]``.
    """
    return [sentence.text for sentence in sentence_spans(text)]
