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


def _files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Each path, with directories replaced by their *.txt and *.jsonl files, sorted."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise InvalidInputError("paths must be an iterable of paths, not a single path")
    for path in paths:
        if not isinstance(path, (str, os.PathLike)):
            raise InvalidInputError(f"paths must hold str or Path, got {type(path).__name__}")
        if os.fspath(path) != "-" and Path(path).is_dir():
            found = sorted(
                str(file)
                for file in Path(path).rglob("*")
                if file.suffix in _SUFFIXES and file.is_file()
            )
            yield from found
        else:
            yield os.fspath(path)


# A unit of work: (doc, how to read it). Text files are read in the worker.
_Task = tuple[str, str | None, str | None]  # doc, path of a text file or None, text or None


def _tasks(files: Iterable[str], encoding: str, text_field: str) -> Iterator[_Task | str]:
    """Documents to classify; a ``str`` for an input that cannot be read (its reason)."""
    for path in files:
        if not path.endswith(".jsonl"):
            yield ("<stdin>" if path == "-" else path), path, None
            continue
        try:
            for number, line in enumerate(iter_lines(text_blocks(path, encoding)), start=1):
                if line.strip():
                    yield _jsonl_task(path, number, line, text_field)
        except UnreadableInputError as error:
            yield str(error)


def _jsonl_task(path: str, number: int, line: str, text_field: str) -> _Task | str:
    doc = f"{path}:{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return f"{doc}: not JSON ({error.msg})"
    text = record.get(text_field) if isinstance(record, dict) else None
    if not isinstance(text, str):
        return f"{doc}: no string field {text_field!r}"
    return doc, None, text


def _stream_task(
    task: _Task | str, encoding: str, model: PolicyClassifier
) -> Iterator[ClassifiedSentence | str]:
    """Sentence results of one document as they come, then why it stopped early, if it did
    (an unreadable input, given as its reason, is passed on as it is)."""
    if isinstance(task, str):
        yield task
        return
    doc, path, text = task
    pieces = text_blocks(path, encoding) if path is not None else [text or ""]
    try:
        for r in classify_pieces(pieces, model=model):
            yield ClassifiedSentence(doc, r.index, r.label, r.score, r.text, r.heading)
    except UnreadableInputError as error:
        yield str(error)


def _classify_task(
    task: _Task | str, encoding: str, model: PolicyClassifier | str
) -> list[ClassifiedSentence | str]:
    """:func:`_stream_task` as a list, in a joblib worker (which loads a model path once)."""
    return list(_stream_task(task, encoding, in_worker(model)))


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
    n_jobs = _check_n_jobs(n_jobs)
    chosen = _model(model)
    check_encoding(encoding)
    if not isinstance(text_field, str):
        raise InvalidInputError(f"text_field must be str, got {type(text_field).__name__}")
    if batch_size != "auto":
        _check_positive("batch_size", batch_size)
    tasks = (
        task
        for task in _tasks(_files(paths), encoding, text_field)
        if isinstance(task, str) or task[0] not in skip
    )
    results: Iterable[Iterable[ClassifiedSentence | str]]
    if n_jobs == 1:
        results = (_stream_task(task, encoding, chosen) for task in tasks)
    else:
        from joblib import Parallel, delayed

        source = for_workers(chosen)
        parallel = Parallel(n_jobs=n_jobs, batch_size=batch_size, return_as="generator")
        results = parallel(delayed(_classify_task)(task, encoding, source) for task in tasks)
    for items in results:
        for item in items:
            if isinstance(item, str):
                warnings.warn(item, UnreadableInputWarning, stacklevel=2)
            else:
                yield item


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
