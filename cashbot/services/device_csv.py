"""The device CSV file: its columns, parsing and validating rows, writing the export.

Pure functions over bytes; no database, no Telegram. The import flow calls
``parse_devices`` (and then ``check_against_existing`` with what the database
holds); the export calls ``write_devices``.

Reading the file (encoding, delimiter, header line, records) is services/csv_reader.py.
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

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from cashbot.services import csv_reader, fields
from cashbot.services.csv_reader import norm_header
from cashbot.services.errors import BadValue, InvalidEmail
from cashbot.texts import fields as field_texts
from cashbot.texts import import_csv as T

__all__ = [
    "COLUMNS",
    "Column",
    "DeviceRow",
    "ParsedFile",
    "Problem",
    "check_against_existing",
    "decode_bytes",
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


# Canonical order = export order. Aliases are matched after csv_reader.norm_header().
COLUMNS: tuple[Column, ...] = (
    _column(
        "number",
        "Number",
        True,
        "номер",
        "айди",
        "id",
        "№",
        "номер устройства",
        "инвентарный номер",
        "number",
        "no",
        "num",
        "device number",
        "sticker",
    ),
    _column(
        "name",
        "Name",
        True,
        "название",
        "наименование",
        "модель",
        "устройство",
        "name",
        "title",
        "model",
        "device",
        "device name",
    ),
    _column("category", "Category", True, "категория", "тип", "вид", "category", "type", "kind"),
    _column(
        "serial",
        "Serial",
        True,
        "серийный номер",
        "серийный",
        "серийник",
        "артикул",
        "заводской номер",
        "зав номер",
        "серия",
        "serial",
        "serial number",
        "serial no",
        "sn",
        "s/n",
    ),
    _column(
        "registered_on",
        "Registration date",
        False,
        "дата регистрации",
        "зарегистрировано",
        "зарегистрирован",
        "регистрация",
        "registration date",
        "registered",
        "registered on",
        "registration",
        "date registered",
    ),
    _column(
        "firmware", "Firmware", False, "прошивка", "версия прошивки", "версия по", "firmware", "firmware version", "fw"
    ),
    _column(
        "comment",
        "Comment",
        False,
        "комментарий",
        "комментарии",
        "примечание",
        "примечания",
        "заметка",
        "comment",
        "comments",
        "note",
        "notes",
        "remark",
    ),
    _column(
        "holder_email",
        "Holder email",
        False,
        "email держателя",
        "почта держателя",
        "электронная почта",
        "почта",
        "email",
        "e-mail",
        "эл почта",
        "держатель",
        "holder email",
        "holder e-mail",
        "holder",
        "mail",
    ),
    _column(
        "location",
        "Location",
        False,
        "местоположение",
        "место устройства",
        "место",
        "расположение",
        "где",
        "location",
        "place",
        "where",
    ),
    _column(
        "due_date",
        "Return date",
        False,
        "дата возврата",
        "вернуть до",
        "срок возврата",
        "возврат",
        "return date",
        "due date",
        "due",
        "return by",
        "return",
    ),
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

_ALIAS_TO_KEY: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.ru_title, _c.en_title, _c.key, *_c.aliases):
        _ALIAS_TO_KEY.setdefault(norm_header(_name), _c.key)
_REQUIRED_KEYS = tuple(c.key for c in COLUMNS if c.required)


def _header_score(cells: list[str]) -> tuple[bool, int]:
    """(all required columns present, number of recognised columns)."""
    keys = {_ALIAS_TO_KEY.get(norm_header(c)) for c in cells} - {None}
    return all(k in keys for k in _REQUIRED_KEYS), len(keys)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a device CSV file: returns (text, Python codec name)."""
    return csv_reader.decode(data, _header_score)


# --------------------------------------------------------------------------------
# Cell values

_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+", re.ASCII)
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


def _quote_problems(records):
    """csv_reader's records with a quoting error worded for the report."""
    messages = {csv_reader.QuoteError.UNCLOSED: T.UNCLOSED_QUOTE, csv_reader.QuoteError.BROKEN: T.BAD_QUOTES}
    for start, cells, error in records:
        yield start, cells, messages[error] if error else None


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

    if csv_reader.is_spreadsheet(data):
        return ParsedFile(problems=[Problem(None, None, T.NOT_CSV)], encoding="", delimiter="")

    text, encoding = decode_bytes(data)
    result = ParsedFile(encoding=encoding)
    problems = result.problems
    header, skipped, delimiter = csv_reader.header_line(text)
    result.delimiter = delimiter
    if delimiter in csv_reader.BAD_DELIMITERS:
        problems.append(Problem(1, None, T.SEP_LINE_INVALID.format(sep=delimiter.replace("\x00", "NUL"))))
        return result
    if header is None:
        problems.append(Problem(None, None, T.EMPTY_FILE))
        return result

    records = _quote_problems(csv_reader.records(text, delimiter, skipped))
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
    plan = [
        (i, key, _BY_KEY[key].required, _PARSERS.get(key), _BY_KEY[key].ru_title)
        for i, key in enumerate(keys)
        if key is not None
    ]
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
            problems.append(
                Problem(
                    line,
                    None,
                    T.TOO_MANY_CELLS.format(cells=ncells, columns=width, delimiter=_delimiter_name(delimiter)),
                )
            )
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
            value = csv_reader.unprotect_formula(value)  # undo the export's escape
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
            row_problems.append(Problem(line, t_registered, T.REGISTERED_IN_FUTURE.format(value=_fmt_date(registered))))
        due = parsed["due_date"]
        if due is not None:  # a past date is an overdue loan (fields.clean_due_on)
            if parsed["holder_email"] is None:
                row_problems.append(Problem(line, t_due, T.DUE_WITHOUT_HOLDER.format(holder_column=_HOLDER_TITLE)))

        number, serial = parsed["number"], parsed["serial"]
        if number is not None and number is not _INVALID:
            first = seen_numbers.setdefault(number, line)
            if first != line:
                row_problems.append(Problem(line, t_number, T.DUPLICATE_NUMBER.format(value=number, line=first)))
        if serial is not None and serial is not _INVALID:
            first = seen_serials.setdefault(serial, line)
            if first != line:
                row_problems.append(
                    Problem(line, t_serial, T.DUPLICATE_SERIAL.format(value=field_texts.clip(serial), line=first))
                )

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
            return lambda line: Problem(line, title, T.UNREADABLE_BYTES.format(encoding=_encoding_name(encoding)))
    return None


def _encoding_name(encoding: str) -> str:
    """A codec name as people know it ("utf-8-sig" is UTF-8 with a BOM)."""
    if encoding.startswith(("utf-8", "utf-16", "utf-32")):
        return encoding[:6].rstrip("-").upper()
    return {"cp1251": "Windows-1251", "koi8-r": "KOI8-R", "mac-cyrillic": "Mac Cyrillic", "cp866": "DOS-866"}.get(
        encoding, encoding
    )


def _refusal(exc: Exception, value: str) -> str:
    """The message for a value rule that failed in a way it did not phrase itself."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        return message
    return T.CELL_REFUSED.format(value=field_texts.clip(value))


def _delimiter_name(delimiter: str) -> str:
    return T.DELIMITER_TAB if delimiter == "\t" else delimiter


def _match_header(cells: list[str], line: int, result: ParsedFile) -> list[str | None] | None:
    """Column key per header position (None = ignored), or None after reporting problems."""
    keys: list[str | None] = []
    position: dict[str, int] = {}
    unknown: list[str] = []
    for i, cell in enumerate(cells):
        name = cell.strip()
        key = _ALIAS_TO_KEY.get(norm_header(name)) if name else None
        if key is None:
            if name:
                unknown.append(name)
            keys.append(None)
            continue
        if key in position:
            result.problems.append(
                Problem(
                    line,
                    _BY_KEY[key].ru_title,
                    T.DUPLICATE_COLUMN.format(column=_BY_KEY[key].ru_title, first=position[key] + 1, second=i + 1),
                )
            )
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
            problems.append(Problem(row.line, number_title, T.NUMBER_EXISTS.format(number=row.number)))
            continue
        owner = existing_serials.get(row.serial)
        if owner is not None and owner != row.number:
            problems.append(
                Problem(
                    row.line, serial_title, T.SERIAL_EXISTS.format(serial=field_texts.clip(row.serial), number=owner)
                )
            )
    return problems


# --------------------------------------------------------------------------------
# Writing


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return _fmt_date(value)
    return csv_reader.protect_formula(str(value))


def _write(lines: Iterable[list[str]]) -> bytes:
    return csv_reader.write_rows([c.ru_title for c in COLUMNS], lines)


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
