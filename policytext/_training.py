"""Training and evaluating the domain model (needs the ``[train]`` extra).

``policytext train`` runs :func:`train_model`: it reads the corpus and the
silver labels from a data directory laid out like the project's ``../shared``,
fits :class:`PolicyClassifier`, fits how much headings and paragraph leads
count inside documents, scores the result on the dev gold set, and writes the
model with its metadata. The same inputs give the same model file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.model_selection import GroupKFold

from ._api import classify_document, rank
from ._classifier import ContextWeights, PolicyClassifier
from ._errors import InvalidInputError
from ._model import vocabulary_sha256
from ._structure import StructuredSentence, document_structure
from ._version import __version__

__all__ = [
    "DEFAULT_DATA_DIR",
    "MODEL_VERSION",
    "evaluate_documents",
    "evaluate_sentences",
    "sentence_dataset",
    "train_model",
]

MODEL_VERSION = "1.0.0"
DEFAULT_DATA_DIR = Path("..") / "shared"

# Weight of a silver sentence by the kind of its document. The dev and test
# documents are recent work reports; older reports, plans and technical policy
# documents are further from them (their cross-validated accuracy is lower too).
_RECENT_YEAR = 2013
_WEIGHT_RECENT_REPORT = 2.0
_WEIGHT_POLICY_DOCUMENT = 0.5
# How much the heading and the paragraph lead count against the sentence itself
# inside a document (weights of their log-likelihood ratios). Grouped
# cross-validation on silver favours larger weights (up to 0.5), the dev
# documents smaller ones (0.1 to 0.3); 0.3 is the largest that dev does not
# contradict.
_HEADING_WEIGHT = 0.3
_LEAD_WEIGHT = 0.3
_CONTEXT_FOLDS = 5
_SMOOTHING = 1.0

Progress = Callable[[Iterable[Any], str], Iterable[Any]]


def _no_progress(items: Iterable[Any], description: str) -> Iterable[Any]:
    return items


def tqdm_progress(items: Iterable[Any], description: str) -> Iterable[Any]:
    """A tqdm progress bar on stderr."""
    from tqdm.auto import tqdm

    return tqdm(items, desc=description, leave=False)  # type: ignore[no-any-return]


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError as error:
                        raise InvalidInputError(f"{path}, line {number}: {error}") from None
    except OSError as error:
        raise InvalidInputError(f"cannot read {path}: {error}") from error


def _sha256(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def sentence_dataset(documents: Path, progress: Progress = _no_progress) -> Any:
    """Every sentence of a JSON Lines corpus with its structure, as a ``datasets.Dataset``.

    Columns: doc_id, kind, year, index, text, paragraph, heading, headings,
    lead, is_heading.
    """
    from datasets import Dataset

    rows: list[dict[str, Any]] = []
    for document in progress(list(_read_jsonl(documents)), "structure"):
        for sentence in document_structure(document["text"]):
            rows.append(
                {
                    "doc_id": document["doc_id"],
                    "kind": document.get("kind") or "",
                    "year": int(document.get("year") or 0),
                    "index": sentence.index,
                    "text": sentence.text,
                    "paragraph": sentence.paragraph,
                    "heading": sentence.heading,
                    "headings": list(sentence.headings),
                    "lead": sentence.lead,
                    "is_heading": sentence.is_heading,
                }
            )
    return Dataset.from_list(rows)


def _silver_examples(
    corpus: Any, silver_path: Path
) -> tuple[list[dict[str, Any]], list[StructuredSentence | None]]:
    """Silver labels joined to their documents' structure (``None`` where not found)."""
    by_text: dict[tuple[str, str], dict[str, Any]] = {}
    for row in corpus:
        by_text.setdefault((row["doc_id"], row["text"]), row)
    examples, structure = [], []
    for label in _read_jsonl(silver_path):
        row = by_text.get((label["doc"], label["text"]))
        examples.append(
            {**label, "kind": row["kind"] if row else "", "year": row["year"] if row else 0}
        )
        structure.append(
            None
            if row is None
            else StructuredSentence(
                row["index"],
                row["text"],
                0,
                0,
                row["paragraph"],
                tuple(row["headings"]),
                row["lead"],
                row["is_heading"],
            )
        )
    return examples, structure


def sample_weight(kind: str, year: int) -> float:
    """Training weight of a silver sentence from a document of ``kind`` and ``year``."""
    if kind == "government_work_report" and year >= _RECENT_YEAR:
        return _WEIGHT_RECENT_REPORT
    if kind == "policy_document":
        return _WEIGHT_POLICY_DOCUMENT
    return 1.0


def _log_likelihood_ratios(predicted: np.ndarray, truth: np.ndarray, k: int) -> np.ndarray:
    counts = np.full((k, k), _SMOOTHING)
    np.add.at(counts, (truth, predicted), 1.0)
    given_truth = counts / counts.sum(axis=1, keepdims=True)
    prior = np.bincount(truth, minlength=k) / len(truth)
    return np.log(given_truth / (prior @ given_truth)[None, :])  # type: ignore[no-any-return]


def fit_context(
    model: PolicyClassifier,
    examples: list[dict[str, Any]],
    structure: list[StructuredSentence | None],
    weights: np.ndarray,
    progress: Progress = _no_progress,
) -> ContextWeights:
    """How a sentence's domain relates to its heading's and lead's predicted domains.

    Fitted on silver sentences with models that never saw their document
    (folds grouped by document), so the relation is the one met on new text.
    """
    texts = np.array([example["text"] for example in examples])
    labels = np.array([example["label"] for example in examples])
    groups = np.array([example["doc"] for example in examples])
    truth = np.searchsorted(model.classes_, labels)
    heading_pairs: list[tuple[int, int]] = []
    lead_pairs: list[tuple[int, int]] = []
    folds = GroupKFold(_CONTEXT_FOLDS).split(texts, labels, groups)
    for train, test in progress(list(folds), "context"):
        fold_model = PolicyClassifier(**model.get_params()).fit(
            texts[train].tolist(), labels[train].tolist(), sample_weight=weights[train]
        )
        context = {i: s for i in test.tolist() if (s := structure[i]) is not None}
        wanted = sorted(
            ({s.heading for s in context.values()} | {s.lead for s in context.values()}) - {""}
        )
        predicted = (
            dict(
                zip(
                    wanted,
                    np.searchsorted(fold_model.classes_, fold_model.predict(wanted)),
                    strict=True,
                )
            )
            if wanted
            else {}
        )
        for i, sentence in context.items():
            if sentence.heading:
                heading_pairs.append((predicted[sentence.heading], truth[i]))
            if sentence.lead:
                lead_pairs.append((predicted[sentence.lead], truth[i]))
    k = len(model.classes_)
    heading = np.array(heading_pairs)
    lead = np.array(lead_pairs)
    return ContextWeights(
        _log_likelihood_ratios(heading[:, 0], heading[:, 1], k),
        _log_likelihood_ratios(lead[:, 0], lead[:, 1], k),
        _HEADING_WEIGHT,
        _LEAD_WEIGHT,
    )


def evaluate_sentences(model: PolicyClassifier, gold: Path) -> dict[str, Any]:
    """Accuracy, macro-F1, top-2 accuracy, per-domain scores and confusion matrix."""
    records = list(_read_jsonl(gold))
    texts = [record["text"] for record in records]
    truth = [record["label"] for record in records]
    ranked = rank(texts, k=2, model=model)
    predicted = [r[0].label if r else "general" for r in ranked]
    top2 = [t in {p.label for p in r} for t, r in zip(truth, ranked, strict=True)]
    return _report(truth, predicted, model, top2=float(np.mean(top2)))


def _report(
    truth: list[str], predicted: list[str], model: PolicyClassifier, **extra: float
) -> dict[str, Any]:
    labels = [str(label) for label in model.classes_]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    return {
        "n": len(truth),
        "accuracy": float(accuracy_score(truth, predicted)),
        "macro_f1": float(
            f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)
        ),
        **extra,
        "per_domain": {
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
        "confusion": {
            "labels": labels,
            "matrix": confusion_matrix(truth, predicted, labels=labels).tolist(),
        },
    }


def evaluate_documents(model: PolicyClassifier, documents: Path, gold: Path) -> dict[str, Any]:
    """Accuracy of :func:`classify_document` on gold sentences of whole documents.

    Each gold sentence is matched to the predicted sentence that contains it.
    """
    results = {
        document["doc_id"]: classify_document(document["text"], model=model).sentences
        for document in _read_jsonl(documents)
    }
    truth, predicted = [], []
    for record in _read_jsonl(gold):
        sentences = results.get(record["doc"], [])
        match = next((s for s in sentences if record["text"] in s.text), None)
        truth.append(record["label"])
        predicted.append(match.label if match is not None and match.label else "general")
    return _report(truth, predicted, model)


def _versions() -> dict[str, str]:
    import joblib
    import numpy
    import scipy
    import sklearn

    return {
        "policytext": __version__,
        "scikit-learn": sklearn.__version__,
        "joblib": joblib.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "python": platform.python_version(),
    }


def train_model(
    data_dir: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    progress: Progress = _no_progress,
) -> dict[str, Any]:
    """Train the domain model from ``data_dir`` and save it to ``output``; return its metadata.

    ``data_dir`` holds ``corpus/documents.jsonl`` and ``gold/silver.jsonl``
    (training), and ``corpus/dev_documents.jsonl`` and ``gold/dev.jsonl``
    (scoring only, never training).
    """
    data = Path(data_dir)
    documents = data / "corpus" / "documents.jsonl"
    silver = data / "gold" / "silver.jsonl"
    for path in (documents, silver):
        if not path.is_file():
            raise InvalidInputError(f"training data not found: {path}")
    corpus = sentence_dataset(documents, progress)
    examples, structure = _silver_examples(corpus, silver)
    weights = np.array([sample_weight(e["kind"], e["year"]) for e in examples])
    model = PolicyClassifier()
    for _ in progress([None], "fit"):
        model.fit([e["text"] for e in examples], [e["label"] for e in examples], weights)
    model.context_ = fit_context(model, examples, structure, weights, progress)
    metadata: dict[str, Any] = {
        "model_version": MODEL_VERSION,
        "trained": dt.date.today().isoformat(),
        "command": "policytext train",
        "versions": _versions(),
        "training_data": {
            "documents": documents.name,
            "labels": silver.name,
            "sentences": len(examples),
            "sha256": _sha256(documents, silver),
        },
        "vocabulary_sha256": vocabulary_sha256(),
    }
    dev_gold = data / "gold" / "dev.jsonl"
    dev_documents = data / "corpus" / "dev_documents.jsonl"
    if dev_gold.is_file():
        metrics = {"sentences": evaluate_sentences(model, dev_gold)}
        if dev_documents.is_file():
            metrics["documents"] = evaluate_documents(model, dev_documents, dev_gold)
        metadata["dev_metrics"] = {
            scope: {
                key: value
                for key, value in report.items()
                if key in ("n", "accuracy", "macro_f1", "top2")
            }
            for scope, report in metrics.items()
        }
    model.save(output, metadata)
    return json.loads((Path(output) / "metadata.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]
