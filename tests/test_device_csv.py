"""The device CSV format: decoding, parsing, validation, writing."""

import codecs
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from cashbot.services import csv_reader, device_csv
from cashbot.services.device_csv import (
    COLUMNS,
    DeviceRow,
    Problem,
    check_against_existing,
    decode_bytes,
    parse_devices,
    template_file,
    write_devices,
)
from cashbot.texts import fields as FT
from cashbot.texts import import_csv as T
from cashbot.texts.plural import plural
from cashbot.views.import_csv import format_problems

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 11, 1)  # the samples' return dates are in December 2026

HEADER_RU = "Номер;Название;Категория;Серийный номер;Дата регистрации;Прошивка;Комментарий;Email держателя;Местоположение;Дата возврата"
HEADER_EN = "Number;Name;Category;Serial number;Registered on;Firmware;Comment;Holder email;Location;Due date"
HEADERS = {"ru": HEADER_RU, "en": HEADER_EN}


def csv_bytes(*lines: str, encoding: str = "utf-8", eol: str = "\r\n") -> bytes:
    return (eol.join(lines) + eol).encode(encoding)


def parse(*lines: str, today: date = TODAY, **kw) -> device_csv.ParsedFile:
    return parse_devices(csv_bytes(*lines), today=today, **kw)


def one_problem(result) -> Problem:
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


def row(number=1, serial="SN1", **kw) -> DeviceRow:
    values = dict(line=2, number=number, name="ККТ", category="Касса", serial=serial)
    values.update(kw)
    return DeviceRow(**values)


# ---------------------------------------------------------------------------------
# The shared samples

SAMPLE_ROWS = [
    DeviceRow(
        2, 49, "MSPOS-N", "Онлайн-касса", "4894892299", date(2024, 5, 18), "5.8.100", None, None, "офис Екб", None
    ),
    DeviceRow(
        3,
        50,
        "Эвотор 7.3",
        "Онлайн-касса",
        "00106707012345",
        date(2023, 2, 2),
        "4.9.2",
        "после ремонта",
        "ivanova@example.ru",
        "дома",
        date(2026, 12, 10),
    ),
    DeviceRow(4, 51, "АТОЛ 91Ф", "Фискальный регистратор", "00123456789012", None, "10.9.0.10", None, None, None, None),
    DeviceRow(
        5,
        52,
        "PAX S300",
        "Терминал эквайринга",
        "1850123456",
        date(2024, 3, 1),
        None,
        None,
        "petrov@example.ru",
        "клиент «Ромашка»",
        date(2026, 12, 1),
    ),
    DeviceRow(
        6, 53, "Штрих-М Лайт", "Фискальный регистратор", "0011223344", None, None, "корпус треснут", None, None, None
    ),
    DeviceRow(7, 54, "Весы CAS SW-5", "Весы", "SW5-77881", None, None, None, None, None, None),
    DeviceRow(8, 55, "Honeywell 1450g", "Сканер", "19012A3456", None, None, None, None, None, None),
    DeviceRow(9, 56, "Samsung Tab A8", "Планшет", "R9JT1234ABC", None, None, "с чехлом", None, "офис Мск", None),
]


def test_sample_cp1251_semicolon():
    result = parse_devices((DATA / "devices_cp1251_semicolon.csv").read_bytes(), today=TODAY)
    assert result.problems == []
    assert result.warnings == []
    assert result.encoding == "cp1251"
    assert result.delimiter == ";"
    assert result.rows == SAMPLE_ROWS


def test_sample_original_format_utf8_short_rows():
    result = parse_devices((DATA / "devices_original_format_utf8.csv").read_bytes(), today=TODAY)
    assert result.problems == []
    assert result.warnings == []
    assert result.encoding == "utf-8"
    assert result.delimiter == ","
    assert result.rows == SAMPLE_ROWS[:5]


# ---------------------------------------------------------------------------------
# Encodings

SAMPLE_TEXT = (DATA / "devices_cp1251_semicolon.csv").read_bytes().decode("cp1251")


@pytest.mark.parametrize(
    "encoding, bom",
    [
        ("cp1251", b""),
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
        ("koi8-r", b""),
        ("cp866", b""),
    ],
)
def test_same_devices_in_every_encoding_give_identical_rows(encoding, bom):
    text, expected = SAMPLE_TEXT, SAMPLE_ROWS
    if encoding in ("koi8-r", "cp866"):  # no «» in these code pages
        text = text.replace("«Ромашка»", "Ромашка")
        expected = [
            r if r.number != 52 else DeviceRow(**(r.__dict__ | {"location": "клиент Ромашка"})) for r in SAMPLE_ROWS
        ]
    result = parse_devices(bom + text.encode(encoding), today=TODAY)
    assert result.problems == []
    assert result.rows == expected


def test_utf16_with_bom_via_python_codec():
    data = SAMPLE_TEXT.encode("utf-16")  # BOM + native order
    text, encoding = decode_bytes(data)
    assert text == SAMPLE_TEXT
    assert encoding.startswith("utf-16")


SHORT_RU = "Номер;Название;Категория;Серийный номер\r\n1;ККТ;ККТ;001\r\n"
MOSTLY_LATIN = (
    "number;name;category;serial;location\r\n1;MSPOS-N;POS;4894892299;office\r\n2;PAX S300;POS;1850123456;Екб\r\n"
)


@pytest.mark.parametrize(
    "text, data, encoding",
    [
        (SHORT_RU, SHORT_RU.encode("cp1251"), "cp1251"),
        (MOSTLY_LATIN, MOSTLY_LATIN.encode("cp1251"), "cp1251"),
        (SHORT_RU, SHORT_RU.encode("utf-8"), "utf-8"),
        (MOSTLY_LATIN, MOSTLY_LATIN.encode("utf-8"), "utf-8"),
        (SHORT_RU, b"\xef\xbb\xbf" + SHORT_RU.encode("utf-8"), "utf-8-sig"),
        (SHORT_RU, b"\xff\xfe" + SHORT_RU.encode("utf-16-le"), "utf-16-le"),
        (SHORT_RU, SHORT_RU.encode("utf-16-le"), "utf-16-le"),
        (SHORT_RU, SHORT_RU.encode("utf-16-be"), "utf-16-be"),
        (SHORT_RU, SHORT_RU.encode("koi8-r"), "koi8-r"),
    ],
)
def test_decode_short_russian_samples(text, data, encoding):
    assert decode_bytes(data) == (text, encoding)


WESTERN = "Number,Name,Category,Serial number\r\n1,Café POS,Caisse – Café,S1\r\n2,Kassen-Gerät,Gerät,S2\r\n"
GLUED = "number;name;category;serial\r\n1;MSPOS-Nкасса;POS;1\r\n2;ККТ Эвотор;Касса;2\r\n"


def test_an_english_excel_file_in_windows_1252_keeps_its_accents():
    """Excel in a Western locale writes Windows-1252; read as Cyrillic, «Café» would be
    stored as «Cafй» (category names must stay as the team typed them)."""
    assert decode_bytes(WESTERN.encode("cp1252")) == (WESTERN, "cp1252")
    result = parse_devices(WESTERN.encode("cp1252"), today=TODAY)
    assert result.problems == []
    assert [(r.name, r.category) for r in result.rows] == [("Café POS", "Caisse – Café"), ("Kassen-Gerät", "Gerät")]


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
def test_russian_words_outweigh_a_latin_word_with_a_cyrillic_letter_inside(encoding):
    assert decode_bytes(GLUED.encode(encoding)) == (GLUED, encoding)


def test_decode_ascii_only():
    assert decode_bytes(b"number;name\r\n") == ("number;name\r\n", "utf-8")


def test_header_check_overrides_a_wrong_guess(monkeypatch):
    # Pretend charset-normalizer misread a koi8-r file as cp1251: the header decides.
    data = SHORT_RU.encode("koi8-r")
    monkeypatch.setattr(csv_reader, "detect_cyrillic", lambda b: (b.decode("cp1251"), "cp1251"))
    assert decode_bytes(data) == (SHORT_RU, "koi8-r")


def test_undecodable_bytes_fall_back_to_cp1251():
    # 0x98 is undefined in cp1251: the file is still read as cp1251, the byte replaced.
    data = (SHORT_RU + "2;ККТ;Касса;").encode("cp1251") + b"\x98\r\n"
    text, encoding = decode_bytes(data)
    assert encoding == "cp1251"
    assert text == SHORT_RU + "2;ККТ;Касса;\ufffd\r\n"


# ---------------------------------------------------------------------------------
# Delimiters, line ends, quoting


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_delimiter_is_sniffed(sep):
    lines = ["Номер;Название;Категория;Серийный номер;Комментарий", '1;ККТ;Касса;001;"a, b; c"']
    result = parse(*(line.replace(";", sep) for line in lines))
    assert result.problems == []
    assert result.delimiter == sep
    assert result.rows[0].serial == "001"


def test_delimiter_counted_outside_quotes_in_header():
    result = parse('"Номер, №";Название;Категория;Серийный номер', "1;ККТ;Касса;001")
    assert result.delimiter == ";"
    # "Номер, №" is not a known name: the number column is missing.
    assert one_problem(result).column == "Номер"


def test_excel_sep_line_is_honoured():
    result = parse("sep=,", "Номер,Название,Категория,Серийный номер", "1,ККТ;1,Касса,001")
    assert result.problems == []
    assert result.delimiter == ","
    assert result.rows[0].name == "ККТ;1"
    assert result.rows[0].line == 3


@pytest.mark.parametrize("eol", ["\r\n", "\n", "\r"])
def test_line_ends(eol):
    data = csv_bytes("Номер;Название;Категория;Серийный номер", "1;ККТ;Касса;001", "2;ККТ;Касса;002", eol=eol)
    result = parse_devices(data, today=TODAY)
    assert result.problems == []
    assert [(r.line, r.number) for r in result.rows] == [(2, 1), (3, 2)]


@pytest.mark.parametrize("eol", ["\r\n", "\n"])
def test_quoted_fields_with_newlines_keep_file_line_numbers(eol):
    data = csv_bytes(
        "Номер;Название;Категория;Серийный номер;Комментарий",
        '1;ККТ;Касса;001;"первая строка',
        "вторая; с разделителем",
        'третья"',
        "2;ККТ;Касса;",  # line 5: serial missing
        '3;"ККТ ""Ромашка""";Касса;003;',
        eol=eol,
    )
    result = parse_devices(data, today=TODAY)
    assert result.rows[0].line == 2
    assert result.rows[0].comment == "первая строка\nвторая; с разделителем\nтретья"  # CRLF → LF
    assert result.rows[1].line == 6
    assert result.rows[1].name == 'ККТ "Ромашка"'
    problem = one_problem(result)
    assert (problem.line, problem.column, problem.message) == (5, "Серийный номер", T.REQUIRED_EMPTY)


def test_blank_lines_and_empty_rows_are_skipped():
    result = parse(
        "", "Номер;Название;Категория;Серийный номер", "", "1;ККТ;Касса;001", ";;;", "  ;  ;;", "2;ККТ;Касса;002"
    )
    assert result.problems == []
    assert [r.line for r in result.rows] == [4, 7]


def test_unclosed_quote_is_reported_at_its_line():
    result = parse("Номер;Название;Категория;Серийный номер", "1;ККТ;Касса;001", '2;"ККТ;Касса;002', "3;ККТ;Касса;003")
    problem = one_problem(result)
    assert (problem.line, problem.message) == (3, T.UNCLOSED_QUOTE)
    assert [r.number for r in result.rows] == [1]


def test_bad_quotes_are_reported_and_parsing_goes_on():
    result = parse("Номер;Название;Категория;Серийный номер", '1;"ККТ"x;Касса;001', '2;ККТ "Ромашка";Касса;002')
    problem = one_problem(result)
    assert (problem.line, problem.message) == (2, T.BAD_QUOTES)
    assert result.rows[0].name == 'ККТ "Ромашка"'


def test_too_many_cells():
    result = parse("Номер;Название;Категория;Серийный номер", "1;ККТ;Касса;001;лишнее", "2;ККТ;Касса;002;;")
    problem = one_problem(result)
    assert problem.line == 2
    assert "5 значений" in problem.message and "4 столбцов" in problem.message
    assert [r.number for r in result.rows] == [2]


# ---------------------------------------------------------------------------------
# Header


def test_english_header_in_any_order():
    result = parse(
        "Serial Number,due_date,Holder-Email,NAME,number,Category,Registered,firmware,Comment,LOCATION",
        "001,10.12.2026,A@Example.RU,ККТ,7,Касса,01.01.2024,1.0,ok,office",
    )
    assert result.problems == []
    assert result.rows == [
        DeviceRow(
            2, 7, "ККТ", "Касса", "001", date(2024, 1, 1), "1.0", "ok", "a@example.ru", "office", date(2026, 12, 10)
        )
    ]


@pytest.mark.parametrize(
    "names",
    [
        (
            "number",
            "name",
            "category",
            "serial",
            "registration date",
            "firmware",
            "comment",
            "email",
            "location",
            "return date",
        ),
        (
            "Айди",
            "Название",
            "Категория",
            "Артикул",
            "Дата регистрации",
            "Прошивка",
            "Комментарий",
            "Электронная почта",
            "Место устройства",
            "Дата возврата",
        ),
        (
            " НОМЕР ",
            "название",
            "Категория",
            "серийный_номер",
            "дата-регистрации",
            "ПРОШИВКА",
            "комментарий",
            "EMAIL ДЕРЖАТЕЛЯ",
            "место положение",
            "Due Date",
        ),
        (
            "№",
            "Name",
            "Катёгория",
            "S/N",
            "Registered on",
            "FW",
            "Примечание",
            "e-mail",
            "Место",
            "Вернуть до",
        ),  # ё is read as е
    ],
)
def test_header_aliases(names):
    result = parse(";".join(names), "7;ККТ;Касса;001;01.01.2024;1.0;ok;a@b.ru;офис;10.12.2026")
    assert result.problems == [], result.problems
    assert result.warnings == []
    assert result.rows == [
        DeviceRow(2, 7, "ККТ", "Касса", "001", date(2024, 1, 1), "1.0", "ok", "a@b.ru", "офис", date(2026, 12, 10))
    ]


def test_unknown_columns_are_a_warning():
    result = parse("Номер;Цвет;Название;Категория;Серийный номер;Цена;", "1;синий;ККТ;Касса;001;100;")
    assert result.problems == []
    assert result.warnings == []
    assert result.unknown_columns == ["Цвет", "Цена"]
    assert result.rows[0].name == "ККТ"


def test_missing_required_column():
    result = parse("Номер;Название;Серийный номер", "1;ККТ;001")
    problem = one_problem(result)
    assert (problem.line, problem.column) == (1, "Категория")
    assert "«Категория»" in problem.message
    assert result.rows == []


def test_no_known_column_at_all():
    result = parse("1;ККТ;Касса;001", "2;ККТ;Касса;002")
    problem = one_problem(result)
    assert "Номер; Название; Категория; Серийный номер" in problem.message


def test_duplicate_column():
    result = parse("Номер;Название;Категория;Серийный номер;Артикул", "1;ККТ;Касса;001;002")
    problem = one_problem(result)
    assert problem.column == "Серийный номер"
    assert "4 и 5" in problem.message


def test_english_headers_as_the_docs_list_them():
    names = [
        "No.",
        "Device",
        "Type",
        "S/N",
        "Registration date",
        "FW version",
        "Notes",
        "Holder e-mail",
        "Place",
        "Return by",
    ]
    result = parse(";".join(names), "7;POS 1;Cash register;001;01.01.2024;1.0;ok;a@b.ru;office;10.12.2026")
    assert result.problems == [] and result.unknown_columns == []
    assert result.rows == [
        DeviceRow(
            2, 7, "POS 1", "Cash register", "001", date(2024, 1, 1), "1.0", "ok", "a@b.ru", "office", date(2026, 12, 10)
        )
    ]


@pytest.mark.parametrize("number", ["#", "Device #", "Nr", "Asset number", "Inventory No."])
def test_number_column_in_english(number):
    result = parse(f"{number};Name;Category;Serial", "7;POS;Till;001")
    assert result.problems == [], result.problems
    assert result.rows[0].number == 7


def test_a_header_may_mix_languages_each_cell_matched_on_its_own():
    result = parse("Номер;Name;Категория;S/N;Holder email;Дата возврата", "7;POS;Касса;001;a@b.ru;10.12.2026")
    assert result.problems == [] and result.unknown_columns == []
    assert (result.rows[0].holder_email, result.rows[0].due_date) == ("a@b.ru", date(2026, 12, 10))


def test_one_column_named_in_both_languages_is_a_duplicate():
    result = parse("Number;Name;Category;Serial number;Номер", "7;POS;Till;001;8")
    problem = one_problem(result)
    assert problem.column == device_csv.report_title("number")
    assert problem.message == T.DUPLICATE_COLUMN.format(column=device_csv.report_title("number"), first=1, second=5)


def test_english_header_with_unknown_and_missing_columns():
    result = parse("Number;Name;Colour;Serial number;Price", "7;POS;blue;001;100")
    problem = one_problem(result)
    title = device_csv.report_title("category")
    assert (problem.line, problem.column, problem.message) == (1, title, T.MISSING_COLUMN.format(column=title))
    unknown = parse("Number;Name;Colour;Category;Serial number;Price", "7;POS;blue;Till;001;100")
    assert unknown.problems == [] and unknown.unknown_columns == ["Colour", "Price"]


def test_english_words_that_name_no_column_are_no_header():
    result = parse("Colour;Price;Weight", "blue;100;2")
    problem = one_problem(result)
    assert problem.message == T.NO_HEADER.format(columns="; ".join(device_csv.report_title(c.key) for c in COLUMNS))


@pytest.mark.parametrize("category", ["Онлайн-касса", "POS terminal", "pos TERMINAL", "Kassen-Gerät", "ККТ / POS"])
def test_category_is_kept_exactly_as_typed_under_an_english_header(category):
    text = f"Number;Name;Category;Serial number\n1;POS;{category};001\n"
    result = parse_devices(text.encode("utf-8"), today=TODAY)
    assert result.problems == []
    assert result.rows[0].category == category


def test_every_report_title_is_a_header_the_import_accepts():
    """A report naming a column names something the user can type in the header."""
    for column in COLUMNS:
        title = device_csv.report_title(column.key)
        result = parse(";".join(title if c is column else c.en_title for c in COLUMNS if c.required), "1;POS;Till;001")
        assert result.problems == [], (title, result.problems)


def test_the_docs_column_table_is_what_the_import_accepts():
    """docs/admin-adding-devices.md lists the header names; each must land on its column, and
    the first two of each row are the columns' Russian and English headers."""
    doc = (Path(__file__).parent.parent / "docs" / "admin-adding-devices.md").read_text(encoding="utf-8")
    lines = doc.split("| Column | Russian header | English header | Also accepted |\n", 1)[1].splitlines()[1:]
    table = lines[: [line.startswith("|") for line in lines].index(False)]
    assert len(table) == len(COLUMNS)
    for column, line in zip(COLUMNS, table):
        cells = line.split(" | ")
        ru, en = (cell.strip("` ") for cell in cells[1:3])
        assert (ru, en) == (column.ru_title, column.en_title)
        for name in [ru, en, *(n.strip("` ") for n in re.split(r",| / ", cells[3].rstrip(" |")))]:
            header = [name if c is column else c.en_title for c in COLUMNS if c.required or c is column]
            result = parse(";".join(header))  # a header that matches completely leaves only this:
            assert [p.message for p in result.problems] == [T.HEADER_ONLY], (name, result.problems)
            assert result.unknown_columns == [], name


# ---------------------------------------------------------------------------------
# Values

H4 = "Номер;Название;Категория;Серийный номер"


@pytest.mark.parametrize("cell, number", [("49", 49), (" 49 ", 49), ("49.0", 49), ("49,00", 49), ("007", 7)])
def test_number_ok(cell, number):
    result = parse(H4, f"{cell};ККТ;Касса;001")
    assert result.problems == []
    assert result.rows[0].number == number


@pytest.mark.parametrize("cell", ["49a", "0", "-3", "4.5", "49.", "№49", "99999999999999999999"])
def test_number_bad(cell):
    problem = one_problem(parse(H4, f"{cell};ККТ;Касса;001"))
    assert (problem.line, problem.column) == (2, "Номер")


def test_serial_keeps_leading_zeros_and_text():
    result = parse(H4, "1;ККТ;Касса;  000123 ", "2;ККТ;Касса;19012A3456")
    assert [r.serial for r in result.rows] == ["000123", "19012A3456"]


@pytest.mark.parametrize("cell", ["4.89E+09", "4,89E+09", "1E+13", "4.89e9"])
def test_serial_in_scientific_notation(cell):
    problem = one_problem(parse(H4, f"1;ККТ;Касса;{cell}"))
    assert problem.column == "Серийный номер"
    assert "Текстовый" in problem.message


def test_required_values_empty_or_spaces():
    result = parse(H4, "1;   ;Касса;001", "2;ККТ", "   ;ККТ;Касса;003")
    assert [(p.line, p.column) for p in result.problems] == [
        (2, "Название"),
        (3, "Категория"),
        (3, "Серийный номер"),
        (4, "Номер"),
    ]
    assert all(p.message == T.REQUIRED_EMPTY for p in result.problems)


def test_text_is_stripped_and_single_line_text_collapsed():
    # services/fields.py: one-line fields collapse spaces (as /add and edit do); a comment
    # keeps its own spacing.
    result = parse(HEADER_RU, "1;  ККТ  Эвотор ;  Онлайн-касса\u00a0;001;;  ;  комментарий  с  пробелами ;;;")
    r = result.rows[0]
    assert (r.name, r.category, r.firmware, r.comment) == (
        "ККТ Эвотор",
        "Онлайн-касса",
        None,
        "комментарий  с  пробелами",
    )


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("18.05.2024", date(2024, 5, 18)),
        ("8.5.2024", date(2024, 5, 8)),
        ("18.05.24", date(2024, 5, 18)),
        ("2024-05-18", date(2024, 5, 18)),
        ("18.05.2024 0:00:00", date(2024, 5, 18)),
    ],
)
def test_date_formats(cell, expected):
    result = parse("Номер;Название;Категория;Серийный номер;Дата регистрации", f"1;ККТ;Касса;001;{cell}")
    assert result.problems == []
    assert result.rows[0].registered_on == expected


@pytest.mark.parametrize(
    "cell, message",
    [  # the messages of services/fields.py's rules
        ("31.02.2024", "«31.02.2024»: " + FT.REASONS["date"]),
        ("2024-13-01", "«2024-13-01»: " + FT.REASONS["date"]),
        ("2024/05/18", "«2024/05/18»: " + FT.REASONS["date"]),
        ("вчера", "«вчера»: " + FT.REASONS["date"]),
        ("02.11.2026", "«02.11.2026»: " + FT.REASONS["future"]),
    ],
)
def test_registration_date_problems(cell, message):
    problem = one_problem(parse("Номер;Название;Категория;Серийный номер;Дата регистрации", f"1;ККТ;Касса;001;{cell}"))
    assert (problem.line, problem.column, problem.message) == (2, "Дата регистрации", message)


def test_registration_today_is_fine():
    result = parse("Номер;Название;Категория;Серийный номер;Дата регистрации", "1;ККТ;Касса;001;01.11.2026")
    assert result.problems == []


H_DUE = "Номер;Название;Категория;Серийный номер;Email держателя;Дата возврата"


@pytest.mark.parametrize("due", [TODAY, TODAY + timedelta(days=30), date(2027, 11, 1)])
def test_due_date_ok(due):
    result = parse(H_DUE, f"1;ККТ;Касса;001;a@b.ru;{due:%d.%m.%Y}")
    assert result.problems == []
    assert result.rows[0].due_date == due


def test_due_date_in_the_past_is_an_overdue_loan_not_a_problem():
    result = parse(H_DUE, "1;ККТ;Касса;001;a@b.ru;31.10.2026", "2;ККТ;Касса;002;a@b.ru;01.01.2001")
    assert result.problems == []
    assert [r.due_date for r in result.rows] == [date(2026, 10, 31), date(2001, 1, 1)]


def test_due_date_further_ahead_than_the_dialogs_allow():
    assert parse(H_DUE, "1;ККТ;Касса;001;a@b.ru;01.11.2027").problems == []  # a year ahead
    problem = one_problem(parse(H_DUE, "1;ККТ;Касса;001;a@b.ru;02.11.2027"))
    assert problem.message == "«02.11.2027»: " + FT.REASONS["too_far"]


def test_due_date_a_year_after_29_february():
    result = parse(H_DUE, "1;ККТ;Касса;001;a@b.ru;28.02.2029", today=date(2028, 2, 29))
    assert result.problems == []


def test_due_date_without_holder():
    problem = one_problem(parse(H_DUE, "1;ККТ;Касса;001;;10.12.2026"))
    assert problem.column == "Дата возврата"
    assert "«Email держателя»" in problem.message


def test_bad_due_date_without_holder_reports_both():
    result = parse(H_DUE, "1;ККТ;Касса;001;;10.13.2026")
    assert [p.message for p in result.problems] == [
        "«10.13.2026»: " + FT.REASONS["date"],
        T.DUE_WITHOUT_HOLDER.format(holder_column="Email держателя"),
    ]


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("Ivanova@Example.RU", "ivanova@example.ru"),
        (" a.b+tag@mail.example.com ", "a.b+tag@mail.example.com"),
        ("user@почта.рф", "user@почта.рф"),
    ],
)
def test_email_ok(cell, expected):
    result = parse("Номер;Название;Категория;Серийный номер;Email", f"1;ККТ;Касса;001;{cell}")
    assert result.problems == []
    assert result.rows[0].holder_email == expected


@pytest.mark.parametrize(
    "cell",
    [
        "ivanova",
        "a@b",
        "a@@b.ru",
        "a b@c.ru",
        "Иванова <a@b.ru>",
        ".a@b.ru",
        "a..b@c.ru",
        "a@-b.ru",
        "иванова@почта.рф",
    ],
)
def test_email_bad(cell):
    problem = one_problem(parse("Номер;Название;Категория;Серийный номер;Email", f"1;ККТ;Касса;001;{cell}"))
    assert problem.column == "Email держателя"


# ---------------------------------------------------------------------------------
# Duplicates, limits, empty files


def test_duplicates_name_the_earlier_line():
    result = parse(H4, "1;ККТ;Касса;001", "2;ККТ;Касса;002", "1;ККТ;Касса;003", "4;ККТ;Касса;002")
    assert [(p.line, p.column, p.message) for p in result.problems] == [
        (4, "Номер", T.DUPLICATE_NUMBER.format(value=1, line=2)),
        (5, "Серийный номер", T.DUPLICATE_SERIAL.format(value="002", line=3)),
    ]
    assert [r.number for r in result.rows] == [1, 2]


def test_duplicate_number_written_differently():
    problem = one_problem(parse(H4, "49;ККТ;Касса;001", "49.0;ККТ;Касса;002"))
    assert problem.message == T.DUPLICATE_NUMBER.format(value=49, line=2)


def test_too_big():
    data = csv_bytes(H4, "1;ККТ;Касса;001")
    result = parse_devices(data, today=TODAY, max_bytes=len(data) - 1)
    problem = one_problem(result)
    assert problem.line is None
    assert "слишком большой" in problem.message
    assert parse_devices(data, today=TODAY, max_bytes=len(data)).problems == []


def test_default_size_limit_is_2_mb():
    problem = one_problem(parse_devices(b" " * 2_000_001, today=TODAY))
    assert "2 МБ" in problem.message


def test_too_many_rows():
    lines = [H4] + [f"{i};ККТ;Касса;{i:03}" for i in range(1, 12)]
    problem = one_problem(parse(*lines, max_rows=10))
    assert problem.message == T.TOO_MANY_ROWS.format(rows=11, limit=10)
    assert parse(*lines, max_rows=11).problems == []


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n", b"   \n", b"\xff\xfe"])
def test_empty_file(data):
    assert one_problem(parse_devices(data, today=TODAY)).message == T.EMPTY_FILE


@pytest.mark.parametrize("lines", [[H4], [H4, "", ";;;"]])
def test_header_only(lines):
    assert one_problem(parse(*lines)).message == T.HEADER_ONLY


def test_five_different_errors_all_reported_with_their_lines():
    result = parse(
        HEADER_RU,
        "1;ККТ;Касса;001;;;;;;",  # 2 fine
        "2a;ККТ;Касса;002;;;;;;",  # 3 number
        "3;ККТ;Касса;4.89E+09;;;;;;",  # 4 scientific serial
        '4;ККТ;Касса;004;;;"многострочный',  # 5-6 a record over two lines
        'комментарий";;;;',
        "5;ККТ;Касса;005;01.01.2030;;;;;",  # 7 registered in the future
        "6;ККТ;Касса;001;;;;;;",  # 8 serial of line 2
        "7;ККТ;Касса;007;;;;ivanov;;",  # 9 e-mail
        "8;ККТ;Касса;008;;;;;;10.12.2026",  # 10 return date without holder
    )
    assert [(p.line, p.column) for p in result.problems] == [
        (3, "Номер"),
        (4, "Серийный номер"),
        (7, "Дата регистрации"),
        (8, "Серийный номер"),
        (9, "Email держателя"),
        (10, "Дата возврата"),
    ]
    assert [r.line for r in result.rows] == [2, 5]
    report = format_problems(result.problems)
    assert report.splitlines()[0].startswith("Строка 3, «Номер»: «2a»: Номер — целое число")
    assert "Строка 8, «Серийный номер»: Серийный номер 001 уже встречался в строке 2." in report


# ---------------------------------------------------------------------------------
# Against the database


def test_number_already_in_database():
    rows = [row(1, "A"), row(2, "B", line=3)]
    problems = check_against_existing(rows, existing_numbers={1: "A"}, existing_serials={"A": 1}, update_existing=False)
    assert [(p.line, p.column) for p in problems] == [(2, "Номер")]
    assert "уже есть в базе" in problems[0].message


def test_update_existing_keeps_own_serial_and_may_change_it():
    rows = [row(1, "A"), row(2, "C", line=3)]
    problems = check_against_existing(
        rows, existing_numbers={1: "A", 2: "B"}, existing_serials={"A": 1, "B": 2}, update_existing=True
    )
    assert problems == []


def test_serial_of_another_device():
    existing_numbers = {1: "A", 2: "B"}
    existing_serials = {"A": 1, "B": 2}
    new = [row(5, "A", line=4)]
    for update in (False, True):
        problems = check_against_existing(
            new, existing_numbers=existing_numbers, existing_serials=existing_serials, update_existing=update
        )
        assert [(p.line, p.column, p.message) for p in problems] == [
            (4, "Серийный номер", T.SERIAL_EXISTS.format(serial="A", number=1))
        ]
    problems = check_against_existing(
        [row(2, "A")], existing_numbers=existing_numbers, existing_serials=existing_serials, update_existing=True
    )
    assert problems[0].message == T.SERIAL_EXISTS.format(serial="A", number=1)


# ---------------------------------------------------------------------------------
# Writing

ROUND_TRIP_ROWS = [
    DeviceRow(
        2,
        49,
        "MSPOS-N",
        "Онлайн-касса",
        "00106707012345",
        date(2024, 5, 18),
        "5.8.100",
        'после ремонта; "как новый"\nвторая строка',
        "a@b.ru",
        "офис, 2 этаж",
        date(2026, 12, 10),
    ),
    DeviceRow(5, 7, '=HYPERLINK("x")', "-", "+7", None, "@latest", "'уже с апострофом", None, None, None),
    # No stored value starts with a tab (services/fields.py strips it): "-" stands in for it.
    DeviceRow(6, 8, "Весы", "Весы", "007", None, None, "'=1+1", None, "-1 этаж", None),
]


def test_write_devices_format():
    data = write_devices(ROUND_TRIP_ROWS[:1])
    assert data.startswith(b"\xef\xbb\xbf" + HEADER_RU.encode() + b"\r\n")
    assert (
        data.decode("utf-8-sig")
        .splitlines()[1]
        .startswith("49;MSPOS-N;Онлайн-касса;00106707012345;18.05.2024;5.8.100;")
    )
    assert data.endswith(";a@b.ru;офис, 2 этаж;10.12.2026\r\n".encode())
    assert '"после ремонта; ""как новый""\nвторая строка"' in data.decode("utf-8-sig")


def test_write_devices_escapes_formulas_for_excel():
    lines = write_devices(ROUND_TRIP_ROWS[1:2]).decode("utf-8-sig").splitlines()
    assert lines[1] == '7;"\'=HYPERLINK(""x"")";\'-;\'+7;;\'@latest;\'уже с апострофом;;;'


def test_write_devices_round_trip():
    result = parse_devices(write_devices(ROUND_TRIP_ROWS), today=TODAY)
    assert result.problems == []
    assert result.encoding == "utf-8-sig"
    assert result.delimiter == ";"
    # line numbers are the lines of the written file (the first row spans two lines)
    assert [r.line for r in result.rows] == [2, 4, 5]
    assert "''=1+1" in write_devices(ROUND_TRIP_ROWS).decode("utf-8-sig")
    strip_line = [r.__dict__ | {"line": 0} for r in result.rows]
    assert strip_line == [r.__dict__ | {"line": 0} for r in ROUND_TRIP_ROWS]


def test_round_trip_of_the_sample():
    result = parse_devices(write_devices(SAMPLE_ROWS), today=TODAY)
    assert result.problems == []
    assert result.rows == SAMPLE_ROWS


def test_write_nothing_is_header_only():
    assert write_devices([]) == b"\xef\xbb\xbf" + HEADER_RU.encode() + b"\r\n"


@pytest.mark.parametrize("today", [date(2026, 11, 1), date(2028, 2, 29), None])
def test_template_parses_cleanly(today):
    data = template_file(today) if today else template_file()
    result = parse_devices(data, today=today or date.today())
    assert result.problems == []
    assert result.warnings == []
    assert len(result.rows) == 2
    assert data.startswith(b"\xef\xbb\xbf" + HEADER_RU.encode() + b"\r\n")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_export_in_each_language_imports_back_unchanged(language):
    data = write_devices(ROUND_TRIP_ROWS, language)
    assert data.startswith(b"\xef\xbb\xbf" + HEADERS[language].encode() + b"\r\n")
    result = parse_devices(data, today=TODAY)
    assert result.problems == [] and result.unknown_columns == []
    assert [r.__dict__ | {"line": 0} for r in result.rows] == [r.__dict__ | {"line": 0} for r in ROUND_TRIP_ROWS]
    # Only the header differs between the languages; the rows (dates included) are the same.
    other = write_devices(ROUND_TRIP_ROWS, "ru" if language == "en" else "en")
    assert data.split(b"\r\n", 1)[1] == other.split(b"\r\n", 1)[1]


def test_export_default_is_russian():
    assert write_devices(SAMPLE_ROWS) == write_devices(SAMPLE_ROWS, "ru")
    assert template_file(TODAY) == template_file(TODAY, language="ru")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_template_in_each_language_parses_cleanly(language):
    data = template_file(TODAY, language=language)
    assert data.startswith(b"\xef\xbb\xbf" + HEADERS[language].encode() + b"\r\n")
    result = parse_devices(data, today=TODAY)
    assert result.problems == [] and result.warnings == [] and result.unknown_columns == []
    assert [r.category for r in result.rows] == [r["category"] for r in T.TEMPLATE_ROWS]


@pytest.mark.parametrize("language", ["de", "", "EN"])
def test_a_language_without_a_header_is_refused(language):
    with pytest.raises(ValueError, match="no CSV header"):
        write_devices([], language)
    with pytest.raises(ValueError, match="no CSV header"):
        template_file(TODAY, language=language)


def test_columns_canonical_order():
    assert ";".join(c.ru_title for c in COLUMNS) == HEADER_RU
    assert ";".join(c.en_title for c in COLUMNS) == HEADER_EN
    assert [c.key for c in COLUMNS if c.required] == ["number", "name", "category", "serial"]


# ---------------------------------------------------------------------------------
# The report


def test_format_problems_sorted_and_limited():
    problems = [
        Problem(7, "Дата возврата", "Дата прошла."),
        Problem(3, None, "Кавычки."),
        Problem(None, None, "Файл большой."),
        Problem(1, "Категория", "Нет столбца."),
        Problem(None, "Номер", "Номер."),
    ]
    assert format_problems(problems) == "\n".join(
        [
            "Файл большой.",
            "«Номер»: Номер.",
            "Строка 1, «Категория»: Нет столбца.",
            "Строка 3: Кавычки.",
            "Строка 7, «Дата возврата»: Дата прошла.",
        ]
    )
    assert format_problems(problems, limit=3).splitlines()[-1] == "…и ещё 2 ошибки."
    assert format_problems(problems, limit=0) == "…и ещё 5 ошибок."
    assert format_problems(problems * 5, limit=4).splitlines()[-1] == "…и ещё 21 ошибка."
    assert format_problems([]) == ""


@pytest.mark.parametrize(
    "n, form",
    [
        (1, "ошибка"),
        (2, "ошибки"),
        (4, "ошибки"),
        (5, "ошибок"),
        (11, "ошибок"),
        (12, "ошибок"),
        (21, "ошибка"),
        (22, "ошибки"),
        (111, "ошибок"),
    ],
)
def test_plural(n, form):
    assert plural(n, T.PROBLEM_NOUN) == form  # the one plural rule, texts/plural.py


def test_big_file_parses(tmp_path):
    rows = [
        DeviceRow(
            i + 2,
            i + 1,
            f"ККТ {i}",
            "Касса",
            f"{i:014d}",
            date(2024, 5, 18),
            "1.0",
            None,
            f"u{i}@example.ru" if i % 2 else None,
            "офис",
            date(2026, 12, 10) if i % 2 else None,
        )
        for i in range(10_000)
    ]
    data = write_devices(rows).decode("utf-8-sig").encode("cp1251")
    result = parse_devices(data, today=TODAY)
    assert result.problems == []
    assert result.encoding == "cp1251"
    assert result.rows == rows


@pytest.mark.parametrize("magic", [b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"])
def test_spreadsheet_instead_of_csv(magic):
    assert one_problem(parse_devices(magic + b"\x00" * 100, today=TODAY)).message == T.NOT_CSV


def test_unclosed_quote_in_a_big_file_stops_at_the_field_limit():
    lines = [H4, "1;ККТ;Касса;001", '2;"ККТ;Касса;002'] + [f"{i};ККТ;Касса;{i:05}" for i in range(3, 12_000)]
    result = parse(*lines)
    problem = one_problem(result)
    assert (problem.line, problem.message) == (3, T.UNCLOSED_QUOTE)


def test_non_ascii_digits_are_not_a_number():
    problem = one_problem(parse(H4, "٤٩;ККТ;Касса;001"))
    assert problem.column == "Номер"


def test_long_values_are_cut_in_messages():
    problem = one_problem(parse(H4, f"{'9' * 30}x{'9' * 30};ККТ;Касса;001"))
    assert "…" in problem.message
    assert len(problem.message) < len(FT.REASONS["number"]) + 45


# ---------------------------------------------------------------------------------
# The reading layer never crashes: every broken file is refused line by line


def test_inch_sign_in_the_header_is_a_plain_character():
    result = parse(H4 + ';Экран 10"', "1;ККТ;Касса;001;да", "2;ККТ;Касса;002;нет")
    assert result.problems == [] and [r.number for r in result.rows] == [1, 2]
    assert result.unknown_columns == ['Экран 10"']


def test_header_opening_a_quote_it_never_closes():
    problem = one_problem(parse('"' + H4, "1;ККТ;Касса;001"))
    assert (problem.line, problem.message) == (1, T.HEADER_QUOTES.format(problem=T.UNCLOSED_QUOTE))


@pytest.mark.parametrize("sep", ['"', "\x00"])
def test_sep_line_naming_a_quote_or_nul(sep):
    problem = one_problem(parse(f"sep={sep}", H4, "1;ККТ;Касса;001"))
    assert problem.line == 1 and "sep=;" in problem.message


def test_a_5000_digit_number_is_refused_at_its_line():
    result = parse(H4, "1;ККТ;Касса;001", "9" * 5000 + ";ККТ;Касса;002")
    problem = one_problem(result)
    assert (problem.line, problem.column) == (3, "Номер")
    assert problem.message.endswith(FT.REASONS["number"])  # the field rule, as in the dialogs


def test_a_1000_digit_number_is_too_big():
    problem = one_problem(parse(H4, "9" * 1000 + ";ККТ;Касса;002"))
    assert problem.message == "«" + "9" * 39 + "…»: " + FT.REASONS["number"]


def test_a_cell_over_the_csv_module_limit_is_refused_at_its_line_and_reading_goes_on():
    result = parse(H4, "1;" + "К" * 200_000 + ";Касса;001", "2;ККТ;Касса;002")
    problem = one_problem(result)
    assert (problem.line, problem.column) == (2, "Название") and "200000" in problem.message
    assert [r.number for r in result.rows] == [2]


def test_invalid_bytes_are_refused_not_imported_as_replacement_characters():
    data = codecs.BOM_UTF8 + csv_bytes(H4, "1;ККТ;Касса;001") + b"2;\xff\xfe;\xd0;002\r\n"
    problem = one_problem(parse_devices(data, today=TODAY))
    assert (problem.line, problem.column) == (3, "Название")
    assert problem.message == T.UNREADABLE_BYTES.format(encoding="UTF-8")


def test_nul_in_a_cell_is_refused():
    problem = one_problem(parse(H4, "1;К\x00К;Касса;001"))
    assert (problem.line, problem.message) == (2, FT.REASONS["control"].format(field="Название"))


class _Refused(Exception):
    message = "Так нельзя."


@pytest.mark.parametrize(
    "error, expected",
    [
        (ValueError("Exceeds the limit (4300 digits)"), T.CELL_REFUSED.format(value="SN-1")),
        (OverflowError("date value out of range"), T.CELL_REFUSED.format(value="SN-1")),
        (RuntimeError("a bug in a value rule"), T.CELL_REFUSED.format(value="SN-1")),
        (_Refused(), "Так нельзя."),
    ],
)
def test_whatever_a_value_rule_raises_refuses_that_line_only(monkeypatch, error, expected):
    def broken(value, today):
        if value == "SN-1":
            raise error
        return value

    monkeypatch.setitem(device_csv._PARSERS, "serial", broken)
    result = parse(H4, "1;ККТ;Касса;SN-1", "2;ККТ;Касса;SN-2")
    problem = one_problem(result)
    assert (problem.line, problem.column, problem.message) == (2, "Серийный номер", expected)
    assert [r.number for r in result.rows] == [2]
