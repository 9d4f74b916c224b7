from __future__ import annotations

import itertools
import pickle
import threading
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import policytext
from policytext import InvalidInputError, ModelLoadError, PolicyTokenizer, tokenize

RJIEBA = PolicyTokenizer(backend="rjieba")
JIEBA = PolicyTokenizer(backend="jieba")
FINE_RJIEBA = PolicyTokenizer(backend="rjieba", granularity="fine")
FINE_JIEBA = PolicyTokenizer(backend="jieba", granularity="fine")
WITHOUT_QUOTE_RULE = PolicyTokenizer(learn_quoted_terms=False)
JIEBA_WITHOUT_QUOTE_RULE = PolicyTokenizer(backend="jieba", learn_quoted_terms=False)

# Characters policy text is made of, plus the awkward ones.
policy_chars = st.sampled_from(
    list("新质生产力一网通办专精特新碳达峰放管服改革推进发展的了和“”「」（）。，；：！？、")
    + list("0123456789０１２３４５６７８９.．%％年月日万亿ABCxyz-_ \n\t\u3000○〇")
)
# Pieces where the quote rule, document numbers and formulations meet.
policy_pieces = st.sampled_from(
    ["国发〔2021〕29号", "中国式现代化", "人民", "链主", "“链主”", "“人民”", "产业链", "代表大会"]
)
policy_text = (
    st.text(policy_chars, max_size=80)
    | st.lists(policy_pieces | policy_chars, max_size=20).map("".join)
    | st.text(max_size=40)
)


@settings(max_examples=300, deadline=None)
@given(policy_text)
def test_tokenize_is_lossless_and_has_no_empty_tokens(text: str) -> None:
    for tokenizer in (RJIEBA, FINE_RJIEBA):
        tokens = tokenizer.tokenize(text)
        assert "".join(tokens) == text
        assert all(tokens)


@settings(max_examples=200, deadline=None)
@given(policy_text)
def test_backends_agree_on_any_text(text: str) -> None:
    assert RJIEBA.tokenize(text) == JIEBA.tokenize(text)
    assert FINE_RJIEBA.tokenize(text) == FINE_JIEBA.tokenize(text)


@settings(max_examples=200, deadline=None)
@given(policy_text)
def test_fine_tokens_split_coarse_tokens_and_never_merge_them(text: str) -> None:
    coarse_ends = set(itertools.accumulate(map(len, RJIEBA.tokenize(text))))
    fine_ends = set(itertools.accumulate(map(len, FINE_RJIEBA.tokenize(text))))
    assert coarse_ends <= fine_ends


@settings(max_examples=200, deadline=None)
@given(policy_text)
def test_quoted_terms_never_cut_a_word_of_the_segmentation(text: str) -> None:
    without_rule = WITHOUT_QUOTE_RULE.tokenize(text)
    plain_ends = set(itertools.accumulate(map(len, without_rule)))
    assert set(itertools.accumulate(map(len, RJIEBA.tokenize(text)))) <= plain_ends


def test_backends_agree_on_sample_document(sample_text: str) -> None:
    tokens = RJIEBA.tokenize(sample_text)
    assert tokens == JIEBA.tokenize(sample_text)
    assert len(tokens) > 300


def test_backends_agree_on_dev_documents(dev_texts: list[str]) -> None:
    for text in dev_texts:
        assert RJIEBA.tokenize(text) == JIEBA.tokenize(text)
        assert FINE_RJIEBA.tokenize(text) == FINE_JIEBA.tokenize(text)


def test_policy_vocabulary_keeps_terms_whole() -> None:
    tokens = tokenize("加快发展新质生产力，培育专精特新企业，实现碳达峰碳中和")
    for term in ("新质生产力", "专精特新", "碳达峰", "碳中和"):
        assert term in tokens


def _curated_formulations() -> list[str]:
    text = resources.files("policytext").joinpath("data", "seed_terms.txt").read_text("utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_curated_formulations_are_one_token_in_sentences() -> None:
    formulations = _curated_formulations()
    assert len(formulations) >= 500
    split = []
    for formulation in formulations:
        for sentence in (
            f"{formulation}。",
            f"我们坚持{formulation}，",
            f"推动{formulation}取得新成效。",
        ):
            if formulation not in tokenize(sentence):
                split.append("|".join(tokenize(sentence)))
    assert split == []


@pytest.mark.parametrize(
    ("formulation", "parts"),
    [
        ("中国式现代化", ["中国式", "现代化"]),
        ("人类命运共同体", ["人类", "命运", "共同体"]),
        ("中国特色社会主义", ["中国", "特色", "社会主义"]),
        ("美丽中国", ["美丽", "中国"]),
        ("新型工业化", ["新型", "工业化"]),
    ],
)
def test_fine_granularity_gives_the_parts(formulation: str, parts: list[str]) -> None:
    assert tokenize(f"推进{formulation}。") == ["推进", formulation, "。"]
    assert FINE_RJIEBA.tokenize(f"推进{formulation}。") == ["推进", *parts, "。"]


def test_extra_vocabulary_extends_the_bundled_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = "加快发展新质生产力，实施稳岗扩容行动"
    replaced = PolicyTokenizer(vocabulary={"稳岗扩容": 5}).tokenize(text)
    assert "稳岗扩容" in replaced and "新质生产力" not in replaced
    path = tmp_path / "userdict.txt"
    path.write_text("稳岗扩容 5 nz\n", encoding="utf-8")
    for extra in ({"稳岗扩容": 5}, {"稳岗扩容": None}, ["稳岗扩容"], path):
        tokenizer = PolicyTokenizer(extra_vocabulary=extra)
        tokens = tokenizer.tokenize(text)
        assert "稳岗扩容" in tokens and "新质生产力" in tokens
        assert tokenizer.vocabulary_size == PolicyTokenizer().vocabulary_size + 1


def test_a_jieba_user_dictionary_is_a_vocabulary(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "userdict.txt"
    path.write_text("稳岗扩容 5 nz\n黄小西吃晚饭\n", encoding="utf-8")
    tokens = PolicyTokenizer(vocabulary=path).tokenize("稳岗扩容，黄小西吃晚饭")
    assert tokens == ["稳岗扩容", "，", "黄小西吃晚饭"]


def test_without_vocabulary_terms_are_split() -> None:
    plain = PolicyTokenizer(vocabulary={}, learn_quoted_terms=False)
    assert "专精特新" not in plain.tokenize("培育专精特新企业")


def test_quoted_term_is_learned_for_the_rest_of_the_text() -> None:
    text = "实施“黄小西吃晚饭”品牌行动。黄小西吃晚饭成为热词。"
    tokens = tokenize(text)
    assert tokens.count("黄小西吃晚饭") == 2
    # Learning is per call: another text does not remember the term.
    assert "黄小西吃晚饭" not in tokenize("黄小西吃晚饭成为热词。")


def test_long_or_punctuated_quotes_are_not_terms() -> None:
    tokenizer = PolicyTokenizer()
    assert tokenizer.quoted_terms("他说“群众的事再小也是大事”，要“双随机、一公开”") == []
    assert tokenizer.quoted_terms("推进“一网通办”和「放管服」改革，“一网通办”") == [
        "一网通办",
        "放管服",
    ]


@pytest.mark.parametrize(
    ("text", "term", "kept"),
    [
        ("培育“链主”企业。增强产业链供应链主导力。", "链主", "主导"),
        ("依靠“人民”。第十四届人民代表大会", "人民", "人民代表大会"),
        ("用好“数据”。在用数据中心算力", "数据", "数据中心"),
    ],
)
def test_a_quoted_term_does_not_cut_the_words_around_it(text: str, term: str, kept: str) -> None:
    tokens = tokenize(text)
    assert kept in tokens and tokens.count(term) == 1, tokens


def test_a_quoted_term_is_joined_where_it_stands_between_word_boundaries() -> None:
    text = "推行“两张清单”管理。两张清单动态调整。"
    assert "两张清单" not in WITHOUT_QUOTE_RULE.tokenize(text)
    assert tokenize(text).count("两张清单") == 2


def test_quote_rule_can_be_switched_off() -> None:
    text = "实施“黄小西吃晚饭”品牌行动"
    assert "黄小西吃晚饭" not in PolicyTokenizer(learn_quoted_terms=False).tokenize(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１９９８年１２月３１日", ["１９９８年", "１２月", "３１日"]),
        ("增长5.2%和１７％", ["增长", "5.2%", "和", "１７％"]),
        ("二○○○年", ["二○○○年"]),
        ("3.5万亿元", ["3.5万亿", "元"]),
        ("PM2.5和PM_2.5", ["PM2.5", "和", "PM_2.5"]),
        ("推动5G-A和NB-IoT", ["推动", "5G-A", "和", "NB-IoT"]),
        ("国发〔2021〕29号", ["国发〔2021〕29号"]),
        ("（国办发〔2023〕5号）", ["（", "国办发〔2023〕5号", "）"]),
        ("根据工信部联规[2021]207号文件", ["根据", "工信部联规[2021]207号", "文件"]),
    ],
)
def test_numbers_and_ascii_compounds_are_single_tokens(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


@pytest.mark.parametrize("text", ["", " ", "\n\n", "hello world", "😀🎉", "\x00\x07", "ＡＢＣ"])
def test_odd_input_gives_defined_result(text: str) -> None:
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert all(tokens)
    assert (tokens == []) == (text == "")


def test_long_text_is_handled() -> None:
    text = "推进“一网通办”改革。" * 1000
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert tokens.count("一网通办") == 1000


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "text must be str, got NoneType"),
        (b"\xe6\x94\xb9", "decode it first"),
        (["改革"], "text must be str, got list"),
        (42, "text must be str, got int"),
    ],
)
def test_bad_input_raises_typed_error(value: object, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as caught:
        tokenize(value)  # type: ignore[arg-type]
    assert isinstance(caught.value, TypeError)
    assert isinstance(caught.value, policytext.PolicyTextError)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"backend": "pkuseg"}, "backend must be one of"),
        ({"max_quoted_length": 1}, "max_quoted_length"),
        ({"vocabulary": {"改革 开放": 3}}, "without whitespace"),
        ({"vocabulary": {"改革": 0}}, "positive int"),
        ({"vocabulary": 3.5}, "vocabulary must be"),
        ({"extra_vocabulary": {"改革": 1.5}}, "positive int or None"),
        ({"extra_vocabulary": [3]}, "non-empty str"),
        ({"granularity": "medium"}, "granularity must be one of"),
    ],
)
def test_bad_parameters_raise_when_the_tokenizer_is_made(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        PolicyTokenizer(**kwargs)  # type: ignore[arg-type]


def test_missing_vocabulary_file_raises_model_load_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ModelLoadError, match="cannot read vocabulary"):
        PolicyTokenizer(vocabulary=tmp_path / "missing.txt").tokenize("改革")


def test_vocabulary_from_file_and_mapping(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "vocab.txt"
    path.write_text("# mine\n稳岗扩容\t5\n", encoding="utf-8")
    assert "稳岗扩容" in PolicyTokenizer(vocabulary=path).tokenize("实施稳岗扩容行动")
    assert "稳岗扩容" in PolicyTokenizer(vocabulary={"稳岗扩容": 5}).tokenize("实施稳岗扩容行动")
    assert PolicyTokenizer(vocabulary={"稳岗扩容": 5}).vocabulary_size == 1


def test_vocabulary_mapping_is_not_mutated() -> None:
    vocabulary = {"稳岗扩容": 5}
    PolicyTokenizer(vocabulary=vocabulary).tokenize("实施稳岗扩容行动")
    assert vocabulary == {"稳岗扩容": 5}


def test_pickle_keeps_parameters_not_the_segmenter() -> None:
    tokenizer = PolicyTokenizer(backend="jieba", max_quoted_length=6, granularity="fine")
    tokenizer.tokenize("改革")
    data = pickle.dumps(tokenizer)
    assert len(data) < 1000
    restored = pickle.loads(data)
    assert (restored.backend, restored.max_quoted_length) == ("jieba", 6)
    assert restored.granularity == "fine"
    assert restored.tokenize("推进“一网通办”") == tokenizer.tokenize("推进“一网通办”")


def test_tokenizer_is_callable_like_a_function() -> None:
    assert RJIEBA("推进改革") == RJIEBA.tokenize("推进改革")


def test_concurrent_first_use_loads_once_and_agrees(sample_text: str) -> None:
    tokenizer = PolicyTokenizer()
    expected = RJIEBA.tokenize(sample_text)
    results: list[list[str]] = []
    threads = [
        threading.Thread(target=lambda: results.append(tokenizer.tokenize(sample_text)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


def test_global_jieba_is_left_alone() -> None:
    import jieba

    before = (jieba.dt.initialized, len(jieba.dt.FREQ))
    PolicyTokenizer(backend="jieba", vocabulary={"黄小西吃晚饭": 3}).tokenize("黄小西吃晚饭")
    assert (jieba.dt.initialized, len(jieba.dt.FREQ)) == before


def _cut_each_part(tokenizer: PolicyTokenizer, text: str) -> list[str]:
    """The segmentation by its definition: each part between protected spans cut on its
    own, each span one token."""
    from policytext._tokenizer import _pieces

    cut = tokenizer._loaded_segmenter().cut
    pieces = _pieces(text)
    tokens: list[str] = []
    for index, piece in enumerate(pieces):
        tokens += cut(piece) if index % 2 == 0 else [piece]
    return tokens


@settings(max_examples=300, deadline=None)
@given(
    policy_text | st.lists(policy_pieces | policy_chars | st.just("\x00"), max_size=20).map("".join)
)
def test_one_segmenter_call_cuts_as_each_part_alone(text: str) -> None:
    # The parts are segmented in one call, joined by a placeholder character;
    # that must cut as segmenting each part on its own, also where the text
    # holds the placeholder character itself.
    from policytext._tokenizer import _cut_around, _pieces

    for tokenizer in (WITHOUT_QUOTE_RULE, JIEBA_WITHOUT_QUOTE_RULE):
        cut = tokenizer._loaded_segmenter().cut
        assert _cut_around(cut, _pieces(text)) == _cut_each_part(tokenizer, text)


def test_placeholder_character_in_the_text_stays_where_it_was() -> None:
    text = "2024年\x00推进\x00国发〔2021〕29号\x00\x00ABC-1文件"
    tokens = WITHOUT_QUOTE_RULE.tokenize(text)
    assert "".join(tokens) == text
    assert tokens.count("\x00") == 4
    assert {"2024年", "国发〔2021〕29号", "ABC-1"} <= set(tokens)


document_number_text = st.lists(
    st.sampled_from([*"国发办函据根见按照号〔〕[]【】［］年的 ，", "2021", "19", "20", "29", "5"]),
    max_size=25,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(document_number_text)
def test_document_numbers_are_found_as_the_full_pattern_finds_them(text: str) -> None:
    from policytext._tokenizer import _DOCUMENT_NUMBER, _document_numbers

    assert _document_numbers(text) == [m.span(1) for m in _DOCUMENT_NUMBER.finditer(text)]
