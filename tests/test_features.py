from __future__ import annotations

import pickle

import numpy as np

from policytext._features import SentenceVectorizer

TRAIN = ["推进乡村振兴。", "发展数字经济。", "推进数字乡村建设。", "PM2.5浓度下降。"]


def test_rows_are_unit_norm_per_block_and_batch_independent() -> None:
    vectorizer = SentenceVectorizer(min_df=1).fit(TRAIN)
    batch = vectorizer.transform([*TRAIN, "数字经济\n乡村振兴", ""]).toarray()
    single = np.vstack(
        [vectorizer.transform([s]).toarray() for s in [*TRAIN, "数字经济\n乡村振兴", ""]]
    )
    assert np.allclose(batch, single)
    n_words = len(vectorizer.words_) + len(vectorizer.bigrams_)
    for row in batch[:4]:
        assert np.isclose(np.linalg.norm(row[:n_words]), 1.0)
        assert np.isclose(np.linalg.norm(row[n_words:]), 1.0)
    assert not batch[-1].any()  # the empty sentence has no features


def test_feature_names_decode_words_pairs_and_characters() -> None:
    vectorizer = SentenceVectorizer(min_df=1).fit(TRAIN)
    names = vectorizer.feature_names()
    assert len(names) == len(vectorizer.idf_)
    assert {"w:乡村振兴", "w:推进 乡村振兴", "c:乡", "c:乡村", "c:乡村振"} <= set(names)


def test_min_df_drops_rare_ngrams() -> None:
    rare = SentenceVectorizer(min_df=1).fit(TRAIN)
    common = SentenceVectorizer(min_df=2).fit(TRAIN)
    assert len(common.idf_) < len(rare.idf_)
    assert "w:数字经济" not in common.feature_names()


def test_empty_batch_and_pickle_round_trip() -> None:
    vectorizer = SentenceVectorizer(min_df=1).fit(TRAIN)
    assert vectorizer.transform([]).shape == (0, len(vectorizer.idf_))
    restored = pickle.loads(pickle.dumps(vectorizer))
    assert (restored.transform(TRAIN) != vectorizer.transform(TRAIN)).nnz == 0
    assert restored.get_params() == {"min_df": 1, "char_max_n": 3, "word_bigrams": True}
