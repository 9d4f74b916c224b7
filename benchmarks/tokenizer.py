"""Tokenizer benchmark: policy term integrity, SIGHAN 2005 F1, throughput, cold start.

    python benchmarks/tokenizer.py [--data-dir ../shared] [--out benchmarks/results]

writes ``tokenizer.json`` (machine-readable, with date and machine) and
``tokenizer.md`` (a table generated from it) under ``--out``. Nothing here is
a test: the numbers depend on the machine and are reported, not asserted.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from common import cold_start_seconds, machine, main, plain_jieba, read_jsonl, timed

import policytext
from policytext import PolicyTokenizer

Tokenize = Callable[[str], Sequence[str]]


def token_spans(tokens: Iterable[str]) -> set[tuple[int, int]]:
    spans, position = set(), 0
    for token in tokens:
        spans.add((position, position + len(token)))
        position += len(token)
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
        spans = token_spans(tokenize(text))
        for start, end in term_occurrences(text, terms):
            total += 1
            if (start, end) in spans:
                kept += 1
            else:
                missed[text[start:end]] = missed.get(text[start:end], 0) + 1
    worst = sorted(missed.items(), key=lambda item: (-item[1], item[0]))[:15]
    return {"integrity": kept / total, "occurrences": total, "kept": kept, "most_missed": worst}


def sighan_f1(tokenize: Tokenize, gold_path: Path) -> dict[str, float]:
    """Word precision, recall and F1 against a SIGHAN gold file (space-separated words)."""
    gold_words = predicted_words = correct = 0
    with gold_path.open(encoding="utf-8") as lines:
        for line in lines:
            words = line.split()
            if not words:
                continue
            gold = token_spans(words)
            predicted = token_spans(
                token for token in tokenize("".join(words)) if not token.isspace()
            )
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
    tokenizers: dict[str, Tokenize], texts: Sequence[str], rounds: int = 7
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


def run(data_dir: Path) -> dict[str, Any]:
    jieba = plain_jieba()
    dev_texts = [doc["text"] for doc in read_jsonl(data_dir / "corpus" / "dev_documents.jsonl")]
    terms = [
        line.strip()
        for line in (data_dir / "corpus" / "dev_terms.txt").read_text("utf-8").splitlines()
        if line.strip()
    ]
    tokenizers: dict[str, Tokenize] = {
        "jieba.lcut": jieba.lcut,
        "policytext (rjieba)": PolicyTokenizer(backend="rjieba").tokenize,
        "policytext (jieba)": PolicyTokenizer(backend="jieba").tokenize,
        "policytext, no vocabulary": PolicyTokenizer(vocabulary={}).tokenize,
        "policytext, no quote rule": PolicyTokenizer(learn_quoted_terms=False).tokenize,
        "policytext, neither": PolicyTokenizer(vocabulary={}, learn_quoted_terms=False).tokenize,
    }
    rows: dict[str, dict[str, Any]] = {}
    for name, tokenize in tokenizers.items():
        rows[name] = {
            "term_integrity": term_integrity(tokenize, dev_texts, terms),
            "pku": sighan_f1(tokenize, data_dir / "segmentation" / "pku_test_gold.utf8"),
            "msr": sighan_f1(tokenize, data_dir / "segmentation" / "msr_test_gold.utf8"),
        }
        print(
            name,
            {key: rows[name][key] for key in ("pku", "msr")},
            rows[name]["term_integrity"]["integrity"],
            file=sys.stderr,
        )
    speeds = chars_per_second(tokenizers, dev_texts)
    for name, row in rows.items():
        row["chars_per_second"] = speeds[name]
        row["speed_vs_jieba"] = speeds[name] / speeds["jieba.lcut"]
    sample = "加快发展新质生产力，推进“一网通办”。"
    cold = {
        "import jieba; jieba.lcut": cold_start_seconds(f"import jieba; jieba.lcut({sample!r})"),
        "import policytext; policytext.tokenize": cold_start_seconds(
            f"import policytext; policytext.tokenize({sample!r})"
        ),
    }
    return {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": {"policytext": policytext.__version__, "jieba": jieba.__version__},
        "dev_documents": len(dev_texts),
        "dev_chars": sum(map(len, dev_texts)),
        "dev_terms": len(terms),
        "tokenizers": rows,
        "cold_start_seconds": cold,
    }


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# Tokenizer benchmark",
        "",
        f"Generated by `python benchmarks/tokenizer.py` on {results['date']}, "
        f"{m['platform']}, {m['processor']}, {m['cpus']} CPUs, Python {m['python']}.",
        "",
        f"Term integrity: share of the {results['dev_terms']} dev terms' occurrences in the "
        f"{results['dev_documents']} dev documents ({results['dev_chars']:,} characters) "
        "that come out as one token. Speed: characters per second on the dev documents, "
        "and the ratio to `jieba.lcut` in the same run. The last three rows leave out the "
        "policy vocabulary, the quoted-term rule, or both (what remains is the rule for "
        "numbers and ASCII compounds); the jieba rows use jieba's global tokenizer.",
        "",
        "| tokenizer | term integrity | PKU F1 | MSR F1 | chars/s | × jieba.lcut |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in results["tokenizers"].items():
        lines.append(
            f"| {name} | {row['term_integrity']['integrity']:.3f} | {row['pku']['f1']:.4f} | "
            f"{row['msr']['f1']:.4f} | {row['chars_per_second']:,.0f} | "
            f"{row['speed_vs_jieba']:.1f} |"
        )
    lines += ["", "Cold start, median wall time of a fresh process:", ""]
    lines += [
        f"- `{code}`: {seconds:.2f} s" for code, seconds in results["cold_start_seconds"].items()
    ]
    missed = results["tokenizers"]["policytext (rjieba)"]["term_integrity"]["most_missed"]
    lines += [
        "",
        "Terms policytext most often splits: "
        + ", ".join(f"{term} ({count})" for term, count in missed),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main(__doc__, "tokenizer", run, markdown)
