"""The context model's inputs and how it turns them into probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from policytext._context import SOURCES, ContextModel, context_features, fit_context_model
from policytext._structure import document_structure

TEXT = "（一）推进乡村振兴。稳定粮食生产。抓好落实。\n增加农民收入。"
SURE, UNSURE = np.array([0.9, 0.1]), np.array([0.5, 0.5])


def test_features_hold_the_sentence_and_each_source_scaled_by_doubt() -> None:
    heading, grain, vague, income = document_structure(TEXT)
    probabilities = {heading.text: SURE, grain.text: SURE, vague.text: UNSURE}
    rows = context_features([heading, grain, vague, income], probabilities)
    k = 2
    assert rows.shape == (4, k + len(SOURCES) * (k + 1))
    assert np.allclose(rows[2, :k], np.log(UNSURE))

    def block(row: int, source: str) -> np.ndarray:
        start = k + SOURCES.index(source) * (k + 1)
        return rows[row, start : start + k + 1]

    # The vague sentence: heading, lead and previous sentence known, next not classified.
    for source in ("heading", "lead", "previous"):
        assert np.allclose(block(2, source), [0.45, 0.05, 0.5])
    assert not block(2, "next").any()
    # The heading itself has no heading and no lead; its doubt is 0.1.
    assert not block(0, "heading").any() and np.allclose(block(0, "next"), [0.09, 0.01, 0.1])
    assert not rows[3].any()  # not classified itself: a row of zeros


def test_sentences_around_a_stretch_count_as_neighbours() -> None:
    sentences = document_structure(TEXT)
    probabilities = {s.text: UNSURE for s in sentences}
    whole = context_features(sentences, probabilities)
    parts = np.vstack(
        [
            context_features(sentences[:2], probabilities, None, sentences[2]),
            context_features(sentences[2:], probabilities, sentences[1], None),
        ]
    )
    assert np.array_equal(whole, parts)


def test_fitted_model_gives_probabilities_for_every_class() -> None:
    rng = np.random.default_rng(0)
    features = rng.normal(size=(60, 14))
    targets = (features[:, 0] > 0).astype(int) * 2  # classes 0 and 2 of 3
    model = fit_context_model(features, targets, n_classes=3)
    probabilities = model.predict_proba(features)
    assert probabilities.shape == (60, 3) and np.allclose(probabilities.sum(axis=1), 1)
    assert probabilities[:, 1].max() < 1e-9  # never seen in training
    assert (probabilities.argmax(axis=1) == targets).mean() > 0.9
    assert isinstance(model, ContextModel)


def test_fitting_is_deterministic() -> None:
    features = np.random.default_rng(1).normal(size=(40, 14))
    targets = np.arange(40) % 3
    first = fit_context_model(features, targets, n_classes=3)
    second = fit_context_model(features, targets, n_classes=3)
    assert np.array_equal(first.coef, second.coef)


@pytest.mark.parametrize("text", ["", "😀。"])
def test_nothing_classified_gives_rows_of_zeros(text: str) -> None:
    sentences = document_structure(text)
    assert context_features(sentences, {}).shape[0] == len(sentences)
