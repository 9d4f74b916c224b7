from __future__ import annotations

import math

import pytest

import policytext
from policytext import InvalidInputError

FIRST = "一、乡村\n全面推进乡村振兴。稳定粮食生产。\n二、卫生\n深化医药卫生体制改革。"
RECORDS = [
    {"doc_id": "a", "year": 2024, "region": "甲省", "text": FIRST},
    {"doc_id": "b", "year": 2025, "region": "乙省", "text": ""},
    {"doc_id": "c", "year": 2025, "region": "乙省", "text": "发展数字经济。"},
]  # fmt: skip


def test_classify_documents_equals_classify_document_per_document() -> None:
    texts = [record["text"] for record in RECORDS]
    one_by_one = [policytext.classify_document(text) for text in texts]
    assert policytext.classify_documents(RECORDS) == one_by_one
    assert policytext.classify_documents(texts) == one_by_one
    assert policytext.classify_documents(texts * 3, n_jobs=2) == one_by_one * 3
    renamed = [{"body": text} for text in texts]
    assert policytext.classify_documents(renamed, text_field="body") == one_by_one


@pytest.mark.parametrize(
    ("documents", "message"),
    [
        ("全面推进乡村振兴。", "got a single str"),
        ({"text": "全面推进乡村振兴。"}, "got a single dict"),
        (["好。", 3], r"documents\[1\] must be str or a mapping"),
        ([{"body": "好。"}], r"documents\[0\] has no string field 'text'"),
    ],
)
def test_bad_documents_raise(documents: object, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        policytext.classify_documents(documents)  # type: ignore[arg-type]


def test_profile_has_a_row_per_document_with_fields_and_shares() -> None:
    pytest.importorskip("pandas")
    before = [dict(record) for record in RECORDS]
    results = policytext.classify_documents(RECORDS)
    frame = policytext.profile(results, RECORDS)
    assert before == RECORDS  # nothing the user passed is changed
    assert frame["doc_id"].tolist() == ["a", "b", "c"]
    assert frame["region"].tolist() == ["甲省", "乙省", "乙省"]
    assert "text" not in frame
    assert frame["label"].tolist() == [results[0].label, None, "digital"]
    assert frame["n_sentences"].tolist() == [r.n_sentences for r in results]
    codes = [domain.code for domain in policytext.DOMAINS]
    first = frame.iloc[0]
    assert sum(first[f"share_{code}"] for code in codes) == pytest.approx(1.0)
    assert sum(first[f"char_share_{code}"] for code in codes) == pytest.approx(1.0)
    for code, share in results[0].shares.items():
        assert first[f"share_{code}"] == pytest.approx(share)
    assert all(math.isnan(frame.iloc[1][f"share_{code}"]) for code in codes)
    assert frame.iloc[2]["share_digital"] == 1.0 and frame.iloc[2]["n_chars"] == 7


def test_char_shares_weigh_sentences_by_length() -> None:
    result = policytext.classify_document(RECORDS[0]["text"])
    chars: dict[str, int] = {}
    for sentence in result.sentences:
        if sentence.label is not None:
            chars[sentence.label] = chars.get(sentence.label, 0) + len(sentence.text)
    total = sum(chars.values())
    assert result.char_shares == pytest.approx({k: v / total for k, v in chars.items()})
    assert result.n_sentences == sum(s.label is not None for s in result.sentences)


def test_profile_checks_records_against_results() -> None:
    pytest.importorskip("pandas")
    results = policytext.classify_documents(RECORDS)
    with pytest.raises(InvalidInputError, match="3 results"):
        policytext.profile(results, RECORDS[:2])
    with pytest.raises(
        InvalidInputError, match="a record has a field named like a column: 'label'"
    ):
        policytext.profile(results, [{**r, "label": "x"} for r in RECORDS])
    assert list(policytext.profile(results).columns[:3]) == ["label", "n_sentences", "n_chars"]


def test_to_frame_gives_the_sentences() -> None:
    pytest.importorskip("pandas")
    result = policytext.classify_document("1. 2024\n全面推进乡村振兴。")
    frame = result.to_frame()
    assert frame.columns.tolist() == ["index", "text", "label", "score", "heading"]
    assert frame["label"].tolist() == [s.label for s in result.sentences]
    assert frame["label"].tolist()[0] is None


def test_tables_without_pandas_say_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)
    results = policytext.classify_documents(["全面推进乡村振兴。"])
    with pytest.raises(InvalidInputError, match=r"policytext\[pandas\]"):
        policytext.profile(results)
    with pytest.raises(InvalidInputError, match=r"policytext\[pandas\]"):
        results[0].to_frame()
