"""How the labels behave: how often neighbouring sentences share a label in the silver
and in the dev gold, and how many of the shipped model's dev errors are the gold
secondary domain.

The first explains why document context helps more in cross-validation on the
silver labels (made document by document) than on the adjudicated dev set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from common import quick_subset, read_jsonl

import policytext
from policytext._structure import document_structure
from policytext._training import cross_fit, read_training_data

NEWEST_YEAR = 2025


def _neighbours(
    labelled: dict[tuple[str, int], str], predicted: dict[tuple[str, int], str]
) -> dict[str, float]:
    """Share of adjacent labelled sentences with the same label, and the same for the
    sentence classifier's predictions on the same pairs."""
    pairs = [(key, (key[0], key[1] + 1)) for key in labelled if (key[0], key[1] + 1) in labelled]
    same = np.mean([labelled[a] == labelled[b] for a, b in pairs])
    same_predicted = np.mean([predicted[a] == predicted[b] for a, b in pairs])
    return {
        "pairs": len(pairs),
        "labels_same": float(same),
        "predictions_same": float(same_predicted),
    }


def silver_neighbours(data_dir: Path, quick: bool) -> dict[str, float]:
    """Adjacent silver sentences of the provincial work reports of 2025 and later, with
    predictions from models that did not see their document (grouped cross-fitting)."""
    documents = {d["doc_id"]: d for d in read_jsonl(data_dir / "corpus" / "documents.jsonl")}
    records = read_jsonl(data_dir / "gold" / "silver.jsonl")
    data = read_training_data(data_dir)
    if quick:
        data = quick_subset(data)
    fitted = cross_fit(data)
    found = iter(fitted.classes[fitted.sentence_scores.argmax(axis=1)].tolist())
    wanted = set(data.groups.tolist())
    labelled, predicted = {}, {}
    for record in records:  # the training data keeps the records' order, one row each
        if record["doc"] not in wanted:
            continue
        document, label = documents[record["doc"]], next(found)
        newest = document["kind"] == "government_work_report" and document["year"] >= NEWEST_YEAR
        if newest and record.get("position") is not None:
            key = (record["doc"], record["position"])
            labelled[key], predicted[key] = record["label"], label
    return _neighbours(labelled, predicted)


def dev_neighbours(data_dir: Path, model: policytext.PolicyClassifier) -> dict[str, float]:
    """Adjacent dev gold sentences: gold sentences that are consecutive sentences of their
    document."""
    index_of: dict[tuple[str, str], int] = {}
    for document in read_jsonl(data_dir / "corpus" / "dev_documents.jsonl"):
        for sentence in document_structure(document["text"]):
            index_of.setdefault((document["doc_id"], sentence.text), sentence.index)
    gold = [
        r for r in read_jsonl(data_dir / "gold" / "dev.jsonl") if (r["doc"], r["text"]) in index_of
    ]
    keys = [(r["doc"], index_of[(r["doc"], r["text"])]) for r in gold]
    found = model.predict([r["text"] for r in gold]).tolist()
    return _neighbours(
        {k: r["label"] for k, r in zip(keys, gold, strict=True)},
        dict(zip(keys, found, strict=True)),
    )


def secondary_errors(data_dir: Path, model: policytext.PolicyClassifier) -> dict[str, float]:
    """How many of the dev errors, sentence by sentence, predict the gold secondary domain."""
    gold = read_jsonl(data_dir / "gold" / "dev.jsonl")
    predicted = model.predict([r["text"] for r in gold]).tolist()
    wrong = [(r, p) for r, p in zip(gold, predicted, strict=True) if p != r["label"]]
    secondary = sum(1 for r, p in wrong if p == r.get("secondary"))
    return {"errors": len(wrong), "secondary": secondary, "share": secondary / max(len(wrong), 1)}


def run(data_dir: Path, quick: bool) -> dict[str, Any]:
    """Neighbour agreement in silver and dev, and the dev errors that are secondary domains."""
    model = policytext.load_model()
    return {
        "silver_newest_neighbours": silver_neighbours(data_dir, quick),
        "dev_neighbours": dev_neighbours(data_dir, model),
        "dev_errors": secondary_errors(data_dir, model),
    }
