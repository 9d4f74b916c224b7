"""Document structure: each sentence with its paragraph, heading path and paragraph lead.

Headings and paragraph lead sentences carry the domain of what follows them;
this module finds them so that the classifier can use them as evidence.

>>> from policytext._structure import document_structure
>>> text = "一、主要任务\\n（一）全面推进乡村振兴。抓好粮食生产。\\n稳定种植面积。"
>>> grain = document_structure(text)[2]
>>> grain.text, grain.headings, grain.lead
('抓好粮食生产。', ('一、主要任务', '（一）全面推进乡村振兴。'), '（一）全面推进乡村振兴。')
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from ._headings import heading_level
from ._reading import iter_lines
from ._sentences import spans_of
from ._validation import check_text
from ._wrapping import WrapDetector, unwrap

__all__ = ["StructuredSentence", "document_structure", "iter_structure"]

_MAX_LINE_PIECE = 1 << 20  # characters: a longer line is read in pieces, to bound memory


class StructuredSentence(NamedTuple):
    """A sentence of a document with the structure around it."""

    index: int  # type: ignore[assignment]  # shadows tuple.index, by design
    """Position of the sentence in the document, from 0."""
    text: str
    start: int
    """Offset of the sentence in the document text."""
    end: int
    paragraph: int
    """Index of the paragraph (line) the sentence is in, from 0."""
    headings: tuple[str, ...]
    """The headings above the sentence, outermost first (not the sentence itself)."""
    lead: str
    """The first sentence of the paragraph when this sentence is not it, else ``""``."""
    is_heading: bool

    @property
    def heading(self) -> str:
        """The nearest heading above the sentence, or ``""``."""
        return self.headings[-1] if self.headings else ""


def document_structure(text: str) -> list[StructuredSentence]:
    """Split ``text`` into sentences (as :func:`policytext.split_sentences`) with structure."""
    return list(iter_structure([check_text(text)]))


def iter_structure(pieces: Iterable[str]) -> Iterator[StructuredSentence]:
    """:func:`document_structure` of a document given in pieces, as they come.

    Sentences never span a line break, so a file can be read line by line (or
    in blocks of any size) and its structure found in bounded memory: a line
    of over a million characters is read in pieces of that size, and a
    sentence may be cut where two pieces meet. Offsets count from the start
    of the whole document.

    >>> [s.headings for s in iter_structure(["一、任务\\n抓好", "粮食生产。"])]
    [(), ('一、任务',)]
    """
    open_headings: list[tuple[int, str]] = []  # (level, heading), outermost first
    index, paragraph, offset, lead, continued = 0, -1, 0, "", False
    for text, wraps in _paragraphs(pieces):
        spans = spans_of(text, wraps)
        if spans and not (continued and paragraph >= 0):
            paragraph += 1
            lead = ""
        for start, end in spans:
            sentence = unwrap(text[start:end])
            level = heading_level(sentence)
            if level is not None:
                while open_headings and open_headings[-1][0] >= level:
                    open_headings.pop()
            yield StructuredSentence(
                index=index,
                text=sentence,
                start=offset + start,
                end=offset + end,
                paragraph=paragraph,
                headings=tuple(heading for _, heading in open_headings),
                lead=lead,
                is_heading=level is not None,
            )
            index += 1
            if level is not None:
                open_headings.append((level, sentence))
            if not lead:
                lead = sentence
        offset += len(text)
        continued = not text.endswith("\n")  # a piece of a longer line


def _paragraphs(pieces: Iterable[str]) -> Iterator[tuple[str, list[int]]]:
    """The lines of a text given in pieces, with each hard-wrapped line joined to
    the next (its line break kept), and a line of over ``_MAX_LINE_PIECE``
    characters in pieces of that size; each with the offsets of the line
    breaks joined inside it."""
    detector = WrapDetector(_MAX_LINE_PIECE)
    lines: list[str] = []
    for line in iter_lines(pieces, max_length=_MAX_LINE_PIECE):
        if lines and not (lines[-1].endswith("\n") and detector.joins(lines[-1], line)):
            yield _joined(lines)
            lines.clear()
        lines.append(line)
    if lines:
        yield _joined(lines)


def _joined(lines: list[str]) -> tuple[str, list[int]]:
    """``lines`` as one text, and the offsets of the line breaks that end all but the last."""
    ends = itertools.accumulate(map(len, lines[:-1]))
    return "".join(lines), [end - 1 for end in ends]
