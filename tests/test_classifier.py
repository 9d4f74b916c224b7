from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from policytext import InvalidInputError, ModelLoadError, PolicyClassifier

SENTENCES = [
    "全面推进乡村振兴。", "稳定粮食生产。", "发展现代农业。", "建设高标准农田。",
    "发展数字经济。", "建设数字政府。", "推进一网通办。", "建设算力网络。",
    "深化医药卫生体制改革。", "建设紧密型县域医共体。", "提升基层医疗服务。", "推进全民健身。",
]  # fmt: skip
LABELS = ["rural"] * 4 + ["digital"] * 4 + ["health"] * 4


@pytest.fixture(scope="module")
def model() -> PolicyClassifier:
    return PolicyClassifier(calibration_folds=2, min_df=1).fit(SENTENCES * 2, LABELS * 2)


def test_fit_predict_and_probabilities(model: PolicyClassifier) -> None:
    assert model.classes_.tolist() == ["digital", "health", "rural"]
    assert model.predict(["推进乡村全面振兴。", "建设数字中国。"]).tolist() == ["rural", "digital"]
    probabilities = model.predict_proba(SENTENCES)
    assert probabilities.shape == (12, 3)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert model.score(SENTENCES, LABELS) == 1.0
    assert model.temperature_ > 0


def test_follows_scikit_learn_conventions(model: PolicyClassifier) -> None:
    from sklearn.base import clone

    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "coef_")
    assert copy.set_params(C=2.0).C == 2.0
    with pytest.raises(InvalidInputError, match="invalid parameter 'gamma'"):
        copy.set_params(gamma=1)
    assert repr(PolicyClassifier(C=2.0)) == "PolicyClassifier(C=2.0)"
    assert PolicyClassifier().get_params()["C"] == 0.2


def test_works_in_scikit_learn_model_selection() -> None:
    from sklearn.base import is_classifier
    from sklearn.model_selection import GridSearchCV, cross_val_score

    estimator = PolicyClassifier(calibration_folds=2, min_df=1)
    assert is_classifier(estimator)
    search = GridSearchCV(estimator, {"C": [0.05, 1.0]}, cv=3).fit(SENTENCES * 3, LABELS * 3)
    assert search.best_params_["C"] in (0.05, 1.0)
    assert search.predict(["建设数字中国。"]).tolist() == ["digital"]
    scores = cross_val_score(estimator, SENTENCES * 3, LABELS * 3, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.5


@pytest.mark.parametrize(
    "check",
    [
        "check_estimator_cloneable",
        "check_estimator_repr",
        "check_get_params_invariance",
        "check_no_attributes_set_in_init",
        "check_parameters_default_constructible",
        "check_set_params",
        "check_do_not_raise_errors_in_init_or_set_params",
    ],
)
def test_passes_scikit_learn_estimator_checks(check: str) -> None:
    # check_estimator runs these and skips the rest, which feed numeric arrays:
    # this estimator's input is a list of strings (its tags say so).
    from sklearn.utils import estimator_checks

    getattr(estimator_checks, check)("PolicyClassifier", PolicyClassifier())


def test_predicting_imports_no_scikit_learn(model: PolicyClassifier, tmp_path: Path) -> None:
    directory = model.save(tmp_path / "m")
    code = (
        "import sys; from policytext import PolicyClassifier; "
        f"PolicyClassifier.load({str(directory)!r}).predict_proba(['发展数字经济。']); "
        "print('sklearn' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_binary_problems_work() -> None:
    binary = PolicyClassifier(calibration_folds=2, min_df=1).fit(SENTENCES[:8] * 2, LABELS[:8] * 2)
    assert binary.predict_proba(["建设数字乡村。"]).shape == (1, 2)
    assert binary.predict(["稳定粮食生产。"]).tolist() == ["rural"]


def test_save_and_load_round_trip(model: PolicyClassifier, tmp_path: Path) -> None:
    model.save(tmp_path / "m", metadata={"model_version": "test"})
    loaded = PolicyClassifier.load(tmp_path / "m")
    assert np.array_equal(loaded.predict_proba(SENTENCES), model.predict_proba(SENTENCES))
    metadata = json.loads((tmp_path / "m" / "metadata.json").read_text("utf-8"))
    assert metadata["model_version"] == "test"
    assert metadata["labels"] == ["digital", "health", "rural"]
    assert len(metadata["sha256"]) == 64


def test_tampered_truncated_or_missing_model_is_refused(
    model: PolicyClassifier, tmp_path: Path
) -> None:
    directory = model.save(tmp_path / "m")
    data = (directory / "model.npz").read_bytes()
    (directory / "model.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelLoadError, match="does not match its metadata"):
        PolicyClassifier.load(directory)
    (directory / "model.npz").unlink()
    with pytest.raises(ModelLoadError, match="cannot read model file"):
        PolicyClassifier.load(directory)
    (directory / "metadata.json").unlink()
    with pytest.raises(ModelLoadError, match=r"metadata\.json is missing"):
        PolicyClassifier.load(directory)


@pytest.mark.parametrize(
    ("version", "hint"), [(1, "a model 1.x file: retrain it"), (99, "upgrade policytext")]
)
def test_other_format_versions_are_refused(
    model: PolicyClassifier, tmp_path: Path, version: int, hint: str
) -> None:
    arrays = model._arrays()
    arrays["format_version"] = np.array(version)
    with pytest.raises(ModelLoadError, match=f"model format {version} is not supported.*{hint}"):
        PolicyClassifier._from_arrays(arrays)


def test_a_model_1_file_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    """A model directory written by policytext 0.1 (format 1, float16 weights)."""
    directory = tmp_path / "model-1"
    directory.mkdir()
    with (directory / "model.npz").open("wb") as handle:
        np.savez_compressed(
            handle,
            format_version=np.array(1),
            params=np.array(json.dumps({"C": 1.0})),
            coef=np.zeros((2, 3), dtype=np.float16),
        )
    digest = hashlib.sha256((directory / "model.npz").read_bytes()).hexdigest()
    (directory / "metadata.json").write_text(json.dumps({"sha256": digest}), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="model format 1 is not supported"):
        PolicyClassifier.load(directory)


def test_saved_weights_are_8_bit_and_predictions_survive(
    model: PolicyClassifier, tmp_path: Path
) -> None:
    arrays = model._arrays()
    assert arrays["coef_levels"].dtype == np.int8
    assert np.abs(arrays["coef_levels"]).max() == 127
    # The fitted model already predicts with the levels it saves.
    assert np.array_equal(arrays["coef_levels"] * arrays["coef_scale"].astype(float), model.coef_)


def test_in_domain_sentences_get_weights_of_their_own() -> None:
    # The same sentence is rural in the shared data and digital in the model's domain.
    sentences = ["建设数字乡村。"] * 6 + SENTENCES
    labels = ["rural"] * 4 + ["digital"] * 2 + LABELS
    domain = [False] * 4 + [True] * 2 + [False] * len(SENTENCES)
    plain = PolicyClassifier(calibration_folds=0, min_df=1).fit(sentences, labels)
    focused = PolicyClassifier(calibration_folds=0, min_df=1).fit(
        sentences, labels, in_domain=domain
    )
    assert plain.predict(["建设数字乡村。"]).tolist() == ["rural"]
    assert focused.predict(["建设数字乡村。"]).tolist() == ["digital"]
    with pytest.raises(InvalidInputError, match="in_domain must hold one value per sentence"):
        PolicyClassifier().fit(SENTENCES, LABELS, in_domain=[True])


def test_calibrate_sets_the_temperature_from_held_out_scores(model: PolicyClassifier) -> None:
    uncalibrated = PolicyClassifier(calibration_folds=0, min_df=1).fit(SENTENCES, LABELS)
    assert uncalibrated.temperature_ == 1.0
    scores = uncalibrated.decision_function(SENTENCES)
    noisy = ["health", *LABELS[1:-1], "rural"]  # two wrong: an optimum inside the bounds
    temperature = uncalibrated.calibrate(scores, noisy).temperature_
    assert uncalibrated.calibrate(scores * 3, noisy).temperature_ == pytest.approx(
        3 * temperature, rel=1e-3
    )
    with pytest.raises(InvalidInputError, match=r"scores must have shape \(12, 3\)"):
        uncalibrated.calibrate(scores[:, :2], LABELS)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("一句话。", "got a single str; wrap one sentence in a list"),
        ({"一句话。": 1}, r"got a mapping \(dict\); pass its values"),
        (None, "sentences must be a list of str, got NoneType"),
        (b"abc", "sentences must be a list of str, got bytes"),
        (["好。", 3], r"sentences\[1\] must be str, got int"),
        ([["嵌套"]], r"sentences\[0\] must be str, got list"),
        (42, "sentences must be a list of str, got int"),
    ],
)
def test_bad_input_is_refused(model: PolicyClassifier, value: object, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        model.predict(value)  # type: ignore[arg-type]


def test_labels_must_match_sentences() -> None:
    with pytest.raises(InvalidInputError, match="labels must be a sequence as long as sentences"):
        PolicyClassifier().fit(["好。"], ["rural", "health"])


def test_contributions_name_the_features(model: PolicyClassifier) -> None:
    contributions = dict(model.contributions("稳定粮食生产。", "rural"))
    assert "w:粮食" in contributions
    assert sum(contributions.values()) > 0
