"""The device CSV file: decoding, parsing, validation and writing.

Pure functions over bytes; no database, no Telegram. The import flow calls
``parse_devices`` (and then ``check_against_existing`` with what the database
holds); the export calls ``write_devices``.

Rules in short (see DESIGN.md, "CSV import: encodings"):
- encoding: BOM -> BOM-less UTF-16 by zero bytes -> strict UTF-8 -> charset-normalizer
  limited to Cyrillic code pages -> cp1251; then the header must make sense, else another
  candidate whose header does wins;
- delimiter: whichever of ``;`` ``,`` tab splits the header line into the most cells (read
  as csv reads it, so a stray quote hides nothing); an Excel ``sep=;`` first line is honoured;
- header: matched by name (Russian, English, the original cashbox-zoo bot's names), any
  order, ignoring case, spaces, punctuation and ё/е;
- every problem is collected (the file is not rejected at the first one); rows with a
  problem are left out of ``ParsedFile.rows``;
- no file makes it raise: a record with bytes the encoding could not read is refused whole,
  every cell goes through its field rule (length, control characters, NUL included), and
  whatever a value rule raises refuses that cell (tests/test_csv_fuzz.py);
- a return date in the past is an overdue loan, not a mistake.

``Problem.column`` holds the column's Russian title (``Column.ru_title``), as shown in
the report.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from cashbot.services import fields
from cashbot.services.errors import BadValue, InvalidEmail
from cashbot.texts import import_csv as T
from cashbot.texts.plural import plural
from cashbot.texts import fields as field_texts

__all__ = [
    "COLUMNS",
    "Column",
    "DeviceRow",
    "ParsedFile",
    "Problem",
    "check_against_existing",
    "decode_bytes",
    "format_problems",
    "parse_devices",
    "template_file",
    "write_devices",
]


@dataclass(frozen=True)
class Column:
    key: str
    ru_title: str
    en_title: str
    required: bool
    aliases: tuple[str, ...] = ()


def _column(key: str, en_title: str, required: bool, *aliases: str) -> Column:
    return Column(key, T.COLUMN_TITLES[key], en_title, required, aliases)


# Canonical order = export order. Aliases are matched after _norm_header().
COLUMNS: tuple[Column, ...] = (
    _column("number", "Number", True,
            "номер", "айди", "id", "№", "номер устройства", "инвентарный номер",
            "number", "no", "num", "device number", "sticker"),
    _column("name", "Name", True,
            "название", "наименование", "модель", "устройство",
            "name", "title", "model", "device", "device name"),
    _column("category", "Category", True,
            "категория", "тип", "вид", "category", "type", "kind"),
    _column("serial", "Serial", True,
            "серийный номер", "серийный", "серийник", "артикул", "заводской номер",
            "зав номер", "серия", "serial", "serial number", "serial no", "sn", "s/n"),
    _column("registered_on", "Registration date", False,
            "дата регистрации", "зарегистрировано", "зарегистрирован", "регистрация",
            "registration date", "registered", "registered on", "registration",
            "date registered"),
    _column("firmware", "Firmware", False,
            "прошивка", "версия прошивки", "версия по", "firmware", "firmware version", "fw"),
    _column("comment", "Comment", False,
            "комментарий", "комментарии", "примечание", "примечания", "заметка",
            "comment", "comments", "note", "notes", "remark"),
    _column("holder_email", "Holder email", False,
            "email держателя", "почта держателя", "электронная почта", "почта",
            "email", "e-mail", "эл почта", "держатель", "holder email", "holder e-mail",
            "holder", "mail"),
    _column("location", "Location", False,
            "местоположение", "место устройства", "место", "расположение", "где",
            "location", "place", "where"),
    _column("due_date", "Return date", False,
            "дата возврата", "вернуть до", "срок возврата", "возврат",
            "return date", "due date", "due", "return by", "return"),
)
_BY_KEY = {c.key: c for c in COLUMNS}
_HOLDER_TITLE = _BY_KEY["holder_email"].ru_title


@dataclass(frozen=True)
class DeviceRow:
    line: int
    number: int
    name: str
    category: str
    serial: str
    registered_on: date | None = None
    firmware: str | None = None
    comment: str | None = None
    holder_email: str | None = None
    location: str | None = None
    due_date: date | None = None


@dataclass(frozen=True)
class Problem:
    line: int | None
    column: str | None  # Russian column title, as in the report
    message: str  # Russian, says what to fix


@dataclass
class ParsedFile:
    rows: list[DeviceRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)  # header names not recognised
    encoding: str = "utf-8"
    delimiter: str = ";"

    @property
    def ok(self) -> bool:
        return not self.problems


# --------------------------------------------------------------------------------
# Header matching

_NON_ALNUM = re.compile(r"[\W_]+")


def _norm_header(name: str) -> str:
    name = name.replace("№", "номер").casefold().replace("ё", "е")
    return _NON_ALNUM.sub("", name)


_ALIAS_TO_KEY: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.ru_title, _c.en_title, _c.key, *_c.aliases):
        _ALIAS_TO_KEY.setdefault(_norm_header(_name), _c.key)
_REQUIRED_KEYS = tuple(c.key for c in COLUMNS if c.required)


def _header_score(cells: list[str]) -> tuple[bool, int]:
    """(all required columns present, number of recognised columns)."""
    keys = {_ALIAS_TO_KEY.get(_norm_header(c)) for c in cells} - {None}
    return all(k in keys for k in _REQUIRED_KEYS), len(keys)


# --------------------------------------------------------------------------------
# Decoding

_CYRILLIC_CODEPAGES = ["cp1251", "koi8_r", "mac_cyrillic", "cp866"]
_DETECT_SAMPLE = 64 * 1024  # charset-normalizer sees at most this much of the file
_HEADER_SAMPLE = 8 * 1024  # enough for any header line
_BOMS = (  # UTF-32 before UTF-16: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


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


def _first_record_cells(text: str) -> list[str]:
    """Header cells of decoded text (after an optional ``sep=`` line)."""
    header, _, delimiter = _header_line(text)
    if header is None or delimiter in _BAD_DELIMITERS:
        return []
    return next(csv.reader([header], delimiter=delimiter, strict=False), [])


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a CSV file: returns (text, Python codec name)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(encoding, errors="replace")
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
        first = _detect_cyrillic(data)

    ok, _ = _header_score(_first_record_cells(first[0][:_HEADER_SAMPLE]))
    if ok:
        return first
    # The header does not make sense: maybe another candidate's does.
    best, best_score = first, -1
    for encoding in ("utf-8", *_CYRILLIC_CODEPAGES):
        enc = _canonical(encoding)
        if enc == first[1]:
            continue
        head = data[:_HEADER_SAMPLE].decode(enc, errors="ignore")  # header check only
        ok, score = _header_score(_first_record_cells(head))
        if ok and score > best_score:
            best, best_score = (data.decode(enc, errors="replace"), enc), score
    return best


def _detect_cyrillic(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes  # imported lazily: only non-UTF files

    guess = from_bytes(data[:_DETECT_SAMPLE], cp_isolation=_CYRILLIC_CODEPAGES).best()
    if guess is not None:
        encoding = _canonical(guess.encoding)
        text = _try_decode(data, encoding)
        if text is not None:
            return text, encoding
    return data.decode("cp1251", errors="replace"), "cp1251"


# --------------------------------------------------------------------------------
# Delimiter and header line

_DELIMITERS = (";", ",", "\t")
_SEP_LINE = re.compile(r"\A\s*sep=(.)\s*\Z", re.IGNORECASE)
_BAD_DELIMITERS = ('"', "\x00")  # a sep= line may not name these


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _cells_with(line: str, delimiter: str) -> int:
    """How many cells ``line`` has with this delimiter (quotes as csv reads them)."""
    return len(next(csv.reader([line], delimiter=delimiter, strict=False), []))


def _sniff_delimiter(line: str) -> str:
    # Each candidate reads the line its own way: a quote only opens a quoted cell at the
    # start of a cell, so an inch sign (Экран 10") or a stray quote cannot hide the rest.
    counts = [(_cells_with(line, d), -i, d) for i, d in enumerate(_DELIMITERS)]
    count, _, delimiter = max(counts)
    return delimiter if count > 1 else ";"


def _header_line(text: str) -> tuple[str | None, int, str]:
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
        return line, skipped, forced or _sniff_delimiter(line[:_HEADER_SAMPLE])
    return None, skipped, forced or ";"


# --------------------------------------------------------------------------------
# Cell values

_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+", re.ASCII)
# Cells starting with these are formulas for Excel: the export prefixes them with "'"
# (the OWASP advice against CSV injection) and the import takes the prefix off again.
# Apostrophes already in front of such a cell get one more, so the round trip is exact.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_UNREADABLE = "\ufffd"  # what bytes invalid in the file's encoding were decoded to


class _CellError(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


# Every cell value is cleaned by services/fields.py, exactly as /add and edit clean it; a
# refusal is worded by the same texts/fields.py message. Parsers take (cell, today).


def _field(value: str, clean, *args) -> object:
    try:
        return clean(*args)
    except BadValue as error:
        raise _CellError(field_texts.problem(error, value)) from None


def _parse_number(value: str, today: date) -> int:
    if value.isdigit() and value.isascii() and len(value) <= fields.NUMBER_DIGITS:  # fast path
        number = int(value)
        if fields.MIN_NUMBER <= number <= fields.MAX_NUMBER:
            return number
    return _field(value, fields.clean_number, value)


def _parse_serial(value: str, today: date) -> str:
    if ("e" in value or "E" in value) and _SCIENTIFIC.fullmatch(value):
        raise _CellError(T.SERIAL_SCIENTIFIC.format(value=field_texts.clip(value)))
    return _field(value, fields.clean_text, "serial", value, True)


def _text_parser(key: str, required: bool):
    def parse(value: str, today: date) -> str | None:
        return _field(value, fields.clean_text, key, value, required)
    return parse


def _parse_registered_on(value: str, today: date) -> date | None:
    return _field(value, fields.clean_registered_on, value, today)


def _parse_due_date(value: str, today: date) -> date | None:
    return _field(value, fields.clean_due_on, value, today)


def _parse_email(value: str, today: date) -> str:
    try:
        return fields.clean_email(value)
    except InvalidEmail:
        raise _CellError(field_texts.email_invalid(value)) from None


_PARSERS = {
    "number": _parse_number,
    "serial": _parse_serial,
    "name": _text_parser("name", True),
    "category": _text_parser("category", True),
    "firmware": _text_parser("firmware", False),
    "comment": _text_parser("comment", False),
    "location": _text_parser("location", False),
    "registered_on": _parse_registered_on,
    "holder_email": _parse_email,
    "due_date": _parse_due_date,
}
_INVALID = object()  # a value that was reported as a problem


def _fmt_date(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def _fmt_count(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


def _fmt_size(n: int) -> str:
    if n >= 1_000_000:
        return T.SIZE_MB.format(value=f"{n / 1_000_000:.1f}".rstrip("0").rstrip(".").replace(".", ","))
    if n >= 1_000:
        return T.SIZE_KB.format(value=_fmt_count(n // 1_000))
    return T.SIZE_B.format(value=n)


# --------------------------------------------------------------------------------
# Parsing


def _records(text: str, delimiter: str, skip_lines: int):
    """Yield (start line, cells | None on a quoting error, error message)."""
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
                yield start, None, T.UNCLOSED_QUOTE
                return
            yield start, None, T.BAD_QUOTES
            continue
        start = skip_lines + prev + 1
        prev = reader.line_num
        yield start, cells, None


# .xlsx/.ods are zip files, .xls an OLE compound file: a spreadsheet, not a CSV.
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def parse_devices(
    data: bytes,
    *,
    today: date,
    max_bytes: int = 2_000_000,
    max_rows: int = 20_000,
) -> ParsedFile:
    """Parse and validate a device file. Collects every problem it finds."""
    if len(data) > max_bytes:
        msg = T.FILE_TOO_BIG.format(size=_fmt_size(len(data)), limit=_fmt_size(max_bytes))
        return ParsedFile(problems=[Problem(None, None, msg)], encoding="", delimiter="")

    if data.startswith(_SPREADSHEET_MAGIC):
        return ParsedFile(problems=[Problem(None, None, T.NOT_CSV)], encoding="", delimiter="")

    text, encoding = decode_bytes(data)
    result = ParsedFile(encoding=encoding)
    problems = result.problems
    header, skipped, delimiter = _header_line(text)
    result.delimiter = delimiter
    if delimiter in _BAD_DELIMITERS:
        problems.append(Problem(1, None, T.SEP_LINE_INVALID.format(sep=delimiter.replace("\x00", "NUL"))))
        return result
    if header is None:
        problems.append(Problem(None, None, T.EMPTY_FILE))
        return result

    records = _records(text, delimiter, skipped)
    header_line, header_cells, error = next(records, (skipped + 1, [], None))
    if header_cells is None:
        problems.append(Problem(header_line, None, T.HEADER_QUOTES.format(problem=error)))
        return result
    keys = _match_header(header_cells, header_line, result)
    if keys is None:
        return result

    raw: list[tuple[int, list[str] | None, str | None]] = []
    for rec in records:
        line, cells, error = rec
        if cells is not None and not (any(cells) and "".join(cells).strip()):
            continue  # blank line or a row of empty cells (Excel leaves those)
        raw.append(rec)
    if not raw:
        problems.append(Problem(None, None, T.HEADER_ONLY))
        return result
    if len(raw) > max_rows:
        msg = T.TOO_MANY_ROWS.format(rows=_fmt_count(len(raw)), limit=_fmt_count(max_rows))
        problems.append(Problem(None, None, msg))
        return result

    width = len(keys)
    # (cell index, key, required, parser, title) for every recognised column.
    plan = [(i, key, _BY_KEY[key].required, _PARSERS.get(key), _BY_KEY[key].ru_title)
            for i, key in enumerate(keys) if key is not None]
    absent = [c.key for c in COLUMNS if c.key not in keys]  # optional, not in the file
    seen_numbers: dict[int, int] = {}
    seen_serials: dict[str, int] = {}
    t_registered = _BY_KEY["registered_on"].ru_title
    t_due = _BY_KEY["due_date"].ru_title
    t_number = _BY_KEY["number"].ru_title
    t_serial = _BY_KEY["serial"].ru_title
    rows = result.rows

    for line, cells, error in raw:
        if cells is None:
            problems.append(Problem(line, None, error))
            continue
        ncells = len(cells)
        if ncells > width and any(c.strip() for c in cells[width:]):
            problems.append(Problem(line, None, T.TOO_MANY_CELLS.format(
                cells=ncells, columns=width, delimiter=_delimiter_name(delimiter))))
            continue
        broken = _broken_record(cells, plan, encoding)
        if broken:
            problems.append(broken(line))
            continue

        row_problems: list[Problem] = []
        parsed: dict[str, object] = dict.fromkeys(absent)
        for i, key, required, parser, title in plan:
            value = cells[i].strip() if i < ncells else ""
            if not value:
                if required:
                    row_problems.append(Problem(line, title, T.REQUIRED_EMPTY))
                parsed[key] = None
                continue
            if value[0] == "'" and value.lstrip("'").startswith(_FORMULA_START):
                value = value[1:]  # undo the export's escape
            if parser is None:
                parsed[key] = value
                continue
            try:
                parsed[key] = parser(value, today)
            except _CellError as exc:
                row_problems.append(Problem(line, title, exc.message))
                parsed[key] = _INVALID
            except Exception as exc:  # noqa: BLE001 - whatever a value rule raises refuses the cell
                row_problems.append(Problem(line, title, _refusal(exc, value)))
                parsed[key] = _INVALID

        registered = parsed["registered_on"]
        if registered and registered is not _INVALID and registered > today:
            row_problems.append(Problem(line, t_registered,
                                        T.REGISTERED_IN_FUTURE.format(value=_fmt_date(registered))))
        due = parsed["due_date"]
        if due is not None:  # a past date is an overdue loan (fields.clean_due_on)
            if parsed["holder_email"] is None:
                row_problems.append(Problem(line, t_due, T.DUE_WITHOUT_HOLDER.format(
                    holder_column=_HOLDER_TITLE)))

        number, serial = parsed["number"], parsed["serial"]
        if number is not None and number is not _INVALID:
            first = seen_numbers.setdefault(number, line)
            if first != line:
                row_problems.append(Problem(line, t_number, T.DUPLICATE_NUMBER.format(
                    value=number, line=first)))
        if serial is not None and serial is not _INVALID:
            first = seen_serials.setdefault(serial, line)
            if first != line:
                row_problems.append(Problem(line, t_serial, T.DUPLICATE_SERIAL.format(
                    value=field_texts.clip(serial), line=first)))

        if row_problems:
            problems.extend(row_problems)
        else:
            rows.append(DeviceRow(line=line, **parsed))  # type: ignore[arg-type]
    return result


def _broken_record(cells: list[str], plan: list, encoding: str):
    """A problem factory for a record the reading layer refuses as a whole, else None.

    Only what the encoding broke is refused here; lengths and control characters (NUL
    included) are the field rules' (services/fields.py), worded as in the dialogs."""
    for i, _, _, _, title in plan:
        if i < len(cells) and _UNREADABLE in cells[i]:
            return lambda line: Problem(line, title, T.UNREADABLE_BYTES.format(
                encoding=_encoding_name(encoding)))
    return None


def _encoding_name(encoding: str) -> str:
    """A codec name as people know it ("utf-8-sig" is UTF-8 with a BOM)."""
    if encoding.startswith(("utf-8", "utf-16", "utf-32")):
        return encoding[:6].rstrip("-").upper()
    return {"cp1251": "Windows-1251", "koi8-r": "KOI8-R", "mac-cyrillic": "Mac Cyrillic",
            "cp866": "DOS-866"}.get(encoding, encoding)


def _refusal(exc: Exception, value: str) -> str:
    """The message for a value rule that failed in a way it did not phrase itself."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        return message
    return T.CELL_REFUSED.format(value=field_texts.clip(value))


def _delimiter_name(delimiter: str) -> str:
    return "табуляция" if delimiter == "\t" else delimiter


def _match_header(cells: list[str], line: int, result: ParsedFile) -> list[str | None] | None:
    """Column key per header position (None = ignored), or None after reporting problems."""
    keys: list[str | None] = []
    position: dict[str, int] = {}
    unknown: list[str] = []
    for i, cell in enumerate(cells):
        name = cell.strip()
        key = _ALIAS_TO_KEY.get(_norm_header(name)) if name else None
        if key is None:
            if name:
                unknown.append(name)
            keys.append(None)
            continue
        if key in position:
            result.problems.append(Problem(line, _BY_KEY[key].ru_title, T.DUPLICATE_COLUMN.format(
                column=_BY_KEY[key].ru_title, first=position[key] + 1, second=i + 1)))
            keys.append(None)
            continue
        position[key] = i
        keys.append(key)

    if not position:
        titles = "; ".join(c.ru_title for c in COLUMNS)
        result.problems.append(Problem(line, None, T.NO_HEADER.format(columns=titles)))
        return None
    for key in _REQUIRED_KEYS:
        if key not in position:
            title = _BY_KEY[key].ru_title
            result.problems.append(Problem(line, title, T.MISSING_COLUMN.format(column=title)))
    result.unknown_columns = unknown
    return None if result.problems else keys


# --------------------------------------------------------------------------------
# Against the database


def check_against_existing(
    rows: Iterable[DeviceRow],
    *,
    existing_numbers: Mapping[int, str],
    existing_serials: Mapping[str, int],
    update_existing: bool,
) -> list[Problem]:
    """Problems of parsed rows against the database.

    ``existing_numbers``: number -> serial; ``existing_serials``: serial -> number.
    Without ``update_existing`` a number already in the database is a problem; with it
    the row updates that device, and its serial must not belong to another device.
    Deliberately conservative: a serial still held by another device in the database is
    a conflict even if the same file gives that device a new serial (two devices
    swapping serials must be done in two steps).
    """
    number_title = _BY_KEY["number"].ru_title
    serial_title = _BY_KEY["serial"].ru_title
    problems: list[Problem] = []
    for row in rows:
        if row.number in existing_numbers and not update_existing:
            problems.append(Problem(row.line, number_title,
                                    T.NUMBER_EXISTS.format(number=row.number)))
            continue
        owner = existing_serials.get(row.serial)
        if owner is not None and owner != row.number:
            problems.append(Problem(row.line, serial_title,
                                    T.SERIAL_EXISTS.format(serial=field_texts.clip(row.serial), number=owner)))
    return problems


# --------------------------------------------------------------------------------
# Writing


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return _fmt_date(value)
    text = str(value)
    if text.lstrip("'").startswith(_FORMULA_START):
        return "'" + text
    return text


def _write(lines: Iterable[list[str]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", quotechar='"', lineterminator="\r\n",
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerow([c.ru_title for c in COLUMNS])
    writer.writerows(lines)
    return codecs.BOM_UTF8 + buf.getvalue().encode("utf-8")


def write_devices(rows: Iterable[DeviceRow]) -> bytes:
    """Export: Russian header, UTF-8 with BOM, ``;``, CRLF, dates dd.mm.yyyy."""
    keys = [c.key for c in COLUMNS]
    return _write([_cell(getattr(row, k)) for k in keys] for row in rows)


_TEMPLATE_LOAN_DAYS = 14


def template_file(today: date | None = None) -> bytes:
    """Header and two example rows, in the ``write_devices`` format."""
    today = today or date.today()
    examples = []
    for example in T.TEMPLATE_ROWS:
        values = dict(example)
        values.setdefault("registered_on", _fmt_date(today))
        if values.get("holder_email"):
            values.setdefault("due_date", _fmt_date(today + timedelta(days=_TEMPLATE_LOAN_DAYS)))
        examples.append([values.get(c.key, "") for c in COLUMNS])
    return _write(examples)


# --------------------------------------------------------------------------------
# Report


def format_problems(problems: Iterable[Problem], limit: int | None = None) -> str:
    """One line per problem, sorted by line (file-level problems first)."""
    ordered = sorted(problems, key=lambda p: (p.line is not None, p.line or 0))
    shown = ordered if limit is None else ordered[:limit]
    out = []
    for p in shown:
        if p.line is not None and p.column:
            out.append(T.REPORT_LINE_COLUMN.format(line=p.line, column=p.column, message=p.message))
        elif p.line is not None:
            out.append(T.REPORT_LINE.format(line=p.line, message=p.message))
        elif p.column:
            out.append(T.REPORT_COLUMN.format(column=p.column, message=p.message))
        else:
            out.append(p.message)
    rest = len(ordered) - len(shown)
    if rest > 0:
        out.append(T.REPORT_MORE.format(count=rest, noun=plural(rest, T.PROBLEM_NOUN)))
    return "\n".join(out)
