from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from policytext import InvalidInputError, sentence_spans, split_sentences
from policytext._sentences import MAX_SENTENCE_LENGTH
from policytext._structure import document_structure
from policytext._wrapping import unwrap, wrapped_breaks


def test_splits_on_terminators_and_line_breaks() -> None:
    text = "稳增长。保就业！要不要改革？\n要。"
    assert split_sentences(text) == ["稳增长。", "保就业！", "要不要改革？", "要。"]


def test_headings_are_units_of_their_own() -> None:
    text = (
        "一、2025年工作回顾\n（一）加快发展新质生产力。实施智造强市行动。\n"
        "第三章　构建现代化产业体系\n第一节 提升创新能力\n1. 总体目标\n（2）保障措施"
    )
    assert split_sentences(text) == [
        "一、2025年工作回顾",
        "（一）加快发展新质生产力。",
        "实施智造强市行动。",
        "第三章　构建现代化产业体系",
        "第一节 提升创新能力",
        "1. 总体目标",
        "（2）保障措施",
    ]


def test_run_on_chapter_headings_are_split_from_body_text() -> None:
    text = "第一篇 指导原则和发展目标 第一章 全面建设小康社会 “十五”时期是不平凡的五年。"
    assert split_sentences(text) == [
        "第一篇 指导原则和发展目标",
        "第一章 全面建设小康社会",
        "“十五”时期是不平凡的五年。",
    ]
    # Body text on the next line does not make a title at a line's end run on.
    toc = "目录 第五章科学技术发展（325）\n附记。"
    assert split_sentences(toc) == ["目录 第五章科学技术发展（325）", "附记。"]


def test_never_splits_inside_quotes_or_brackets() -> None:
    text = (
        "他强调：“要实干。要担当！”（详见附件。此处从略。）继续推进。"
        "《关于做好“三农”工作。的意见》印发。"
    )
    assert split_sentences(text) == [
        "他强调：“要实干。要担当！”",
        "（详见附件。此处从略。）继续推进。",
        "《关于做好“三农”工作。的意见》印发。",
    ]


def test_keeps_enumerations_and_semicolon_clauses_together() -> None:
    text = "一是扩大消费；二是稳定投资；三是稳住外贸。四是其他。"
    assert split_sentences(text) == ["一是扩大消费；二是稳定投资；三是稳住外贸。", "四是其他。"]


def test_repeated_terminators_stay_with_their_sentence() -> None:
    assert split_sentences("真的吗？！是的……好") == ["真的吗？！", "是的……好"]


def test_unclosed_quote_does_not_swallow_the_next_paragraph() -> None:
    assert split_sentences("他说：“要实干。\n第二段。结束。") == [
        "他说：“要实干。",
        "第二段。",
        "结束。",
    ]


@pytest.mark.parametrize("text", ["", "   ", "\n\t\u3000\n"])
def test_empty_and_whitespace_give_no_sentences(text: str) -> None:
    assert split_sentences(text) == []


def test_non_chinese_text_is_one_sentence_per_line() -> None:
    assert split_sentences("Hello world.\n😀") == ["Hello world.", "😀"]


@pytest.mark.parametrize("value", [None, b"abc", ["改革。"], 3])
def test_bad_input_raises(value: object) -> None:
    with pytest.raises(InvalidInputError, match="text must be str"):
        split_sentences(value)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="text must be str"):
        sentence_spans(value)  # type: ignore[arg-type]


text_strategy = st.text(
    st.sampled_from(list('改革发展。！？；，“”「」（）《》"一二、第章节 \n\t\u3000abc1.')),
    max_size=120,
)


@settings(max_examples=300, deadline=None)
@given(text_strategy)
def test_only_surrounding_whitespace_is_dropped(text: str) -> None:
    spans = sentence_spans(text)
    assert split_sentences(text) == [span.text for span in spans]
    assert all(span.text and span.text == span.text.strip() for span in spans)
    # Each sentence is its stretch of the text, less the line breaks of hard wraps.
    wraps = wrapped_breaks(text)
    for span in spans:
        assert unwrap(text[span.start : span.end]) == span.text
        inside = [i for i in range(span.start, span.end) if text[i] == "\n"]
        assert all(i in wraps for i in inside)
    # What lies between and around the sentences is whitespace only, in order.
    position = 0
    for span in spans:
        assert span.start >= position and not text[position : span.start].strip()
        position = span.end
    assert not text[position:].strip()


@settings(max_examples=300, deadline=None)
@given(text_strategy)
@example("第五章科学技术（325）\n附记")  # a title at a line's end, body on the next
@example("第二节\n造纸工业 其它")  # a marker alone on its line, title below
def test_lines_without_wraps_split_alone_as_in_the_whole_text(text: str) -> None:
    """What documents are streamed line by line relies on."""
    assert split_sentences(text) == [s.text for s in document_structure(text)]
    if not wrapped_breaks(text):
        by_line = [s for line in text.split("\n") for s in split_sentences(line)]
        assert split_sentences(text) == by_line


@settings(max_examples=200, deadline=None)
@given(text_strategy)
def test_splitting_is_idempotent(text: str) -> None:
    for sentence in split_sentences(text):
        assert split_sentences(sentence) == [sentence]


def test_dev_gold_sentences_are_found_whole(shared_dir) -> None:  # type: ignore[no-untyped-def]
    import json

    sentences: set[str] = set()
    with (shared_dir / "corpus" / "dev_documents.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            sentences.update(split_sentences(json.loads(line)["text"]))
    with (shared_dir / "gold" / "dev.jsonl").open(encoding="utf-8") as lines:
        gold = [json.loads(line)["text"] for line in lines]
    compact = {re.sub(r"\s", "", sentence) for sentence in sentences}
    found = sum(re.sub(r"\s", "", text) in compact for text in gold)
    assert found / len(gold) >= 0.98


def test_over_long_units_are_cut_near_the_limit() -> None:
    limit = MAX_SENTENCE_LENGTH
    bare = "加快发展新质生产力" * 1200  # 10,800 characters, no punctuation at all
    pieces = split_sentences(bare)
    assert [len(p) for p in pieces] == [limit, limit, len(bare) - 2 * limit]
    assert "".join(pieces) == bare
    clauses = "推进改革开放，" * 1500
    pieces = split_sentences(clauses)
    assert "".join(pieces) == clauses
    assert all(p.endswith("，") for p in pieces)
    assert all(limit // 2 < len(p) <= limit for p in pieces[:-1])
    long_sentence = "坚持稳中求进" * 800 + "。"  # 4,801 characters: kept whole
    assert split_sentences(long_sentence) == [long_sentence]


PDF_TEXT = """（二）推动制造业数字化转型。
支持龙头企业建设工业互联网平台，推广智能工厂、
数字化车间、网络化协同等新模式，培育一批解决方案，
打造一批行业标杆示范项目，形成可复制推广的经验，
到2025年全国重点平台连接设备超过8000万
台（套）。
三、保障措施
附件1
重点任务清单"""


def test_hard_wrapped_lines_are_joined_and_stay_findable() -> None:
    spans = sentence_spans(PDF_TEXT)
    assert [span.text for span in spans] == [
        "（二）推动制造业数字化转型。",
        "支持龙头企业建设工业互联网平台，推广智能工厂、数字化车间、网络化协同等新模式，"
        "培育一批解决方案，打造一批行业标杆示范项目，形成可复制推广的经验，"
        "到2025年全国重点平台连接设备超过8000万台（套）。",
        "三、保障措施",
        "附件1",
        "重点任务清单",
    ]
    joined = spans[1]
    assert PDF_TEXT[joined.start : joined.end].count("\n") == 4
    assert PDF_TEXT[joined.start : joined.end].replace("\n", "") == joined.text
    # The last break is joined only because the line is as long as the sure wraps above it.
    assert (
        split_sentences(PDF_TEXT.split("\n", 4)[-1])[0] == "到2025年全国重点平台连接设备超过8000万"
    )


@pytest.mark.parametrize(
    "text",
    [
        # One sentence per line that lost its full stops, as in the corpus's plans.
        "加强草原建设，促进畜牧业发展\n扩大淡水和近海养殖，发展远洋捕捞\n加强物种资源保护",
        # Title lines, a list item, a heading.
        "政府工作报告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n国务院总理 李强",
        "主要任务包括\n一是稳定粮食生产\n二是促进农民增收",
        "重点推进以下工作，\n（一）扩大有效投资。",
        # A page number below a line that runs on to the next page.
        "应用大数据、\n- 12 -",
        "应用大数据、\n12",
    ],
)
def test_lines_that_do_not_run_on_are_not_joined(text: str) -> None:
    assert split_sentences(text) == [line for line in text.split("\n")]


def test_a_wrap_between_latin_words_keeps_a_space() -> None:
    assert (
        unwrap("推广 open source \n software，\n 和国产软件")
        == "推广 open source software，和国产软件"
    )
