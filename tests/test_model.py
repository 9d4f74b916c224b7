from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import policytext
from policytext import ModelLoadError
from policytext._model import bundled_model_path, default_model, model_at


def test_bundled_model_loads_once_and_reports_metadata() -> None:
    assert default_model() is default_model()
    info = policytext.model_info()
    assert Path(info["path"]) == bundled_model_path()
    for key in ("model_version", "versions", "sha256", "training_data", "labels", "dev_metrics"):
        assert key in info, key
    assert {"policytext", "scikit-learn", "joblib", "python"} <= set(info["versions"])
    assert info["dev_metrics"]["sentences"]["n"] == 500
    assert info["size_bytes"] <= 15_000_000  # the model lives in git: every retrain stays
    assert info["model_version"].startswith("2.") and info["format_version"] == 2


def test_model_at_caches_by_path(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(bundled_model_path(), copy)
    assert model_at(copy) is model_at(str(copy))
    assert model_at(None) is default_model()


def test_missing_directory_is_a_model_load_error(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="no model directory"):
        policytext.load_model(tmp_path / "nowhere")
    assert issubclass(ModelLoadError, OSError)


def test_model_for_another_vocabulary_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(bundled_model_path(), copy)
    metadata = json.loads((copy / "metadata.json").read_text("utf-8"))
    metadata["vocabulary_sha256"] = "0" * 64
    (copy / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="another policy vocabulary"):
        policytext.load_model(copy)


def test_tampered_bundled_copy_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(bundled_model_path(), copy)
    with (copy / "model.npz").open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\x00\x01\x02")
    with pytest.raises(ModelLoadError, match="corrupt or was replaced"):
        policytext.load_model(copy)
