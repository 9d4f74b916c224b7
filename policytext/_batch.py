"""Classifying archives: files and directories, and ``datasets`` tables.

Files are read a block at a time and results come out as they are made, so
memory stays bounded however large the archive. Work is spread with joblib,
so ``joblib.parallel_config(backend="dask")`` runs it on a Dask cluster.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Container, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from ._api import _check_n_jobs, _model, best_labels, classify_pieces
from ._classifier import PolicyClassifier
from ._errors import InvalidInputError, UnreadableInputError
from ._model import for_workers, in_worker
from ._reading import check_encoding, iter_lines, text_blocks

__all__ = ["ClassifiedSentence", "UnreadableInputWarning", "classify_dataset", "classify_files"]

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


def input_files(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Each path, with directories replaced by their *.txt and *.jsonl files, sorted."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise InvalidInputError("paths must be an iterable of paths, not a single path")
    files: list[str] = []
    for path in paths:
        if not isinstance(path, (str, os.PathLike)):
            raise InvalidInputError(f"paths must hold str or Path, got {type(path).__name__}")
        if os.fspath(path) != "-" and Path(path).is_dir():
            files += sorted(
                str(file)
                for file in Path(path).rglob("*")
                if file.suffix in _SUFFIXES and file.is_file()
            )
        else:
            files.append(os.fspath(path))
    return files


class Unreadable(NamedTuple):
    """An input that could not be read (from there on)."""

    doc: str
    error: str
    """The message, which names the input and says why."""


class FileDone(NamedTuple):
    """All of the file at ``path`` has been classified."""

    path: str


class _Task(NamedTuple):
    """A document to classify: a text file, read in the worker, or a text."""

    doc: str
    path: str | None
    text: str | None


Item = ClassifiedSentence | Unreadable | FileDone
_Work = _Task | Unreadable | FileDone


def _work(
    files: Iterable[str], encoding: str, text_field: str, skip: Container[str]
) -> Iterator[_Work]:
    """The documents of ``files`` not in ``skip``, each file followed by its :class:`FileDone`."""
    for path in files:
        if not path.endswith(".jsonl"):
            doc = "<stdin>" if path == "-" else path
            if doc not in skip:
                yield _Task(doc, path, None)
        else:
            try:
                for number, line in enumerate(iter_lines(text_blocks(path, encoding)), start=1):
                    if line.strip():
                        work = _jsonl_task(path, number, line, text_field)
                        if work.doc not in skip:
                            yield work
            except UnreadableInputError as error:
                yield Unreadable(path, str(error))
        yield FileDone(path)


def _jsonl_task(path: str, number: int, line: str, text_field: str) -> _Task | Unreadable:
    doc = f"{path}:{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return Unreadable(doc, f"{doc}: not JSON ({error.msg})")
    text = record.get(text_field) if isinstance(record, dict) else None
    if not isinstance(text, str):
        return Unreadable(doc, f"{doc}: no string field {text_field!r}")
    return _Task(doc, None, text)


def _stream_work(work: _Work, encoding: str, model: PolicyClassifier) -> Iterator[Item]:
    """Sentence results of a document as they come, then an :class:`Unreadable` if it
    stopped early; other work is passed on as it is."""
    if not isinstance(work, _Task):
        yield work
        return
    pieces = text_blocks(work.path, encoding) if work.path is not None else [work.text or ""]
    try:
        for r in classify_pieces(pieces, model=model):
            yield ClassifiedSentence(work.doc, r.index, r.label, r.score, r.text, r.heading)
    except UnreadableInputError as error:
        yield Unreadable(work.doc, str(error))


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
) -> Iterator[Item]:
    """:func:`classify_files`'s sentences, in order, with an :class:`Unreadable` where an
    input could not be read and a :class:`FileDone` after each file (the CLI's error
    records and progress bar)."""
    n_jobs = _check_n_jobs(n_jobs)
    chosen = _model(model)
    check_encoding(encoding)
    if not isinstance(text_field, str):
        raise InvalidInputError(f"text_field must be str, got {type(text_field).__name__}")
    if batch_size != "auto":
        _check_positive("batch_size", batch_size)
    work = _work(input_files(paths), encoding, text_field, skip)
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


def _label_batch(
    batch: dict[str, list[Any]], column: str, model: PolicyClassifier | str
) -> dict[str, list[Any]]:
    labels, scores = best_labels(batch[column], in_worker(model), 1)
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

    Works on a ``datasets.Dataset`` (``num_proc`` processes, each loading the
    model once) and on an ``IterableDataset`` (streaming: labels are computed
    as rows are read). ``domain`` is ``None`` and ``domain_score`` 0.0 where a
    sentence has nothing to classify, as in :func:`policytext.classify`.
    """
    if not callable(getattr(dataset, "map", None)):
        raise InvalidInputError(
            f"dataset must be a datasets.Dataset or IterableDataset, got {type(dataset).__name__}"
        )
    if not isinstance(column, str):
        raise InvalidInputError(f"column must be str, got {type(column).__name__}")
    _check_positive("batch_size", batch_size)
    if num_proc is not None:
        _check_positive("num_proc", num_proc)
    names = getattr(dataset, "column_names", None)
    if names is not None and column not in names:
        raise InvalidInputError(f"dataset has no column {column!r} (columns: {names})")
    chosen = _model(model)
    label = partial(_label_batch, column=column, model=for_workers(chosen))
    if num_proc is not None and names is not None:
        return dataset.map(label, batched=True, batch_size=batch_size, num_proc=num_proc)
    return dataset.map(label, batched=True, batch_size=batch_size)
