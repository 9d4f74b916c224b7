"""The sentence domain classifier: a scikit-learn estimator with a pickle-free file format.

:class:`PolicyClassifier` learns a linear SVM over :class:`SentenceVectorizer`
features and calibrates its scores into probabilities by temperature scaling
fitted on cross-validated scores. Sentences marked ``in_domain`` when fitting
get weights of their own on top of the shared ones (feature augmentation), and
the model predicts with both: the rest of the data still informs the model
without pulling it away from the text it is for. After fitting, prediction
needs only numpy and scipy arrays, and :meth:`PolicyClassifier.save` writes
them with ``numpy.savez_compressed`` (weights as 8-bit integers with a scale
per feature): loading a model never runs pickle, and a model file does not
depend on the scikit-learn version that trained it.

>>> sentences = ["推进乡村振兴。", "发展现代农业。", "发展数字经济。", "建设数字政府。"] * 3
>>> labels = ["rural", "rural", "digital", "digital"] * 3
>>> model = PolicyClassifier(calibration_folds=3, min_df=1).fit(sentences, labels)
>>> model.predict(["建设数字乡村治理平台。", "推进乡村产业振兴。"]).tolist()
['digital', 'rural']
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from ._errors import InvalidInputError, ModelLoadError
from ._features import SentenceVectorizer
from ._validation import check_sentences

if TYPE_CHECKING:
    from ._context import ContextModel

__all__ = [
    "METADATA_FILE",
    "MODEL_FILE",
    "PolicyClassifier",
    "fit_temperature",
    "softmax",
    "with_every_class",
]

MODEL_FILE = "model.npz"
METADATA_FILE = "metadata.json"
FORMAT_VERSION = 2

FloatArray = npt.NDArray[np.float64]


def softmax(scores: FloatArray) -> FloatArray:
    """Row-wise softmax."""
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


def fit_temperature(scores: FloatArray, targets: npt.NDArray[np.int64]) -> float:
    """The temperature that minimises the log-loss of ``softmax(scores / T)``.

    >>> scores = np.array([[2.0, 0.0], [0.0, 2.0], [2.0, 0.0], [0.0, 2.0]])
    >>> right, wrong = np.array([0, 1, 0, 1]), np.array([0, 1, 1, 0])
    >>> fit_temperature(scores, right) < fit_temperature(scores, wrong)
    True
    """
    from scipy.optimize import minimize_scalar
    from scipy.special import log_softmax

    def loss(log_t: float) -> float:
        logp = log_softmax(scores / np.exp(log_t), axis=1)
        return float(-logp[np.arange(len(targets)), targets].mean())

    result = minimize_scalar(loss, bounds=(-5.0, 3.0), method="bounded")
    return float(np.exp(result.x))


def with_every_class(
    scores: FloatArray, present: npt.NDArray[np.str_], classes: npt.NDArray[np.str_]
) -> FloatArray:
    """``scores`` of a model that knows the classes ``present`` with a column per class of
    ``classes`` (both sorted); a class the model never saw scores below all others.

    >>> with_every_class(np.array([[2.0, 1.0]]), np.array(["a", "c"]), np.array(["a", "b", "c"]))
    array([[2., 0., 1.]])
    """
    full = np.repeat(scores.min(axis=1, keepdims=True) - 1.0, len(classes), axis=1)
    full[:, np.searchsorted(classes, present)] = scores
    return full


def _quantized(coef: FloatArray) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    """Weights as 8-bit integers with one scale per feature (column)."""
    scale = (np.abs(coef).max(axis=0) / 127).astype(np.float32)
    safe = np.where(scale > 0, scale, 1).astype(np.float64)
    return np.round(coef / safe).astype(np.int8), scale


def _dequantized(levels: npt.NDArray[np.int8], scale: npt.NDArray[np.float32]) -> FloatArray:
    # Fortran order, so that coef_.T is C-ordered: no copy per prediction.
    return np.asfortranarray(levels * scale.astype(np.float64))


class PolicyClassifier:
    """Linear SVM over word and character n-grams with calibrated probabilities.

    A scikit-learn classifier (``fit``, ``predict``, ``predict_proba``,
    ``decision_function``, ``score``, ``classes_``, ``get_params`` /
    ``set_params`` and scikit-learn's tags, so ``clone``, ``GridSearchCV`` and
    ``cross_val_score`` work on lists of sentences) that imports scikit-learn
    only to fit: predicting needs numpy and scipy alone, which keeps the first
    prediction in a new process fast (importing ``sklearn.base`` alone takes
    longer than a cold start's whole budget).

    Args:
        C: inverse regularisation strength of the SVM.
        min_df: keep n-grams seen in at least this many training sentences.
        char_max_n: the longest character n-gram.
        char_weight: weight of the character block against the word block.
        calibration_folds: folds of the cross-validation that fits the
            temperature; 0 leaves it at 1 (for callers that :meth:`calibrate`
            on held-out scores of their own).
        random_state: seed of the fold split and the SVM.
    """

    vectorizer_: SentenceVectorizer
    classes_: npt.NDArray[np.str_]
    coef_: FloatArray
    intercept_: FloatArray
    temperature_: float
    context_: ContextModel | None
    """How a sentence's document context counts (see :mod:`policytext._context`);
    set by ``policytext train``, ``None`` after :meth:`fit`."""
    metadata_: dict[str, Any]
    """Set by :meth:`load`: the model's ``metadata.json``."""
    path_: Path | None
    """Set by :meth:`load`: the directory the model came from."""

    def __init__(
        self,
        C: float = 0.2,
        min_df: int = 3,
        char_max_n: int = 3,
        char_weight: float = 1.0,
        calibration_folds: int = 5,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.min_df = min_df
        self.char_max_n = char_max_n
        self.char_weight = char_weight
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor parameters."""
        return {
            "C": self.C,
            "min_df": self.min_df,
            "char_max_n": self.char_max_n,
            "char_weight": self.char_weight,
            "calibration_folds": self.calibration_folds,
            "random_state": self.random_state,
        }

    def set_params(self, **params: Any) -> PolicyClassifier:
        """Set constructor parameters; unknown names raise :class:`InvalidInputError`."""
        valid = self.get_params()
        for name, value in params.items():
            if name not in valid:
                raise InvalidInputError(f"invalid parameter {name!r} for PolicyClassifier")
            setattr(self, name, value)
        return self

    # scikit-learn reads these to know a classifier of text (1.5 the first two,
    # 1.6 on the tags); sklearn is imported only when they are asked for.
    _estimator_type = "classifier"

    def _more_tags(self) -> dict[str, Any]:
        return {"X_types": ["string"], "requires_y": True}

    def __sklearn_tags__(self) -> Any:
        """scikit-learn's tags: a multi-class classifier of strings."""
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(),
            input_tags=InputTags(one_d_array=True, two_d_array=False, string=True),
        )

    def __repr__(self) -> str:
        changed = {
            name: value
            for name, value in self.get_params().items()
            if value != type(self)().get_params()[name]
        }
        return f"PolicyClassifier({', '.join(f'{k}={v!r}' for k, v in changed.items())})"

    def score(self, sentences: Sequence[str], labels: Sequence[str]) -> float:
        """Accuracy of :meth:`predict` on ``sentences`` against ``labels``."""
        return float(np.mean(self.predict(sentences) == np.asarray(labels, dtype=str)))

    # -- features -----------------------------------------------------------
    def _features(self, sentences: Sequence[str]) -> sparse.csr_matrix:
        matrix = self.vectorizer_.transform(sentences)
        if self.char_weight != 1.0:
            n_words = len(self.vectorizer_.words_) + len(self.vectorizer_.bigrams_)
            scale = np.ones(matrix.shape[1])
            scale[n_words:] = self.char_weight
            matrix = matrix @ sparse.diags(scale)
        return sparse.csr_matrix(matrix)

    # -- fitting ------------------------------------------------------------
    def fit(
        self,
        sentences: Sequence[str],
        labels: Sequence[str],
        sample_weight: npt.ArrayLike | None = None,
        *,
        in_domain: npt.ArrayLike | None = None,
    ) -> PolicyClassifier:
        """Fit on ``sentences`` and their domain ``labels``.

        ``in_domain`` marks (``True``) the sentences from the kind of text the
        model is for; they get weights of their own besides the shared ones,
        and the model predicts with both. ``None``: all sentences alike.
        """
        sentences = check_sentences(sentences)
        if isinstance(labels, str) or len(labels) != len(sentences):
            raise InvalidInputError("labels must be a sequence as long as sentences")
        y = np.asarray(labels, dtype=str)
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        domain = None if in_domain is None else np.asarray(in_domain, dtype=bool)
        for name, values in (("sample_weight", weight), ("in_domain", domain)):
            if values is not None and values.shape != (len(sentences),):
                raise InvalidInputError(f"{name} must hold one value per sentence")
        self.vectorizer_ = SentenceVectorizer(min_df=self.min_df, char_max_n=self.char_max_n)
        self.vectorizer_.fit(sentences)
        # Stored in single precision; the fitted model uses the rounded values too.
        self.vectorizer_.idf_ = self.vectorizer_.idf_.astype(np.float32).astype(np.float64)
        features = self._features(sentences)
        self.classes_, coef, intercept = self._fit_svm(features, y, weight, domain)
        # Stored as 8-bit levels; predictions barely move, and the fitted model
        # uses the same levels, so it predicts exactly as the saved one.
        self.coef_ = _dequantized(*_quantized(coef))
        self.intercept_ = intercept
        self.temperature_ = 1.0
        if self.calibration_folds:
            self.calibrate(self._held_out_scores(features, y, weight, domain), y.tolist())
        self.context_ = None
        return self

    def _fit_svm(
        self,
        features: sparse.csr_matrix,
        y: npt.NDArray[np.str_],
        weight: FloatArray | None,
        domain: npt.NDArray[np.bool_] | None,
    ) -> tuple[npt.NDArray[np.str_], FloatArray, FloatArray]:
        """Classes, weights (one row per class) and intercepts of the SVM."""
        from sklearn.svm import LinearSVC

        matrix = features
        if domain is not None:
            matrix = sparse.hstack([features, sparse.diags(domain.astype(np.float64)) @ features])
        svm = LinearSVC(C=self.C, random_state=self.random_state)
        svm.fit(sparse.csr_matrix(matrix), y, sample_weight=weight)
        coef, intercept = svm.coef_, svm.intercept_
        if domain is not None:  # shared weights plus the in-domain ones
            coef = coef[:, : features.shape[1]] + coef[:, features.shape[1] :]
        if len(svm.classes_) == 2:  # one score for the second class: make it two
            coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
        return svm.classes_, np.asarray(coef), np.asarray(intercept, dtype=np.float64)

    def _held_out_scores(
        self,
        features: sparse.csr_matrix,
        y: npt.NDArray[np.str_],
        weight: FloatArray | None,
        domain: npt.NDArray[np.bool_] | None,
    ) -> FloatArray:
        """Decision scores of each sentence from an SVM fitted on the other folds."""
        from sklearn.model_selection import StratifiedKFold

        folds = StratifiedKFold(
            self.calibration_folds, shuffle=True, random_state=self.random_state
        )
        scores = np.zeros((len(y), len(self.classes_)))
        for train, test in folds.split(np.zeros(len(y)), y):
            classes, coef, intercept = self._fit_svm(
                features[train],
                y[train],
                None if weight is None else weight[train],
                None if domain is None else domain[train],
            )
            fold_scores = np.asarray(features[test] @ coef.T) + intercept
            scores[test] = with_every_class(fold_scores, classes, self.classes_)
        return scores

    def calibrate(self, scores: npt.ArrayLike, labels: Sequence[str]) -> PolicyClassifier:
        """Fit the temperature on decision scores of sentences the model did not train on.

        ``scores`` has a column per class of ``classes_``, from models fitted
        without those sentences (``policytext train`` uses folds grouped by
        document); ``labels`` are the sentences' domains.
        """
        matrix = np.asarray(scores, dtype=np.float64)
        if matrix.shape != (len(labels), len(self.classes_)):
            raise InvalidInputError(
                f"scores must have shape ({len(labels)}, {len(self.classes_)}), got {matrix.shape}"
            )
        targets = np.searchsorted(self.classes_, np.asarray(labels, dtype=str))
        self.temperature_ = fit_temperature(matrix, targets)
        return self

    # -- prediction ---------------------------------------------------------
    def decision_function(self, sentences: Sequence[str]) -> FloatArray:
        """Raw SVM scores, shape ``(n_sentences, n_classes)``."""
        sentences = check_sentences(sentences)
        scores: FloatArray = np.asarray(self._features(sentences) @ self.coef_.T)
        return scores + self.intercept_

    def predict_proba(self, sentences: Sequence[str]) -> FloatArray:
        """Calibrated probabilities, columns in the order of ``classes_``."""
        return softmax(self.decision_function(sentences) / self.temperature_)

    def predict(self, sentences: Sequence[str]) -> npt.NDArray[np.str_]:
        """The most probable domain of each sentence."""
        best = self.decision_function(sentences).argmax(axis=1)
        labels: npt.NDArray[np.str_] = self.classes_[best]
        return labels

    def contributions(self, sentence: str, label: str) -> list[tuple[str, float]]:
        """Each active feature of ``sentence`` with its contribution to ``label``'s score."""
        row = self._features([sentence])
        column = int(np.searchsorted(self.classes_, label))
        names = self.feature_names()
        weights = row.data * self.coef_[column, row.indices]
        return [(names[i], float(w)) for i, w in zip(row.indices, weights, strict=True)]

    def feature_names(self) -> list[str]:
        """Names of the feature columns (``w:`` words and word pairs, ``c:`` characters)."""
        names: list[str] | None = self.__dict__.get("_feature_names")
        if names is None:
            names = self.vectorizer_.feature_names()
            self._feature_names = names
        return names

    # -- persistence --------------------------------------------------------
    def _arrays(self) -> dict[str, Any]:
        vectorizer = self.vectorizer_
        levels, scale = _quantized(self.coef_)
        arrays: dict[str, Any] = {
            "format_version": np.array(FORMAT_VERSION),
            "params": np.array(json.dumps(self.get_params())),
            "classes": self.classes_.astype(str),
            "coef_levels": levels,
            "coef_scale": scale,
            "intercept": self.intercept_,
            "temperature": np.array(self.temperature_),
            "words": vectorizer.words_.astype(str),
            "bigrams": vectorizer.bigrams_,
            "chars": vectorizer.chars_,
            "idf": vectorizer.idf_.astype(np.float32),
        }
        if self.context_ is not None:
            arrays["context_coef"] = self.context_.coef
            arrays["context_intercept"] = self.context_.intercept
        return arrays

    def save(
        self, directory: str | os.PathLike[str], metadata: dict[str, Any] | None = None
    ) -> Path:
        """Write ``model.npz`` and ``metadata.json`` (with the model's sha256) to ``directory``."""
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        model_path = target / MODEL_FILE
        with model_path.open("wb") as handle:
            np.savez_compressed(handle, **self._arrays())
        info = dict(metadata or {})
        info["format_version"] = FORMAT_VERSION
        info["labels"] = self.classes_.tolist()
        info["params"] = self.get_params()
        info["sha256"] = hashlib.sha256(model_path.read_bytes()).hexdigest()
        info["size_bytes"] = model_path.stat().st_size
        (target / METADATA_FILE).write_text(
            json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        return target

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> PolicyClassifier:
        """Load a model saved by :meth:`save`, checking its hash and format first."""
        source = Path(directory)
        metadata = read_metadata(source)
        model_path = source / MODEL_FILE
        try:
            data = model_path.read_bytes()
        except OSError as error:
            raise ModelLoadError(f"cannot read model file {model_path}: {error}") from error
        digest = hashlib.sha256(data).hexdigest()
        if digest != metadata.get("sha256"):
            raise ModelLoadError(
                f"model file {model_path} does not match its metadata "
                f"(sha256 {digest[:12]}…, expected {str(metadata.get('sha256'))[:12]}…): "
                "it is corrupt or was replaced"
            )
        try:
            with np.load(model_path, allow_pickle=False) as arrays:
                model = cls._from_arrays({name: arrays[name] for name in arrays.files})
        except (ValueError, KeyError, OSError) as error:
            raise ModelLoadError(f"cannot read model file {model_path}: {error}") from error
        model.metadata_ = metadata
        model.path_ = source
        return model

    @classmethod
    def _from_arrays(cls, arrays: dict[str, Any]) -> PolicyClassifier:
        from ._context import ContextModel

        version = int(arrays["format_version"])
        if version != FORMAT_VERSION:
            hint = (
                " (a model 1.x file: retrain it with `policytext train`, see docs/training.md)"
                if version < FORMAT_VERSION
                else " (made by a newer policytext: upgrade policytext)"
            )
            raise ModelLoadError(
                f"model format {version} is not supported by this policytext, "
                f"which reads format {FORMAT_VERSION}{hint}"
            )
        model = cls(**json.loads(str(arrays["params"])))
        vectorizer = SentenceVectorizer(min_df=model.min_df, char_max_n=model.char_max_n)
        vectorizer.words_ = arrays["words"]
        vectorizer.bigrams_ = arrays["bigrams"]
        vectorizer.chars_ = arrays["chars"]
        vectorizer.idf_ = arrays["idf"].astype(np.float64)
        model.vectorizer_ = vectorizer
        model.classes_ = arrays["classes"]
        model.coef_ = _dequantized(arrays["coef_levels"], arrays["coef_scale"])
        model.intercept_ = arrays["intercept"]
        model.temperature_ = float(arrays["temperature"])
        model.context_ = None
        if "context_coef" in arrays:
            model.context_ = ContextModel(arrays["context_coef"], arrays["context_intercept"])
        return model


def read_metadata(directory: Path) -> dict[str, Any]:
    """Read ``metadata.json`` of a model directory."""
    path = directory / METADATA_FILE
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelLoadError(f"no model at {directory}: {METADATA_FILE} is missing") from None
    except (OSError, ValueError) as error:
        raise ModelLoadError(f"cannot read {path}: {error}") from error
    if not isinstance(metadata, dict):
        raise ModelLoadError(f"{path} does not hold a JSON object")
    return metadata
