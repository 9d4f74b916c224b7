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

    Raises :class:`UnreadableInputError` on a file that cannot be read, and on
    the first byte that is not valid in ``encoding`` (after the blocks before it).
    """
    codec = check_encoding(encoding)
    decoder = codecs.getincrementaldecoder(codec)()
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


def iter_lines(pieces: Iterable[str]) -> Iterator[str]:
    """The lines of a text given in pieces of any size (such as :func:`text_blocks`),
    each with its ``\\n`` (the last one without, if the text does not end in one)."""
    pending: list[str] = []
    for piece in pieces:
        if "\n" not in piece:
            pending.append(piece)
            continue
        first, *middle, last = piece.split("\n")
        yield "".join(pending) + first + "\n"
        for line in middle:
            yield line + "\n"
        pending = [last]
    tail = "".join(pending)
    if tail:
        yield tail
