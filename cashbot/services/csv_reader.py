"""Reading and writing CSV files of any schema: the encoding, the delimiter, the header line,
records with their line numbers, header names normalised for matching, and the export format.

Pure functions over bytes and text; what the columns mean is the schema's business
(services/device_csv.py), which also words every problem.

- encoding: BOM -> BOM-less UTF-16 by zero bytes -> strict UTF-8 -> charset-normalizer
  limited to Cyrillic code pages -> cp1251, or Windows-1252 when that Cyrillic reading makes
  Latin words with Cyrillic letters inside (`western_instead`: an English team's Excel file
  with «Café» in it); then the header must make sense to the schema (`score_header`), else
  another candidate whose header does wins;
- delimiter: whichever of ``;`` ``,`` tab splits the header line into the most cells (read
  as csv reads it, so a stray quote hides nothing); an Excel ``sep=;`` first line is honoured.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum

CYRILLIC_CODEPAGES = ["cp1251", "koi8_r", "mac_cyrillic", "cp866"]
_DETECT_SAMPLE = 64 * 1024  # charset-normalizer sees at most this much of the file
HEADER_SAMPLE = 8 * 1024  # enough for any header line
_BOMS = (  # UTF-32 before UTF-16: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# .xlsx/.ods are zip files, .xls an OLE compound file: a spreadsheet, not a CSV.
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")

_DELIMITERS = (";", ",", "\t")
_SEP_LINE = re.compile(r"\A\s*sep=(.)\s*\Z", re.IGNORECASE)
BAD_DELIMITERS = ('"', "\x00")  # a sep= line may not name these
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NON_ALNUM = re.compile(r"[\W_]+")

# Cells starting with these are formulas for Excel: the export prefixes them with "'"
# (the OWASP advice against CSV injection) and the import takes the prefix off again.
# Apostrophes already in front of such a cell get one more, so the round trip is exact.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

HeaderScore = Callable[[list[str]], tuple[bool, int]]  # (makes sense, recognised columns)


class QuoteError(StrEnum):
    """Why a record could not be read."""

    UNCLOSED = "unclosed"  # a quote never closes: nothing after it is reliable
    BROKEN = "broken"  # a stray quote inside a cell


def is_spreadsheet(data: bytes) -> bool:
    return data.startswith(_SPREADSHEET_MAGIC)


def norm_header(name: str) -> str:
    """A header cell as matched against a schema's names: case, spaces, punctuation and ё/е
    ignored, «№» read as «номер» and «#» as "number" (else both would vanish as punctuation)."""
    name = name.replace("№", "номер").replace("#", "number").casefold().replace("ё", "е")
    return _NON_ALNUM.sub("", name)


# --------------------------------------------------------------------------------
# Decoding


def _canonical(encoding: str) -> str:
    return codecs.lookup(encoding).name


def _guess_utf16(data: bytes) -> str | None:
    """LE/BE for BOM-less UTF-16 by where the zero (and Cyrillic 0x04) high bytes sit."""
    sample = data[:4096]
    if b"\x00" not in sample or len(data) % 2:
        return None
    even = sum(1 for b in sample[0::2] if b in (0, 4))
    odd = sum(1 for b in sample[1::2] if b in (0, 4))
    half = len(sample) // 2
    if odd > even and odd >= half * 0.3:
        return "utf-16-le"
    if even > odd and even >= half * 0.3:
        return "utf-16-be"
    return None


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def first_record_cells(text: str) -> list[str]:
    """Header cells of decoded text (after an optional ``sep=`` line)."""
    header, _, delimiter = header_line(text)
    if header is None or delimiter in BAD_DELIMITERS:
        return []
    return next(csv.reader([header], delimiter=delimiter, strict=False), [])


def decode(data: bytes, score_header: HeaderScore) -> tuple[str, str]:
    """Decode a CSV file: returns (text, Python codec name)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            return text, ("utf-8-sig" if encoding == "utf-8" else encoding)

    first: tuple[str, str] | None = None
    utf16 = _guess_utf16(data)
    if utf16:
        text = _try_decode(data, utf16)
        if text is not None:
            first = (text, utf16)
    if first is None:
        text = _try_decode(data, "utf-8")
        if text is not None:
            first = (text, "utf-8")
    if first is None:
        first = western_instead(data, detect_cyrillic(data))

    ok, _ = score_header(first_record_cells(first[0][:HEADER_SAMPLE]))
    if ok:
        return first
    # The header does not make sense: maybe another candidate's does.
    best, best_score = first, -1
    for encoding in ("utf-8", *CYRILLIC_CODEPAGES):
        enc = _canonical(encoding)
        if enc == first[1]:
            continue
        head = data[:HEADER_SAMPLE].decode(enc, errors="ignore")  # header check only
        ok, score = score_header(first_record_cells(head))
        if ok and score > best_score:
            best, best_score = (data.decode(enc, errors="replace"), enc), score
    return best


def detect_cyrillic(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes  # imported lazily: only non-UTF files

    guess = from_bytes(data[:_DETECT_SAMPLE], cp_isolation=CYRILLIC_CODEPAGES).best()
    if guess is not None:
        encoding = _canonical(guess.encoding)
        text = _try_decode(data, encoding)
        if text is not None:
            return text, encoding
    return data.decode("cp1251", errors="replace"), "cp1251"


_LETTERS = re.compile(r"[^\W\d_]+")


def _is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u04ff"


def western_instead(data: bytes, cyrillic: tuple[str, str]) -> tuple[str, str]:
    """Windows-1252 (Excel in an English or other Western locale) instead of the Cyrillic
    guess when the text reads as Western: decoded as Cyrillic, Western accents land inside
    Latin words ("Café" becomes "Cafй", "Gerät" "Gerдt"), while Russian text makes whole
    Cyrillic words. So: more words mixing both scripts than purely Cyrillic words -> 1252."""
    mixed = pure = 0
    for word in _LETTERS.findall(cyrillic[0][:_DETECT_SAMPLE]):
        letters = sum(1 for char in word if _is_cyrillic(char))
        if letters == len(word):
            pure += 1
        elif letters:
            mixed += 1
    if mixed > pure:
        text = _try_decode(data, "cp1252")
        if text is not None:
            return text, "cp1252"
    return cyrillic


# --------------------------------------------------------------------------------
# Delimiter and header line


def _cells_with(line: str, delimiter: str) -> int:
    """How many cells ``line`` has with this delimiter (quotes as csv reads them)."""
    return len(next(csv.reader([line], delimiter=delimiter, strict=False), []))


def _sniff_delimiter(line: str) -> str:
    # Each candidate reads the line its own way: a quote only opens a quoted cell at the
    # start of a cell, so an inch sign (Экран 10") or a stray quote cannot hide the rest.
    counts = [(_cells_with(line, d), -i, d) for i, d in enumerate(_DELIMITERS)]
    count, _, delimiter = max(counts)
    return delimiter if count > 1 else ";"


def header_line(text: str) -> tuple[str | None, int, str]:
    """(first line of the header, number of lines before it, delimiter).

    Skips blank lines and an Excel ``sep=`` line. Lines here are physical lines: a blank or
    ``sep=`` line never holds a quote, and the delimiter is sniffed on the header's first line.
    """
    skipped, forced, pos, n = 0, None, 0, len(text)
    while pos < n:
        m = _LINE_BREAK.search(text, pos)
        end, nxt = (m.start(), m.end()) if m else (n, n)
        line = text[pos:end]
        if not line.strip():
            pos, skipped = nxt, skipped + 1
            continue
        sep = _SEP_LINE.match(line) if forced is None and skipped == 0 else None
        if sep:
            forced = sep.group(1)
            pos, skipped = nxt, skipped + 1
            continue
        return line, skipped, forced or _sniff_delimiter(line[:HEADER_SAMPLE])
    return None, skipped, forced or ";"


# --------------------------------------------------------------------------------
# Records


def records(text: str, delimiter: str, skip_lines: int) -> Iterator[tuple[int, list[str] | None, QuoteError | None]]:
    """Yield (start line, cells | None on a quoting error, the error)."""
    # The csv module refuses a cell over its process-wide limit (128 K characters) with the
    # same kind of error as a broken quote. Cell lengths are the field rules' instead, so
    # the limit only has to be above anything the file can hold.
    if csv.field_size_limit() <= len(text):
        csv.field_size_limit(len(text) + 1)
    stream = io.StringIO(text, newline="")
    for _ in range(skip_lines):
        stream.readline()
    reader = csv.reader(stream, delimiter=delimiter, quotechar='"', strict=True)
    prev = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            start = skip_lines + prev + 1
            prev = reader.line_num
            # "unexpected end of data" / "field larger than field limit": a quote that
            # never closes swallowed the rest of the file; nothing after it is reliable.
            message = str(exc)
            if "end of data" in message or "field limit" in message:
                yield start, None, QuoteError.UNCLOSED
                return
            yield start, None, QuoteError.BROKEN
            continue
        start = skip_lines + prev + 1
        prev = reader.line_num
        yield start, cells, None


def unprotect_formula(value: str) -> str:
    """Undo `protect_formula` on a non-empty cell read back."""
    if value[0] == "'" and value.lstrip("'").startswith(_FORMULA_START):
        return value[1:]
    return value


# --------------------------------------------------------------------------------
# Writing


def protect_formula(text: str) -> str:
    """A cell Excel would run as a formula gets a leading apostrophe."""
    if text.lstrip("'").startswith(_FORMULA_START):
        return "'" + text
    return text


def write_rows(header: list[str], lines: Iterable[list[str]]) -> bytes:
    """The export format: UTF-8 with BOM (Excel reads it), ``;``, CRLF."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", quotechar='"', lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(lines)
    return codecs.BOM_UTF8 + buf.getvalue().encode("utf-8")
