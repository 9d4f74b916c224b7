"""What ``policytext classify`` writes: rows in TSV, CSV, JSON Lines or Parquet.

A row is one sentence, or with ``--document`` one document; an input that
could not be read gets an error record where its rows would be. TSV and CSV
start with a header line. An earlier output is resumed only if it is the same
kind of output, and a run never reads the file it writes.

>>> layout = Layout("tsv", document=False, keep=("year",))
>>> layout.columns()
['doc', 'year', 'index', 'label', 'score', 'text']
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from ._errors import PolicyTextError

if TYPE_CHECKING:
    from ._api import DocumentTally
    from ._batch import ClassifiedSentence, Unreadable

__all__ = [
    "FORMATS",
    "Layout",
    "OutputError",
    "RowWriter",
    "check_output",
    "done_documents",
    "without_output",
]

FORMATS = ("tsv", "csv", "jsonl", "parquet")
_TABLES = ("tsv", "csv")  # formats with a header line, a cell per column
_ERROR = "ERROR"  # the label of an error record in TSV and CSV
_PARQUET_ROWS = 10_000  # rows per Parquet row group


class OutputError(PolicyTextError):
    """An ``--output`` that cannot be written or resumed; the message says why."""


class Layout(NamedTuple):
    """The columns of an output: per sentence or per ``document``, with ``keep`` fields."""

    fmt: str
    document: bool
    keep: tuple[str, ...] = ()

    def columns(self) -> list[str]:
        """Column names, in order (JSON Lines and Parquet add ``heading`` per sentence)."""
        if self.document:
            own = ["label", "n_sentences", "shares"]
        else:
            own = ["index", "label", "score", "text"]
            if self.fmt not in _TABLES:
                own.append("heading")
        return ["doc", *self.keep, *own]

    def header(self) -> str:
        """The first line of a TSV or CSV output."""
        return _line(self.fmt, self.columns())

    def describe(self) -> str:
        return f"{self.fmt} output of classify{' --document' if self.document else ''}" + (
            f" keeping {', '.join(self.keep)}" if self.keep else ""
        )


def _line(fmt: str, cells: Sequence[object]) -> str:
    """One TSV or CSV line (line breaks and, in TSV, tabs in cells become spaces)."""
    texts = [str(cell).replace("\r", " ").replace("\n", " ") for cell in cells]
    if fmt == "tsv":
        return "\t".join(text.replace("\t", " ") for text in texts) + "\n"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(texts)
    return buffer.getvalue()


def _cell(value: object) -> str:
    """A kept field's value in a TSV, CSV or Parquet cell: text as it is, other JSON as JSON."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def sentence_row(layout: Layout, sentence: ClassifiedSentence, kept: dict[str, Any]) -> list[Any]:
    """A sentence's cells: its label empty (TSV, CSV) or null when it has none."""
    values: list[Any] = [sentence.doc, *(kept.get(name) for name in layout.keep)]
    if layout.fmt in _TABLES:
        values = [values[0], *map(_cell, values[1:])]
        return [*values, sentence.index, sentence.label or "", f"{sentence.score:.3f}",
                sentence.text]  # fmt: skip
    if layout.fmt == "parquet":
        values = [values[0], *(None if v is None else _cell(v) for v in values[1:])]
    return [*values, sentence.index, sentence.label, sentence.score, sentence.text,
            sentence.heading]  # fmt: skip


def document_row(layout: Layout, doc: str, kept: dict[str, Any], tally: DocumentTally) -> list[Any]:
    """A document's cells: label (empty or null when nothing was classified), the number
    of classified sentences and their shares per domain."""
    shares, label = tally.shares(), tally.label()
    values: list[Any] = [doc, *(kept.get(name) for name in layout.keep)]
    if layout.fmt in _TABLES:
        listed = " ".join(f"{k}:{v:.3f}" for k, v in shares.items())
        return [values[0], *map(_cell, values[1:]), label or "", tally.n_sentences, listed]
    if layout.fmt == "parquet":
        values = [values[0], *(None if v is None else _cell(v) for v in values[1:])]
        return [*values, label, tally.n_sentences,
                [{"domain": k, "share": v} for k, v in shares.items()]]  # fmt: skip
    return [*values, label, tally.n_sentences, shares]


def error_row(layout: Layout, unreadable: Unreadable) -> list[Any] | dict[str, Any]:
    """The record of an input that could not be read: label ``ERROR`` and the message
    in TSV and CSV, an ``error`` field in JSON Lines and Parquet."""
    if layout.fmt in _TABLES:
        blank = [""] * len(layout.keep)
        if layout.document:
            return [unreadable.doc, *blank, _ERROR, "", unreadable.error]
        return [unreadable.doc, *blank, "", _ERROR, "", unreadable.error]
    return {"doc": unreadable.doc, "error": unreadable.error}


class RowWriter:
    """Writes rows to ``out`` (TSV, CSV, JSON Lines) or to the Parquet file ``path``.

    A TSV or CSV output gets its header unless ``header`` is false (resuming a file
    that has one).
    """

    def __init__(self, layout: Layout, out: TextIO | None, path: Path | None, header: bool) -> None:
        self.layout, self.out, self.path = layout, out, path
        self.columns = layout.columns()
        self.buffer: list[dict[str, Any]] = []
        self.writer: Any = None
        if out is not None and header and layout.fmt in _TABLES:
            out.write(layout.header())

    def add(self, row: list[Any] | dict[str, Any]) -> None:
        """Write one row: cells in column order, or an error record."""
        if self.layout.fmt in _TABLES:
            assert self.out is not None and isinstance(row, list)
            self.out.write(_line(self.layout.fmt, row))
            return
        record = row if isinstance(row, dict) else dict(zip(self.columns, row, strict=True))
        if self.out is not None:
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
            return
        self.buffer.append(record)
        if len(self.buffer) >= _PARQUET_ROWS:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, _parquet_schema(self.layout))
        self.writer.write_table(pa.Table.from_pylist(self.buffer, schema=self.writer.schema))
        self.buffer = []

    def close(self) -> None:
        """Finish a Parquet file (written even with no rows)."""
        if self.out is None:
            if self.buffer or self.writer is None:
                self._flush()
            self.writer.close()


def _parquet_schema(layout: Layout) -> Any:
    """Column types, set here, not inferred, as a first row group may hold only nulls in
    a column; ``error`` is null but in error records, kept fields are strings."""
    import pyarrow as pa

    kept = [(name, pa.string()) for name in layout.keep]
    if layout.document:
        share = pa.struct([("domain", pa.string()), ("share", pa.float64())])
        own = [("label", pa.string()), ("n_sentences", pa.int64()), ("shares", pa.list_(share))]
    else:
        names = ("index", "label", "score", "text", "heading")
        types = (pa.int64(), pa.string(), pa.float64(), pa.string(), pa.string())
        own = list(zip(names, types, strict=True))
    return pa.schema([("doc", pa.string()), *kept, *own, ("error", pa.string())])


def check_output(output: Path, fmt: str | None = None) -> None:
    """Fail before any work on an output that cannot be written (in ``fmt``, one of
    ``FORMATS``, if given)."""
    if not output.parent.is_dir():
        raise OutputError(f"--output: directory {output.parent} does not exist")
    if output.is_dir():
        raise OutputError(f"--output: {output} is a directory")
    if fmt == "parquet":
        try:
            import pyarrow.parquet  # noqa: F401
        except ImportError:
            raise OutputError(
                "--format parquet needs pyarrow: pip install pyarrow "
                "(or pip install 'policytext[parquet]')"
            ) from None


def without_output(files: list[str], output: Path | None, named: Sequence[str]) -> list[str]:
    """``files`` without the output file: a run never reads what it writes.

    Found in a directory, the output is skipped; named as an input, it is an error.
    """
    if output is None or not output.exists():
        return files
    written = output.stat()
    kept = []
    for file in files:
        with contextlib.suppress(OSError):
            if file != "-" and os.path.samestat(os.stat(file), written):
                if file in named:
                    raise OutputError(f"{file} is both an input and the --output")
                continue
        kept.append(file)
    return kept


def done_documents(output: Path, layout: Layout) -> tuple[set[str], bool]:
    """Documents complete in an earlier ``output``, and whether it has its header.

    What follows the complete documents is cut off: the last document of a
    per-sentence output may have been cut short, so it is removed and classified
    again. The file must hold the output this run would write (same format,
    per document or not, same kept fields): anything else is refused before it
    is touched.
    """
    if layout.fmt == "parquet":
        raise OutputError("--resume works with --format tsv, csv or jsonl")
    if not output.exists():
        return set(), False
    done: set[str] = set()
    last, last_start, end = None, 0, 0  # the last document, where it starts, where lines end
    header = layout.header().encode("utf-8") if layout.fmt in _TABLES else None
    has_header = False
    with output.open("rb") as handle:  # read line by line: the output may be large
        for number, line in enumerate(handle, start=1):
            if not line.endswith(b"\n"):
                break  # a line cut in the middle
            if number == 1 and header is not None:
                if line != header:
                    raise _not_resumable(output, number, layout)
                has_header, end = True, len(line)
                last_start = end
                continue
            doc = _row_doc(line, layout)
            if doc is None:
                raise _not_resumable(output, number, layout)
            if doc != last:
                if last is not None:
                    done.add(last)
                last, last_start = doc, end
            end += len(line)
    if last is not None and layout.document:
        done.add(last)
    with output.open("r+b") as handle:
        handle.truncate(end if layout.document or last is None else last_start)
    return done, has_header


def _not_resumable(output: Path, number: int, layout: Layout) -> OutputError:
    return OutputError(
        f"--resume: {output}, line {number}, is not {layout.describe()}; resume with the "
        "options of the run that wrote it, or choose another --output"
    )


def _row_doc(line: bytes, layout: Layout) -> str | None:
    """The document of a line of output, or ``None`` if the line is not a row of it."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if layout.fmt in _TABLES:
        if layout.fmt == "tsv":
            cells = text.rstrip("\n").split("\t")
        else:
            cells = next(csv.reader([text]), [])
        return cells[0] if len(cells) == len(layout.columns()) else None
    try:
        row = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(row, dict) or not isinstance(row.get("doc"), str):
        return None
    return row["doc"] if list(row) == layout.columns() or set(row) == {"doc", "error"} else None
