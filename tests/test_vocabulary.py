from __future__ import annotations

import pytest

from policytext import InvalidInputError, ModelLoadError
from policytext._vocabulary import (
    bundled_vocabulary,
    format_vocabulary,
    parse_vocabulary,
    read_vocabulary,
)


def test_format_and_read_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    vocabulary = {"放管服": 1, "一网通办": 7}
    path = tmp_path / "vocab.txt"
    path.write_text(format_vocabulary(vocabulary, header=["test"]), encoding="utf-8")
    assert path.read_text(encoding="utf-8").splitlines()[0] == "# test"
    assert read_vocabulary(path) == vocabulary


def test_jieba_user_dictionary_lines_are_read() -> None:
    lines = [
        "# a comment",
        "放管服\t1",
        "一网通办 7",
        "一网统管 3 nz",
        "揭榜挂帅 n",
        "稳岗扩容",
        "",
    ]
    assert parse_vocabulary(lines) == {
        "放管服": 1,
        "一网通办": 7,
        "一网统管": 3,
        "揭榜挂帅": None,
        "稳岗扩容": None,
    }


@pytest.mark.parametrize(
    "line", ["一网通办 7 n extra", "一网通办 0", "一网通办 7 名词", "一网通办 -3"]
)
def test_bad_lines_name_the_file_and_line(line: str) -> None:
    with pytest.raises(ModelLoadError, match=r"mine, line 2: expected 'word<TAB>frequency' or"):
        parse_vocabulary(["放管服\t1", line], source="mine")


def test_words_with_whitespace_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="whitespace"):
        format_vocabulary({"一网 通办": 1})


def test_bundled_vocabulary_holds_policy_terms_and_is_a_copy() -> None:
    vocabulary = bundled_vocabulary()
    assert len(vocabulary) > 1000
    assert {"新质生产力", "专精特新", "一网通办", "放管服"} <= set(vocabulary)
    assert all(freq >= 1 for freq in vocabulary.values())
    vocabulary.clear()
    assert bundled_vocabulary()


def test_curated_formulations_occur_in_the_corpus(shared_dir) -> None:  # type: ignore[no-untyped-def]
    import json

    from policytext._discovery import read_seed_terms

    with (shared_dir / "corpus" / "documents.jsonl").open(encoding="utf-8") as lines:
        corpus = "\n".join(json.loads(line)["text"] for line in lines)
    formulations = read_seed_terms()
    assert len(formulations) == len(set(formulations))
    assert [term for term in formulations if term not in corpus] == []
