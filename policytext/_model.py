"""Finding, checking and caching the domain model.

The bundled model lives in the repository's ``models/domains/`` and, in an
installed package, in ``policytext/models/domains/``. It loads on first use,
once per process, thread-safely.

>>> from policytext import model_info
>>> info = model_info()
>>> info["path"].endswith("domains"), len(info["labels"])
(True, 19)
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from importlib import resources
from pathlib import Path
from typing import Any

from ._classifier import PolicyClassifier
from ._errors import ModelLoadError
from ._vocabulary import BUNDLED_FILE

__all__ = [
    "bundled_model_path",
    "default_model",
    "load_model",
    "model_at",
    "model_info",
    "vocabulary_sha256",
]

_MODEL_NAME = "domains"
_lock = threading.Lock()
_default: PolicyClassifier | None = None
_by_path: dict[str, PolicyClassifier] = {}


def bundled_model_path() -> Path:
    """Directory of the model shipped with policytext."""
    package = Path(__file__).resolve().parent
    installed = package / "models" / _MODEL_NAME  # a wheel maps models/ to policytext/models/
    if installed.is_dir():
        return installed
    return package.parent / "models" / _MODEL_NAME  # a source checkout


@functools.cache
def vocabulary_sha256() -> str:
    """sha256 of the bundled policy vocabulary, which the model's word features depend on."""
    data = resources.files("policytext").joinpath("data", BUNDLED_FILE).read_bytes()
    return hashlib.sha256(data).hexdigest()


def load_model(path: str | os.PathLike[str] | None = None) -> PolicyClassifier:
    """Load and check a model directory (``None``: the bundled model).

    Raises :class:`policytext.ModelLoadError` when the directory, the model
    file or its metadata is missing or unreadable, when the file's sha256
    differs from the one in the metadata, or when the model was trained with
    a different policy vocabulary than the one installed.

    The file format holds only arrays (``numpy.load`` with
    ``allow_pickle=False``), so loading runs no pickled code.
    """
    directory = bundled_model_path() if path is None else Path(path)
    if not directory.is_dir():
        raise ModelLoadError(f"no model directory at {directory}")
    model = PolicyClassifier.load(directory)
    trained_with = model.metadata_.get("vocabulary_sha256")
    if trained_with is not None and trained_with != vocabulary_sha256():
        raise ModelLoadError(
            f"the model at {directory} was trained with another policy vocabulary "
            "than the one installed; retrain it with `policytext train`"
        )
    return model


def default_model() -> PolicyClassifier:
    """The bundled model, loaded on first use."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = load_model()
    return _default


def model_at(path: str | os.PathLike[str] | None) -> PolicyClassifier:
    """The model at ``path`` (``None``: the bundled one), loaded once per process.

    Worker processes use this to load a model themselves instead of receiving it.
    """
    if path is None:
        return default_model()
    key = os.fspath(path)
    model = _by_path.get(key)
    if model is None:
        with _lock:
            model = _by_path.get(key)
            if model is None:
                model = _by_path[key] = load_model(key)
    return model


def for_workers(model: PolicyClassifier) -> PolicyClassifier | str:
    """What to send a worker process: the path a model was loaded from (each
    worker then loads it once, with :func:`in_worker`), else the model itself."""
    path = getattr(model, "path_", None)
    return model if path is None else str(path)


def in_worker(model: PolicyClassifier | str) -> PolicyClassifier:
    """The model :func:`for_workers` sent."""
    return model_at(model) if isinstance(model, str) else model


def model_info(model: PolicyClassifier | None = None) -> dict[str, Any]:
    """Metadata of ``model`` (default: the bundled one) with its ``path``.

    Includes the versions that trained it, the sha256 of the model file, the
    hash of the training data, the labels and the dev metrics.
    """
    chosen = default_model() if model is None else model
    info = dict(getattr(chosen, "metadata_", {}))
    info["path"] = str(getattr(chosen, "path_", ""))
    return info
