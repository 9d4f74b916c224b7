"""Classifying archives: files and directories, and ``datasets`` tables.

Files are read a block at a time and results come out as they are made, so
memory stays bounded however large the archive. Work is spread with joblib,
so ``joblib.parallel_config(backend="dask")`` runs it on a Dask cluster.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import warnings
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from ._api import (
    _TASKS_PER_WORKER,
    DocumentResult,
    _check_n_jobs,
    _model,
    best_labels,
    classify_document,
    classify_pieces,
)
from ._classifier import PolicyClassifier
from ._errors import InvalidInputError, UnreadableInputError
from ._model import for_workers, in_worker
from ._reading import check_encoding, iter_lines, text_blocks

__all__ = [
    "ClassifiedSentence",
    "UnreadableInputWarning",
    "classify_dataset",
    "classify_documents",
    "classify_files",
]

_SUFFIXES = (".txt", ".jsonl")


class ClassifiedSentence(NamedTuple):
    """One sentence of an archive with its domain."""

    doc: str
    """The file, or ``file:line`` for a document of a JSON Lines file."""
    index: int  # type: ignore[assignment]  # shadows tuple.index, by design
    label: str | None
    score: float
    text: str
    heading: str


class UnreadableInputWarning(UserWarning):
    """:func:`classify_files` skipped (part of) a file; the message names it and why."""


def _check_positive(name: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidInputError(f"{name} must be a positive int, got {value!r}")


def input_files(
    paths: Iterable[str | os.PathLike[str]], skipped: list[str] | None = None
) -> list[str]:
    """Each path, with directories replaced by their *.txt and *.jsonl files (any case),
    sorted; the other files found in directories are added to ``skipped``."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise InvalidInputError("paths must be an iterable of paths, not a single path")
    files: list[str] = []
    for path in paths:
        if not isinstance(path, (str, os.PathLike)):
            raise InvalidInputError(f"paths must hold str or Path, got {type(path).__name__}")
        if os.fspath(path) != "-" and Path(path).is_dir():
            for file in sorted(Path(path).rglob("*"), key=str):
                if not file.is_file():
                    continue
                if file.suffix.lower() in _SUFFIXES:
                    files.append(str(file))
                elif skipped is not None:
                    skipped.append(str(file))
        else:
            files.append(os.fspath(path))
    return files


def is_json_lines(path: str) -> bool:
    """Whether the file at ``path`` is read as JSON Lines, one document per line."""
    return path.lower().endswith(".jsonl")


class Unreadable(NamedTuple):
    """An input that could not be read (from there on)."""

    doc: str
    error: str
    """The message, which names the input and says why."""


class FileDone(NamedTuple):
    """All of the file at ``path`` has been classified."""

    path: str


class DocumentStart(NamedTuple):
    """The sentences of the document ``doc`` come next; ``kept`` holds the values of
    the record fields asked to be kept (none for a text file)."""

    doc: str
    kept: dict[str, Any]


class DocumentDone(NamedTuple):
    """Every sentence of the document ``doc`` has come (none, for an empty document)."""

    doc: str


class RecordFields(NamedTuple):
    """Which fields of a JSON Lines record hold its text and its id, and which to keep."""

    text: str = "text"
    id: str | None = None
    """``None``: a record is known as ``path:line``."""
    keep: tuple[str, ...] = ()


class _Task(NamedTuple):
    """A document to classify: a text file, read in the worker, or a text."""

    doc: str
    path: str | None
    text: str | None
    kept: dict[str, Any]


Item = ClassifiedSentence | Unreadable | DocumentStart | DocumentDone | FileDone
_Work = _Task | Unreadable | FileDone
_Text = tuple[str, str] | Unreadable


def _work(
    files: Iterable[str], encoding: str, fields: RecordFields, skip: Container[str]
) -> Iterator[_Work]:
    """The documents of ``files`` not in ``skip``, each file followed by its :class:`FileDone`."""
    for path in files:
        if not is_json_lines(path):
            doc = "<stdin>" if path == "-" else path
            if doc not in skip:
                yield _Task(doc, path, None, dict.fromkeys(fields.keep))
        else:
            try:
                for number, line in enumerate(iter_lines(text_blocks(path, encoding)), start=1):
                    if line.strip():
                        work = _jsonl_task(path, number, line, fields)
                        if work.doc not in skip:
                            yield work
            except UnreadableInputError as error:
                yield Unreadable(path, str(error))
        yield FileDone(path)


def iter_texts(files: Iterable[str], encoding: str, text_field: str) -> Iterator[_Text]:
    """``(doc, text)`` of each document of ``files`` (as :func:`classify_files` reads
    them), or an :class:`Unreadable` for what cannot be read."""
    for work in _work(files, encoding, RecordFields(text_field), ()):
        if isinstance(work, _Task) and work.path is not None:
            try:
                yield work.doc, "".join(text_blocks(work.path, encoding))
            except UnreadableInputError as error:
                yield Unreadable(work.doc, str(error))
        elif isinstance(work, _Task):
            yield work.doc, work.text or ""
        elif isinstance(work, Unreadable):
            yield work


def _jsonl_task(path: str, number: int, line: str, fields: RecordFields) -> _Task | Unreadable:
    where = f"{path}:{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return Unreadable(where, f"{where}: not JSON ({error.msg})")
    if not isinstance(record, dict):
        return Unreadable(where, f"{where}: not a JSON object")
    text = record.get(fields.text)
    if not isinstance(text, str):
        return Unreadable(where, f"{where}: no string field {fields.text!r}")
    doc = where
    if fields.id is not None:
        value = record.get(fields.id)
        if value is None or isinstance(value, (dict, list)) or value == "":
            return Unreadable(where, f"{where}: no id field {fields.id!r}")
        doc = str(value)
    return _Task(doc, None, text, {name: record.get(name) for name in fields.keep})


def _stream_work(work: _Work, encoding: str, model: PolicyClassifier) -> Iterator[Item]:
    """Sentence results of a document as they come, then a :class:`DocumentDone`, or an
    :class:`Unreadable` if it stopped early; other work is passed on as it is."""
    if not isinstance(work, _Task):
        yield work
        return
    pieces = text_blocks(work.path, encoding) if work.path is not None else [work.text or ""]
    yield DocumentStart(work.doc, work.kept)
    try:
        for r in classify_pieces(pieces, model=model):
            yield ClassifiedSentence(work.doc, r.index, r.label, r.score, r.text, r.heading)
    except UnreadableInputError as error:
        yield Unreadable(work.doc, str(error))
    else:
        yield DocumentDone(work.doc)


def ignore_interrupts() -> None:
    """Make a worker process ignore Ctrl-C (``SIGINT``), which a terminal sends to every
    process of the job: the parent alone stops, and stops its workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _classify_work(work: _Work, encoding: str, model: PolicyClassifier | str) -> list[Item]:
    """:func:`_stream_work` as a list, in a joblib worker (which loads a model path once)."""
    return list(_stream_work(work, encoding, in_worker(model)))


def iter_classified(
    paths: Iterable[str | os.PathLike[str]],
    *,
    n_jobs: int = 1,
    batch_size: int | str = "auto",
    encoding: str = "utf-8",
    text_field: str = "text",
    model: PolicyClassifier | None = None,
    skip: Container[str] = (),
    id_field: str | None = None,
    keep_fields: Sequence[str] = (),
) -> Iterator[Item]:
    """:func:`classify_files`'s sentences, in order, each document's between a
    :class:`DocumentStart` and a :class:`DocumentDone` (or an :class:`Unreadable` where
    it could not be read), and a :class:`FileDone` after each file (the CLI's rows,
    error records and progress bar). A JSON Lines record is known by its ``id_field``
    if given; the values of its ``keep_fields`` come with its :class:`DocumentStart`."""
    n_jobs = _check_n_jobs(n_jobs)
    chosen = _model(model)
    check_encoding(encoding)
    for name, value in (("text_field", text_field), ("id_field", id_field or "")):
        if not isinstance(value, str):
            raise InvalidInputError(f"{name} must be str, got {type(value).__name__}")
    if batch_size != "auto":
        _check_positive("batch_size", batch_size)
    fields = RecordFields(text_field, id_field, tuple(keep_fields))
    work = _work(input_files(paths), encoding, fields, skip)
    if n_jobs == 1:
        for one in work:
            yield from _stream_work(one, encoding, chosen)
        return
    from joblib import Parallel, delayed

    source = for_workers(chosen)
    parallel = Parallel(n_jobs=n_jobs, batch_size=batch_size, return_as="generator")
    for items in parallel(delayed(_classify_work)(one, encoding, source) for one in work):
        yield from items


def classify_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    n_jobs: int = 1,
    batch_size: int | str = "auto",
    encoding: str = "utf-8",
    text_field: str = "text",
    model: PolicyClassifier | None = None,
    skip: Container[str] = (),
) -> Iterator[ClassifiedSentence]:
    """Every sentence of every document in ``paths``, classified, as they come.

    A path is a text file (one document), a JSON Lines file (one document per
    line, its text in ``text_field``) or a directory (its ``*.txt`` and
    ``*.jsonl`` files, recursively, in sorted order). Results come in input
    order and are the same as :func:`policytext.classify_document`'s. With
    ``n_jobs`` > 1, documents go to joblib workers (``batch_size`` documents
    per task); with 1, a file is streamed, so memory does not grow with it. An
    input that cannot be read is skipped with an :class:`UnreadableInputWarning`;
    documents whose ``doc`` is in ``skip`` (say, those already classified) are
    left out without being read.
    """
    for item in iter_classified(
        paths,
        n_jobs=n_jobs,
        batch_size=batch_size,
        encoding=encoding,
        text_field=text_field,
        model=model,
        skip=skip,
    ):
        if isinstance(item, ClassifiedSentence):
            yield item
        elif isinstance(item, Unreadable):
            warnings.warn(item.error, UnreadableInputWarning, stacklevel=2)


def _document_text(document: object, number: int, text_field: str) -> str:
    if isinstance(document, str):
        return document
    if isinstance(document, Mapping):
        text = document.get(text_field)
        if isinstance(text, str):
            return text
        raise InvalidInputError(f"documents[{number}] has no string field {text_field!r}")
    raise InvalidInputError(
        f"documents[{number}] must be str or a mapping with a {text_field!r} field, "
        f"got {type(document).__name__}"
    )


def _classify_texts(texts: list[str], model: PolicyClassifier | str) -> list[DocumentResult]:
    chosen = in_worker(model)
    return [classify_document(text, model=chosen) for text in texts]


def classify_documents(
    documents: Iterable[str | Mapping[str, Any]],
    *,
    text_field: str = "text",
    n_jobs: int = 1,
    model: PolicyClassifier | None = None,
) -> list[DocumentResult]:
    """:func:`policytext.classify_document` of each document, in order.

    A document is a text or a record (a mapping, such as a JSON Lines row)
    holding its text in ``text_field``. ``n_jobs`` > 1 spreads documents over
    joblib workers (-1: all cores); results do not depend on it. For a table
    with one row per document, pass the results to :func:`policytext.profile`.

    >>> [r.label for r in classify_documents(["全面推进乡村振兴。", {"text": ""}])]
    ['rural', None]
    """
    if isinstance(documents, (str, Mapping)):
        raise InvalidInputError(
            "documents must be a list of texts or records, got a single "
            f"{type(documents).__name__}; wrap one document in a list: [document]"
        )
    if not isinstance(text_field, str):
        raise InvalidInputError(f"text_field must be str, got {type(text_field).__name__}")
    n_jobs = _check_n_jobs(n_jobs)
    chosen = _model(model)
    texts = [_document_text(d, i, text_field) for i, d in enumerate(documents)]
    if n_jobs == 1 or len(texts) < 2:
        return _classify_texts(texts, chosen)
    from joblib import Parallel, delayed, effective_n_jobs

    size = max(1, -(-len(texts) // (effective_n_jobs(n_jobs) * _TASKS_PER_WORKER)))
    source = for_workers(chosen)
    parts = Parallel(n_jobs=n_jobs, batch_size=1)(
        delayed(_classify_texts)(texts[start : start + size], source)
        for start in range(0, len(texts), size)
    )
    return [result for part in parts for result in part]


def _label_batch(
    batch: dict[str, list[Any]], rows: list[int], column: str, model: PolicyClassifier | str
) -> dict[str, list[Any]]:
    values = batch[column]
    for row, value in zip(rows, values, strict=True):
        if not isinstance(value, str):
            raise InvalidInputError(
                f"column {column!r}, row {row}: must be str, got {type(value).__name__}"
            )
    labels, scores = best_labels(values, in_worker(model), 1)
    return {"domain": labels, "domain_score": scores}


def classify_dataset(
    dataset: Any,
    column: str = "text",
    *,
    batch_size: int = 1000,
    num_proc: int | None = None,
    model: PolicyClassifier | None = None,
) -> Any:
    """``dataset`` with ``domain`` and ``domain_score`` columns for its ``column`` of sentences.

    Takes a ``datasets.Dataset`` (``num_proc`` processes, each loading the
    model once), an ``IterableDataset`` (streaming: labels are computed as
    rows are read), a ``DatasetDict`` (each split) or a pandas ``DataFrame``,
    and returns a new one of the same kind; ``dataset`` itself is not
    changed. ``domain`` is ``None`` and ``domain_score`` 0.0 where a sentence
    has nothing to classify, as in :func:`policytext.classify`; a value that
    is not a ``str`` (``None`` included) raises :class:`InvalidInputError`
    naming its row.
    """
    if not isinstance(column, str):
        raise InvalidInputError(f"column must be str, got {type(column).__name__}")
    _check_positive("batch_size", batch_size)
    if num_proc is not None:
        _check_positive("num_proc", num_proc)
    if _is_data_frame(dataset):
        return _classify_frame(dataset, column, model)
    if not callable(getattr(dataset, "map", None)):
        raise InvalidInputError(
            "dataset must be a datasets Dataset, IterableDataset or DatasetDict, or a pandas "
            f"DataFrame, got {type(dataset).__name__}"
        )
    names = getattr(dataset, "column_names", None)
    splits = names if isinstance(names, dict) else {"": names}  # a DatasetDict: per split
    for split, columns in splits.items():
        if columns is not None and column not in columns:
            where = f"split {split!r} of the dataset" if split else "dataset"
            raise InvalidInputError(f"{where} has no column {column!r} (columns: {columns})")
    label = partial(_label_batch, column=column, model=for_workers(_model(model)))
    options: dict[str, Any] = {"batched": True, "batch_size": batch_size, "with_indices": True}
    if num_proc is not None and names is not None:
        options["num_proc"] = num_proc
    return dataset.map(label, **options)


def _is_data_frame(value: object) -> bool:
    """Whether ``value`` is a pandas DataFrame, without importing pandas."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(value, pandas.DataFrame)


def _classify_frame(frame: Any, column: str, model: PolicyClassifier | None) -> Any:
    """A copy of the DataFrame ``frame`` with the domain columns."""
    if column not in frame.columns:
        raise InvalidInputError(
            f"DataFrame has no column {column!r} (columns: {list(frame.columns)})"
        )
    pandas = sys.modules["pandas"]  # imported by the caller, since frame is a DataFrame
    values = frame[column].tolist()
    labelled = _label_batch({column: values}, list(range(len(values))), column, _model(model))
    return frame.assign(
        # object dtype keeps None (nothing to classify) as None, as classify gives it
        domain=pandas.Series(labelled["domain"], index=frame.index, dtype=object),
        domain_score=pandas.Series(labelled["domain_score"], index=frame.index),
    )
