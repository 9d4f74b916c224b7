"""Segmentation: SIGHAN 2005 F1, policy term integrity and speed, against peer segmenters.

Peers run with their default dictionaries and models. A peer that is not
installed is recorded with the import error instead of numbers; the
``[bench]`` extra installs those that install cleanly from PyPI, and
``docs/benchmarks.md`` says how to get the others.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from common import QUICK_DOCUMENT_SHARE, cold_start_seconds, plain_jieba, read_jsonl, timed

from policytext import PolicyTokenizer
from policytext._discovery import read_seed_terms

Tokenize = Callable[[str], Sequence[str]]

# Segmenters tried on this kind of machine that cannot be measured, and why
# (found when the benchmark was written; rerun `pip install NAME` to recheck).
NOT_INSTALLABLE = {
    "lac": "lac 2.1.2 is an sdist whose setup.py imports pkg_resources (gone from "
    "current setuptools) and it needs paddlepaddle at run time",
}
# How to install peers that the [bench] extra cannot list: (command, why).
INSTALL_NOTES = {
    "pkuseg": (
        "pip install numpy cython wheel && pip install --no-build-isolation pkuseg",
        "its setup.py imports numpy before declaring it as a build requirement",
    ),
}


def _jieba_no_hmm() -> Tokenize:
    jieba = plain_jieba()
    return lambda text: jieba.lcut(text, HMM=False)


def _jieba_fast() -> Tokenize:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba_fast

    jieba_fast.setLogLevel(60)
    jieba_fast.initialize()
    return jieba_fast.lcut  # type: ignore[no-any-return]


def _rjieba() -> Tokenize:
    import rjieba

    return rjieba.cut  # type: ignore[no-any-return]


def _pkuseg() -> Tokenize:
    import pkuseg

    return pkuseg.pkuseg().cut  # type: ignore[no-any-return]


def _thulac() -> Tokenize:
    import thulac

    segmenter = thulac.thulac(seg_only=True)
    return lambda text: [word for word, _ in segmenter.cut(text)]


def _snownlp() -> Tokenize:
    from snownlp import SnowNLP

    return lambda text: SnowNLP(text).words if text.strip() else []


# name -> (factory, what it is); policytext rows first, then peers.
SEGMENTERS: dict[str, tuple[Callable[[], Tokenize], str]] = {
    "policytext (rjieba)": (
        lambda: PolicyTokenizer(backend="rjieba").tokenize,
        "this library, default backend",
    ),
    "policytext (jieba)": (
        lambda: PolicyTokenizer(backend="jieba").tokenize,
        "this library, pure-Python backend",
    ),
    "policytext, fine": (
        lambda: PolicyTokenizer(granularity="fine").tokenize,
        'granularity="fine": policy words in their dictionary parts',
    ),
    "jieba": (lambda: plain_jieba().lcut, "jieba.lcut, HMM on (its default)"),
    "jieba, no HMM": (_jieba_no_hmm, "jieba.lcut(HMM=False)"),
    "jieba_fast": (_jieba_fast, "jieba_fast.lcut, C extension of jieba"),
    "rjieba": (_rjieba, "rjieba.cut, Rust port of jieba"),
    "pkuseg": (_pkuseg, "pkuseg default (mixed-domain) model"),
    "thulac": (_thulac, "thulac seg_only"),
    "snownlp": (_snownlp, "SnowNLP(text).words"),
}
# Ablations of policytext, reported apart from the peers.
ABLATIONS: dict[str, Callable[[], Tokenize]] = {
    "policytext, no vocabulary": lambda: PolicyTokenizer(vocabulary={}).tokenize,
    "policytext, no quote rule": lambda: PolicyTokenizer(learn_quoted_terms=False).tokenize,
    "policytext, neither": lambda: (
        PolicyTokenizer(vocabulary={}, learn_quoted_terms=False).tokenize
    ),
}


def token_spans(text: str, tokens: Iterable[str]) -> set[tuple[int, int]]:
    """Character spans of ``tokens`` in ``text``, skipping whitespace a segmenter dropped."""
    spans, position = set(), 0
    for token in tokens:
        token = token.strip()
        if not token:
            continue
        start = text.find(token, position)
        if start < 0:  # a segmenter that rewrites characters: give up on this token
            continue
        spans.add((start, start + len(token)))
        position = start + len(token)
    return spans


def term_occurrences(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Occurrences of ``terms`` in ``text``, except those nested in a longer listed term."""
    found = []
    for term in terms:
        start = text.find(term)
        while start != -1:
            found.append((start, start + len(term)))
            start = text.find(term, start + 1)
    return [
        (start, end)
        for start, end in found
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e in found)
    ]


def term_integrity(
    tokenize: Tokenize, texts: Sequence[str], terms: Sequence[str]
) -> dict[str, Any]:
    """Share of term occurrences that come out as exactly one token (one call per text)."""
    kept = total = 0
    missed: dict[str, int] = {}
    for text in texts:
        spans = token_spans(text, tokenize(text))
        for start, end in term_occurrences(text, terms):
            total += 1
            if (start, end) in spans:
                kept += 1
            else:
                missed[text[start:end]] = missed.get(text[start:end], 0) + 1
    worst = sorted(missed.items(), key=lambda item: (-item[1], item[0]))[:15]
    return {"integrity": kept / total, "occurrences": total, "kept": kept, "most_missed": worst}


def quoted_term_damage(
    texts: Sequence[str],
    with_rule: Tokenize | None = None,
    without: Tokenize | None = None,
) -> dict[str, Any]:
    """Places where the quoted-term rule cuts a word: a token boundary of the policy
    tokenizer (``with_rule``) that falls inside a token of the same tokenizer without
    the rule (``without``)."""
    with_rule = with_rule or PolicyTokenizer().tokenize
    without = without or PolicyTokenizer(learn_quoted_terms=False).tokenize
    places, examples = 0, []
    for text in texts:
        kept = {end for _, end in token_spans(text, without(text))}
        for _, end in token_spans(text, with_rule(text)):
            if end not in kept:
                places += 1
                if len(examples) < 5:
                    examples.append(text[max(0, end - 8) : end + 8])
    return {"documents": len(texts), "places": places, "examples": examples}


def sighan_f1(tokenize: Tokenize, lines: Sequence[str]) -> dict[str, float]:
    """Word precision, recall and F1 against SIGHAN gold lines (space-separated words)."""
    gold_words = predicted_words = correct = 0
    for line in lines:
        words = line.split()
        if not words:
            continue
        text = "".join(words)
        gold = token_spans(text, words)
        predicted = token_spans(text, tokenize(text))
        gold_words += len(gold)
        predicted_words += len(predicted)
        correct += len(gold & predicted)
    precision, recall = correct / predicted_words, correct / gold_words
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
    }


def chars_per_second(
    tokenizers: dict[str, Tokenize], texts: Sequence[str], rounds: int
) -> dict[str, float]:
    """Best throughput of each tokenizer over ``texts``, measured in alternating rounds.

    Alternating keeps a busy moment of the machine from landing on one tokenizer only.
    """
    for tokenize in tokenizers.values():
        tokenize(texts[0])  # warm up: load dictionaries
    chars = sum(map(len, texts))
    best = dict.fromkeys(tokenizers, float("inf"))
    for _ in range(rounds):
        for name, tokenize in tokenizers.items():
            seconds = timed(lambda tokenize=tokenize: [tokenize(text) for text in texts])
            best[name] = min(best[name], seconds)
    return {name: chars / seconds for name, seconds in best.items()}


def _load(factory: Callable[[], Tokenize]) -> tuple[Tokenize | None, float, str]:
    start = time.perf_counter()
    try:
        tokenize = factory()
        tokenize("加快发展新质生产力。")
    except ImportError as error:
        return None, 0.0, f"not installed: {error}"
    return tokenize, time.perf_counter() - start, ""


def run(data_dir: Path, quick: bool) -> dict[str, Any]:
    """Every segmenter on PKU, MSR, dev term integrity and dev throughput."""
    dev_texts = [doc["text"] for doc in read_jsonl(data_dir / "corpus" / "dev_documents.jsonl")]
    terms = [
        line.strip()
        for line in (data_dir / "corpus" / "dev_terms.txt").read_text("utf-8").splitlines()
        if line.strip()
    ]
    formulations = read_seed_terms()  # the curated list bundled with policytext
    gold: dict[str, list[str]] = {}
    for name in ("pku", "msr"):
        path = data_dir / "segmentation" / f"{name}_test_gold.utf8"
        gold[name] = path.read_text("utf-8").splitlines()[: 300 if quick else None]
    rows: dict[str, dict[str, Any]] = {}
    loaded: dict[str, Tokenize] = {}
    candidates = {name: factory for name, (factory, _) in SEGMENTERS.items()}
    candidates.update(ABLATIONS)
    for name, factory in candidates.items():
        tokenize, load_seconds, problem = _load(factory)
        row: dict[str, Any] = {
            "group": "ablation" if name in ABLATIONS else "segmenter",
            "what": SEGMENTERS[name][1] if name in SEGMENTERS else "",
        }
        if tokenize is None:
            rows[name] = {**row, "available": False, "reason": problem}
            print(name, problem, file=sys.stderr)
            continue
        loaded[name] = tokenize
        rows[name] = {
            **row,
            "available": True,
            "load_seconds": load_seconds,
            "term_integrity": term_integrity(tokenize, dev_texts, terms),
            "formulation_integrity": term_integrity(tokenize, dev_texts, formulations),
            **{corpus: sighan_f1(tokenize, lines) for corpus, lines in gold.items()},
        }
        print(name, rows[name]["pku"]["f1"], rows[name]["msr"]["f1"], file=sys.stderr)
    speeds = chars_per_second(loaded, dev_texts, rounds=2 if quick else 5)
    for name, speed in speeds.items():
        rows[name]["chars_per_second"] = speed
        rows[name]["speed_vs_jieba"] = speed / speeds["jieba"]
    sample = "加快发展新质生产力，推进“一网通办”。"
    runs = 2 if quick else 5
    cold = {
        "import jieba; jieba.lcut": cold_start_seconds(
            f"import jieba; jieba.lcut({sample!r})", runs
        ),
        "import policytext; policytext.tokenize": cold_start_seconds(
            f"import policytext; policytext.tokenize({sample!r})", runs
        ),
    }
    training = [doc["text"] for doc in read_jsonl(data_dir / "corpus" / "documents.jsonl")]
    training = training[:: QUICK_DOCUMENT_SHARE if quick else 1]
    damage = quoted_term_damage(dev_texts + training)
    return {
        "quoted_term_damage": damage,
        "formulations": {
            "entries": len(formulations),
            "training_integrity": term_integrity(
                loaded["policytext (rjieba)"], training, formulations
            ),
        },
        "sighan_lines": {name: len(lines) for name, lines in gold.items()},
        "dev_documents": len(dev_texts),
        "dev_chars": sum(map(len, dev_texts)),
        "dev_terms": len(terms),
        "segmenters": rows,
        "not_installable": NOT_INSTALLABLE,
        "install_notes": INSTALL_NOTES,
        "cold_start_seconds": cold,
    }
