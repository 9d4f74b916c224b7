"""The classification API, on the bundled model."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import policytext
from policytext import DOMAINS, InvalidInputError, Prediction

CODES = {domain.code for domain in DOMAINS}
SENTENCES = [
    "全面推进乡村振兴，稳定粮食生产。",
    "深化医药卫生体制改革。",
    "加强国防动员建设，做好双拥工作。",
    "扎实推进义务教育优质均衡发展。",
]


def test_model_labels_are_the_taxonomy() -> None:
    assert set(policytext.model_info()["labels"]) == CODES


def test_classify_gives_one_domain_per_sentence() -> None:
    assert policytext.classify(SENTENCES) == ["rural", "health", "defense", "education"]


@pytest.mark.parametrize("text", ["", "   ", "\n", "😀🎉", "12345", "，。！", "\x00\x07"])
def test_nothing_to_classify_gives_none(text: str) -> None:
    assert policytext.classify([text, SENTENCES[0]]) == [None, "rural"]
    assert policytext.rank([text]) == [[]]


@pytest.mark.parametrize(
    "text",
    [
        "Deepen the reform of the medical and health care system.",
        "The 十四五 plan sets targets for the digital economy.",
        "日本の経済政策について",
        "大",
        "A1",
    ],
)
def test_text_without_enough_chinese_gets_no_domain(text: str) -> None:
    assert policytext.classify([text, SENTENCES[0]]) == [None, "rural"]
    assert policytext.rank([text]) == [[]]
    result = policytext.classify_document(f"{SENTENCES[0]}\n{text}")
    assert [s.label for s in result.sentences] == ["rural", None]
    with pytest.raises(policytext.InvalidInputError, match="nothing to classify"):
        policytext.explain(text)


def test_traditional_chinese_is_classified_and_tokenized_as_simplified() -> None:
    pairs = [
        ("深化醫藥衛生體制改革。", "深化医药卫生体制改革。"),
        ("加快發展新質生產力，推進「一網通辦」。", "加快发展新质生产力，推进「一网通办」。"),
        ("全面推進鄉村振興，穩定糧食生產。", "全面推进乡村振兴，稳定粮食生产。"),
    ]
    traditional, simple = [list(column) for column in zip(*pairs, strict=True)]
    assert policytext.classify(traditional) == policytext.classify(simple)
    ranked = policytext.rank(traditional + simple, k=1)
    assert [r[0].score for r in ranked[:3]] == pytest.approx([r[0].score for r in ranked[3:]])
    for old, new in pairs:
        tokens = policytext.tokenize(old)
        assert "".join(tokens) == old  # lossless, in the text's own characters
        assert [len(t) for t in tokens] == [len(t) for t in policytext.tokenize(new)]
    assert "新質生產力" in policytext.tokenize(pairs[1][0])


def test_mostly_chinese_text_with_latin_letters_and_very_long_text_get_a_domain() -> None:
    labels = policytext.classify(["推进IPv6规模部署和应用。", "推进乡村振兴。" * 2000])
    assert labels[0] in CODES and labels[1] == "rural"


def test_empty_input_gives_empty_output() -> None:
    assert policytext.classify([]) == []
    assert policytext.rank(()) == []


def test_input_is_not_mutated_and_any_iterable_works() -> None:
    sentences = list(SENTENCES)
    policytext.classify(sentences)
    assert sentences == SENTENCES
    assert policytext.classify(iter(SENTENCES)) == policytext.classify(tuple(SENTENCES))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("一句话。", "got a single str; wrap one sentence in a list"),
        ({"一句话。": 1}, r"got a mapping \(dict\); pass its values"),
        (None, "got NoneType"),
        (b"\xe6\x94\xb9", "got bytes"),
        (["好。", None], r"sentences\[1\] must be str, got NoneType"),
        (["好。", ["嵌套"]], r"sentences\[1\] must be str, got list"),
        ([b"abc"], r"sentences\[0\] must be str, got bytes"),
        (3.5, "got float"),
    ],
)
def test_bad_input_raises_a_typed_error(value: object, message: str) -> None:
    for function in (policytext.classify, policytext.rank):
        with pytest.raises(InvalidInputError, match=message):
            function(value)  # type: ignore[operator]


@pytest.mark.parametrize("value", [None, b"\xe6\x94\xb9", ["一句话。"], 3])
def test_document_functions_refuse_what_is_not_text(value: object) -> None:
    for function in (policytext.classify_document, policytext.explain):
        with pytest.raises(InvalidInputError, match=f"must be str, got {type(value).__name__}"):
            function(value)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(st.text(st.sampled_from(list("改革发展。！；“”（一）、\n \x00\u200b😀aZ1")), max_size=60))
def test_any_document_gets_a_defined_result(text: str) -> None:
    result = policytext.classify_document(text)
    assert [s.text for s in result.sentences] == policytext.split_sentences(text)
    for sentence in result.sentences:
        assert (sentence.label is None) == (policytext.classify([sentence.text]) == [None])
    assert result.shares == {} or sum(result.shares.values()) == pytest.approx(1.0)
    assert (result.label is None) == (result.shares == {})


def test_bad_options_raise() -> None:
    with pytest.raises(InvalidInputError, match="k must be a positive int"):
        policytext.rank(SENTENCES, k=0)
    with pytest.raises(InvalidInputError, match="n_jobs must be a non-zero int"):
        policytext.classify(SENTENCES, n_jobs=0)
    with pytest.raises(InvalidInputError, match="model must be a PolicyClassifier"):
        policytext.classify(SENTENCES, model="models/domains")  # type: ignore[arg-type]


def test_rank_gives_probabilities_best_first() -> None:
    ranked = policytext.rank(SENTENCES, k=19)
    for predictions, label in zip(ranked, policytext.classify(SENTENCES), strict=True):
        assert isinstance(predictions[0], Prediction)
        assert predictions[0].label == label
        scores = [p.score for p in predictions]
        assert scores == sorted(scores, reverse=True)
        assert sum(scores) == pytest.approx(1.0)
        assert {p.label for p in predictions} == CODES


def test_parallel_and_threaded_results_equal_serial() -> None:
    sentences = SENTENCES * 1500  # several chunks
    serial = policytext.classify(sentences)
    assert policytext.classify(sentences, n_jobs=2) == serial
    results: list[list[str | None]] = []
    threads = [
        threading.Thread(target=lambda: results.append(policytext.classify(sentences[:400])))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [serial[:400]] * 4


def test_jobs_spread_chunks_of_an_in_memory_model_over_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import joblib

    from policytext import PolicyClassifier, _api

    model = PolicyClassifier(calibration_folds=2).fit(
        ["全面推进乡村振兴。", "稳定粮食生产。", "深化医药卫生体制改革。", "建设健康中国。"],
        ["rural", "rural", "health", "health"],
    )
    sentences = ["抓好粮食生产。", "发展医疗卫生事业。", "😀"] * 20
    serial = policytext.classify(sentences, model=model)
    monkeypatch.setattr(_api, "_CHUNK", 2)
    workers: set[int] = set()
    predict_proba = PolicyClassifier.predict_proba
    batches: list[int] = []
    in_worker = _api._probabilities_in_worker
    tasks: list[int] = []

    def recording(self: PolicyClassifier, batch: list[str]) -> object:
        workers.add(threading.get_ident())
        batches.append(len(batch))
        return predict_proba(self, batch)

    def task(model: object, batch: list[str]) -> object:
        tasks.append(len(batch))
        return in_worker(model, batch)  # type: ignore[arg-type]

    monkeypatch.setattr(PolicyClassifier, "predict_proba", recording)
    monkeypatch.setattr(_api, "_probabilities_in_worker", task)
    with joblib.parallel_config(backend="threading"):
        assert policytext.classify(sentences, n_jobs=2, model=model) == serial
    assert threading.get_ident() not in workers and len(workers) >= 1
    # 40 sentences to classify: a few tasks per worker, each featurised _CHUNK at a time.
    assert tasks == [5] * 2 * _api._TASKS_PER_WORKER
    assert max(batches) == 2 and sum(batches) == 40


def test_explain_returns_the_features_that_pushed_the_label() -> None:
    explanation = policytext.explain("全面推进乡村振兴，稳定粮食生产。", k=3)
    assert explanation.label == "rural"
    assert 0 < explanation.score <= 1
    weights = [feature.weight for feature in explanation.features]
    assert len(weights) == 3 and weights == sorted(weights, reverse=True)
    assert all(f.feature.startswith(("w:", "c:")) for f in explanation.features)
    with pytest.raises(InvalidInputError, match="nothing to classify"):
        policytext.explain("😀")
    with pytest.raises(InvalidInputError, match="sentence must be str"):
        policytext.explain(["乡村振兴"])  # type: ignore[arg-type]


def test_classify_document_reads_structure_in_order(sample_text: str) -> None:
    result = policytext.classify_document(sample_text)
    assert [s.text for s in result.sentences] == policytext.split_sentences(sample_text)
    assert [s.index for s in result.sentences] == list(range(len(result.sentences)))
    assert result.label in CODES - {"general"}
    assert sum(result.shares.values()) == pytest.approx(1.0)
    grain = next(s for s in result.sentences if s.text.startswith("新建高标准农田"))
    assert grain.label == "rural" and grain.heading == "（三）全面推进乡村振兴。"


def test_document_in_pieces_and_batches_equals_the_whole(
    sample_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policytext import _api

    whole = policytext.classify_document(sample_text)
    monkeypatch.setattr(_api, "_CHUNK", 7)  # several batches, cut anywhere
    pieces = [sample_text[i : i + 100] for i in range(0, len(sample_text), 100)]
    assert list(_api.classify_pieces(pieces)) == whole.sentences
    tally = _api.DocumentTally()
    for result in whole.sentences:
        tally.count(result.label, result.score)
    assert (tally.label(), tally.shares()) == (whole.label, whole.shares)


def test_document_label_rules() -> None:
    letter = (
        "尊敬的领导：您好！我想咨询养老金的领取问题。我退休后养老金一直没有发放。谢谢！此致敬礼！"
    )
    result = policytext.classify_document(letter)
    assert result.label == "livelihood"
    assert "general" in result.shares  # the polite formulae are general, yet do not win
    assert policytext.classify_document("各位代表：").label == "general"
    empty = policytext.classify_document("")
    assert empty.sentences == [] and empty.label is None and empty.shares == {}
    assert policytext.classify_document("😀。").sentences[0].label is None


def test_context_helps_a_vague_sentence_under_a_clear_heading() -> None:
    vague = "抓好这项工作，确保取得实效。"
    text = f"（三）全面推进乡村振兴。巩固拓展脱贫攻坚成果，稳定粮食生产。{vague}"
    alone = dict((p.label, p.score) for p in policytext.rank([vague], k=19)[0])
    in_document = policytext.classify_document(text).sentences[-1]
    assert in_document.label == "rural"
    assert alone["rural"] < in_document.score


def test_long_unpunctuated_text_is_featurised_in_bounded_batches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from policytext import _api
    from policytext._sentences import MAX_SENTENCE_LENGTH

    text = "推进乡村振兴发展数字经济建设现代化产业体系" * 3000  # 63,000 characters, one line
    whole = policytext.classify_document(text)
    model = policytext.load_model()
    calls: list[int] = []
    original = type(model).predict_proba

    def recording(self, sentences):  # type: ignore[no-untyped-def]
        calls.append(sum(map(len, sentences)))
        return original(self, sentences)

    monkeypatch.setattr(type(model), "predict_proba", recording)
    monkeypatch.setattr(_api, "_CHUNK_CHARS", 10_000)
    batched = policytext.classify_document(text, model=model)
    assert [s.label for s in batched.sentences] == [s.label for s in whole.sentences]
    assert [s.score for s in batched.sentences] == pytest.approx([s.score for s in whole.sentences])
    assert len(calls) > 1 and max(calls) <= 10_000 + 2 * MAX_SENTENCE_LENGTH
    assert all(len(s.text) <= MAX_SENTENCE_LENGTH for s in whole.sentences)
