"""Classifier benchmark: dev accuracy of the shipped model and its ablations, and speed.

    python benchmarks/classifier.py [--data-dir ../shared] [--out benchmarks/results]

writes ``classifier.json`` and ``classifier.md`` under ``--out``. Every model
here is trained on the training corpus only; ``gold/dev.jsonl`` and the dev
documents are used for scoring.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from common import cold_start_seconds, machine, main, plain_jieba, read_jsonl, timed
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

import policytext
from policytext._structure import document_structure
from policytext._training import evaluate_documents, sample_weight


def scores(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    return {
        "accuracy": float(np.mean(np.asarray(truth) == np.asarray(predicted))),
        "macro_f1": float(f1_score(truth, predicted, average="macro")),
    }


def ablations(data: Path) -> dict[str, dict[str, float]]:
    """Dev scores of models trained on different sources of labels."""
    silver = read_jsonl(data / "gold" / "silver.jsonl")
    dev = read_jsonl(data / "gold" / "dev.jsonl")
    documents = read_jsonl(data / "corpus" / "documents.jsonl")
    meta = {d["doc_id"]: d for d in documents}
    texts = [s["text"] for s in silver]
    labels = [s["label"] for s in silver]
    weights = np.array(
        [sample_weight(meta[s["doc"]]["kind"], meta[s["doc"]]["year"] or 0) for s in silver]
    )
    dev_texts = [d["text"] for d in dev]
    truth = [d["label"] for d in dev]
    rows: dict[str, dict[str, float]] = {}

    def fit(name: str, sentences: list[str], targets: list[str], weight: Any) -> Any:
        model = policytext.PolicyClassifier().fit(sentences, targets, weight)
        rows[name] = scores(truth, model.predict(dev_texts).tolist())
        print(name, rows[name], file=sys.stderr)
        return model

    base = fit("silver, weighted by document kind (shipped recipe)", texts, labels, weights)
    fit("silver, all weights 1", texts, labels, None)

    # Weak labels from document structure: each unlabelled sentence of a
    # section takes the domain the silver model gives its heading.
    seen = set(texts) | set(dev_texts)
    weak = [
        (s.text, s.heading)
        for d in documents
        for s in document_structure(d["text"])
        if s.heading and not s.is_heading and s.text not in seen and len(s.text) >= 8
    ]
    headings = sorted({heading for _, heading in weak})
    heading_label = dict(zip(headings, base.predict(headings).tolist(), strict=True))
    weak_labels = [heading_label[heading] for _, heading in weak]
    fit(
        "silver + heading weak labels, pooled at weight 0.2",
        texts + [text for text, _ in weak],
        labels + weak_labels,
        np.r_[weights, np.full(len(weak), 0.2)],
    )
    # Self-training: confident predictions on the unlabelled sentences.
    unlabelled = [text for text, _ in weak]
    probabilities = base.predict_proba(unlabelled)
    confident = probabilities.max(axis=1) >= 0.95
    fit(
        "silver + self-training (p >= 0.95, weight 0.5)",
        texts + [t for t, keep in zip(unlabelled, confident, strict=True) if keep],
        labels + base.classes_[probabilities.argmax(axis=1)][confident].tolist(),
        np.r_[weights, np.full(int(confident.sum()), 0.5)],
    )
    # Baseline: plain jieba words and characters, scikit-learn TF-IDF, linear SVM.
    jieba = plain_jieba()
    baseline = make_pipeline(
        TfidfVectorizer(
            tokenizer=jieba.lcut,
            lowercase=False,
            token_pattern=None,
            ngram_range=(1, 2),
            sublinear_tf=True,
        ),
        LinearSVC(),
    ).fit(texts, labels)
    rows["baseline: jieba word 1-2-grams TF-IDF + linear SVM"] = scores(
        truth, baseline.predict(dev_texts).tolist()
    )
    return rows


def speed(data: Path) -> dict[str, Any]:
    """Sentences per second of classify against jieba.lcut, and cold start."""
    sentences = [d["text"] for d in read_jsonl(data / "gold" / "dev.jsonl")] * 4
    jieba = plain_jieba()
    policytext.classify(sentences[:10])
    best_jieba = min(timed(lambda: [jieba.lcut(s) for s in sentences]) for _ in range(5))
    best_classify = min(timed(lambda: policytext.classify(sentences)) for _ in range(5))
    large = sentences * 25
    one = timed(lambda: policytext.classify(large))
    policytext.classify(large[:5000], n_jobs=2)  # start the workers
    two = timed(lambda: policytext.classify(large, n_jobs=2))
    cold = cold_start_seconds("import policytext; policytext.classify(['全面推进乡村振兴。'])")
    return {
        "sentences": len(sentences),
        "jieba_lcut_per_second": len(sentences) / best_jieba,
        "classify_per_second": len(sentences) / best_classify,
        "classify_vs_jieba_lcut": best_jieba / best_classify,
        "large_batch": len(large),
        "classify_n_jobs_1_per_second": len(large) / one,
        "classify_n_jobs_2_per_second": len(large) / two,
        "first_classify_in_fresh_process_seconds": cold,
    }


def run(data: Path) -> dict[str, Any]:
    model = policytext.load_model()
    info = policytext.model_info(model)
    documents = evaluate_documents(
        model, data / "corpus" / "dev_documents.jsonl", data / "gold" / "dev.jsonl"
    )
    return {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "model": {k: info[k] for k in ("model_version", "trained", "sha256", "size_bytes")},
        "dev_sentences": info["dev_metrics"]["sentences"],
        "dev_documents": {k: documents[k] for k in ("n", "accuracy", "macro_f1")},
        "per_domain": documents["per_domain"],
        "ablations": ablations(data),
        "speed": speed(data),
    }


def markdown(results: dict[str, Any]) -> str:
    m, s = results["machine"], results["speed"]
    sentences, documents = results["dev_sentences"], results["dev_documents"]
    lines = [
        "# Classifier benchmark",
        "",
        f"Generated by `python benchmarks/classifier.py` on {results['date']}, "
        f"{m['platform']}, {m['processor']}, {m['cpus']} CPUs, Python {m['python']}. "
        f"Model {results['model']['model_version']} ({results['model']['size_bytes']:,} bytes).",
        "",
        "## Dev accuracy (500 adjudicated sentences of 5 held-out documents)",
        "",
        "| scope | accuracy | macro-F1 |",
        "|---|---|---|",
        f"| sentence by sentence (`classify`) | {sentences['accuracy']:.3f} | "
        f"{sentences['macro_f1']:.3f} |",
        f"| in document (`classify_document`) | {documents['accuracy']:.3f} | "
        f"{documents['macro_f1']:.3f} |",
        "",
        f"Top-2 accuracy sentence by sentence: {sentences['top2']:.3f}.",
        "",
        "## Ablations: sources of labels (sentence by sentence)",
        "",
        "| training data | accuracy | macro-F1 |",
        "|---|---|---|",
    ]
    for name, row in results["ablations"].items():
        lines.append(f"| {name} | {row['accuracy']:.3f} | {row['macro_f1']:.3f} |")
    lines += [
        "",
        "## Per domain (in document)",
        "",
        "| domain | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for label, row in results["per_domain"].items():
        lines.append(
            f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | "
            f"{row['support']} |"
        )
    lines += [
        "",
        "## Speed",
        "",
        f"- `classify` on {s['sentences']:,} dev sentences in one call: "
        f"{s['classify_per_second']:,.0f} sentences/s, "
        f"{s['classify_vs_jieba_lcut']:.1f}× `jieba.lcut` on the same sentences "
        f"({s['jieba_lcut_per_second']:,.0f}/s).",
        f"- {s['large_batch']:,} sentences: {s['classify_n_jobs_1_per_second']:,.0f}/s with "
        f"`n_jobs=1`, {s['classify_n_jobs_2_per_second']:,.0f}/s with `n_jobs=2`.",
        f"- First `classify` in a fresh process (import, model load, call): "
        f"{s['first_classify_in_fresh_process_seconds']:.2f} s (median of 5).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main(__doc__, "classifier", run, markdown)
