"""Headings of policy documents: numbered outlines and the unnumbered names.

>>> heading_level("（三）全面推进乡村振兴"), heading_level("结束语"), heading_level("附件2")
(2, 1, 0)
>>> heading_level("我们要推进乡村振兴。") is None
True
"""

from __future__ import annotations

import re

__all__ = ["heading_level", "starts_outline_item"]

_CN = "一二三四五六七八九十百零〇两"
# Heading markers by level: parts, chapters, sections, then the numbered
# outline of work reports (一、 （一） 1. （1）).
_LEVELS = (
    re.compile(rf"第[{_CN}\d]+[篇编]"),
    re.compile(rf"第[{_CN}\d]+章|[{_CN}]+、(?![{_CN}]+、)"),
    re.compile(rf"第[{_CN}\d]+节|[（(][{_CN}]+[）)]"),
    re.compile(r"\d+[.．、](?!\d)"),
    re.compile(r"[（(]\d+[）)]"),
)
# Headings without a number, which must make up the whole unit: an annex
# (附件 2, 附录：名词解释) opens a document of its own, so it closes every
# open heading; the others stand where a numbered chapter would.
_UNNUMBERED = (
    (0, re.compile(r"附[件录][\s\d一二三四五六七八九十.．、\-－]*(?:[：:].*)?")),
    (1, re.compile(r"(?:前言|序言|引言|导言|结束语|结语|后记|总则|附则|目\s*录)")),
    (1, re.compile(r"关于[^\s，。；：！？、,;:!?]{2,38}")),
)
_ITEM = re.compile(rf"(?:[{_CN}]+是|第[{_CN}]+[，、,]|[①-⑳]|[-—•·●■▪]\s)")
_MAX_HEADING_LENGTH = 60


def heading_level(sentence: str) -> int | None:
    """The outline level of a heading (0 = part or annex), or ``None`` for a body sentence.

    Numbered headings (第一篇, 一、 第二章, （三） 第一节, 1., （1）) may end in
    punctuation; the unnumbered ones (前言, 结束语, 关于外交工作, 附件1 ...) are
    headings only as a unit of their own, without punctuation.
    """
    if len(sentence) > _MAX_HEADING_LENGTH:
        return None
    level = _numbered_level(sentence)
    return level if level is not None else _unnumbered_level(sentence)


def starts_outline_item(line: str) -> bool:
    """Whether ``line`` opens a heading or a list item (一是, 第一，, ①, a bullet).

    >>> starts_outline_item("二是扩大投资"), starts_outline_item("扩大投资")
    (True, False)
    """
    return (
        _numbered_level(line) is not None
        or _ITEM.match(line) is not None
        or (len(line) <= _MAX_HEADING_LENGTH and _unnumbered_level(line) is not None)
    )


def _numbered_level(text: str) -> int | None:
    """The level of the outline marker ``text`` starts with, if any."""
    return next((level for level, marker in enumerate(_LEVELS) if marker.match(text)), None)


def _unnumbered_level(text: str) -> int | None:
    """The level of the unnumbered heading ``text`` is, if it is one."""
    return next((level for level, name in _UNNUMBERED if name.fullmatch(text)), None)
