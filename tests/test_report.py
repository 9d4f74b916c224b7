from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import policytext
from policytext.cli import main

TEXT = """示例市政府工作报告
一、2025年工作回顾
（一）全面推进乡村振兴。稳定粮食生产，建设高标准农田。
（二）深化医药卫生体制改革。推进紧密型县域医共体建设。
二、2026年主要任务
发展数字经济，建设数字政府。<script>alert(1)</script>
2026"""


class _Page(HTMLParser):
    """The sentences, headings and chart bars of a report page, as parsed."""

    def __init__(self) -> None:
        super().__init__()
        self.sentences: list[dict[str, str]] = []
        self.headings: list[str] = []
        self.bars: list[str] = []
        self._open: list[str] = []
        self._texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "span" and "s" in found.get("class", "").split():
            self.sentences.append({**found, "text": ""})
            self._open.append("sentence")
        elif tag == "g" and found.get("class") == "bar":
            self.bars.append(found["data-label"])
        elif tag in ("h2", "h3", "h4"):
            self.headings.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open:
            self.sentences[-1]["text"] += data


def _parsed(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


def test_report_shows_every_sentence_with_its_domain_and_score() -> None:
    result = policytext.classify_document(TEXT)
    page = _parsed(policytext.html_report(TEXT, title="示例"))
    assert [s["text"] for s in page.sentences] == [s.text for s in result.sentences]
    assert [s["data-label"] or None for s in page.sentences] == [s.label for s in result.sentences]
    for shown, sentence in zip(page.sentences, result.sentences, strict=True):
        if sentence.label:
            assert shown["title"].startswith(sentence.label)
            assert float(shown["data-score"]) == pytest.approx(sentence.score, abs=5e-4)
    assert page.headings == ["h3", "h4", "h4", "h3"]  # 一、 then （一）（二）, then 二、
    assert page.bars == list(result.shares)
    assert "<script>alert" not in policytext.html_report(TEXT)  # text is escaped


def test_report_of_an_empty_document_says_so() -> None:
    page = policytext.html_report("", title="空")
    assert "none (nothing classified)" in page and _parsed(page).sentences == []


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_report_renders_in_a_real_browser(tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_text(TEXT, encoding="utf-8")
    page = tmp_path / "report.html"
    assert main(["report", str(source), "-o", str(page)]) == 0
    browser = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1000,900"]
    dom = subprocess.run(
        [*browser, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    rendered = _parsed(dom)  # the page as the browser built it
    result = policytext.classify_document(TEXT)
    assert [s["text"] for s in rendered.sentences] == [s.text for s in result.sentences]
    assert rendered.bars == list(result.shares)
    assert re.search(r'<span id="sentence-count">\d+</span>', dom)
    shot = tmp_path / "shot.png"
    subprocess.run([*browser, f"--screenshot={shot}", page.as_uri()], capture_output=True,
                   timeout=120)  # fmt: skip
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_report_command_writes_to_stdout_and_checks_its_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "r.txt"
    source.write_text(TEXT, encoding="utf-8")
    assert main(["report", str(source)]) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")
    many = tmp_path / "many.jsonl"
    many.write_text('{"text": "甲。"}\n{"text": "乙。"}\n', encoding="utf-8")
    assert main(["report", str(many)]) == 1
    assert "holds 2 documents; report takes one" in capsys.readouterr().err
