from __future__ import annotations

import json
from pathlib import Path

import pytest

import policytext
from policytext import InvalidInputError
from policytext._discovery import build_vocabulary, discover_terms, read_seed_terms
from policytext._vocabulary import bundled_vocabulary, format_vocabulary

TEXTS = [
    "支持专精特新企业发展。推进数智化转型，培育专精特新中小企业。",
    "新增专精特新企业十家。加快数智化改造，壮大专精特新集群。",
    "推动专精特新发展壮大。数智化水平提升，专精特新成效明显。",
    "我们要推进改革开放。坚持改革开放不动摇。扩大改革开放成果。",
]


def test_discovers_cohesive_words_seen_in_varied_contexts() -> None:
    # A toy corpus: its characters are few and frequent, so PMI runs low.
    found = discover_terms(TEXTS, min_count=3, min_documents=3, min_cohesion=2.0, min_entropy=0.5)
    assert set(found) == {"专精特新", "数智化"}
    # Fragments of a found word are not words themselves.
    assert "精特新" not in found and "专精特" not in found


def test_known_phrases_can_be_excluded() -> None:
    found = discover_terms(
        TEXTS,
        min_count=3,
        min_documents=1,
        min_cohesion=2.0,
        min_entropy=0.0,
        is_known_phrase=lambda word: word == "数智化",
    )
    assert "专精特新" in found
    assert "数智化" not in found


def test_build_vocabulary_merges_quotes_discovery_and_seeds(tmp_path: Path) -> None:
    corpus = tmp_path / "docs.jsonl"
    rows = [{"text": text + "实施“黄小西吃晚饭”行动。"} for text in TEXTS]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("# seeds\n放管服\n", encoding="utf-8")
    build = build_vocabulary(corpus, seed_terms=seeds)
    assert "黄小西吃晚饭" in build.quoted
    assert build.seeds == {"放管服"}
    assert {"黄小西吃晚饭", "放管服"} <= set(build.vocabulary)
    assert all(freq >= 1 for freq in build.vocabulary.values())
    assert any("sha256=" in line for line in build.header)
    # Deterministic: the same inputs give the same file.
    again = build_vocabulary(corpus, seed_terms=seeds)
    assert format_vocabulary(again.vocabulary, again.header) == format_vocabulary(
        build.vocabulary, build.header
    )


def test_bad_corpus_lines_are_reported(tmp_path: Path) -> None:
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text('{"title": "no text"}\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="line 1: no string field 'text'"):
        build_vocabulary(corpus)


def test_bundled_seed_list_is_clean() -> None:
    seeds = read_seed_terms()
    assert len(seeds) == len(set(seeds)) > 100
    assert all(not any(ch.isspace() for ch in seed) for seed in seeds)


def test_bundled_vocabulary_is_reproducible(shared_dir: Path) -> None:
    """The shipped file is exactly what the documented command builds."""
    build = build_vocabulary(shared_dir / "corpus" / "documents.jsonl")
    assert build.vocabulary == bundled_vocabulary()
    shipped = (Path(policytext.__file__).parent / "data" / "policy_vocab.txt").read_text("utf-8")
    assert shipped == format_vocabulary(build.vocabulary, build.header)
