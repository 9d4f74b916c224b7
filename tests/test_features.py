from __future__ import annotations

import itertools
import math
import pickle
from collections import Counter

import numpy as np

from policytext import PolicyTokenizer
from policytext._features import SentenceVectorizer, _Analysis, _KeyIndex, _WordIndex
from policytext._script import looks_traditional, simplified

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


def _reference_features(vectorizer: SentenceVectorizer, sentences: list[str]) -> np.ndarray:
    """The features by their definition: n-grams counted one Python loop at a time,
    sublinear tf times idf, each block scaled to unit length."""
    column = {name: i for i, name in enumerate(vectorizer.feature_names())}
    words = {str(word) for word in vectorizer.words_}
    n_words = len(vectorizer.words_) + len(vectorizer.bigrams_)
    tokenizer = PolicyTokenizer(learn_quoted_terms=False, read_traditional=False)
    matrix = np.zeros((len(sentences), len(column)))
    for row, sentence in enumerate(sentences):
        text = simplified(sentence) if looks_traditional(sentence) else sentence
        text = text.replace("\n", " ")
        tokens = tokenizer.tokenize(text)
        counts = Counter(f"w:{token}" for token in tokens)
        counts += Counter(
            f"w:{a} {b}" for a, b in itertools.pairwise(tokens) if a in words and b in words
        )
        counts += Counter(
            f"c:{text[i : i + n]}" for n in (1, 2, 3) for i in range(len(text) - n + 1)
        )
        for name, count in counts.items():
            if name in column:
                matrix[row, column[name]] = (1 + math.log(count)) * vectorizer.idf_[column[name]]
        for block in (slice(0, n_words), slice(n_words, None)):
            norm = np.linalg.norm(matrix[row, block])
            if norm:
                matrix[row, block] /= norm
    return matrix


ODD = [
    "推进推进推进乡村振兴，乡村振兴。",  # words, pairs and characters seen more than once
    "国发〔2021〕29号要求PM2.5浓度下降5.2%。",
    "𠀀𠀁字和\x00占位符",  # characters outside the BMP, the placeholder character
    "發展數字經濟，推進數字鄉村。",  # traditional: read as simplified
    "a b\nc",
    "",
]


def test_features_match_their_definition() -> None:
    vectorizer = SentenceVectorizer(min_df=1).fit([*TRAIN, *ODD])
    sentences = [*TRAIN, *ODD, "推进乡村振兴和数字经济。", "完全没见过的字"]
    assert np.allclose(
        vectorizer.transform(sentences).toarray(), _reference_features(vectorizer, sentences)
    )


def test_key_index_finds_every_key_and_nothing_else() -> None:
    # Enough keys that slots are shared in the first table and in the second; in
    # no order, and some indexes without a key.
    rng = np.random.default_rng(0)
    keys = rng.permutation(np.unique(rng.integers(1, 2**63, size=60_000, dtype=np.uint64)))
    keys[::11] = _KeyIndex.NO_KEY
    index = _KeyIndex(keys)
    assert len(index._rest_keys) > 0  # the binary-search level is reached
    has_key = np.flatnonzero(keys != _KeyIndex.NO_KEY)
    absent = rng.integers(1, 2**63, size=20_000, dtype=np.uint64)
    absent = absent[~np.isin(absent, keys)]
    queries = np.concatenate([keys[has_key], absent, keys[has_key[::7]]])
    expected = np.concatenate([has_key, np.full(len(absent), -1), has_key[::7]])
    assert np.array_equal(index.lookup(queries), expected)
    assert np.array_equal(_KeyIndex(keys[:0]).lookup(keys[1:6]), np.full(5, -1))


def test_word_index_agrees_with_a_dict() -> None:
    words = ["中", "中国", "中国式", "中国式现代化", "𠀀", "a", "PM2.5", "新质生产力"]
    tokens = [
        "中国式现代化",
        "中国",
        "中",
        "国",
        "𠀀",
        "a",
        "ab",
        "PM2.5",
        "新质生产",
        " ",
        "\n",
        "式",
    ]
    text = "".join(tokens)
    lengths = np.array([len(token) for token in tokens])
    starts = np.cumsum(lengths) - lengths
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    rows = np.zeros(len(tokens), dtype=np.int64)
    analysis = _Analysis(tokens, rows, starts, lengths, points, np.zeros(len(text), dtype=np.int64))
    found = _WordIndex(words).lookup(analysis)
    assert found.tolist() == [words.index(t) if t in words else -1 for t in tokens]
