"""Reading input files: decoded a block at a time, with errors that say where.

>>> from policytext._reading import text_blocks
>>> "".join(text_blocks("no/such/file.txt"))
Traceback (most recent call last):
...
policytext.UnreadableInputError: no/such/file.txt: No such file or directory
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from ._errors import InvalidInputError, UnreadableInputError

__all__ = ["check_encoding", "iter_lines", "text_blocks"]

_BLOCK = 1 << 20  # bytes read at a time


def check_encoding(encoding: str) -> str:
    """The codec to decode ``encoding`` with (UTF-8 drops a byte-order mark)."""
    try:
        name = codecs.lookup(encoding).name
    except (LookupError, TypeError):
        raise InvalidInputError(f"unknown encoding {encoding!r}") from None
    return "utf-8-sig" if name == "utf-8" else name


def text_blocks(path: str | os.PathLike[str], encoding: str = "utf-8") -> Iterator[str]:
    """The decoded text of a file (standard input for ``"-"``), a block at a time.

    UTF-8 (the default) also reads UTF-16 and UTF-32 files that begin with a
    byte-order mark. Raises :class:`UnreadableInputError` on a file that cannot
    be read, and on the first byte that is not valid in ``encoding`` (after the
    blocks before it).
    """
    codec = check_encoding(encoding)
    decoder = None
    name = "<stdin>" if path == "-" else os.fspath(path)
    try:
        stream: BinaryIO = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    except IsADirectoryError:
        raise UnreadableInputError(f"{name}: is a directory") from None
    except OSError as error:
        raise UnreadableInputError(f"{name}: {error.strerror or error}") from None
    consumed = 0
    try:
        while True:
            try:
                block = stream.read(_BLOCK)
            except OSError as error:
                raise UnreadableInputError(f"{name}: {error.strerror or error}") from None
            if decoder is None:  # the first block: a UTF-16 or UTF-32 byte-order mark?
                codec = _codec_by_mark(block, codec)
                decoder = codecs.getincrementaldecoder(codec)()
            try:
                yield decoder.decode(block, final=not block)
            except UnicodeDecodeError as error:
                hint = (
                    "if it is GBK, decode it as gb18030 (CLI: --encoding gb18030)"
                    if codec == "utf-8-sig"
                    else "is the encoding right?"
                )
                bad = block[error.start : error.start + 1]
                raise UnreadableInputError(
                    f"{name}: not {encoding} (byte {consumed + error.start}: {bad!r}); {hint}"
                ) from None
            if not block:
                return
            consumed += len(block)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _codec_by_mark(start: bytes, codec: str) -> str:
    """``codec``, or UTF-16 / UTF-32 when UTF-8 was asked for and ``start`` begins with
    their byte-order mark (bytes that UTF-8 text cannot begin with)."""
    if codec != "utf-8-sig":
        return codec
    if start.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return codec


def iter_lines(pieces: Iterable[str], max_length: int | None = None) -> Iterator[str]:
    """The lines of a text given in pieces of any size (such as :func:`text_blocks`),
    each with its ``\\n`` (the last one without, if the text does not end in one).

    With ``max_length``, a longer line comes in pieces of ``max_length``
    characters (all but the last without ``\\n``), so memory stays bounded
    whatever the text.

    >>> list(iter_lines(["ab\\ncdefg", "h"], max_length=3))
    ['ab\\n', 'cde', 'fgh']
    """
    limit = max_length or sys.maxsize
    pending: list[str] = []
    size = 0
    for piece in pieces:
        *ended, rest = piece.split("\n")
        for line in ended:
            yield from _cut("".join(pending) + line + "\n", limit)
            pending, size = [], 0
        pending.append(rest)
        size += len(rest)
        if size >= limit:
            *full, tail = _cut("".join(pending), limit)
            yield from full
            pending, size = [tail], len(tail)
    tail = "".join(pending)
    if tail:
        yield tail


def _cut(line: str, limit: int) -> list[str]:
    """``line`` in pieces of at most ``limit`` characters."""
    if len(line) <= limit:
        return [line]
    return [line[start : start + limit] for start in range(0, len(line), limit)]
