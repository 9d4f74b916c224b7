from __future__ import annotations

import json
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
    return PolicyClassifier(calibration_folds=2).fit(SENTENCES * 2, LABELS * 2)


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


def test_binary_problems_work() -> None:
    binary = PolicyClassifier(calibration_folds=2).fit(SENTENCES[:8] * 2, LABELS[:8] * 2)
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


def test_unknown_format_version_is_refused(model: PolicyClassifier, tmp_path: Path) -> None:
    arrays = model._arrays()
    arrays["format_version"] = np.array(99)
    with pytest.raises(ModelLoadError, match="model format 99 is not supported"):
        PolicyClassifier._from_arrays(arrays)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("一句话。", "Iterable over raw text documents expected, string object received."),
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
