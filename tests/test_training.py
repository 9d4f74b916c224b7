from __future__ import annotations

import json
from pathlib import Path

import pytest

from policytext import InvalidInputError, PolicyClassifier, classify_document
from policytext._training import (
    evaluate_documents,
    evaluate_sentences,
    fit_recipe,
    read_training_data,
    sample_weight,
    train_model,
)

RURAL = ["稳定粮食生产。", "建设高标准农田。", "发展现代农业。", "增加农民收入。"]
DIGITAL = ["发展数字经济。", "建设数字政府。", "推进一网通办。", "建设算力网络。"]
VAGUE = "抓好这项工作，确保取得实效。"  # labelled by its section: rural once, digital once


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
        rural = ["（一）全面推进乡村振兴。", *RURAL, VAGUE]
        digital = ["（二）发展数字经济。", *DIGITAL, VAGUE]
        text = "一、农业\n" + "".join(rural) + "\n二、数字\n" + "".join(digital)
        documents.append(
            {"doc_id": doc_id, "kind": "government_work_report", "year": 2020 + n, "text": text}
        )
        labelled = [(t, "rural") for t in rural] + [(t, "digital") for t in digital]
        silver += [
            {"doc": doc_id, "text": t, "label": label, "position": i}
            for i, (t, label) in enumerate(labelled)
        ]
    _write_jsonl(root / "corpus" / "documents.jsonl", documents)
    _write_jsonl(root / "gold" / "silver.jsonl", silver)
    _write_jsonl(root / "corpus" / "dev_documents.jsonl", documents[:1])
    _write_jsonl(root / "gold" / "dev.jsonl", silver[1:5] + silver[7:11])  # the clear ones
    return root


def test_training_data_joins_labels_to_their_documents(data_dir: Path) -> None:
    data = read_training_data(data_dir)
    assert len(data.texts) == 72 and set(data.groups.tolist()) == {f"doc-{n}" for n in range(6)}
    assert data.in_domain.all() and (data.weights == 2.0).all()  # recent work reports
    structure = data.structures["doc-0"]
    assert structure[3].heading == "（一）全面推进乡村振兴。"


def test_context_model_learns_from_the_documents(data_dir: Path) -> None:
    """A vague sentence takes its section's domain; a clear one keeps its own."""
    model, fitted = fit_recipe(read_training_data(data_dir))
    assert model.context_ is not None
    assert fitted.sentence_scores.shape == (72, 2)
    alone = dict(zip(model.classes_, model.predict_proba([VAGUE])[0], strict=True))
    assert 0.2 < alone["rural"] < 0.8  # the sentence alone cannot tell
    text = "（一）全面推进乡村振兴。" + VAGUE + DIGITAL[0] + "\n（二）建设数字政府。" + VAGUE
    results = classify_document(text, model=model).sentences
    assert [(r.text, r.label) for r in results] == [
        ("（一）全面推进乡村振兴。", "rural"),
        (VAGUE, "rural"),
        (DIGITAL[0], "digital"),
        ("（二）建设数字政府。", "digital"),
        (VAGUE, "digital"),
    ]
    assert results[1].score > alone["rural"]


def test_train_model_writes_a_loadable_reproducible_model(data_dir: Path, tmp_path: Path) -> None:
    first = train_model(data_dir, tmp_path / "a")
    second = train_model(data_dir, tmp_path / "b")
    assert first["sha256"] == second["sha256"]  # deterministic
    assert first["training_data"]["sentences"] == 72
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


def test_recent_work_reports_weigh_more_and_disagreement_less() -> None:
    assert sample_weight("government_work_report", 2024) > sample_weight("five_year_plan", 2021)
    assert sample_weight("policy_document", 2022) < 1.0
    agreed = sample_weight("five_year_plan", 2021, agreed=True)
    assert sample_weight("five_year_plan", 2021, agreed=False) < agreed
    assert sample_weight("five_year_plan", 2021, agreed=None) == agreed


def test_bundled_model_is_reproducible(shared_dir: Path, tmp_path: Path) -> None:
    """`policytext train` rebuilds the shipped model file bit for bit."""
    from policytext._model import bundled_model_path

    metadata = train_model(shared_dir, tmp_path / "model")
    shipped = json.loads((bundled_model_path() / "metadata.json").read_text("utf-8"))
    assert metadata["sha256"] == shipped["sha256"]
    assert metadata["dev_metrics"] == shipped["dev_metrics"]
