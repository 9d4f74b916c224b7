"""Classifying archives: files, directories, JSON Lines, datasets, and Dask."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import policytext
from policytext import ClassifiedSentence, InvalidInputError, UnreadableInputWarning

REPORT = "一、主要任务\n（一）全面推进乡村振兴。抓好粮食生产。\n深化医药卫生体制改革。"
LETTER = "尊敬的领导：我想咨询养老金的领取问题。谢谢！"


def expected(doc: str, text: str) -> list[ClassifiedSentence]:
    return [
        ClassifiedSentence(doc, s.index, s.label, s.score, s.text, s.heading)
        for s in policytext.classify_document(text).sentences
    ]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    lines = [
        json.dumps({"id": 1, "body": LETTER}, ensure_ascii=False),
        "",
        "{not json",
        json.dumps({"id": 3}),
        json.dumps({"body": REPORT}, ensure_ascii=False),
    ]
    (tmp_path / "sub" / "b.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "sub" / "gbk.txt").write_bytes("稳增长。".encode("gbk"))
    (tmp_path / "notes.md").write_text("不读。", encoding="utf-8")
    return tmp_path


def test_directories_are_walked_and_every_document_classified(archive: Path) -> None:
    with pytest.warns(UnreadableInputWarning) as caught:
        results = list(policytext.classify_files([archive], text_field="body"))
    jsonl = str(archive / "sub" / "b.jsonl")
    assert results == (
        expected(str(archive / "a.txt"), REPORT)
        + expected(f"{jsonl}:1", LETTER)
        + expected(f"{jsonl}:5", REPORT)
    )
    reasons = [str(warning.message) for warning in caught]
    assert reasons[0].startswith(f"{jsonl}:3: not JSON")
    assert reasons[1] == f"{jsonl}:4: no string field 'body'"
    assert reasons[2].startswith(f"{archive / 'sub' / 'gbk.txt'}: not utf-8 (byte 0")
    assert len(reasons) == 3


def test_worker_processes_give_the_same_results_and_warnings_in_order(archive: Path) -> None:
    with pytest.warns(UnreadableInputWarning) as serial_warnings:
        serial = list(policytext.classify_files([archive], text_field="body"))
    with pytest.warns(UnreadableInputWarning) as parallel_warnings:
        parallel = list(policytext.classify_files([archive], text_field="body", n_jobs=2))
    assert parallel == serial
    assert [str(w.message) for w in parallel_warnings] == [str(w.message) for w in serial_warnings]


def test_an_encoding_reads_what_utf8_cannot(archive: Path) -> None:
    gbk = archive / "sub" / "gbk.txt"
    assert [r.text for r in policytext.classify_files([gbk], encoding="gb18030")] == ["稳增长。"]


@pytest.mark.parametrize(
    ("paths", "options", "message"),
    [
        ("a.txt", {}, "an iterable of paths, not a single path"),
        ([3], {}, "paths must hold str or Path, got int"),
        (["a.txt"], {"encoding": "no-such-codec"}, "unknown encoding 'no-such-codec'"),
        (["a.txt"], {"text_field": 1}, "text_field must be str, got int"),
        (["a.txt"], {"n_jobs": 0}, "n_jobs must be a non-zero int"),
        (["a.txt"], {"batch_size": 0}, "batch_size must be a positive int, got 0"),
    ],
)
def test_bad_arguments_raise(paths: object, options: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        list(policytext.classify_files(paths, **options))  # type: ignore[arg-type]


def test_datasets_get_domain_columns() -> None:
    datasets = pytest.importorskip("datasets")
    sentences = ["全面推进乡村振兴。", "", "深化医药卫生体制改革。", "😀"] * 3
    table = datasets.Dataset.from_dict({"text": sentences, "n": list(range(12))})
    labelled = policytext.classify_dataset(table, batch_size=5)
    assert list(labelled["domain"]) == policytext.classify(sentences)
    scores = [p[0].score if p else 0.0 for p in policytext.rank(sentences, k=1)]
    assert list(labelled["domain_score"]) == pytest.approx(scores)
    assert list(labelled["n"]) == list(range(12)) and table.column_names == ["text", "n"]
    streamed = policytext.classify_dataset(table.to_iterable_dataset(), batch_size=5)
    assert [row["domain"] for row in streamed] == list(labelled["domain"])
    two = policytext.classify_dataset(table, batch_size=3, num_proc=2)
    assert list(two["domain"]) == list(labelled["domain"])


def test_data_frames_and_dataset_dicts_get_domain_columns() -> None:
    datasets = pytest.importorskip("datasets")
    pandas = pytest.importorskip("pandas")
    sentences = ["全面推进乡村振兴。", "", "深化医药卫生体制改革。"]
    frame = pandas.DataFrame({"text": sentences, "year": [2024, 2025, 2026]}, index=[7, 8, 9])
    labelled = policytext.classify_dataset(frame)
    assert labelled["domain"].tolist() == policytext.classify(sentences)
    assert labelled.index.tolist() == [7, 8, 9] and labelled["year"].tolist() == [2024, 2025, 2026]
    assert list(frame.columns) == ["text", "year"]  # the caller's frame is not changed
    splits = datasets.DatasetDict(
        {"train": datasets.Dataset.from_dict({"text": sentences}),
         "test": datasets.Dataset.from_dict({"text": sentences[::-1]})}
    )  # fmt: skip
    both = policytext.classify_dataset(splits, batch_size=2)
    assert list(both["train"]["domain"]) == policytext.classify(sentences)
    assert list(both["test"]["domain"]) == policytext.classify(sentences[::-1])
    with pytest.raises(InvalidInputError, match="split 'test' of the dataset has no column 'body'"):
        policytext.classify_dataset(
            datasets.DatasetDict(
                {"train": datasets.Dataset.from_dict({"body": ["好。"]}),
                 "test": datasets.Dataset.from_dict({"text": ["好。"]})}
            ),
            "body",
        )  # fmt: skip


def test_a_bad_value_is_reported_by_its_row_in_the_dataset() -> None:
    datasets = pytest.importorskip("datasets")
    pandas = pytest.importorskip("pandas")
    values: list[str | None] = ["推进乡村振兴。"] * 12
    values[7] = None
    with pytest.raises(InvalidInputError, match="column 'text', row 7: must be str, got NoneType"):
        policytext.classify_dataset(datasets.Dataset.from_dict({"text": values}), batch_size=5)
    with pytest.raises(InvalidInputError, match="row 7: must be str, got"):  # NaN in pandas
        policytext.classify_dataset(pandas.DataFrame({"text": values}))


def test_datasets_arguments_are_checked() -> None:
    datasets = pytest.importorskip("datasets")
    with pytest.raises(InvalidInputError, match="no column 'body'"):
        policytext.classify_dataset(datasets.Dataset.from_dict({"text": ["好。"]}), "body")
    with pytest.raises(InvalidInputError, match="or a pandas DataFrame, got list"):
        policytext.classify_dataset(["好。"])
    table = datasets.Dataset.from_dict({"text": ["好。"]})
    with pytest.raises(InvalidInputError, match="column must be str, got int"):
        policytext.classify_dataset(table, 0)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="batch_size must be a positive int"):
        policytext.classify_dataset(table, batch_size=None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="num_proc must be a positive int, got 0"):
        policytext.classify_dataset(table, num_proc=0)


def test_a_dask_cluster_gives_the_serial_results_loading_the_model_once_per_worker(
    archive: Path,
) -> None:
    pytest.importorskip("distributed")
    import dask
    import joblib
    from distributed import Client, LocalCluster

    sentences = ["全面推进乡村振兴。", "深化医药卫生体制改革。", "加快建设西部陆海新通道。"] * 1500
    serial = policytext.classify(sentences)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnreadableInputWarning)
        files_serial = list(policytext.classify_files([archive], text_field="body"))
    with (
        dask.config.set({"distributed.nanny.pre-spawn-environ": {}}),
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
        joblib.parallel_config(backend="dask"),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore", UnreadableInputWarning)
        assert policytext.classify(sentences, n_jobs=-1) == serial
        assert list(policytext.classify_files([archive], text_field="body", n_jobs=2)) == (
            files_serial
        )
        loaded = client.run(lambda: sorted(policytext._model._by_path))
    bundled = str(policytext.model_info()["path"])
    assert sorted(loaded.values()) == [[bundled], [bundled]]
