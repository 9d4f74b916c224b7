from __future__ import annotations

import pytest

from policytext import InvalidInputError
from policytext._segmenters import BACKENDS, make_segmenter

WORDS = ["专精特新", "新质生产力", "黄小西吃晚饭", "推进改革", "改革"]


@pytest.fixture(scope="module", params=BACKENDS)
def segmenter(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    return make_segmenter(request.param)


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(InvalidInputError, match=r"backend must be one of \('rjieba', 'jieba'\)"):
        make_segmenter("thulac")


def test_backends_agree_on_dictionary_statistics() -> None:
    rjieba, jieba = make_segmenter("rjieba"), make_segmenter("jieba")
    for word in WORDS:
        assert rjieba.suggest_freq(word) == jieba.suggest_freq(word)
        assert rjieba.cut_dictionary(word) == jieba.cut_dictionary(word)


def test_added_word_is_kept_whole(segmenter) -> None:  # type: ignore[no-untyped-def]
    assert "专精特新" not in segmenter.cut("培育专精特新企业")
    segmenter.add_word("专精特新", segmenter.suggest_freq("专精特新"))
    assert "专精特新" in segmenter.cut("培育专精特新企业")


def test_each_segmenter_is_private() -> None:
    first, second = make_segmenter("rjieba"), make_segmenter("rjieba")
    first.add_word("黄小西吃晚饭", 10)
    assert "黄小西吃晚饭" not in second.cut("黄小西吃晚饭")
