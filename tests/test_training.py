from __future__ import annotations

import json
from pathlib import Path

import pytest

from policytext import InvalidInputError, PolicyClassifier
from policytext._training import evaluate_documents, evaluate_sentences, sample_weight

pytest.importorskip("datasets")

from policytext._training import sentence_dataset, train_model

RURAL = ["稳定粮食生产。", "建设高标准农田。", "发展现代农业。", "增加农民收入。"]
DIGITAL = ["发展数字经济。", "建设数字政府。", "推进一网通办。", "建设算力网络。"]


def _write_jsonl(path: Path, rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny data directory laid out like ../shared."""
    root = tmp_path_factory.mktemp("data")
    documents, silver = [], []
    for n in range(6):
        doc_id = f"doc-{n}"
        text = (
            "一、农业\n（一）全面推进乡村振兴。"
            + "".join(RURAL)
            + "\n二、数字\n（二）发展数字经济。"
            + "".join(DIGITAL)
        )
        documents.append(
            {"doc_id": doc_id, "kind": "government_work_report", "year": 2020 + n, "text": text}
        )
        silver += [{"doc": doc_id, "text": t, "label": "rural"} for t in RURAL]
        silver += [{"doc": doc_id, "text": t, "label": "digital"} for t in DIGITAL]
    _write_jsonl(root / "corpus" / "documents.jsonl", documents)
    _write_jsonl(root / "gold" / "silver.jsonl", silver)
    _write_jsonl(root / "corpus" / "dev_documents.jsonl", documents[:1])
    _write_jsonl(root / "gold" / "dev.jsonl", silver[:8])
    return root


def test_sentence_dataset_has_structure(data_dir: Path) -> None:
    dataset = sentence_dataset(data_dir / "corpus" / "documents.jsonl")
    row = dataset[3]
    assert set(dataset.column_names) >= {
        "doc_id",
        "text",
        "heading",
        "headings",
        "lead",
        "is_heading",
    }
    assert row["doc_id"] == "doc-0" and row["heading"] == "（一）全面推进乡村振兴。"


def test_train_model_writes_a_loadable_reproducible_model(data_dir: Path, tmp_path: Path) -> None:
    first = train_model(data_dir, tmp_path / "a")
    second = train_model(data_dir, tmp_path / "b")
    assert first["sha256"] == second["sha256"]  # deterministic
    assert first["training_data"]["sentences"] == 48
    assert first["dev_metrics"]["sentences"]["accuracy"] == 1.0
    assert "documents" in first["dev_metrics"]
    model = PolicyClassifier.load(tmp_path / "a")
    assert model.context_ is not None
    report = evaluate_sentences(model, data_dir / "gold" / "dev.jsonl")
    assert report["per_domain"]["rural"]["support"] == 4
    assert sum(map(sum, report["confusion"]["matrix"])) == 8
    documents = evaluate_documents(
        model, data_dir / "corpus" / "dev_documents.jsonl", data_dir / "gold" / "dev.jsonl"
    )
    assert documents["accuracy"] == 1.0


def test_missing_training_data_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="training data not found"):
        train_model(tmp_path, tmp_path / "out")


def test_recent_work_reports_weigh_more() -> None:
    assert sample_weight("government_work_report", 2024) > sample_weight("five_year_plan", 2021)
    assert sample_weight("policy_document", 2022) < 1.0


def test_bundled_model_is_reproducible(shared_dir: Path, tmp_path: Path) -> None:
    """`policytext train` rebuilds the shipped model file bit for bit."""
    from policytext._model import bundled_model_path

    metadata = train_model(shared_dir, tmp_path / "model")
    shipped = json.loads((bundled_model_path() / "metadata.json").read_text("utf-8"))
    assert metadata["sha256"] == shipped["sha256"]
    assert metadata["dev_metrics"] == shipped["dev_metrics"]
