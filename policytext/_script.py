"""Which script a text is in: enough Chinese to classify, and traditional characters.

The model and the policy vocabulary are simplified Chinese. A text written in
traditional characters is read through its simplified form (OpenCC's ``t2s``,
character for character, so offsets and tokens map back to the original), and
a text with too little Chinese gets no domain rather than a guess.

>>> is_chinese("深化医药卫生体制改革。"), is_chinese("Deepen the reform of health care.")
(True, False)
>>> looks_traditional("深化醫藥衛生體制改革。"), simplified("深化醫藥衛生體制改革。")
(True, '深化医药卫生体制改革。')
"""

from __future__ import annotations

import functools
import re
import threading
from typing import Any

__all__ = ["MIN_CHINESE", "is_chinese", "looks_traditional", "simplified"]

MIN_CHINESE = 2
"""A text needs this many Chinese characters to be classified (see :func:`is_chinese`)."""

_HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KANA_HANGUL = "\u3040-\u30ff\u31f0-\u31ff\u1100-\u11ff\uac00-\ud7af"
_HAN = re.compile(f"[{_HAN_RANGES}]")
_TWO_HAN = re.compile(f"[{_HAN_RANGES}].*?[{_HAN_RANGES}]", re.DOTALL)
_OTHER_LETTER = re.compile(rf"[^\W\d_{_HAN_RANGES}]")  # a letter that is not Chinese
_KANA_OR_HANGUL = re.compile(f"[{_KANA_HANGUL}]")
_OTHER_WORD = re.compile(rf"[^\W\d_{_HAN_RANGES}{_KANA_HANGUL}]+")  # English, Russian, …
_lock = threading.Lock()


def is_chinese(text: str) -> bool:
    """Whether ``text`` is Chinese enough to classify: at least ``MIN_CHINESE`` Chinese
    characters, fewer than two Japanese kana or Korean hangul, and no more words in
    other alphabets than Chinese characters (推进IPv6规模部署 is Chinese; an English
    sentence quoting 十四五 is not)."""
    if _TWO_HAN.search(text) is None:
        return False
    if _OTHER_LETTER.search(text) is None:
        return True
    if len(_KANA_OR_HANGUL.findall(text)) >= 2:
        return False
    return len(_HAN.findall(text)) >= len(_OTHER_WORD.findall(text))


@functools.cache
def _converter() -> Any:
    import opencc

    with _lock:  # OpenCC reads its dictionaries on construction
        return opencc.OpenCC("t2s")


@functools.cache
def _traditional() -> tuple[re.Pattern[str], dict[int, str]]:
    """The characters that only traditional Chinese writes, and each one's simplified form."""
    han = "".join(
        chr(code)
        for first, last in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
        for code in range(first, last + 1)
    )
    converted = _converter().convert(han)
    table = {ord(a): b for a, b in zip(han, converted, strict=True) if a != b}
    return re.compile("[" + "".join(map(chr, table)) + "]"), table


def looks_traditional(text: str) -> bool:
    """Whether ``text`` is written in traditional characters: at least two of them, and
    at least a fifth of its Chinese characters (simplified text quoting a traditional
    name, or using a variant form, stays as it is)."""
    pattern, _ = _traditional()
    if pattern.search(text) is None:
        return False
    found = len(pattern.findall(text))
    return found >= 2 and 5 * found >= len(_HAN.findall(text))


def simplified(text: str) -> str:
    """``text`` in simplified characters, character for character (same length).

    OpenCC's phrase-aware conversion where it keeps the length (it nearly always
    does), else each character on its own.
    """
    converted: str = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    return text.translate(_traditional()[1])
