"""The ``policytext`` command line.

    policytext tokenize report.txt          # tokens separated by spaces
    policytext split report.txt             # one sentence per line
    policytext info                         # version, backend, vocabulary, model
    policytext build-vocabulary -o vocab.txt

Every command reads UTF-8 files, or standard input for ``-``. Errors print one
line on stderr and set a non-zero exit status; with several files, a file that
cannot be read is reported and the others are still processed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from ._discovery import build_vocabulary
from ._errors import PolicyTextError
from ._segmenters import BACKENDS
from ._sentences import split_sentences
from ._tokenizer import PolicyTokenizer
from ._version import __version__
from ._vocabulary import format_vocabulary

__all__ = ["main"]

_PROG = "policytext"
_SHARED_DOCUMENTS = Path("..") / "shared" / "corpus" / "documents.jsonl"


class CommandError(Exception):
    """An error to report on one line, without a traceback."""


def _read_inputs(paths: Sequence[str], errors: list[str]) -> Iterator[tuple[str, str]]:
    """Yield ``(name, text)`` per readable input; record unreadable ones in ``errors``."""
    for path in paths:
        if path == "-":
            yield "<stdin>", sys.stdin.buffer.read().decode("utf-8-sig", errors="strict")
            continue
        try:
            data = Path(path).read_bytes()
        except IsADirectoryError:
            errors.append(f"{path}: is a directory")
            continue
        except OSError as error:
            errors.append(f"{path}: {error.strerror or error}")
            continue
        try:
            yield path, data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            errors.append(
                f"{path}: not UTF-8 (byte {error.start}: {data[error.start : error.start + 1]!r}); "
                "convert it first, e.g. iconv -f GBK -t UTF-8"
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
    paths: Sequence[str], out: TextIO, lines_of: Callable[[str], Iterator[str] | list[str]]
) -> int:
    errors: list[str] = []
    for _, text in _read_inputs(paths or ["-"], errors):
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
        args.files, out, lambda text: _tokenize_lines(text, tokenizer, args.separator)
    )


def _command_split(args: argparse.Namespace, out: TextIO) -> int:
    return _run_over_files(args.files, out, split_sentences)


def _command_info(args: argparse.Namespace, out: TextIO) -> int:
    tokenizer = PolicyTokenizer(backend=args.backend)
    out.write(f"policytext {__version__}\n")
    out.write(f"backend: {tokenizer.backend} (available: {', '.join(BACKENDS)})\n")
    out.write(f"policy vocabulary: {tokenizer.vocabulary_size} words\n")
    out.write("classifier model: none bundled in this version\n")
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
    tokenize.add_argument("files", nargs="*", metavar="FILE", help="UTF-8 text files; - for stdin")
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
    split.add_argument("files", nargs="*", metavar="FILE", help="UTF-8 text files; - for stdin")
    split.set_defaults(run=_command_split)

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
    except UnicodeDecodeError as error:
        print(f"{_PROG}: error: standard input is not UTF-8: {error.reason}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 1
    except KeyboardInterrupt:
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
