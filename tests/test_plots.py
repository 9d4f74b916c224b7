from __future__ import annotations

import json
from pathlib import Path

import pytest

import policytext
from policytext import InvalidInputError
from policytext.cli import main

pytest.importorskip("pandas")
matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

RECORDS = [
    {"id": "a", "year": 2024, "text": "全面推进乡村振兴。稳定粮食生产。"},
    {"id": "b", "year": 2024, "text": "深化医药卫生体制改革。"},
    {"id": "c", "year": 2025, "text": "发展数字经济。建设数字政府。推进乡村振兴。"},
    {"id": "d", "year": 2025, "text": ""},
]


@pytest.fixture
def frame():  # type: ignore[no-untyped-def]
    return policytext.profile(policytext.classify_documents(RECORDS), RECORDS)


def test_shares_by_year_pool_the_documents_sentences(frame) -> None:  # type: ignore[no-untyped-def]
    table = policytext.shares_by(frame, "year")
    # 2024: 2 rural + 1 health of 3 sentences; 2025: 2 digital + 1 rural of 3; d has none.
    assert table.index.tolist() == [2024, 2025]
    assert table["rural"].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert table["health"].tolist() == pytest.approx([1 / 3, 0.0])
    assert table["digital"].tolist() == pytest.approx([0.0, 2 / 3])
    assert table.sum(axis=1).tolist() == pytest.approx([1.0, 1.0])
    by_chars = policytext.shares_by(frame, "year", weight="chars")
    assert by_chars.loc[2024, "rural"] == pytest.approx(16 / 27)  # 16 of 27 characters
    codes = [domain.code for domain in policytext.DOMAINS]
    axes = policytext.plot_shares(frame, by="year")
    assert [band.get_label() for band in axes.collections] == codes
    assert axes.get_xlabel() == "year" and axes.get_ylim() == (0, 1)
    lines = policytext.plot_shares(frame, by="year", kind="line", weight="chars")
    assert lines.get_ylabel() == "share of characters"
    assert [line.get_ydata().tolist() for line in lines.get_lines()] == [
        pytest.approx(by_chars[code].tolist()) for code in codes
    ]


def test_one_bar_per_document_without_by(frame) -> None:  # type: ignore[no-untyped-def]
    axes = policytext.plot_shares(frame, label="id")
    ticks = zip(axes.get_yticks(), axes.get_yticklabels(), strict=True)
    names = [label.get_text() for _, label in sorted(ticks, key=lambda tick: -tick[0])]
    assert names == ["a", "b", "c"]  # first document on top; d has nothing classified


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"by": "region"}, "no column 'region' to group by"),
        ({"weight": "words"}, "weight must be"),
        ({"by": "year", "kind": "pie"}, "kind must be one of"),
        ({"label": "name"}, "no column 'name'"),
    ],
)
def test_bad_plot_options_raise(frame, options: dict[str, str], message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInputError, match=message):
        policytext.plot_shares(frame, **options)


def test_a_table_that_is_not_a_profile_is_refused() -> None:
    import pandas

    with pytest.raises(InvalidInputError, match=r"must be a policytext\.profile table"):
        policytext.plot_shares(pandas.DataFrame({"year": [2024]}), by="year")


def test_plot_command_writes_an_image(tmp_path: Path) -> None:
    path = tmp_path / "reports.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), "utf-8")
    image = tmp_path / "shares.png"
    assert main(["plot", str(path), "--by", "year", "-o", str(image)]) == 0
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bars = tmp_path / "bars.svg"
    assert main(["plot", str(path), "--id-field", "id", "-o", str(bars)]) == 0
    assert "<svg" in bars.read_text("utf-8")
    assert main(["plot", str(path), "--by", "region", "-o", str(image)]) == 1


def test_labels_fall_back_to_a_font_with_chinese_glyphs(
    frame, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from matplotlib import font_manager

    from policytext import _plots

    monkeypatch.setattr(_plots, "_CHINESE_FONTS", ("DejaVu Serif", "No Such Font"))
    assert _plots.chinese_fonts() == ["DejaVu Serif"]  # the ones matplotlib has, in order
    axes = policytext.plot_shares(frame.assign(name=["甲", "乙", "丙", "丁"]), label="name")
    family = axes.get_yticklabels()[0].get_fontfamily()
    assert family == ["DejaVu Sans", "DejaVu Serif"]
    assert font_manager.findfont("DejaVu Serif")  # a real font, so the list is usable
