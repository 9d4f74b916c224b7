"""The ``policytext`` command line.

    policytext classify report.txt          # domain of each sentence, as TSV
    policytext classify --document *.txt    # domain shares of each document
    policytext tokenize report.txt          # tokens separated by spaces
    policytext split report.txt             # one sentence per line
    policytext info                         # version, backend, vocabulary, model
    policytext train                        # rebuild the bundled model
    policytext evaluate gold.jsonl          # accuracy against gold labels
    policytext build-vocabulary -o vocab.txt

Every command reads UTF-8 files (``--encoding`` for others, such as GBK), or
standard input for ``-``; ``classify`` also reads JSON Lines files and
directories. Errors print one line on stderr and set a non-zero exit status;
with several files, a file that cannot be read is reported and the others are
still processed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ._discovery import build_vocabulary
from ._errors import PolicyTextError, UnreadableInputError
from ._reading import check_encoding, text_blocks
from ._segmenters import BACKENDS
from ._sentences import split_sentences
from ._tokenizer import PolicyTokenizer
from ._version import __version__
from ._vocabulary import format_vocabulary

if TYPE_CHECKING:
    from ._api import DocumentTally
    from ._batch import ClassifiedSentence, Unreadable

__all__ = ["main"]

_PROG = "policytext"
_SHARED = Path("..") / "shared"
_SHARED_DOCUMENTS = _SHARED / "corpus" / "documents.jsonl"
_PROGRESS_FROM = 5  # files: show a progress bar from this many on
_PARQUET_ROWS = 10_000  # rows per Parquet row group
_ERROR = "ERROR"  # the label of an error record in TSV output


class CommandError(Exception):
    """An error to report on one line, without a traceback."""


def _read_inputs(
    paths: Sequence[str], errors: list[str], encoding: str
) -> Iterator[tuple[str, str]]:
    """Yield ``(name, text)`` per readable input; record unreadable ones in ``errors``."""
    check_encoding(encoding)  # an unknown encoding fails before any file is read
    for path in paths:
        try:
            text = "".join(text_blocks(path, encoding))
        except UnreadableInputError as error:
            errors.append(str(error))
            continue
        yield ("<stdin>" if path == "-" else path), text


def _tokenize_lines(text: str, tokenizer: PolicyTokenizer, separator: str) -> Iterator[str]:
    line: list[str] = []
    for token in tokenizer.tokenize(text):
        if token == "\n":
            yield separator.join(line)
            line = []
        elif not token.isspace():
            line.append(token)
    if line:
        yield separator.join(line)


def _run_over_files(
    paths: Sequence[str],
    out: TextIO,
    lines_of: Callable[[str], Iterator[str] | list[str]],
    encoding: str,
) -> int:
    errors: list[str] = []
    for _, text in _read_inputs(paths or ["-"], errors, encoding):
        for line in lines_of(text):
            out.write(line + "\n")
    for error in errors:
        print(f"{_PROG}: error: {error}", file=sys.stderr)
    return 1 if errors else 0


def _command_tokenize(args: argparse.Namespace, out: TextIO) -> int:
    tokenizer = PolicyTokenizer(
        backend=args.backend,
        vocabulary=args.vocabulary,
        learn_quoted_terms=not args.no_quoted_terms,
    )
    return _run_over_files(
        args.files,
        out,
        lambda text: _tokenize_lines(text, tokenizer, args.separator),
        args.encoding,
    )


def _command_split(args: argparse.Namespace, out: TextIO) -> int:
    return _run_over_files(args.files, out, split_sentences, args.encoding)


def _command_info(args: argparse.Namespace, out: TextIO) -> int:
    from ._model import model_info

    tokenizer = PolicyTokenizer(backend=args.backend)
    out.write(f"policytext {__version__}\n")
    out.write(f"backend: {tokenizer.backend} (available: {', '.join(BACKENDS)})\n")
    out.write(f"policy vocabulary: {tokenizer.vocabulary_size} words\n")
    try:
        info = model_info()
    except PolicyTextError as error:
        out.write(f"model: unavailable ({error})\n")
        return 1
    metrics = info.get("dev_metrics", {}).get("sentences", {})
    out.write(
        f"model: {info.get('model_version')} trained {info.get('trained')}, "
        f"{len(info.get('labels', []))} domains, dev accuracy {metrics.get('accuracy', 0):.3f}, "
        f"macro-F1 {metrics.get('macro_f1', 0):.3f}\n"
    )
    out.write(f"model path: {info['path']}\n")
    return 0


class _Rows:
    """Where ``classify`` writes: TSV or JSON Lines text, or a Parquet file."""

    def __init__(self, fmt: str, out: TextIO | None, parquet_path: Path | None) -> None:
        self.fmt, self.out = fmt, out
        self.buffer: list[dict[str, Any]] = []
        self.writer: Any = None
        self.parquet_path = parquet_path

    def add(self, row: dict[str, Any]) -> None:
        if self.out is None:
            self.buffer.append(row)
            if len(self.buffer) >= _PARQUET_ROWS:
                self._flush()
        elif self.fmt == "jsonl":
            self.out.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            cells = [str(row[key]).replace("\t", " ").replace("\n", " ") for key in row]
            self.out.write("\t".join(cells) + "\n")

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.writer is None:
            self.writer = pq.ParquetWriter(self.parquet_path, _parquet_schema(self.buffer[:1]))
        self.writer.write_table(pa.Table.from_pylist(self.buffer, schema=self.writer.schema))
        self.buffer = []

    def close(self) -> None:
        if self.out is None:
            if self.buffer or self.writer is None:
                self._flush()
            self.writer.close()


def _parquet_schema(first: list[dict[str, Any]]) -> Any:
    """Column types of ``classify --format parquet``, per sentence or (with ``shares``)
    per document, and ``error`` (null but in error records); set here, not
    inferred, as a first row group may hold only nulls in a column."""
    import pyarrow as pa

    if first and "shares" in first[0]:
        share = pa.struct([("domain", pa.string()), ("share", pa.float64())])
        columns = [("doc", pa.string()), ("label", pa.string()), ("shares", pa.list_(share))]
    else:
        names = ("doc", "index", "label", "score", "text", "heading")
        types = (pa.string(), pa.int64(), pa.string(), pa.float64(), pa.string(), pa.string())
        columns = list(zip(names, types, strict=True))
    return pa.schema([*columns, ("error", pa.string())])


def _sentence_row(sentence: ClassifiedSentence, fmt: str) -> dict[str, Any]:
    row = sentence._asdict()
    if fmt == "tsv":  # doc, index, label, score, text
        label = row["label"] or ""
        return {"doc": row["doc"], "index": row["index"], "label": label,
                "score": f"{row['score']:.3f}", "text": row["text"]}  # fmt: skip
    return row


def _document_row(doc: str, tally: DocumentTally, fmt: str) -> dict[str, Any]:
    shares = tally.shares()
    if fmt == "tsv":
        return {"doc": doc, "label": tally.label(),
                "shares": " ".join(f"{k}:{v:.3f}" for k, v in shares.items())}  # fmt: skip
    if fmt == "parquet":
        listed = [{"domain": k, "share": v} for k, v in shares.items()]
        return {"doc": doc, "label": tally.label(), "shares": listed}
    return {"doc": doc, "label": tally.label(), "shares": shares}


def _error_row(unreadable: Unreadable, fmt: str, document: bool) -> dict[str, Any]:
    """The record of an input that could not be read: label ``ERROR`` and the message
    in TSV, an ``error`` field in JSON Lines and Parquet."""
    if fmt == "tsv":
        if document:
            return {"doc": unreadable.doc, "label": _ERROR, "shares": unreadable.error}
        return {"doc": unreadable.doc, "index": "", "label": _ERROR, "score": "",
                "text": unreadable.error}  # fmt: skip
    return {"doc": unreadable.doc, "error": unreadable.error}


def _done_documents(output: Path, fmt: str, document: bool) -> set[str]:
    """Documents complete in an earlier ``--output``; what follows them is cut off.

    The last document of a per-sentence output may have been cut short, so it
    is removed and classified again.
    """
    if fmt == "parquet":
        raise CommandError("--resume works with --format tsv or jsonl")
    if not output.exists():
        return set()
    done: set[str] = set()
    last, last_start, end = None, 0, 0  # the last document, where it starts, where lines end
    with output.open("r+b") as handle:  # read line by line: the output may be large
        for line in handle:
            if not line.endswith(b"\n"):
                break  # a line cut in the middle
            text = line.decode("utf-8")
            doc = json.loads(text)["doc"] if fmt == "jsonl" else text.split("\t", 1)[0]
            if doc != last:
                if last is not None:
                    done.add(last)
                last, last_start = doc, end
            end += len(line)
        if last is not None and document:
            done.add(last)
        handle.truncate(end if document or last is None else last_start)
    return done


def _file_size(path: str) -> int:
    """Bytes in ``path``; 0 for standard input and for what cannot be read."""
    try:
        return 0 if path == "-" else Path(path).stat().st_size
    except OSError:
        return 0


def _command_classify(args: argparse.Namespace, out: TextIO) -> int:
    from ._api import DocumentTally
    from ._batch import ClassifiedSentence, FileDone, input_files, iter_classified
    from ._model import model_at

    model = model_at(args.model)  # fail early, once, on a missing or corrupt model
    check_encoding(args.encoding)
    if args.format == "parquet" and args.output is None:
        raise CommandError("--format parquet needs --output")
    if args.resume and args.output is None:
        raise CommandError("--resume needs --output")
    output = None if args.output is None else Path(args.output)
    done = _done_documents(output, args.format, args.document) if args.resume and output else set()
    paths = args.files or ["-"]
    files = input_files(paths)
    items = iter_classified(
        files,
        n_jobs=args.jobs,
        encoding=args.encoding,
        text_field=args.text_field,
        model=model,
        skip=done,
    )
    errors: list[str] = []
    with contextlib.ExitStack() as stack:
        bar = None
        if len(files) >= _PROGRESS_FROM or any(Path(path).is_dir() for path in paths):
            from tqdm.auto import tqdm

            sizes = {file: _file_size(file) for file in files}  # bytes: the bar's ETA
            bar = stack.enter_context(
                tqdm(
                    total=sum(sizes[file] for file in files),
                    desc="classify",
                    unit="B",
                    unit_scale=True,
                    unit_divisor=1024,
                )
            )
        text_out: TextIO | None = out
        if output is not None:
            text_out = (
                None
                if args.format == "parquet"
                else stack.enter_context(output.open("a" if args.resume else "w", encoding="utf-8"))
            )
        rows = _Rows(args.format, text_out, output)
        doc, tally, sentences = None, DocumentTally(), 0
        for item in items:
            if isinstance(item, FileDone):
                if bar is not None:
                    bar.set_postfix_str(f"{sentences:,} sentences", refresh=False)
                    bar.update(sizes[item.path])
                continue
            if args.document and item.doc != doc:
                if doc is not None:
                    rows.add(_document_row(doc, tally, args.format))
                doc, tally = item.doc, DocumentTally()
            if not isinstance(item, ClassifiedSentence):  # unreadable from here on
                errors.append(item.error)
                rows.add(_error_row(item, args.format, args.document))
                doc = None  # a document's shares are not written when it was cut short
            elif args.document:
                tally.count(item.label, item.score)
                sentences += 1
            else:
                rows.add(_sentence_row(item, args.format))
                sentences += 1
        if doc is not None:
            rows.add(_document_row(doc, tally, args.format))
        rows.close()
    for error in errors:
        print(f"{_PROG}: error: {error}", file=sys.stderr)
    return 1 if errors else 0


def _data_dir(value: str | None) -> Path:
    if value is not None:
        return Path(value)
    if not _SHARED.is_dir():
        raise CommandError(f"--data-dir is required (no {_SHARED} here)")
    return _SHARED


def _command_train(args: argparse.Namespace, out: TextIO) -> int:
    from ._training import tqdm_progress, train_model

    metadata = train_model(_data_dir(args.data_dir), args.output, progress=tqdm_progress)
    out.write(json.dumps(metadata.get("dev_metrics", {}), indent=2) + "\n")
    print(f"{_PROG}: wrote model {metadata['model_version']} to {args.output}", file=sys.stderr)
    return 0


def _command_evaluate(args: argparse.Namespace, out: TextIO) -> int:
    from ._model import load_model
    from ._training import evaluate_documents, evaluate_sentences

    model = load_model(args.model)
    reports = {"sentences": evaluate_sentences(model, Path(args.gold))}
    if args.documents:
        reports["documents"] = evaluate_documents(model, Path(args.documents), Path(args.gold))
    if args.format == "json":
        out.write(json.dumps(reports, ensure_ascii=False, indent=2) + "\n")
        return 0
    for scope, report in reports.items():
        out.write(
            f"{scope}: n={report['n']} accuracy={report['accuracy']:.4f} "
            f"macro-F1={report['macro_f1']:.4f}"
            + (f" top-2={report['top2']:.4f}" if "top2" in report else "")
            + "\n"
        )
    per_domain = reports["sentences"]["per_domain"]
    out.write("\ndomain        precision  recall  f1     support\n")
    for label, row in per_domain.items():
        out.write(
            f"{label:<13} {row['precision']:.3f}      {row['recall']:.3f}   "
            f"{row['f1']:.3f}  {row['support']}\n"
        )
    confusion = reports["sentences"]["confusion"]
    short = [label[:4] for label in confusion["labels"]]
    out.write("\nconfusion (rows gold, columns predicted)\n")
    out.write("     " + " ".join(f"{s:>4}" for s in short) + "\n")
    for label, counts in zip(short, confusion["matrix"], strict=True):
        out.write(f"{label:>4} " + " ".join(f"{c:>4}" for c in counts) + "\n")
    return 0


def _command_build_vocabulary(args: argparse.Namespace, out: TextIO) -> int:
    documents = args.documents
    if documents is None:
        if not _SHARED_DOCUMENTS.exists():
            raise CommandError(f"--documents is required (no {_SHARED_DOCUMENTS} here)")
        documents = _SHARED_DOCUMENTS
    build = build_vocabulary(documents, seed_terms=args.seeds, discovery=not args.no_discovery)
    text = format_vocabulary(build.vocabulary, build.header)
    if args.output is None:
        out.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"{_PROG}: wrote {len(build.vocabulary)} words to {args.output}", file=sys.stderr)
    return 0


def _add_encoding(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--encoding",
        default="utf-8",
        help="of the input files, e.g. gb18030 for GBK (default: utf-8, byte-order mark dropped)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description="Tokenize, split and classify Chinese policy documents.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    tokenize = commands.add_parser(
        "tokenize",
        help="tokenize files, one output line per input line",
        description="Tokenize each file as one document; print each input line's tokens "
        "separated by spaces. Example: policytext tokenize report.txt",
    )
    tokenize.add_argument("files", nargs="*", metavar="FILE", help="text files; - for stdin")
    _add_encoding(tokenize)
    tokenize.add_argument("--backend", choices=BACKENDS, default=BACKENDS[0])
    tokenize.add_argument("--vocabulary", metavar="FILE", help="use this vocabulary file instead")
    tokenize.add_argument(
        "--no-quoted-terms", action="store_true", help="do not keep quoted terms whole"
    )
    tokenize.add_argument("--separator", default=" ", help="between tokens (default: a space)")
    tokenize.set_defaults(run=_command_tokenize)

    split = commands.add_parser(
        "split",
        help="split files into sentences, one per line",
        description="Print each sentence or heading on a line of its own. "
        "Example: policytext split report.txt",
    )
    split.add_argument("files", nargs="*", metavar="FILE", help="text files; - for stdin")
    _add_encoding(split)
    split.set_defaults(run=_command_split)

    classify = commands.add_parser(
        "classify",
        help="policy domain of each sentence of each file",
        description="Split each file into sentences and classify each, reading the document's "
        "headings, paragraph leads and neighbouring sentences. Prints doc, index, label, score "
        "and text as TSV, or JSON Lines. Example: policytext classify report.txt",
    )
    classify.add_argument(
        "files",
        nargs="*",
        metavar="PATH",
        help="text files, JSON Lines files (one document per line), directories (their *.txt "
        "and *.jsonl files, recursively); - for stdin",
    )
    classify.add_argument(
        "--text-field", default="text", help="the text of a JSON Lines document (default: text)"
    )
    _add_encoding(classify)
    classify.add_argument(
        "--format",
        choices=("tsv", "jsonl", "parquet"),
        default="tsv",
        help="of the output (parquet needs --output and pyarrow, from the [train] extra)",
    )
    classify.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")
    classify.add_argument(
        "--resume",
        action="store_true",
        help="keep the documents already in --output and classify only the others",
    )
    classify.add_argument(
        "--document", action="store_true", help="one line per document: its domain and shares"
    )
    classify.add_argument(
        "--jobs", type=int, default=1, metavar="N", help="worker processes (-1: all cores)"
    )
    classify.add_argument("--model", metavar="DIR", help="model directory (default: bundled)")
    classify.set_defaults(run=_command_classify)

    train = commands.add_parser(
        "train",
        help="train the domain model from the project's data",
        description="Reproduce the bundled model from corpus/documents.jsonl and "
        "gold/silver.jsonl, scoring it on the dev set. Needs the [train] extra. "
        "Example: policytext train --data-dir ../shared --output models/domains",
    )
    train.add_argument("--data-dir", metavar="DIR", help=f"data directory (default: {_SHARED})")
    train.add_argument("--output", metavar="DIR", default="models/domains")
    train.set_defaults(run=_command_train)

    evaluate = commands.add_parser(
        "evaluate",
        help="score the model against gold labels",
        description="Accuracy, macro-F1, top-2, per-domain scores and confusion matrix on a "
        "gold JSON Lines file of {text, label, doc}. Example: policytext evaluate "
        "../shared/gold/dev.jsonl --documents ../shared/corpus/dev_documents.jsonl",
    )
    evaluate.add_argument("gold", metavar="GOLD.jsonl")
    evaluate.add_argument("--documents", metavar="JSONL", help="also score classify_document")
    evaluate.add_argument("--model", metavar="DIR", help="model directory (default: bundled)")
    evaluate.add_argument("--format", choices=("text", "json"), default="text")
    evaluate.set_defaults(run=_command_evaluate)

    info = commands.add_parser(
        "info",
        help="show version, backend, vocabulary size and model status",
        description="Example: policytext info",
    )
    info.add_argument("--backend", choices=BACKENDS, default=BACKENDS[0])
    info.set_defaults(run=_command_info)

    build = commands.add_parser(
        "build-vocabulary",
        help="build a policy vocabulary from a JSON Lines corpus",
        description='Find quoted terms and new words in a corpus of {"text": ...} lines and '
        "merge them with the seed list. Example: policytext build-vocabulary "
        "--documents ../shared/corpus/documents.jsonl -o policytext/data/policy_vocab.txt",
    )
    build.add_argument(
        "--documents", metavar="JSONL", help=f"the corpus (default: {_SHARED_DOCUMENTS})"
    )
    build.add_argument("--seeds", metavar="FILE", help="seed terms (default: the bundled list)")
    build.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    build.add_argument("--no-discovery", action="store_true", help="skip new-word discovery")
    build.set_defaults(run=_command_build_vocabulary)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    args = _parser().parse_args(argv)
    out = sys.stdout
    if hasattr(out, "reconfigure"):
        out.reconfigure(encoding="utf-8")
    try:
        status: int = args.run(args, out)
        out.flush()
    except (PolicyTextError, CommandError) as error:
        print(f"{_PROG}: error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 1
    except KeyboardInterrupt:
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
