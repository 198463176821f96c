"""Reading CSV text files for the imports: bounded, UTF-8, no NUL bytes; the errors they raise.

A file is refused as a whole (size, encoding, NUL bytes) with one
:class:`LineError` of line 0; problems of single lines name their line.
:func:`guarded_lines` streams a large file in blocks of whole lines and
still reports those whole-file problems exactly as reading it at once would.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TextIO

MAX_BYTES = 64 * 1024 * 1024
_BLOCK_CHARS = 1 << 20   # characters read at a time


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}" if self.line else self.reason


class ImportRejected(ValueError):
    """The file was rejected; ``errors`` lists every problem. Nothing was written."""

    def __init__(self, errors: list[LineError]) -> None:
        self.errors = errors
        shown = "\n".join(f"  {e}" for e in errors[:50])
        more = f"\n  … and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"the file was rejected, nothing was imported:\n{shown}{more}")



def read_whole_text(source: Path | str) -> str:
    """The whole text of a small file (an exchange's export), checked as UTF-8 and bounded."""
    if isinstance(source, Path):
        try:
            if source.stat().st_size > MAX_BYTES:
                raise ImportRejected([LineError(0, f"{source.name} is larger than 64 MiB")])
            data = source.read_bytes()
        except OSError as exc:
            raise ImportRejected([LineError(0, f"cannot read {source}: {exc.strerror}")]) from None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportRejected(
                [LineError(0, f"{source.name} is not UTF-8 text (byte {exc.start})")]
            ) from None
    return source.removeprefix("\ufeff")


def open_text(source: Path | str, stack: ExitStack) -> TextIO:
    if not isinstance(source, Path):
        return io.StringIO(source.removeprefix("\ufeff"), newline="")
    try:
        if source.stat().st_size > MAX_BYTES:
            raise ImportRejected([LineError(0, f"{source.name} is larger than 64 MiB")])
        return stack.enter_context(source.open(encoding="utf-8-sig", newline=""))
    except OSError as exc:
        raise ImportRejected([LineError(0, f"cannot read {source}: {exc.strerror}")]) from None


def guarded_lines(source: Path | str, stream: TextIO) -> Iterator[str]:
    """The stream's lines; a NUL byte or bad UTF-8 anywhere rejects the whole file.

    As when the file was read whole: bad UTF-8 is named (with its byte
    offset) before NUL bytes, and both before any line's problems. Read in
    blocks of whole lines, so the checks run once per block, not per line
    (and the lines of a block are handed on without Python code per line).
    """
    return chain.from_iterable(_guarded_blocks(source, stream))


def _guarded_blocks(source: Path | str, stream: TextIO) -> Iterator[io.StringIO]:
    nul = False
    try:
        while block := stream.read(_BLOCK_CHARS):
            block += stream.readline()   # end the block at a line's end
            if "\x00" in block:
                nul = True
                drain(stream)
                break
            yield io.StringIO(block, newline="")
    except UnicodeDecodeError:
        raise _undecodable(source) from None
    except OSError as exc:
        raise ImportRejected([LineError(0, f"cannot read {source}: {exc.strerror}")]) from None
    if nul:
        raise ImportRejected([LineError(0, "the file contains NUL bytes: not a CSV text file")])


def _undecodable(source: Path | str) -> ImportRejected:
    """The error for a file that is not UTF-8, naming the first bad byte (a rare path)."""
    name = source.name if isinstance(source, Path) else "the file"
    try:
        data = source.read_bytes() if isinstance(source, Path) else b""
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return ImportRejected([LineError(0, f"{name} is not UTF-8 text (byte {exc.start})")])
    except OSError:
        pass
    return ImportRejected([LineError(0, f"{name} is not UTF-8 text")])


def drain(lines: Iterator[str] | TextIO) -> None:
    """Read to the end, so that an encoding problem further on is still found."""
    for _ in lines:
        pass
