"""The benchmark's scoring functions and report generator, on hand-made inputs."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
if not (BENCHMARKS / "run.py").is_file():
    pytest.skip("benchmarks/ is not beside the tests", allow_module_level=True)
sys.path.insert(0, str(BENCHMARKS))

import segmentation  # noqa: E402


def test_token_spans_skip_whitespace_a_segmenter_dropped() -> None:
    assert segmentation.token_spans("今年 发展", ["今年", "发展"]) == {(0, 2), (3, 5)}
    assert segmentation.token_spans("今年 发展", ["今年", " ", "发展"]) == {(0, 2), (3, 5)}


def test_term_occurrences_leave_out_terms_nested_in_longer_ones() -> None:
    text = "新质生产力和生产力"
    assert segmentation.term_occurrences(text, ["新质生产力", "生产力"]) == [(0, 5), (6, 9)]


def test_quoted_term_damage_counts_cuts_inside_words_of_the_plain_segmentation() -> None:
    text = "增强产业链供应链主导力"
    plain = ["增强", "产业链", "供应链", "主导力"]
    forced = ["增强", "产业链", "供应", "链主", "导力"]
    damage = segmentation.quoted_term_damage(
        [text], with_rule=lambda _: forced, without=lambda _: plain
    )
    assert damage["places"] == 2 and damage["documents"] == 1  # after 供应 and after 链主
    merged = segmentation.quoted_term_damage(
        [text],
        with_rule=lambda _: ["增强", "产业链供应链", "主导力"],
        without=lambda _: plain,
    )
    assert merged["places"] == 0  # joining words cuts none


def test_term_integrity_counts_terms_kept_as_one_token() -> None:
    texts = ["发展新质生产力", "新质生产力"]
    result = segmentation.term_integrity(
        lambda text: ["发展", "新质", "生产力"] if text.startswith("发展") else [text],
        texts,
        ["新质生产力"],
    )
    assert (result["kept"], result["occurrences"], result["integrity"]) == (1, 2, 0.5)
    assert result["most_missed"] == [("新质生产力", 1)]


def test_sighan_f1_scores_word_spans() -> None:
    lines = ["今年 发展 很 好", ""]
    perfect = segmentation.sighan_f1(lambda text: ["今年", "发展", "很", "好"], lines)
    assert perfect == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    characters = segmentation.sighan_f1(list, lines)  # 6 one-character tokens, 2 right
    assert characters["precision"] == pytest.approx(2 / 6)
    assert characters["recall"] == pytest.approx(2 / 4)


def test_keyword_rules_pick_the_domain_with_most_hits() -> None:
    accuracy = pytest.importorskip("accuracy")
    assert accuracy.keyword_label("加强农业农村基础设施建设") == "rural"
    assert accuracy.keyword_label("各位代表！") == "general"


def _provenance(section: str) -> dict[str, Any]:
    return {
        "section": section,
        "date": "2026-01-01T00:00:00+00:00",
        "quick": True,
        "seconds": 1.0,
        "machine": {
            "cpu": "test CPU",
            "cpus": 2,
            "memory_gib": 1.0,
            "platform": "test",
            "python": "3.11",
        },
        "versions": {"policytext": "0.0.0"},
    }


def test_report_is_generated_from_the_json_results(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    report = pytest.importorskip("report")
    out, docs = tmp_path / "results", tmp_path / "docs"
    out.mkdir()
    scored = {"integrity": 0.5, "occurrences": 2, "kept": 1, "most_missed": [["碳达峰", 1]]}
    f1 = {"precision": 0.9, "recall": 0.8, "f1": 0.8471}
    row = {
        "group": "segmenter",
        "what": "w",
        "available": True,
        "load_seconds": 0.1,
        "term_integrity": scored,
        "formulation_integrity": {**scored, "integrity": 0.75},
        "pku": f1,
        "msr": f1,
        "chars_per_second": 1000.0,
        "speed_vs_jieba": 1.0,
    }
    segmentation_results = {
        **_provenance("segmentation"),
        "sighan_lines": {"pku": 1, "msr": 1}, "dev_documents": 1, "dev_chars": 10,
        "dev_terms": 1,
        "formulations": {"entries": 2, "training_integrity": scored},
        "segmenters": {"policytext (rjieba)": row, "jieba": row,
                       "absent": {"group": "segmenter", "what": "x", "available": False,
                                  "reason": "not installed: no module"}},
        "not_installable": {"lac": "needs paddle"},
        "install_notes": {"pkuseg": ["pip install pkuseg", "why"]},
        "cold_start_seconds": {"import jieba": 1.0},
    }  # fmt: skip
    (out / "segmentation.json").write_text(json.dumps(segmentation_results), encoding="utf-8")
    written = report.write(out, docs)
    text = (docs / "benchmarks.md").read_text(encoding="utf-8")
    assert "| jieba | w | 0.8471 | 0.8471 | 0.500 | 0.750 | 1,000 | 1.00 | 0.10 |" in text
    assert "the 2 curated formulations" in text
    assert "- absent: not installed: no module" in text
    assert "Quick run" in text
    assert "## Accuracy\n\nNot measured yet." in text  # no accuracy.json
    assert {path.name for path in written} == {"benchmarks.md", "segmentation.png"}
    assert all(path.stat().st_size > 0 for path in written)


def test_accuracy_report_shows_recipes_context_and_both_learning_curves(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    report = pytest.importorskip("report")
    out, docs = tmp_path / "results", tmp_path / "docs"
    out.mkdir()
    scores = {"accuracy": 0.9, "macro_f1": 0.8}
    candidate = {
        "name": "shipped", "what": "all", "features": 1000, "cv_recent_accuracy": 0.88,
        "cv_recent_macro_f1": 0.87, "cv_newest_accuracy": 0.86, "dev_accuracy": 0.91,
        "dev_macro_f1": 0.9,
    }  # fmt: skip
    ablation = {
        "cv_recent_accuracy": 0.9, "cv_newest_accuracy": 0.89, "dev_document_accuracy": 0.92,
        "dev_document_macro_f1": 0.91,
    }  # fmt: skip
    accuracy_results = {
        **_provenance("accuracy"),
        "model": {"model_version": "2.0.0", "trained": "2026-01-01"},
        "dev_sentences": 500,
        "training_sentences": 77518,
        "shipped": {"sentence": {**scores, "top2": 0.95}, "document": scores},
        "per_domain": {"rural": {"sentence_f1": 0.9, "document_f1": 0.95, "support": 3}},
        "confusion": {"labels": ["rural", "urban"], "matrix": [[3, 0], [1, 2]]},
        "candidates": [candidate],
        "context_ablation": [
            {"sources": [], "doubt_scaling": True, **ablation},
            {"sources": ["heading"], "doubt_scaling": False, **ablation},
        ],
        "learning_curve": [
            {"recipe": recipe, "sentences": size, "dev_accuracy": 0.8, "dev_macro_f1": 0.7}
            for size in (100, 200)
            for recipe in ("model 1", "shipped")
        ],
        "baselines": {"keyword rules": {"what": "rules", **scores}},
    }
    (out / "accuracy.json").write_text(json.dumps(accuracy_results), encoding="utf-8")
    written = report.write(out, docs)
    text = (docs / "benchmarks.md").read_text(encoding="utf-8")
    assert "| shipped | all | 1,000 | 0.8800 | 0.8700 | 0.8600 | 0.910 | 0.900 |" in text
    assert "| none (the sentence alone) | 0.9000 | 0.8900 | 0.920 | 0.910 |" in text
    assert "| heading, **not** scaled by the sentence's doubt | 0.9000 |" in text
    assert "| silver sentences | model 1 recipe | shipped recipe |" in text
    assert "| 200 | 0.800 / 0.700 | 0.800 / 0.700 |" in text
    assert {path.name for path in written} >= {"learning_curve.png", "confusion.png"}
