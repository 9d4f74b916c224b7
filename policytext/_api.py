"""Classifying sentences and documents into policy domains.

>>> import policytext
>>> policytext.classify(["全面推进乡村振兴，稳定粮食生产。", "", "😀"])
['rural', None, None]
>>> [prediction.label for prediction in policytext.rank(["深化医药卫生体制改革。"], k=2)[0]]
['health', 'reform']
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np

from ._classifier import FloatArray, PolicyClassifier
from ._context import context_features
from ._errors import InvalidInputError
from ._model import default_model, for_workers, in_worker
from ._script import is_chinese
from ._structure import StructuredSentence, iter_structure
from ._validation import check_sentences, check_text

__all__ = [
    "DocumentResult",
    "Explanation",
    "FeatureWeight",
    "Prediction",
    "SentenceResult",
    "classify",
    "classify_document",
    "explain",
    "rank",
]

GENERAL = "general"
# Text with a Chinese character or a Latin letter is scored, as context for
# the sentences around it (as in training); it gets a domain when is_chinese.
_CONTENT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z]")
# Sentences featurised at once, at most, and characters, about: bounds memory on
# long units. Larger chunks run no faster (their arrays outgrow the caches), and
# in a thread other than the main one (a Dask worker's) glibc returns their
# memory to the system after each chunk, which then faults back page by page.
_CHUNK = 1000
_CHUNK_CHARS = 50_000
_TASKS_PER_WORKER = 4


class Prediction(NamedTuple):
    """A domain and its probability."""

    label: str
    score: float


class FeatureWeight(NamedTuple):
    """A feature of a sentence and how much it added to a domain's score.

    ``w:`` features are words or pairs of adjacent words, ``c:`` features
    character n-grams.
    """

    feature: str
    weight: float


class Explanation(NamedTuple):
    """Why a sentence got its domain: the features that pushed it most."""

    label: str
    score: float
    features: list[FeatureWeight]


class SentenceResult(NamedTuple):
    """One sentence of a document with its domain."""

    index: int  # type: ignore[assignment]  # shadows tuple.index, by design
    text: str
    label: str | None
    score: float
    heading: str


class DocumentResult(NamedTuple):
    """Domains of a document's sentences, in order, and of the document."""

    sentences: list[SentenceResult]
    label: str | None
    """The most frequent domain other than ``general``; ``general`` only when no
    other domain occurs; ``None`` when nothing in the document is classifiable."""
    shares: dict[str, float]
    """Share of the classifiable sentences in each domain, largest first."""

    @property
    def n_sentences(self) -> int:
        """The classified sentences, which :attr:`shares` are shares of."""
        return sum(1 for s in self.sentences if s.label is not None)

    @property
    def char_shares(self) -> dict[str, float]:
        """Share of the classified sentences' characters in each domain, largest first:
        long sentences count for more than short ones."""
        chars: Counter[str] = Counter()
        for sentence in self.sentences:
            if sentence.label is not None:
                chars[sentence.label] += len(sentence.text)
        total = sum(chars.values())
        return {label: count / total for label, count in chars.most_common()}

    def to_frame(self) -> Any:
        """The sentences as a pandas DataFrame (index, text, label, score, heading).

        Needs pandas (``pip install "policytext[pandas]"``).
        """
        from ._frames import sentence_frame

        return sentence_frame(self)


def has_content(text: str) -> bool:
    """Whether ``text`` has anything to score as context (a Chinese character or a
    letter); only text that :func:`~policytext._script.is_chinese` gets a domain."""
    return _CONTENT.search(text) is not None


def _model(model: PolicyClassifier | None) -> PolicyClassifier:
    if model is None:
        return default_model()
    if not isinstance(model, PolicyClassifier):
        raise InvalidInputError(f"model must be a PolicyClassifier, got {type(model).__name__}")
    return model


def _check_k(k: object) -> int:
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise InvalidInputError(f"k must be a positive int, got {k!r}")
    return k


def _check_n_jobs(n_jobs: object) -> int:
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs == 0:
        raise InvalidInputError(f"n_jobs must be a non-zero int, got {n_jobs!r}")
    return n_jobs


def _probabilities_in_worker(model: PolicyClassifier | str, sentences: list[str]) -> FloatArray:
    """Probabilities in a joblib worker.

    A model given by its path is loaded once per worker process; an in-memory
    model travels with each task (joblib memory-maps its large arrays).
    """
    return _chunked_probabilities(in_worker(model), sentences)


def _chunked_probabilities(model: PolicyClassifier, sentences: list[str]) -> FloatArray:
    """``model.predict_proba`` of a few sentences at a time (at most ``_CHUNK``, and
    about ``_CHUNK_CHARS`` characters), which bounds the memory their features take."""
    probabilities = np.empty((len(sentences), len(model.classes_)))
    start = 0
    while start < len(sentences):
        end, chars = start, 0
        while end < len(sentences) and end - start < _CHUNK and chars < _CHUNK_CHARS:
            chars += len(sentences[end])
            end += 1
        probabilities[start:end] = model.predict_proba(sentences[start:end])
        start = end
    return probabilities


def _probabilities(model: PolicyClassifier, sentences: list[str], n_jobs: int) -> FloatArray:
    if n_jobs == 1 or len(sentences) <= _CHUNK:
        return _chunked_probabilities(model, sentences)
    from joblib import Parallel, delayed, effective_n_jobs

    # A few tasks per worker: enough to balance the load, few enough that
    # sending tasks (to a Dask cluster, say) costs little next to the work.
    tasks = effective_n_jobs(n_jobs) * _TASKS_PER_WORKER
    size = max(_CHUNK, -(-len(sentences) // tasks))
    source = for_workers(model)
    parts = Parallel(n_jobs=n_jobs, batch_size=1)(
        delayed(_probabilities_in_worker)(source, sentences[start : start + size])
        for start in range(0, len(sentences), size)
    )
    return np.vstack(parts)


class _Scored(NamedTuple):
    """Probabilities of the sentences with something to classify, and where they sit."""

    model: PolicyClassifier
    size: int
    positions: list[int]
    probabilities: FloatArray


def _scored(sentences: object, model: PolicyClassifier | None, n_jobs: int) -> _Scored:
    items = check_sentences(sentences)
    chosen = _model(model)
    n_jobs = _check_n_jobs(n_jobs)
    positions = [i for i, text in enumerate(items) if is_chinese(text)]
    probabilities = _probabilities(chosen, [items[i] for i in positions], n_jobs)
    return _Scored(chosen, len(items), positions, probabilities)


def best_labels(
    sentences: object, model: PolicyClassifier | None, n_jobs: int
) -> tuple[list[str | None], list[float]]:
    """The most probable domain of each sentence and its probability
    (``None`` and 0.0 for a sentence with nothing to classify)."""
    scored = _scored(sentences, model, n_jobs)
    best = scored.probabilities.argmax(axis=1)
    labels: list[str | None] = [None] * scored.size
    scores = [0.0] * scored.size
    found = scored.model.classes_[best].tolist()
    top = scored.probabilities[np.arange(len(best)), best].tolist()
    for position, label, score in zip(scored.positions, found, top, strict=True):
        labels[position] = label
        scores[position] = score
    return labels, scores


def classify(
    sentences: Sequence[str], *, n_jobs: int = 1, model: PolicyClassifier | None = None
) -> list[str | None]:
    """The domain code of each sentence, in order.

    ``None`` marks a sentence with nothing to classify: one with fewer than
    two Chinese characters (empty, whitespace, digits, punctuation, emoji) or
    with more letters of other scripts than Chinese characters (English,
    Japanese): the model knows only Chinese, and guessing would give a
    confident wrong domain. Traditional characters are read as simplified.
    ``n_jobs`` > 1 spreads large batches over processes with joblib (-1: all
    cores); results do not depend on it.
    """
    return best_labels(sentences, model, n_jobs)[0]


def rank(
    sentences: Sequence[str],
    k: int = 3,
    *,
    n_jobs: int = 1,
    model: PolicyClassifier | None = None,
) -> list[list[Prediction]]:
    """The ``k`` most probable domains of each sentence, best first.

    Scores are calibrated probabilities. A sentence with nothing to classify
    gets ``[]``.
    """
    k = _check_k(k)
    scored = _scored(sentences, model, n_jobs)
    ranked: list[list[Prediction]] = [[] for _ in range(scored.size)]
    best = np.argsort(-scored.probabilities, axis=1, kind="stable")[:, :k]
    for position, row, order in zip(scored.positions, scored.probabilities, best, strict=True):
        ranked[position] = [Prediction(str(scored.model.classes_[i]), float(row[i])) for i in order]
    return ranked


def explain(sentence: str, k: int = 5, *, model: PolicyClassifier | None = None) -> Explanation:
    """The predicted domain of ``sentence`` and the ``k`` features that pushed it most.

    >>> explanation = explain("全面推进乡村振兴。", k=2)
    >>> explanation.label, len(explanation.features)
    ('rural', 2)
    """
    text = check_text(sentence, "sentence")
    k = _check_k(k)
    chosen = _model(model)
    if not is_chinese(text):
        raise InvalidInputError(
            "sentence has nothing to classify (fewer than two Chinese characters, "
            "or more letters of other scripts than Chinese)"
        )
    row = chosen.predict_proba([text])[0]
    label = str(chosen.classes_[row.argmax()])
    contributions = sorted(chosen.contributions(text, label), key=lambda item: -item[1])
    return Explanation(
        label, float(row.max()), [FeatureWeight(name, weight) for name, weight in contributions[:k]]
    )


def classify_document(text: str, *, model: PolicyClassifier | None = None) -> DocumentResult:
    """Classify each sentence of a document, reading the document's structure.

    A sentence's nearest heading, the lead sentence of its paragraph and the
    sentences just before and after it are evidence for its domain, weighed
    by the model's context model, which was fitted on whole labelled documents:
    a vague sentence under 「（三）全面推进乡村振兴」 leans to ``rural``.
    Sentences come from :func:`policytext.split_sentences`.
    """
    text = check_text(text)
    return document_result(list(classify_pieces([text], model=model)))


def document_result(sentences: list[SentenceResult]) -> DocumentResult:
    """The :class:`DocumentResult` of a document's classified ``sentences``, in order."""
    tally = DocumentTally()
    for sentence in sentences:
        tally.count(sentence.label, sentence.score)
    return DocumentResult(sentences, tally.label(), tally.shares())


def classify_pieces(
    pieces: Iterable[str], *, model: PolicyClassifier | None = None
) -> Iterator[SentenceResult]:
    """:func:`classify_document`'s sentence results for a document given in pieces.

    Results come as the pieces are read, in batches, so a document of any size
    is classified in bounded memory (the CLI feeds it a file line by line);
    they equal :func:`classify_document`'s on the joined text.
    """
    chosen = _model(model)
    before: StructuredSentence | None = None
    batch: list[StructuredSentence] = []
    chars = 0
    for sentence in iter_structure(pieces):
        if len(batch) == _CHUNK or chars >= _CHUNK_CHARS:
            # the batch's last sentence has its next one now
            yield from _classify_structured(batch, chosen, before, sentence)
            before, batch, chars = batch[-1], [], 0
        batch.append(sentence)
        chars += len(sentence.text)
    yield from _classify_structured(batch, chosen, before, None)


def _classify_structured(
    sentences: list[StructuredSentence],
    chosen: PolicyClassifier,
    before: StructuredSentence | None,
    after: StructuredSentence | None,
) -> Iterator[SentenceResult]:
    """Results for a stretch of a document, between the sentences ``before`` and ``after``."""
    texts = {s.text for s in sentences} | {s.heading for s in sentences}
    texts |= {s.lead for s in sentences} | {s.text for s in (before, after) if s is not None}
    known = sorted(t for t in texts if t and has_content(t))
    probabilities = dict(zip(known, _chunked_probabilities(chosen, known), strict=True))
    rows = np.array([probabilities.get(s.text, np.zeros(len(chosen.classes_))) for s in sentences])
    if chosen.context_ is not None and probabilities:
        rows = chosen.context_.predict_proba(
            context_features(sentences, probabilities, before, after)
        )
    for sentence, row in zip(sentences, rows, strict=True):
        if sentence.text not in probabilities or not is_chinese(sentence.text):
            yield SentenceResult(sentence.index, sentence.text, None, 0.0, sentence.heading)
            continue
        best = int(row.argmax())
        yield SentenceResult(
            sentence.index,
            sentence.text,
            str(chosen.classes_[best]),
            float(row[best]),
            sentence.heading,
        )


class DocumentTally:
    """A document's label and shares, counted one sentence result at a time."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.scores: dict[str, float] = {}

    def count(self, label: str | None, score: float) -> None:
        """Count a sentence's ``label`` (``None``: nothing to classify) and its ``score``."""
        if label is not None:
            self.counts[label] += 1
            self.scores[label] = self.scores.get(label, 0.0) + score

    @property
    def n_sentences(self) -> int:
        """The classified sentences counted, which the shares are of."""
        return sum(self.counts.values())

    def shares(self) -> dict[str, float]:
        """Share of the classified sentences per domain, largest first."""
        total = sum(self.counts.values())
        return {label: count / total for label, count in self.counts.most_common()}

    def label(self) -> str | None:
        """The most frequent domain other than ``general`` (ties: higher summed score);
        ``general`` only when nothing else is present, ``None`` for no sentences."""
        specific = [label for label in self.counts if label != GENERAL]
        if specific:
            return max(specific, key=lambda name: (self.counts[name], self.scores[name]))
        return GENERAL if self.counts else None
