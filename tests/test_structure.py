from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import policytext._structure
from policytext._headings import heading_level
from policytext._structure import document_structure, iter_structure
from policytext._wrapping import unwrap

TEXT = """政府工作报告
一、2025年工作回顾
（一）全面推进乡村振兴。抓好粮食生产。稳定种植面积。
一是稳面积；二是提单产。
二、主要任务
（一）发展数字经济。
第三章 科技创新
1. 加强基础研究
（2）建设实验室"""


def test_heading_levels() -> None:
    assert heading_level("一、2025年工作回顾") == 1
    assert heading_level("（三）全面推进乡村振兴。") == 2
    assert heading_level("第三章 科技创新") == 1
    assert heading_level("第一篇 总体要求") == 0
    assert heading_level("1. 加强基础研究") == 3
    assert heading_level("（2）建设实验室") == 4
    assert heading_level("一、二、三产业增加值分别增长4.2%、5%、5.4%。") is None
    assert heading_level("我们要推进乡村振兴。") is None
    assert heading_level("1.5%") is None


def test_sentences_carry_heading_path_and_paragraph_lead() -> None:
    sentences = document_structure(TEXT)
    by_text = {s.text: s for s in sentences}
    grain = by_text["抓好粮食生产。"]
    assert grain.headings == ("一、2025年工作回顾", "（一）全面推进乡村振兴。")
    assert grain.heading == "（一）全面推进乡村振兴。"
    assert grain.lead == "（一）全面推进乡村振兴。"
    assert by_text["（一）全面推进乡村振兴。"].lead == ""
    assert by_text["（一）全面推进乡村振兴。"].is_heading
    enumeration = by_text["一是稳面积；二是提单产。"]
    assert enumeration.lead == "" and enumeration.paragraph == 3
    assert enumeration.heading == "（一）全面推进乡村振兴。"
    # A new level-1 heading closes the sections under the previous one.
    assert by_text["（一）发展数字经济。"].headings == ("二、主要任务",)
    # A chapter is level 1 too, so it closes "二、"; numbered items nest under it.
    assert by_text["（2）建设实验室"].headings == ("第三章 科技创新", "1. 加强基础研究")
    assert [s.index for s in sentences] == list(range(len(sentences)))
    assert all(TEXT[s.start : s.end] == s.text for s in sentences)


def test_empty_document() -> None:
    assert document_structure("") == []


structure_text = st.text(
    st.sampled_from(list("一二、（）1.第章改革发展。；“”\n\r ")),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(structure_text, st.lists(st.integers(0, 80), max_size=6))
def test_structure_of_pieces_equals_structure_of_the_whole(text: str, cuts: list[int]) -> None:
    points = sorted({min(cut, len(text)) for cut in cuts})
    pieces = [text[i:j] for i, j in zip([0, *points], [*points, len(text)], strict=True)]
    assert list(iter_structure(pieces)) == document_structure(text)
    for sentence in iter_structure(pieces):
        assert unwrap(text[sentence.start : sentence.end]) == sentence.text


def test_a_line_longer_than_a_piece_keeps_its_paragraph_and_offsets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(policytext._structure, "_MAX_LINE_PIECE", 8)
    text = "一、主要任务\n推进乡村振兴。抓好粮食生产。稳定种植面积。\n发展数字经济。"
    sentences = document_structure(text)
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert len(sentence.text) <= 8
    assert "".join(s.text for s in sentences) == text.replace("\n", "")
    body = [s for s in sentences if s.start >= 7 and s.end <= text.index("\n发展")]
    assert {s.paragraph for s in body} == {1}
    assert {s.lead for s in body[1:]} == {body[0].text}
    assert sentences[-1].paragraph == 2 and sentences[-1].headings == ("一、主要任务",)


def test_unnumbered_headings_open_sections_of_their_own() -> None:
    assert heading_level("结束语") == 1
    assert heading_level("前言") == 1
    assert heading_level("关于外交工作") == 1
    assert heading_level("附件") == 0
    assert heading_level("附件2") == 0
    assert heading_level("附件：名词解释") == 0
    # Only alone, without punctuation: body sentences stay body sentences.
    assert heading_level("关于外交工作，我们坚持独立自主的和平外交政策。") is None
    assert heading_level("结束语很短。") is None
    text = (
        "前言\n本规划阐明发展目标。\n第一章 发展环境\n（一）机遇。\n环境深刻变化。\n"
        "关于外交工作\n我们坚持独立自主。\n结束语\n各位代表！\n附件1\n重点任务清单"
    )
    by_text = {s.text: s for s in document_structure(text)}
    assert by_text["本规划阐明发展目标。"].headings == ("前言",)
    assert by_text["环境深刻变化。"].headings == ("第一章 发展环境", "（一）机遇。")
    assert by_text["我们坚持独立自主。"].headings == ("关于外交工作",)
    assert by_text["各位代表！"].headings == ("结束语",)
    assert by_text["重点任务清单"].headings == ("附件1",)
    assert by_text["结束语"].is_heading and not by_text["各位代表！"].is_heading


def test_a_hard_wrapped_paragraph_is_one_paragraph() -> None:
    text = "一、任务\n推进数字技术与实体经济深度融合，\n加快建设数字中国。\n抓好落实。"
    sentences = document_structure(text)
    assert [(s.text, s.paragraph, s.lead) for s in sentences] == [
        ("一、任务", 0, ""),
        ("推进数字技术与实体经济深度融合，加快建设数字中国。", 1, ""),
        ("抓好落实。", 2, ""),
    ]
    assert text[sentences[1].start : sentences[1].end] == (
        "推进数字技术与实体经济深度融合，\n加快建设数字中国。"
    )
