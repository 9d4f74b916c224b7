"""policytext: tokenize, split and classify Chinese policy documents.

>>> import policytext
>>> policytext.tokenize("推进“一网通办”")
['推进', '“', '一网通办', '”']
>>> policytext.split_sentences("一、总体要求\\n稳中求进。坚持创新！")
['一、总体要求', '稳中求进。', '坚持创新！']
>>> policytext.classify(["全面推进乡村振兴。"])
['rural']

Nothing heavy happens at import: the segmenter, its dictionaries and the
domain model load on first use, and the classification functions import
numpy and scipy only when first touched.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._domains import DOMAINS, Domain
from ._errors import InvalidInputError, ModelLoadError, PolicyTextError, UnreadableInputError
from ._sentences import SentenceSpan, sentence_spans, split_sentences
from ._tokenizer import PolicyTokenizer, tokenize
from ._version import __version__

if TYPE_CHECKING:
    from ._api import (
        DocumentResult,
        Explanation,
        FeatureWeight,
        Prediction,
        SentenceResult,
        classify,
        classify_document,
        explain,
        rank,
    )
    from ._batch import (
        ClassifiedSentence,
        UnreadableInputWarning,
        classify_dataset,
        classify_documents,
        classify_files,
    )
    from ._classifier import PolicyClassifier
    from ._frames import profile, shares_by
    from ._model import load_model, model_info
    from ._plots import plot_shares
    from ._report import html_report

_LAZY = {
    "DocumentResult": "._api",
    "Explanation": "._api",
    "FeatureWeight": "._api",
    "Prediction": "._api",
    "SentenceResult": "._api",
    "classify": "._api",
    "classify_document": "._api",
    "explain": "._api",
    "rank": "._api",
    "ClassifiedSentence": "._batch",
    "UnreadableInputWarning": "._batch",
    "classify_dataset": "._batch",
    "classify_documents": "._batch",
    "classify_files": "._batch",
    "profile": "._frames",
    "shares_by": "._frames",
    "plot_shares": "._plots",
    "html_report": "._report",
    "PolicyClassifier": "._classifier",
    "load_model": "._model",
    "model_info": "._model",
}

__all__ = [
    "DOMAINS",
    "ClassifiedSentence",
    "DocumentResult",
    "Domain",
    "Explanation",
    "FeatureWeight",
    "InvalidInputError",
    "ModelLoadError",
    "PolicyClassifier",
    "PolicyTextError",
    "PolicyTokenizer",
    "Prediction",
    "SentenceResult",
    "SentenceSpan",
    "UnreadableInputError",
    "UnreadableInputWarning",
    "__version__",
    "classify",
    "classify_dataset",
    "classify_document",
    "classify_documents",
    "classify_files",
    "explain",
    "html_report",
    "load_model",
    "model_info",
    "plot_shares",
    "profile",
    "rank",
    "sentence_spans",
    "shares_by",
    "split_sentences",
    "tokenize",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'policytext' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
