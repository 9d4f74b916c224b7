"""The ``policytext`` command line.

    policytext classify report.txt          # domain of each sentence, as TSV
    policytext classify --document *.txt    # domain shares of each document
    policytext tokenize report.txt          # tokens separated by spaces
    policytext split report.txt             # one sentence per line
    policytext info                         # version, backend, vocabulary, model
    policytext train                        # rebuild the bundled model
    policytext evaluate gold.jsonl          # accuracy against gold labels
    policytext build-vocabulary -o vocab.txt

``tokenize``, ``split`` and ``classify`` read the same inputs: text files
(UTF-8, or UTF-16/32 with a byte-order mark; ``--encoding`` for others, such
as GBK), JSON Lines files (one document per line), directories and standard
input for ``-``. Errors print one line on stderr and set a non-zero exit status;
with several files, a file that cannot be read is reported and the others are
still processed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from ._discovery import build_vocabulary
from ._errors import PolicyTextError
from ._output import FORMATS, check_output
from ._reading import check_encoding
from ._segmenters import BACKENDS
from ._sentences import split_sentences
from ._tokenizer import PolicyTokenizer
from ._version import __version__
from ._vocabulary import format_vocabulary

__all__ = ["main"]

_PROG = "policytext"
_SHARED = Path("..") / "shared"
_SHARED_DOCUMENTS = _SHARED / "corpus" / "documents.jsonl"
_PROGRESS_FROM = 5  # files: show a progress bar from this many on
_JOBLIB_CANCELLED = r".*tasks which were still being processed by the workers have been cancelled"


class CommandError(Exception):
    """An error to report on one line, without a traceback."""


def _read_inputs(
    paths: Sequence[str], errors: list[str], encoding: str, text_field: str
) -> Iterator[tuple[str, str]]:
    """Yield ``(doc, text)`` per readable document of ``paths`` (files, JSON Lines files,
    directories, ``-``), as ``classify`` reads them; record unreadable ones in ``errors``."""
    from ._batch import Unreadable, input_files, iter_texts

    check_encoding(encoding)  # an unknown encoding fails before any file is read
    skipped: list[str] = []
    files = input_files(paths, skipped)
    _report_skipped(skipped)
    for item in iter_texts(files, encoding, text_field):
        if isinstance(item, Unreadable):
            errors.append(item.error)
        else:
            yield item


def _report_skipped(skipped: list[str]) -> None:
    """Say on stderr which files found in directories were left out, and why."""
    if skipped:
        example = f" (such as {skipped[0]})" if len(skipped) > 1 else f": {skipped[0]}"
        print(
            f"{_PROG}: skipped {len(skipped)} file{'s' * (len(skipped) > 1)} in directories "
            f"that are not .txt or .jsonl{example}",
            file=sys.stderr,
        )


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
    text_field: str,
) -> int:
    errors: list[str] = []
    for _, text in _read_inputs(paths or ["-"], errors, encoding, text_field):
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
        extra_vocabulary=args.extra_vocabulary,
        granularity="fine" if args.fine else "coarse",
    )
    return _run_over_files(
        args.files,
        out,
        lambda text: _tokenize_lines(text, tokenizer, args.separator),
        args.encoding,
        args.text_field,
    )


def _command_split(args: argparse.Namespace, out: TextIO) -> int:
    return _run_over_files(args.files, out, split_sentences, args.encoding, args.text_field)


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


def _file_size(path: str) -> int:
    """Bytes in ``path``; 0 for standard input and for what cannot be read."""
    try:
        return 0 if path == "-" else Path(path).stat().st_size
    except OSError:
        return 0


def _command_classify(args: argparse.Namespace, out: TextIO) -> int:
    from ._api import DocumentTally
    from ._batch import (
        ClassifiedSentence,
        DocumentDone,
        DocumentStart,
        FileDone,
        ignore_interrupts,
        input_files,
        iter_classified,
    )
    from ._model import model_at
    from ._output import (
        Layout,
        RowWriter,
        document_row,
        done_documents,
        error_row,
        sentence_row,
        without_output,
    )

    model = model_at(args.model)  # fail early, once, on a missing or corrupt model
    check_encoding(args.encoding)
    if args.format == "parquet" and args.output is None:
        raise CommandError("--format parquet needs --output")
    if args.resume and args.output is None:
        raise CommandError("--resume needs --output")
    layout = Layout(args.format, args.document, tuple(args.keep_field))
    output = None if args.output is None else Path(args.output)
    if output is not None:
        check_output(output, args.format)
    paths = args.files or ["-"]
    skipped: list[str] = []
    files = without_output(input_files(paths, skipped), output, paths)
    if not args.quiet:
        _report_skipped(skipped)
    done: set[str] = set()
    has_header = False
    if args.resume and output is not None:
        done, has_header = done_documents(output, layout)
    items = iter_classified(
        files,
        n_jobs=args.jobs,
        encoding=args.encoding,
        text_field=args.text_field,
        model=model,
        skip=done,
        id_field=args.id_field,
        keep_fields=layout.keep,
    )
    errors: list[str] = []
    with contextlib.ExitStack() as stack:
        if args.jobs != 1:  # workers leave Ctrl-C to this process, which stops them
            from joblib import parallel_config

            stack.enter_context(parallel_config(backend="loky", initializer=ignore_interrupts))
        bar = None
        if not args.quiet and (
            len(files) >= _PROGRESS_FROM or any(Path(path).is_dir() for path in paths)
        ):
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
        rows = RowWriter(layout, text_out, output, header=not has_header)
        tally, sentences = DocumentTally(), 0
        kept: dict[str, Any] = {}
        for item in items:
            if isinstance(item, FileDone):
                if bar is not None:
                    bar.set_postfix_str(f"{sentences:,} sentences", refresh=False)
                    bar.update(sizes[item.path])
            elif isinstance(item, DocumentStart):
                tally, kept = DocumentTally(), item.kept
            elif isinstance(item, DocumentDone):
                if args.document:  # one row per document, even with no sentence
                    rows.add(document_row(layout, item.doc, kept, tally))
            elif not isinstance(item, ClassifiedSentence):  # unreadable from here on
                errors.append(item.error)
                rows.add(error_row(layout, item))  # a document cut short gets no shares
            elif args.document:
                tally.count(item.label, item.score)
                sentences += 1
            else:
                rows.add(sentence_row(layout, item, kept))
                sentences += 1
        rows.close()
    for error in errors:
        print(f"{_PROG}: error: {error}", file=sys.stderr)
    return 1 if errors else 0


def _command_report(args: argparse.Namespace, out: TextIO) -> int:
    from ._model import model_at
    from ._report import html_report

    model = model_at(args.model)
    errors: list[str] = []
    documents = list(_read_inputs([args.file], errors, args.encoding, args.text_field))
    if errors:
        raise CommandError(errors[0])
    if len(documents) != 1:
        raise CommandError(f"{args.file} holds {len(documents)} documents; report takes one")
    page = html_report(documents[0][1], title=args.title, model=model)
    if args.output is None:
        out.write(page)
    else:
        target = Path(args.output)
        check_output(target)
        target.write_text(page, encoding="utf-8")
        print(f"{_PROG}: wrote {args.output}", file=sys.stderr)
    return 0


def _command_plot(args: argparse.Namespace, out: TextIO) -> int:
    from ._api import SentenceResult, document_result
    from ._batch import (
        ClassifiedSentence,
        DocumentDone,
        DocumentStart,
        Unreadable,
        input_files,
        iter_classified,
    )
    from ._frames import profile_frame, profile_row
    from ._model import model_at
    from ._plots import plot_shares

    model = model_at(args.model)
    target = Path(args.output)
    check_output(target)
    keep = [args.by] if args.by else []
    items = iter_classified(
        input_files(args.files or ["-"]),
        encoding=args.encoding,
        text_field=args.text_field,
        model=model,
        id_field=args.id_field,
        keep_fields=keep,
    )
    rows, errors = [], []
    sentences: list[SentenceResult] = []
    kept: dict[str, Any] = {}
    for item in items:
        if isinstance(item, DocumentStart):
            sentences, kept = [], item.kept
        elif isinstance(item, ClassifiedSentence):
            sentences.append(SentenceResult(item.index, item.text, item.label, item.score, ""))
        elif isinstance(item, DocumentDone):
            rows.append(profile_row(document_result(sentences), {"doc": item.doc, **kept}))
        elif isinstance(item, Unreadable):
            errors.append(item.error)
    for error in errors:
        print(f"{_PROG}: error: {error}", file=sys.stderr)
    if not rows:
        raise CommandError("no document to plot")
    frame = profile_frame(rows)
    if args.by is not None and frame[args.by].isna().all():
        raise CommandError(f"no document has a field {args.by!r} to group by")
    axes = plot_shares(frame, by=args.by, kind=args.kind, weight=args.weight, label="doc")
    axes.figure.savefig(target, dpi=args.dpi)
    print(f"{_PROG}: wrote {target}", file=sys.stderr)
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


def _add_inputs(command: argparse.ArgumentParser) -> None:
    """The input arguments of ``tokenize``, ``split`` and ``classify``: the same for all."""
    command.add_argument(
        "files",
        nargs="*",
        metavar="PATH",
        help="text files, JSON Lines files (one document per line), directories (their .txt "
        "and .jsonl files, any case, recursively); - for stdin",
    )
    command.add_argument(
        "--text-field", default="text", help="the text of a JSON Lines document (default: text)"
    )
    _add_encoding(command)


def _add_encoding(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--encoding",
        default="utf-8",
        help="of the input files, e.g. gb18030 for GBK (default: utf-8; UTF-16 and UTF-32 "
        "with a byte-order mark are recognised)",
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
    _add_inputs(tokenize)
    tokenize.add_argument("--backend", choices=BACKENDS, default=BACKENDS[0])
    tokenize.add_argument(
        "--vocabulary",
        metavar="FILE",
        help="use this vocabulary file instead of the bundled one "
        "(word<TAB>frequency lines, or jieba's 'word [frequency] [tag]')",
    )
    tokenize.add_argument(
        "--extra-vocabulary",
        metavar="FILE",
        help="add the words of this vocabulary file (same formats) to the vocabulary",
    )
    tokenize.add_argument(
        "--fine",
        action="store_true",
        help="give policy words and formulations in their parts (中国式 现代化)",
    )
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
    _add_inputs(split)
    split.set_defaults(run=_command_split)

    classify = commands.add_parser(
        "classify",
        help="policy domain of each sentence of each file",
        description="Split each file into sentences and classify each, reading the document's "
        "headings, paragraph leads and neighbouring sentences. Prints doc, index, label, score "
        "and text as TSV, or JSON Lines. Example: policytext classify report.txt",
    )
    _add_inputs(classify)
    classify.add_argument(
        "--format",
        choices=FORMATS,
        default="tsv",
        help="of the output; tsv and csv start with a header line (parquet needs --output "
        "and pyarrow: the [parquet] extra)",
    )
    classify.add_argument(
        "--id-field",
        metavar="FIELD",
        help="the id of a JSON Lines document, for the doc column (default: path:line)",
    )
    classify.add_argument(
        "--keep-field",
        action="append",
        default=[],
        metavar="FIELD",
        help="copy this field of each JSON Lines document into its rows (repeatable)",
    )
    classify.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar, no notice of skipped files"
    )
    classify.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")
    classify.add_argument(
        "--resume",
        action="store_true",
        help="keep the documents already in --output and classify only the others",
    )
    classify.add_argument(
        "--document",
        action="store_true",
        help="one line per document: doc, label, n_sentences (classified), shares",
    )
    classify.add_argument(
        "--jobs", type=int, default=1, metavar="N", help="worker processes (-1: all cores)"
    )
    classify.add_argument("--model", metavar="DIR", help="model directory (default: bundled)")
    classify.set_defaults(run=_command_classify)

    report = commands.add_parser(
        "report",
        help="an HTML page of one document, its sentences coloured by domain",
        description="Classify one document and write a page that stands alone: the outline, "
        "each sentence coloured by its domain (domain and score on hover) and the share "
        "chart. Example: policytext report report.txt -o report.html",
    )
    report.add_argument("file", metavar="FILE", help="a text file, or a JSON Lines file of one")
    report.add_argument(
        "--text-field", default="text", help="the text of a JSON Lines document (default: text)"
    )
    _add_encoding(report)
    report.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")
    report.add_argument("--title", help="the page's title (default: the first line)")
    report.add_argument("--model", metavar="DIR", help="model directory (default: bundled)")
    report.set_defaults(run=_command_report)

    plot = commands.add_parser(
        "plot",
        help="a chart of the domain shares of documents (needs the [plot] extra)",
        description="Classify documents and draw their domain shares: a stacked bar per "
        "document, or with --by the shares pooled per value of a JSON Lines field, such as "
        "the year. Example: policytext plot reports.jsonl --by year -o shares.png",
    )
    _add_inputs(plot)
    plot.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="image file (.png, .svg, .pdf)"
    )
    plot.add_argument("--by", metavar="FIELD", help="pool the documents per value of this field")
    plot.add_argument("--id-field", metavar="FIELD", help="name documents by this field")
    plot.add_argument("--kind", choices=("area", "line"), default="area", help="with --by")
    plot.add_argument("--weight", choices=("sentences", "chars"), default="sentences")
    plot.add_argument("--dpi", type=int, default=150)
    plot.add_argument("--model", metavar="DIR", help="model directory (default: bundled)")
    plot.set_defaults(run=_command_plot)

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
    with warnings.catch_warnings():
        # On Ctrl-C with --jobs N, joblib warns that it cancelled the workers' tasks,
        # which is what was asked for.
        warnings.filterwarnings("ignore", _JOBLIB_CANCELLED, UserWarning)
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
