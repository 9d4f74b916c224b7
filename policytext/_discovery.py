"""Build a policy vocabulary from a corpus: quoted terms, new-word discovery, seeds.

Three sources make the vocabulary that :class:`policytext.PolicyTokenizer`
adds to its segmenter:

1. terms the corpus itself puts in quotes (“放管服”), the strongest signal;
2. new words found by statistics over the corpus: frequent character n-grams
   whose characters stick together (pointwise mutual information) and that
   appear in varied contexts (left and right boundary entropy), kept only if
   jieba's own dictionary would break them into pieces that include single
   characters, so ordinary phrases made of known words stay out;
3. a curated seed list of established formulations (提法), ``data/seed_terms.txt``.

Each word gets the smallest frequency that makes the segmenter keep it whole
on its own. The same inputs always give the same file.

>>> from policytext._discovery import discover_terms
>>> texts = ["推进专精特新发展。", "支持专精特新企业。", "培育专精特新中小企业。"] * 4
>>> sorted(discover_terms(texts, min_count=5, min_documents=1, min_cohesion=2.0, min_entropy=0.5))
['专精特新']
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ._errors import InvalidInputError, ModelLoadError
from ._segmenters import make_segmenter
from ._tokenizer import PolicyTokenizer

__all__ = ["VocabularyBuild", "build_vocabulary", "discover_terms", "read_seed_terms"]

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Characters that rarely begin or end a term: particles, conjunctions,
# prepositions and the like. A candidate starting or ending with one is a
# fragment of a phrase, not a word.
_EDGE_STOP = frozenset(
    "的了和与及在是为对把被将等也都而并或从向于以之其这那有个中上下要更不各很还就又比来已所使得地到着过让给没未最次届由占同愿除按至"
)
# Numerals and calendar words: n-grams made mostly of these are pieces of
# numbers and dates ("百四十", "年十月"), not terms.
_NUMERIC = frozenset("〇零一二三四五六七八九十百千万亿两几多余半年月日号")
_SEED_FILE = "seed_terms.txt"


def _han_runs(texts: Iterable[str]) -> Iterator[list[str]]:
    for text in texts:
        yield _HAN_RUN.findall(text)


def _entropy(counts: Counter[str]) -> float:
    total = sum(counts.values())
    return -sum(n / total * math.log(n / total) for n in counts.values())


def discover_terms(
    texts: Sequence[str],
    *,
    min_length: int = 2,
    max_length: int = 6,
    min_count: int = 8,
    min_documents: int = 3,
    min_cohesion: float = 4.0,
    min_entropy: float = 1.5,
    is_known_phrase: Callable[[str], bool] | None = None,
) -> dict[str, int]:
    """Find new words in ``texts``: ``{word: count}``.

    A candidate is a run of ``min_length`` to ``max_length`` Chinese
    characters seen at least ``min_count`` times in at least ``min_documents``
    texts, whose weakest split has pointwise mutual information of at least
    ``min_cohesion`` (natural log) and whose left and right neighbours both
    have entropy of at least ``min_entropy``. ``is_known_phrase(word)`` may
    reject candidates, e.g. those a dictionary already covers.
    """
    counts: Counter[str] = Counter()
    documents: Counter[str] = Counter()
    for runs in _han_runs(texts):
        seen: set[str] = set()
        for run in runs:
            for n in range(1, max_length + 1):
                for i in range(len(run) - n + 1):
                    gram = run[i : i + n]
                    counts[gram] += 1
                    if n >= min_length:
                        seen.add(gram)
        documents.update(seen)
    total = sum(count for gram, count in counts.items() if len(gram) == 1)

    def cohesion(word: str) -> float:
        joint = counts[word] / total
        return min(
            math.log(joint / (counts[word[:i]] / total * counts[word[i:]] / total))
            for i in range(1, len(word))
        )

    candidates = {
        gram
        for gram, count in counts.items()
        if len(gram) >= min_length
        and count >= min_count
        and documents[gram] >= min_documents
        and gram[0] not in _EDGE_STOP
        and gram[-1] not in _EDGE_STOP
        and 2 * sum(ch in _NUMERIC for ch in gram) <= len(gram)
        and "的" not in gram
        and cohesion(gram) >= min_cohesion
    }
    left: dict[str, Counter[str]] = {gram: Counter() for gram in candidates}
    right: dict[str, Counter[str]] = {gram: Counter() for gram in candidates}
    for runs in _han_runs(texts):
        for run in runs:
            for n in range(min_length, max_length + 1):
                for i in range(len(run) - n + 1):
                    gram = run[i : i + n]
                    if gram in candidates:
                        left[gram][run[i - 1] if i else "^"] += 1
                        right[gram][run[i + n] if i + n < len(run) else "$"] += 1
    found = {
        gram: counts[gram]
        for gram in candidates
        if _entropy(left[gram]) >= min_entropy and _entropy(right[gram]) >= min_entropy
    }
    # A candidate that nearly always occurs inside one longer found word is a
    # fragment of it ("精特新" of "专精特新").
    fragments = {
        part
        for word, count in found.items()
        for n in range(min_length, len(word))
        for i in range(len(word) - n + 1)
        if (part := word[i : i + n]) in found and count >= 0.8 * found[part]
    }
    found = {gram: count for gram, count in found.items() if gram not in fragments}
    if is_known_phrase is not None:
        found = {gram: count for gram, count in found.items() if not is_known_phrase(gram)}
    return found


def read_seed_terms(path: str | os.PathLike[str] | None = None) -> list[str]:
    """Read a seed list (one term per line, ``#`` comments); ``None`` for the bundled one."""
    if path is None:
        text = resources.files("policytext").joinpath("data", _SEED_FILE).read_text("utf-8")
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ModelLoadError(f"cannot read seed terms {os.fspath(path)!r}: {error}") from error
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def read_documents(path: str | os.PathLike[str], text_field: str = "text") -> list[str]:
    """Read the ``text_field`` of every line of a JSON Lines corpus."""
    texts = []
    try:
        with open(path, encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                record = json.loads(line)
                if not isinstance(record, dict) or not isinstance(record.get(text_field), str):
                    raise InvalidInputError(
                        f"{os.fspath(path)}, line {number}: no string field {text_field!r}"
                    )
                texts.append(record[text_field])
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInputError(f"cannot read corpus {os.fspath(path)!r}: {error}") from error
    return texts


@dataclass(frozen=True)
class VocabularyBuild:
    """A built vocabulary and where each word came from."""

    vocabulary: dict[str, int]
    quoted: frozenset[str]
    discovered: frozenset[str]
    seeds: frozenset[str]
    header: tuple[str, ...]


def build_vocabulary(
    documents: str | os.PathLike[str],
    *,
    seed_terms: str | os.PathLike[str] | None = None,
    min_quoted_count: int = 1,
    discovery: bool = True,
) -> VocabularyBuild:
    """Build the policy vocabulary from a JSON Lines corpus of ``{"text": ...}`` records.

    Each word gets the smallest frequency that keeps it whole when cut on its
    own; words jieba's dictionary already keeps whole are left out.
    """
    texts = read_documents(documents)
    quote_finder = PolicyTokenizer(vocabulary={})
    quoted_counts: Counter[str] = Counter()
    for text in texts:
        for term in quote_finder.quoted_terms(text):
            quoted_counts[term] += text.count(term)
    quoted = {
        term
        for term, count in quoted_counts.items()
        if count >= min_quoted_count and _HAN_RUN.search(term)
    }
    seeds = set(read_seed_terms(seed_terms))

    reference = make_segmenter("jieba")

    def is_known_phrase(word: str) -> bool:
        # Made only of words jieba knows, joined at most by particles and
        # conjunctions ("部门和地方"): an ordinary phrase.
        return all(
            len(piece) > 1 or piece in _EDGE_STOP for piece in reference.cut_dictionary(word)
        )

    discovered = set(discover_terms(texts, is_known_phrase=is_known_phrase)) if discovery else set()
    vocabulary = {}
    for word in sorted(quoted | discovered | seeds):
        # Words jieba already keeps whole need no entry.
        if any(ch.isspace() for ch in word) or reference.cut_dictionary(word) == [word]:
            continue
        vocabulary[word] = reference.suggest_freq(word)
    digest = hashlib.sha256(Path(documents).read_bytes()).hexdigest()
    header = (
        "policytext policy vocabulary: word<TAB>frequency",
        "built by: policytext build-vocabulary",
        f"corpus: {Path(documents).name} sha256={digest} documents={len(texts)}",
        f"words: {len(vocabulary)} (quoted {len(quoted)}, discovered {len(discovered)}, "
        f"seeds {len(seeds)}; a word may come from several)",
        f"settings: min_quoted_count={min_quoted_count} discovery={discovery}",
    )
    return VocabularyBuild(
        vocabulary, frozenset(quoted), frozenset(discovered), frozenset(seeds), header
    )
