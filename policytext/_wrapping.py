"""Hard-wrapped lines: line breaks inside a sentence, as in text extracted from PDFs.

A line break is a wrap when the line before it ends without sentence-final
punctuation, neither line opens a heading or list item, the next line is not
a bare number (a page number), and something shows that the sentence runs
on: the line ends in a comma, enumeration comma, dash or opening bracket; the
next line starts with a mark that no sentence starts with; or the line is as
long as the document's wrapped lines (its measure, learnt from the sure wraps
seen so far). A line that merely lost its full
stop, as in the one-sentence-per-line plans of the corpus, is not joined.

>>> text = "推进数字技术与实体经济深度融合，\\n加快建设数字中国。\\n二、主要任务"
>>> sorted(wrapped_breaks(text)), unwrap(text[:26])
([16], '推进数字技术与实体经济深度融合，加快建设数字中国。')
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

from ._headings import heading_level, starts_outline_item

__all__ = ["WrapDetector", "unwrap", "wrapped_breaks"]

_ENDS_SENTENCE = re.compile(r"[。！？!?；;：:…][”’」』）)》\"']*$")
_RUNS_ON = re.compile(r"[，、,（(《“‘—\-]$")
_CONTINUES = re.compile(r"^[，。、；：！？）》”’%％,;:)]")
_PAGE_NUMBER = re.compile(r"[-—－\s]*[0-9０-９]+[-—－\s]*")  # 12, - 12 -
_MIN_MEASURED = 10  # shorter lines say nothing about the measure
_MEASURE_SUPPORT = 3  # sure wraps within one character of a length make it the measure
_MEASURE_SLACK = 2  # a line this much shorter than the measure still fills it
_BREAK = re.compile(r"[^\S\n]*\n[^\S\n]*")
_LATIN = re.compile(r"[A-Za-z0-9]")


class WrapDetector:
    """Decides, pair of lines after pair of lines of one document, which breaks are wraps.

    Call :meth:`joins` on every two consecutive lines, in order: the measure
    of the document is learnt as it goes. ``max_length`` bounds a joined
    paragraph, so that memory stays bounded whatever the text.

    >>> detector = WrapDetector()
    >>> detector.joins("推进数字技术与实体经济深度融合，\\n", "加快建设数字中国。")
    True
    >>> detector.joins("加强草原建设，促进畜牧业发展\\n", "扩大淡水养殖")
    False
    """

    def __init__(self, max_length: int = 1 << 20) -> None:
        self._max_length = max_length
        self._sure_lengths: Counter[int] = Counter()
        self._measure: int | None = None
        self._paragraph_length = 0

    def joins(self, line: str, following: str) -> bool:
        """Whether the break between ``line`` and ``following`` is a wrap."""
        length = self._paragraph_length + len(line) + len(following.rstrip("\n"))
        wrap = length <= self._max_length and self._is_wrap(line.strip(), following.strip())
        self._paragraph_length = self._paragraph_length + len(line) if wrap else 0
        return wrap

    def _is_wrap(self, line: str, following: str) -> bool:
        if (
            not line
            or not following
            or _ENDS_SENTENCE.search(line)
            or heading_level(line) is not None
            or starts_outline_item(following)
            or _PAGE_NUMBER.fullmatch(following)
        ):
            return False
        if _RUNS_ON.search(line) or _CONTINUES.match(following):
            if len(line) >= _MIN_MEASURED:
                self._learn(len(line))
            return True
        return self._measure is not None and len(line) >= self._measure - _MEASURE_SLACK

    def _learn(self, length: int) -> None:
        self._sure_lengths[length] += 1
        support, measure = max(
            (sum(self._sure_lengths[n] for n in (k - 1, k, k + 1)), k) for k in self._sure_lengths
        )
        self._measure = measure if support >= _MEASURE_SUPPORT else None


def wrapped_breaks(text: str, max_length: int = 1 << 20) -> set[int]:
    """Offsets of the line breaks of ``text`` that are wraps."""
    detector = WrapDetector(max_length)
    breaks, offset = set(), 0
    lines = text.split("\n")
    for line, following in itertools.pairwise(lines):
        offset += len(line)
        if detector.joins(line + "\n", following):
            breaks.add(offset)
        offset += 1
    return breaks


def unwrap(span: str) -> str:
    """``span`` with its line breaks, and the spaces around them, taken out.

    A space stays between two Latin letters or digits, so words do not run together.
    """
    if "\n" not in span:
        return span

    def join(match: re.Match[str]) -> str:
        before, after = span[match.start() - 1 : match.start()], span[match.end() : match.end() + 1]
        return " " if _LATIN.match(before) and _LATIN.match(after) else ""

    return _BREAK.sub(join, span)
