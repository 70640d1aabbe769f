"""Reading a page file: its bytes, its encoding, its lines."""
from __future__ import annotations

from pathlib import Path

from ..errors import SourceError

MAX_BYTES = 50 * 1024 * 1024


LEGACY_ENCODINGS = ("cp1251", "koi8_r")


def read_source_detected(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """The text of a page and the encoding it was read with (UTF-8, or Windows-1251 / KOI8-R detected)."""
    name = str(path)
    data = _read_bytes(path, name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise SourceError("starts with a UTF-16 mark but is not valid UTF-16", file=name) from None
    if b"\x00" in data[:4096]:
        raise SourceError("is a binary file, not a text page", file=name)
    if encoding:
        return _decode_as(data, encoding, name), encoding
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as e:
        bad_line = data[:e.start].count(b"\n") + 1
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None or not _looks_like_text(str(best)):
        raise SourceError("is not valid UTF-8, and reads as neither Windows-1251 nor KOI8-R text", file=name,
                          line=bad_line, hint="give its encoding with --encoding, e.g. --encoding cp1251")
    return str(best), best.encoding


def _read_bytes(path: Path, name: str) -> bytes:
    """The file's bytes, refused when missing, unreadable, empty or far too large for a page."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise SourceError("no such file", file=name, hint="check the path") from None
    except IsADirectoryError:
        raise SourceError("is a directory, not a page", file=name) from None
    except OSError as e:
        raise SourceError(f"cannot read: {e.strerror}", file=name) from None
    if len(data) > MAX_BYTES:
        raise SourceError(f"is {len(data) // (1024 * 1024)} MB; a page of the edition is far smaller", file=name,
                          hint=f"split it, or check it is the right file (limit {MAX_BYTES // (1024 * 1024)} MB)")
    if not data.strip():
        raise SourceError("is empty", file=name, hint="give a page of the edition")
    return data


def _decode_as(data: bytes, encoding: str, name: str) -> str:
    """The text in the encoding the user gave."""
    try:
        return data.decode(encoding)
    except LookupError:
        raise SourceError(f"unknown encoding {encoding!r}", file=name, hint="e.g. utf-8, cp1251, koi8-r") from None
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise SourceError(f"cannot be decoded as {encoding}", file=name, line=line) from None


def _looks_like_text(text: str) -> bool:
    """Mostly letters, digits, spaces and punctuation: not a binary file that happened to decode."""
    sample = text[:20000]
    if not sample:
        return False
    printable = sum(1 for ch in sample if ch.isprintable() or ch in "\r\n\t")
    return printable / len(sample) > 0.97


def split_lines(text: str) -> list[str]:
    """The lines of a page, with line ends, spaces and the number sign made uniform."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
    text = text.replace("N°", "No.").replace("№", "No.")
    return text.split("\n")
