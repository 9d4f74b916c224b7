"""Training and evaluating the domain model (needs the ``[train]`` extra).

``policytext train`` runs :func:`train_model`: it reads the corpus and the
silver labels from a data directory laid out like the project's ``../shared``,
cross-fits :class:`PolicyClassifier` over folds grouped by document (each
document's sentences, headings and leads are scored by a model that never saw
the document), calibrates the final model on those scores, fits the
:class:`~policytext._context.ContextModel` on them, scores the result on the
dev gold set, and writes the model with its metadata. The same inputs give the
same model file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.model_selection import GroupKFold

from ._api import classify_document, has_content, rank
from ._classifier import FloatArray, PolicyClassifier, softmax, with_every_class
from ._context import context_features, fit_context_model
from ._errors import InvalidInputError
from ._model import vocabulary_sha256
from ._structure import StructuredSentence, document_structure
from ._version import __version__

__all__ = [
    "DEFAULT_DATA_DIR",
    "MODEL_VERSION",
    "CrossFit",
    "TrainingData",
    "context_rows",
    "cross_fit",
    "evaluate_documents",
    "evaluate_sentences",
    "fit_recipe",
    "read_training_data",
    "sample_weight",
    "train_model",
]

MODEL_VERSION = "2.1.0"
DEFAULT_DATA_DIR = Path("..") / "shared"

# The dev and test documents are recent work reports: their sentences weigh
# double and are the model's own domain (PolicyClassifier's in_domain); the
# technical policy documents, many of them PDF fragments labelled by their
# document, weigh half; a sentence whose independent labels disagreed, half.
_RECENT_YEAR = 2013
_WEIGHT_RECENT_REPORT = 2.0
_WEIGHT_POLICY_DOCUMENT = 0.5
_WEIGHT_DISAGREED = 0.5
_FOLDS = 5
_CONTEXT_C = 1.0
_ALIGN_WINDOW = 4  # sentences ahead where a labelled line may lie inside a joined one

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


def sample_weight(kind: str, year: int, agreed: bool | None = None) -> float:
    """Training weight of a silver sentence from a document of ``kind`` and ``year``.

    ``agreed`` is whether its independent labels agreed (``None``: labelled once).
    """
    weight = 1.0
    if is_in_domain(kind, year):
        weight = _WEIGHT_RECENT_REPORT
    elif kind == "policy_document":
        weight = _WEIGHT_POLICY_DOCUMENT
    return weight * (_WEIGHT_DISAGREED if agreed is False else 1.0)


def is_in_domain(kind: str, year: int) -> bool:
    """Whether a document is of the kind the bundled model is for: a recent work report."""
    return kind == "government_work_report" and year >= _RECENT_YEAR


class TrainingData(NamedTuple):
    """Silver-labelled sentences with their documents' structure."""

    texts: list[str]
    labels: list[str]
    weights: FloatArray
    in_domain: np.ndarray
    groups: np.ndarray
    """The document of each sentence."""
    structures: dict[str, list[StructuredSentence]]
    """Every document's sentences, headings included, in order."""
    kinds: dict[str, tuple[str, int]]
    """Each document's kind and year."""

    def subset(self, rows: np.ndarray) -> TrainingData:
        """The labelled sentences at ``rows``, with the structure of their documents."""
        documents = set(self.groups[rows].tolist())
        return TrainingData(
            [self.texts[i] for i in rows],
            [self.labels[i] for i in rows],
            self.weights[rows],
            self.in_domain[rows],
            self.groups[rows],
            {doc: s for doc, s in self.structures.items() if doc in documents},
            self.kinds,
        )


def read_training_data(data_dir: str | os.PathLike[str]) -> TrainingData:
    """The corpus and silver labels of a data directory laid out like ``../shared``."""
    data = Path(data_dir)
    documents_path, silver_path = _training_files(data)
    structures: dict[str, list[StructuredSentence]] = {}
    kinds: dict[str, tuple[str, int]] = {}
    for document in _read_jsonl(documents_path):
        structures[document["doc_id"]] = document_structure(document["text"])
        kinds[document["doc_id"]] = (document.get("kind") or "", int(document.get("year") or 0))
    texts, labels, weights, domain, groups = [], [], [], [], []
    for record in _read_jsonl(silver_path):
        kind, year = kinds.get(record["doc"], ("", 0))
        texts.append(record["text"])
        labels.append(record["label"])
        weights.append(sample_weight(kind, year, record.get("agreed")))
        domain.append(is_in_domain(kind, year))
        groups.append(record["doc"])
    return TrainingData(
        texts,
        labels,
        np.array(weights),
        np.array(domain, dtype=bool),
        np.array(groups),
        structures,
        kinds,
    )


def _training_files(data: Path) -> tuple[Path, Path]:
    documents = data / "corpus" / "documents.jsonl"
    silver = data / "gold" / "silver.jsonl"
    for path in (documents, silver):
        if not path.is_file():
            raise InvalidInputError(f"training data not found: {path}")
    return documents, silver


class CrossFit(NamedTuple):
    """Scores from models that never saw the sentence's document."""

    classes: np.ndarray
    sentence_scores: FloatArray
    """Decision scores of each labelled sentence, in the order of the data."""
    document_scores: dict[str, dict[str, FloatArray]]
    """For each document, the decision scores of each of its classifiable texts."""


def cross_fit(
    data: TrainingData,
    params: dict[str, Any] | None = None,
    *,
    folds: int = _FOLDS,
    progress: Progress = _no_progress,
) -> CrossFit:
    """Fit ``PolicyClassifier(**params)`` on all documents but one fold at a time.

    Folds are grouped by document, so every sentence, heading and lead of a
    document is scored as text the model never saw, as in use.
    """
    settings = {**(params or {}), "calibration_folds": 0}
    classes = np.unique(data.labels)
    sentence_scores = np.zeros((len(data.texts), len(classes)))
    document_scores: dict[str, dict[str, FloatArray]] = {}
    texts = np.array(data.texts, dtype=object)
    labels = np.array(data.labels)
    splits = GroupKFold(folds).split(texts, labels, data.groups)
    for train, test in progress(list(splits), "folds"):
        model = PolicyClassifier(**settings).fit(
            texts[train].tolist(),
            labels[train].tolist(),
            data.weights[train],
            in_domain=data.in_domain[train],
        )

        sentence_scores[test] = _scores(model, texts[test].tolist(), classes)
        for doc in sorted(set(data.groups[test].tolist())):
            known = sorted({s.text for s in data.structures.get(doc, []) if has_content(s.text)})
            document_scores[doc] = dict(zip(known, _scores(model, known, classes), strict=True))
    return CrossFit(classes, sentence_scores, document_scores)


def _scores(model: PolicyClassifier, sentences: list[str], classes: np.ndarray) -> FloatArray:
    """Decision scores of ``sentences`` with a column per class of ``classes``."""
    return with_every_class(model.decision_function(sentences), model.classes_, classes)


def _align(structure: list[StructuredSentence], texts: list[str]) -> list[int]:
    """For each labelled text of a document, in order, the index of its sentence in
    ``structure`` (-1 if absent): the next one with that text, else the next one
    that contains it (a line of a hard-wrapped sentence, labelled on its own),
    else the first one with that text."""
    found = []
    position = 0
    for text in texts:
        ahead = next((i for i in range(position, len(structure)) if structure[i].text == text), -1)
        if ahead >= 0:
            position = ahead + 1
        else:
            near = range(position, min(position + _ALIGN_WINDOW, len(structure)))
            ahead = next((i for i in near if text in structure[i].text), -1)
            if ahead >= 0:
                position = ahead  # the next line of the same sentence is in it too
            else:
                ahead = next((i for i, s in enumerate(structure) if s.text == text), -1)
        found.append(ahead)
    return found


def context_rows(
    data: TrainingData, fitted: CrossFit, temperature: float
) -> tuple[FloatArray, np.ndarray]:
    """Context features of the labelled sentences found in their documents, from the
    cross-fitted probabilities, and the rows of ``data`` they belong to."""
    by_document: dict[str, list[int]] = {}
    for row, doc in enumerate(data.groups.tolist()):
        by_document.setdefault(doc, []).append(row)
    features, chosen = [], []
    for doc in sorted(fitted.document_scores):
        scores = fitted.document_scores[doc]
        if not scores:
            continue
        texts = list(scores)
        probabilities = dict(
            zip(texts, softmax(np.array([scores[t] for t in texts]) / temperature), strict=True)
        )
        structure = data.structures[doc]
        rows = context_features(structure, probabilities)
        labelled = by_document.get(doc, [])
        for row, index in zip(
            labelled, _align(structure, [data.texts[r] for r in labelled]), strict=True
        ):
            if index >= 0 and structure[index].text in probabilities:
                features.append(rows[index])
                chosen.append(row)
    return np.array(features), np.array(chosen, dtype=np.int64)


def fit_recipe(
    data: TrainingData,
    params: dict[str, Any] | None = None,
    *,
    context_c: float = _CONTEXT_C,
    progress: Progress = _no_progress,
) -> tuple[PolicyClassifier, CrossFit]:
    """The model of ``policytext train`` on ``data``, and the cross-fit behind its
    calibration and context model."""
    fitted = cross_fit(data, params, progress=progress)
    model = PolicyClassifier(**{**(params or {}), "calibration_folds": 0})
    for _ in progress([None], "fit"):
        model.fit(data.texts, data.labels, data.weights, in_domain=data.in_domain)
    model.calibrate(fitted.sentence_scores, data.labels)
    features, rows = context_rows(data, fitted, model.temperature_)
    targets = np.searchsorted(model.classes_, np.asarray(data.labels)[rows])
    model.context_ = fit_context_model(
        features, targets, len(model.classes_), data.weights[rows], C=context_c
    )
    return model, fitted


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
    data_path = Path(data_dir)
    documents, silver = _training_files(data_path)
    data = read_training_data(data_path)
    model, _ = fit_recipe(data, progress=progress)
    metadata: dict[str, Any] = {
        "model_version": MODEL_VERSION,
        "trained": dt.date.today().isoformat(),
        "command": "policytext train",
        "versions": _versions(),
        "training_data": {
            "documents": documents.name,
            "labels": silver.name,
            "sentences": len(data.texts),
            "sha256": _sha256(documents, silver),
        },
        "vocabulary_sha256": vocabulary_sha256(),
    }
    dev_gold = data_path / "gold" / "dev.jsonl"
    dev_documents = data_path / "corpus" / "dev_documents.jsonl"
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
