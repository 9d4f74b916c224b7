"""Document context: a sentence's domain from its own probabilities and those around it.

A :class:`ContextModel` is stacked on the sentence classifier: a multinomial
logistic regression whose inputs are the sentence's log-probabilities and the
probabilities of its nearest heading, of the lead sentence of its paragraph
and of the sentences just before and after it, each with a flag saying whether
there is one. The context blocks are scaled by how unsure the sentence is on
its own (one minus its top probability): as in the annotation guidelines, a
sentence is judged on its own text and its context breaks ties.
``policytext train`` fits the model on out-of-fold predictions over whole
labelled documents, so it learns how much each source counts on text the
sentence classifier never saw.

>>> import numpy as np
>>> from policytext._structure import document_structure
>>> rows = {"（一）推进乡村振兴。": np.array([0.9, 0.1]), "抓好落实。": np.array([0.5, 0.5])}
>>> context_features(list(document_structure("（一）推进乡村振兴。抓好落实。")), rows).shape
(2, 14)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from ._classifier import FloatArray, softmax
from ._structure import StructuredSentence

__all__ = ["SOURCES", "ContextModel", "context_features", "fit_context_model"]

SOURCES = ("heading", "lead", "previous", "next")
"""Where a sentence's context comes from, in the order of the feature blocks."""

_FLOOR = 1e-6  # smallest probability whose log enters the features


class ContextModel(NamedTuple):
    """Weights of the stacked context model: ``softmax(features @ coef.T + intercept)``."""

    coef: FloatArray
    """``(k, k + len(SOURCES) * (k + 1))``: the sentence's own block, then each source's."""
    intercept: FloatArray

    def predict_proba(self, features: FloatArray) -> FloatArray:
        """Probabilities in context, one row per row of :func:`context_features`."""
        return softmax(features @ self.coef.T + self.intercept)


def context_features(
    sentences: Sequence[StructuredSentence],
    probabilities: Mapping[str, FloatArray],
    before: StructuredSentence | None = None,
    after: StructuredSentence | None = None,
) -> FloatArray:
    """The context model's inputs for each of ``sentences``, a document's sentences in order.

    ``probabilities`` maps the text of each classifiable sentence, heading and
    lead to the sentence classifier's probabilities; a text missing from it
    counts as absent. ``before`` and ``after`` are the sentences around
    ``sentences`` when they are a stretch of a longer document. A sentence
    missing from ``probabilities`` gets a row of zeros.
    """
    k = len(next(iter(probabilities.values()))) if probabilities else 0
    width = k + len(SOURCES) * (k + 1)
    features = np.zeros((len(sentences), width))
    around = [before, *sentences, after]
    for row, sentence in enumerate(sentences):
        own = probabilities.get(sentence.text)
        if own is None:
            continue
        features[row, :k] = np.log(np.maximum(own, _FLOOR))
        doubt = 1.0 - float(own.max())
        neighbours = (around[row], around[row + 2])
        texts = (
            sentence.heading,
            sentence.lead,
            *("" if s is None else s.text for s in neighbours),
        )
        for block, text in enumerate(texts):
            found = probabilities.get(text) if text else None
            if found is not None:
                start = k + block * (k + 1)
                features[row, start : start + k] = doubt * found
                features[row, start + k] = doubt
    return features


def fit_context_model(
    features: FloatArray,
    targets: Sequence[int] | np.ndarray,
    n_classes: int,
    sample_weight: FloatArray | None = None,
    C: float = 1.0,
) -> ContextModel:
    """Fit a :class:`ContextModel` on :func:`context_features` rows and class indices."""
    from sklearn.linear_model import LogisticRegression

    targets = np.asarray(targets)
    # Fitted on standardised features, which converges in a hundred steps
    # instead of not at all; the scaling is then folded into the weights.
    mean = features.mean(axis=0)
    spread = features.std(axis=0)
    spread[spread == 0] = 1.0
    regression = LogisticRegression(C=C, max_iter=1000)
    regression.fit((features - mean) / spread, targets, sample_weight=sample_weight)
    weights = regression.coef_ / spread
    biases = regression.intercept_ - weights @ mean
    if len(regression.classes_) == 2:  # one logit for the second class: make it two
        weights, biases = np.vstack([np.zeros_like(weights), weights]), np.r_[0.0, biases]
    coef = np.zeros((n_classes, features.shape[1]))
    intercept = np.full(n_classes, -30.0)  # a class never seen in training stays improbable
    coef[regression.classes_] = weights
    intercept[regression.classes_] = biases
    return ContextModel(coef, intercept)
