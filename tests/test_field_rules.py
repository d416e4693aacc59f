"""One rule set for device and person fields (services/fields.py).

The same values go through /add (the dialog's answer parser, then the service its save
calls), device edit (and the categories screen for a category name) and CSV import, on a
real SQLite file: every path accepts and refuses exactly the same values, stores exactly
the same thing and words a refusal the same way. Then the e-mail rule across registration,
/users, /add and CSV; the deep link; and the 4096-character budget of the screens."""

from __future__ import annotations

import csv
import html
import io
import re
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cashbot.context import Context
from cashbot.db.database import apply_migrations, open_database
from cashbot.db.models import Device, Person, PersonStatus
from cashbot.handlers import add_device
from cashbot.handlers.add_device import Invalid
from cashbot.handlers.registration import approval_request
from cashbot.services import add_device as add_device_service
from cashbot.services import categories, device_admin, fields, people, users
from cashbot.services.card import DeviceCard, Holder
from cashbot.services.catalog import DeviceItem, HistoryLine, Page
from cashbot.services.errors import BadDate, BadValue, EmailDomainNotAllowed, InvalidEmail
from cashbot.services.import_csv import apply_import
from cashbot.services.inventory import DeviceRef
from cashbot.services.people import Viewer
from cashbot.services.reminders import OVERDUE, DueLoan, PersonReminder
from cashbot.texts import add_device as add_texts
from cashbot.texts import device_admin as manage_texts
from cashbot.texts.common import esc
from cashbot.views import device_admin as admin_views
from cashbot.views.card import card_text
from cashbot.views.format import field_problem
from cashbot.views.links import device_link
from cashbot.views.lists import device_list
from cashbot.views.reminders import reminder_message
from tests.seed import device, person

TODAY = date(2026, 12, 3)
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
TZ = ZoneInfo("Europe/Moscow")


class Clock:
    def today(self) -> date:
        return TODAY

    def now(self) -> datetime:
        return NOW


class SyncDb:
    """The handlers' `db.run`, on the test's own thread (the SQLite file is real)."""

    async def run(self, fn, *args, **kwargs):
        return fn(*args, **kwargs)


# What the /add answer parser gets from the middleware; no viewer: it never draws a card here.
ADD_CONTEXT = Context(
    db=SyncDb(), settings=None, clock=Clock(), notifier=None, viewer=None, is_admin=False, is_developer=False
)


# (field, value) — good, boundary and bad values alike; the test knows no verdicts, it only
# demands that the three paths agree (a few verdicts are pinned in unit tests below).
TABLE = [
    ("number", "49"),
    ("number", "1"),
    ("number", "999999999"),
    ("number", "0"),
    ("number", "1000000000"),
    ("number", "9" * 5000),
    ("number", "４９"),
    ("number", "49.0"),
    ("number", "0000000049"),
    ("number", "-1"),
    ("number", "1e5"),
    ("number", "49а"),
    ("number", "٤٩"),
    ("number", "4\x009"),
    ("number", "\u200b"),
    ("number", "49,5"),
    ("name", "ККТ Атол 91Ф"),
    ("name", "  ККТ   Атол  "),
    ("name", "x" * 200),
    ("name", "x" * 201),
    ("name", "a\x00b"),
    ("name", "a\x07b"),
    ("name", "a\x7fb"),
    ("name", "a\x85b"),
    ("name", "\u200b\u200b"),
    ("name", "\u200b\u2060\ufeff"),
    ("name", "ＫＫＴ　Атол"),
    ("name", "Касса\tновая"),
    ("name", "№5 м²"),
    ("name", "\u200bКасса\u200b"),
    ("name", "😀" * 200),
    ("name", "😀" * 201),
    ("serial", "SN-１２３"),
    ("serial", "s" * 64),
    ("serial", "s" * 65),
    ("serial", "A\x1fB"),
    ("serial", "ZW\u200b"),
    ("serial", "\u200b"),
    ("firmware", "5.8.100"),
    ("firmware", "f" * 64),
    ("firmware", "f" * 65),
    ("firmware", "\u200b"),
    ("firmware", "a\x1bb"),
    ("comment", "строка 1\nстрока 2"),
    ("comment", "a\tb"),
    ("comment", "a\r\nb\r\n\r\n\r\nc"),
    ("comment", "c" * 500),
    ("comment", "c" * 501),
    ("comment", "a\x00"),
    ("comment", "\u200b\u2060"),
    ("comment", "a\x0bb"),
    ("location", "офис, 2 этаж"),
    ("location", "l" * 200),
    ("location", "l" * 201),
    ("location", "a\nb"),
    ("location", "a\x00b"),
    ("category", "Новая категория"),
    ("category", "k" * 64),
    ("category", "k" * 65),
    ("category", "\u200b"),
    ("category", "Кат\x00"),
    ("category", "ＫＫＴ"),
    ("registered_on", "01.01.75"),
    ("registered_on", "18.05.2024"),
    ("registered_on", "2024-05-18"),
    ("registered_on", "１８.０５.２０２４"),
    ("registered_on", "18/05/2024"),
    ("registered_on", "31.02.2024"),
    ("registered_on", "01.01.2030"),
    ("registered_on", "03.12.2026"),
    ("registered_on", "04.12.2026"),
    ("registered_on", "вчера"),
    ("registered_on", "сегодня"),
    ("registered_on", "1\x00.01.2020"),
    ("registered_on", "18.05.2024 10:30"),
]
DEFAULTS = {"number": "7", "name": "Касса", "category": "Кассы", "serial": "S-7"}
CSV_COLUMNS = {
    "number": "Номер",
    "name": "Название",
    "category": "Категория",
    "serial": "Серийный номер",
    "firmware": "Прошивка",
    "registered_on": "Дата регистрации",
    "comment": "Комментарий",
    "location": "Местоположение",
}


def stored(device_id: int, field: str):
    row = Device.get_by_id(device_id)
    return row.category.name if field == "category" else getattr(row, field)


async def via_add(field: str, raw: str):
    """The /add dialog: its answer parser (as the handler calls it), then its save."""
    data = {
        "number": 7,
        "serial": "S-7",
        "name": "Касса",
        "category_id": None,
        "category_name": "Кассы",
        "new_category_mode": True,
    }
    try:
        values = await add_device.parse_answer(field, raw.strip(), data, ADD_CONTEXT)
    except Invalid as error:
        return "refused", error.text
    created = add_device_service.create_device(
        **add_device.device_fields({**data, **values}), today=TODAY, now=NOW, actor_id=None
    )
    return "stored", stored(created.device_id, field)


def via_edit(field: str, raw: str):
    """Device edit from the card (a category name: the categories screen's rename)."""
    existing = device(7, "Касса", "Кассы", serial="S-7")
    try:
        if field == "category":
            categories.rename_category(existing.category_id, raw, actor_id=None, now=NOW)
        else:
            device_admin.edit_device(existing.id, field, raw, actor_id=None, now=NOW, today=TODAY)
    except BadValue as error:
        return "refused", error
    return "stored", stored(existing.id, field)


def via_csv(field: str, raw: str):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    columns = [*DEFAULTS, field] if field not in DEFAULTS else list(DEFAULTS)
    writer.writerow([CSV_COLUMNS[c] for c in columns])
    writer.writerow([raw if c == field else DEFAULTS[c] for c in columns])
    result = apply_import(buffer.getvalue().encode(), update_existing=False, today=TODAY, now=NOW, actor_id=None)
    if not result.applied:
        assert len(result.plan.problems) == 1, result.plan.problems
        return "refused", result.plan.problems[0].message
    number = int(raw) if field == "number" and raw.isascii() and raw.isdigit() else None
    row = Device.select().order_by(Device.id.desc()).get() if number is None else Device.get(Device.number == number)
    return "stored", stored(row.id, field)


@contextmanager
def fresh_database(tmp_path: Path, name: str):
    """Each path gets its own real SQLite file: the paths must not see each other's rows."""
    database = open_database(tmp_path / f"{name}.sqlite3")
    apply_migrations(database)
    try:
        yield database
    finally:
        database.close()


@pytest.mark.parametrize("field, raw", TABLE, ids=[f"{f}-{i}" for i, (f, _) in enumerate(TABLE)])
async def test_add_edit_and_csv_accept_refuse_and_store_alike(tmp_path, field, raw):
    with fresh_database(tmp_path, "edit"):
        edited = via_edit(field, raw)
    with fresh_database(tmp_path, "add"):
        added = await via_add(field, raw)
    with fresh_database(tmp_path, "csv"):
        imported = via_csv(field, raw)

    verdicts = {added[0], edited[0], imported[0]}
    assert len(verdicts) == 1, (added, edited, imported)
    if edited[0] == "stored":
        assert added[1] == edited[1] == imported[1]
        return
    error = edited[1]  # one rule, one message: the dialog and the file say the same words
    assert error.field == field
    assert imported[1] == field_problem(error, raw)
    assert added[1] == (add_texts.EMPTY if error.reason == "required" else esc(field_problem(error, raw.strip())))


def test_the_table_pins_the_issue_examples(tmp_path):
    """The verdicts the issue asked for, so the table above cannot agree on nonsense."""

    def edit(field, raw):
        with fresh_database(tmp_path, "pin"):
            outcome = via_edit(field, raw)
        (tmp_path / "pin.sqlite3").unlink()
        return outcome

    assert edit("number", "999999999") == ("stored", 999_999_999)
    for bad in ("0", "1000000000", "9" * 5000, "-1", "٤٩"):
        assert edit("number", bad)[0] == "refused"
    assert edit("number", "４９") == ("stored", 49)
    assert edit("name", "x" * 201)[1].reason == "too_long"
    assert edit("name", "a\x00b")[1].reason == "control"
    assert edit("name", "\u200b\u2060")[1].reason == "required"
    assert edit("comment", "a\tb\r\nc") == ("stored", "a\tb\nc")
    assert edit("location", "a\nb") == ("stored", "a b")
    assert edit("registered_on", "01.01.75") == ("stored", date(1975, 1, 1))


# ------------------------------------------------------------------------------ the module


@pytest.mark.parametrize(
    "raw, number",
    [
        ("1", 1),
        ("49", 49),
        ("999999999", 999_999_999),
        ("４９", 49),
        ("49.0", 49),
        ("49,00", 49),
        (" 007 ", 7),
        (49, 49),
    ],
)
def test_clean_number_accepts(raw, number):
    assert fields.clean_number(raw) == number


@pytest.mark.parametrize(
    "raw",
    [
        "0",
        "000",
        "1000000000",
        "9" * 5000,
        "1" + "0" * 100_000,
        "-5",
        "+5",
        "1e5",
        "49.5",
        "4 9",
        "٤٩",
        "49.",
        ".5",
        True,
        0,
        10**9,
        "\x00",
    ],
)
def test_clean_number_refuses(raw):
    with pytest.raises(BadValue) as error:
        fields.clean_number(raw)
    assert (error.value.field, error.value.reason) == ("number", "number")


def test_clean_text_rules():
    assert fields.clean_text("name", "  ККТ \u00a0 Атол\n91Ф ") == "ККТ Атол 91Ф"
    assert fields.clean_text("name", "ＡＢＣ１２３") == "ABC123"
    assert fields.clean_text("name", "№5 м²") == "№5 м²"  # no NFKC for free text
    assert fields.clean_text("serial", "SN-①") == "SN-1"  # serials are codes: NFKC
    assert fields.clean_text("name", "e\u0301") == "\u00e9"  # NFC
    assert fields.clean_text("name", "\u200b\u200bКасса\ufeff") == "Касса"
    assert fields.clean_text("comment", "a \t b  \r\n\r\n\r\n\r\nc ") == "a \t b\n\nc"
    assert fields.clean_text("firmware", "\u200b\u2060") is None
    assert fields.clean_text("name", "\u0301\u200b") is None  # nothing to see
    assert fields.clean_text("name", "x" * 200) == "x" * 200
    for control in ["\x00", "\x01", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"]:
        with pytest.raises(BadValue) as error:
            fields.clean_text("comment", f"a{control}b")
        assert error.value.reason == "control"
    with pytest.raises(BadValue) as error:
        fields.clean_text("name", "x" * 201)
    assert (error.value.reason, error.value.length) == ("too_long", 201)
    with pytest.raises(BadValue) as error:
        fields.clean_text("name", "\u200b", required=True)
    assert error.value.reason == "required"


@pytest.mark.parametrize("value", ["ККТ  Атол", "a \t b\n\nc", "ＡＢ", "\u200bx", "e\u0301", "SN-①"])
def test_cleaning_is_idempotent(value):
    for field in ("name", "comment", "serial"):
        once = fields.clean_text(field, value)
        assert fields.clean_text(field, once) == once


@pytest.mark.parametrize(
    "text, expected",
    [
        ("01.01.75", date(1975, 1, 1)),
        ("01.01.46", date(2046, 1, 1)),
        ("01.01.47", date(1947, 1, 1)),
        ("25.12.26", date(2026, 12, 25)),
        ("25.12.2026", date(2026, 12, 25)),
        ("2026-12-25", date(2026, 12, 25)),
        ("25/12/2026", date(2026, 12, 25)),
        ("25-12-2026", date(2026, 12, 25)),
        ("２５.１２.２０２６", date(2026, 12, 25)),
        ("25.12", date(2026, 12, 25)),
        ("01.01", date(2027, 1, 1)),
        ("завтра", date(2026, 12, 4)),
        ("Сегодня", TODAY),
        ("2024-05-18 00:00:00", date(2024, 5, 18)),
        ("18.05.2024 10:30", date(2024, 5, 18)),
    ],
)
def test_one_date_parser(text, expected):
    assert fields.parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["31.02.2024", "2024/05/18", "вчера", "1.1.1", "", "25.12.2026x", "\x00"])
def test_date_parser_refuses(text):
    with pytest.raises(BadDate) as error:
        fields.parse_date(text, TODAY)
    assert error.value.reason == "format"


def test_dialogs_and_files_read_a_two_digit_year_alike(database):
    """The issue's "01.01.75": 1975 in the take dialog's parser, in /add and in a CSV file."""
    assert fields.parse_date("01.01.75", TODAY) == date(1975, 1, 1)
    assert via_csv("registered_on", "01.01.75") == ("stored", date(1975, 1, 1))


def test_return_date_is_at_most_a_year_ahead():
    assert fields.check_due_date(date(2027, 12, 3), TODAY) == date(2027, 12, 3)
    with pytest.raises(BadDate) as error:
        fields.check_due_date(date(2027, 12, 4), TODAY)
    assert error.value.reason == "too_far"
    assert fields.last_due_date(date(2028, 2, 29)) == date(2029, 2, 28)


def test_deep_link_takes_exactly_the_numbers_the_rule_takes():
    for number in (0, 1, 9, 10, 49, 99_999_999, 999_999_999, 1_000_000_000, 10**12):
        try:
            fields.clean_number(str(number))
            accepted = True
        except BadValue:
            accepted = False
        assert bool(re.match(fields.DEEP_LINK, f"d{number}")) is accepted, number
        if accepted:
            assert re.match(fields.DEEP_LINK, fields.deep_link_payload(number)), number


def test_device_link_opens_the_card_payload():
    from cashbot.views.links import device_link

    assert device_link("cash_bot", 49) == "https://t.me/cash_bot?start=d49"


async def test_deep_link_opens_the_largest_number_and_nothing_the_rule_refuses(make_env):
    env = make_env()
    device(999_999_999, "Самый большой номер")
    person(101, "Алиса", "alice@example.ru")
    alice = env.user(101, "Алиса")
    assert "№999999999 · Самый большой номер" in (await env.send(alice, "/start d999999999"))[-1].text
    for refused in ("d0", "d1000000000", "d0049"):  # the rule's 0 and 10 digits; no zero padding
        assert "номером" not in (await env.send(alice, f"/start {refused}"))[-1].text, refused


def test_holder_statuses_are_one_set():
    assert fields.HOLDER_STATUSES == {PersonStatus.ACTIVE, PersonStatus.PENDING, PersonStatus.INVITED}
    assert add_device_service.HOLDER_STATUSES is fields.HOLDER_STATUSES


# ------------------------------------------------------------------------------ e-mail

EMAILS = [
    "ivan@почта.рф",
    "Ivan@Почта.РФ",
    "ivan@xn--80a1acny.xn--p1ai",
    "Ivan@Company.RU",
    "ｉｖａｎ@company.ru",
    "a..b@x.ru",
    "иван@почта.рф",
    "ivan@company.ru\x00",
    "ivan @company.ru",
    "ivan@company",
    ".a@b.ru",
    "a@-b.ru",
    "a@b",
    "Иванова <a@b.ru>",
    "x@corp.local",
    "a" * 250 + "@b.ru",
]


def email_via_registration(raw: str):
    try:
        result = people.register(
            900, "Новый", None, raw, None, open_access=True, admin_ids=[], allowed_domains=[], now=NOW
        )
    except InvalidEmail:
        return "refused"
    return result.viewer.email


def email_via_users(raw: str):
    someone = person(901, "Кто-то", "old@example.ru")
    try:
        return users.set_email(someone.id, raw, [], actor_id=None, now=NOW).email
    except InvalidEmail:
        return "refused"


async def email_via_add(raw: str):
    try:
        values = await add_device.parse_holder(raw.strip(), SyncDb())
    except Invalid:
        return "refused"
    created = add_device_service.create_device(
        number=7,
        serial="S-7",
        name="Касса",
        new_category="Кассы",
        holder_email=values["holder_email"],
        today=TODAY,
        now=NOW,
        actor_id=None,
    )
    return Person.get_by_id(created.holder.person_id).email


def email_via_csv(raw: str):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(
        [["Номер", "Название", "Категория", "Серийный номер", "Email держателя"], ["7", "Касса", "Кассы", "S-7", raw]]
    )
    result = apply_import(buffer.getvalue().encode(), update_existing=False, today=TODAY, now=NOW, actor_id=None)
    if not result.applied:
        return "refused"
    return Person.get(Person.status == PersonStatus.INVITED).email


@pytest.mark.parametrize("raw", EMAILS)
async def test_one_email_rule_everywhere(tmp_path, raw):
    results = []
    for path in (email_via_registration, email_via_users, email_via_csv):
        with fresh_database(tmp_path, path.__name__):
            results.append(path(raw))
    with fresh_database(tmp_path, "add"):
        results.append(await email_via_add(raw))
    assert len(set(results)) == 1, results


def test_email_rule_verdicts():
    assert fields.clean_email("Ivan@Почта.РФ") == "ivan@почта.рф"
    assert fields.clean_email("ivan@xn--80a1acny.xn--p1ai") == "ivan@почта.рф"
    for bad in ("a..b@x.ru", "иван@почта.рф", "ivan@company", "a@b.ru\x00"):
        with pytest.raises(InvalidEmail):
            fields.clean_email(bad)
    assert fields.clean_email("ivan@почта.рф", ["xn--80a1acny.xn--p1ai"]) == "ivan@почта.рф"
    assert fields.clean_email("ivan@xn--80a1acny.xn--p1ai", ["почта.рф"]) == "ivan@почта.рф"
    with pytest.raises(EmailDomainNotAllowed):
        fields.clean_email("ivan@mail.ru", ["company.ru"])


@pytest.mark.parametrize(
    "in_file, typed",
    [
        ("Ivan@Почта.РФ", "ivan@почта.рф"),
        ("ivan@почта.рф", "IVAN@xn--80a1acny.xn--p1ai"),
        ("ＩＶＡＮ@company.ru", "ivan@company.ru"),
        ("ivan.petrov+kkt@company.ru", "Ivan.Petrov+KKT@Company.ru"),
    ],
)
def test_a_holder_imported_from_csv_can_register(database, in_file, typed):
    assert email_via_csv(in_file) != "refused"
    result = people.register(
        900, "Иван", None, typed, None, open_access=True, admin_ids=[], allowed_domains=[], now=NOW
    )
    assert result.linked_devices == 1
    assert Person.select().where(Person.status != PersonStatus.DELETED).count() == 1


# ------------------------------------------------------------------------------ 4096 characters

TELEGRAM_LIMIT = 4096
WIDE = "&"  # escaped to five characters in the HTML we send; Telegram counts it as one
TELEGRAM_NAME = WIDE * 129  # first name 64 + space + last name 64
USERNAME = "u" * 32
EMAIL = "a" * 64 + "@" + ".".join(["d" * 63] * 2) + ".ru"


def visible_length(text: str) -> int:
    """What Telegram counts against 4096: characters of the text after entities are parsed."""
    assert "<" not in re.sub(r"</?(b|i|code|a)( [^>]*)?>", "", text), "a value was not escaped"
    return len(html.unescape(re.sub(r"<[^>]+>", "", text)))


def longest(field: str) -> str:
    return WIDE * fields.MAX_LENGTH[field]


def test_longest_email_is_valid_and_fits_the_rule():
    assert fields.clean_email(EMAIL) == EMAIL and len(EMAIL) <= fields.MAX_EMAIL


def test_every_field_at_its_maximum_still_fits_one_message():
    for field in fields.MAX_LENGTH:
        assert fields.clean_text(field, longest(field)) == longest(field)
    holder = Holder(1, TELEGRAM_NAME, USERNAME, EMAIL, NOW, TODAY - timedelta(days=400), longest("location"))
    card = DeviceCard(
        1,
        fields.MAX_NUMBER,
        longest("name"),
        longest("category"),
        longest("serial"),
        longest("firmware"),
        TODAY,
        longest("comment"),
        longest("location"),
        holder,
        99,
        TELEGRAM_NAME,
        False,
        NOW,
        99,
        TELEGRAM_NAME,
        False,
    )
    # the longest note a card carries: an edit's "old → new" of the longest field
    note = manage_texts.FIELD_SAVED.format(
        field="Комментарий", old=esc(add_device_note(longest("comment"))), new=esc(add_device_note(longest("comment")))
    )
    # and the card's own deep link (views/links.py) with the longest bot username Telegram allows
    screens = {"card": card_text(card, TZ, TODAY, note, device_link("b" * 29 + "bot", fields.MAX_NUMBER))}
    items = [
        DeviceItem(i, fields.MAX_NUMBER, longest("name"), longest("category"), TELEGRAM_NAME, TODAY, False)
        for i in range(30)
    ]
    screens["list"] = device_list(longest("category"), Page(items, 10_000, 0, 334), "all", 0, TODAY)[0]
    viewer = Viewer(1, 2, TELEGRAM_NAME, USERNAME, EMAIL, PersonStatus.PENDING, False)
    screens["approval"] = approval_request(viewer, 10_000)[0]
    loans = tuple(
        DueLoan(i, i, fields.MAX_NUMBER, longest("name"), TODAY - timedelta(days=400), OVERDUE, 400) for i in range(50)
    )
    screens["reminder"] = reminder_message(PersonReminder(1, 2, TELEGRAM_NAME, loans), TODAY)[0]
    screens["edit menu"] = admin_views.edit_menu(card)[0]
    edit = HistoryLine(
        NOW,
        "device_edit",
        TELEGRAM_NAME,
        None,
        fields.MAX_NUMBER,
        longest("name"),
        {"field": "comment", "old": longest("comment"), "new": longest("comment")},
    )
    ref = DeviceRef(1, fields.MAX_NUMBER, longest("name"))
    default_page = admin_views.journal(ref, Page([edit] * 8, 10_000, 0, 1250), TZ)[0]
    assert default_page.count("№999999999") == 1 + 8  # the title, and no line of the default page lost
    screens["journal (default page)"] = default_page
    screens["journal (largest page)"] = admin_views.journal(ref, Page([edit] * 30, 10_000, 0, 334), TZ)[0]
    for name, text in screens.items():
        assert visible_length(text) <= TELEGRAM_LIMIT, (name, visible_length(text))


def add_device_note(value: str) -> str:
    """How the edit note shows a value (handlers/device_admin.py shortens it)."""
    from cashbot.handlers.device_admin import NOTE_VALUE
    from cashbot.views.lists import shorten

    return shorten(value, NOTE_VALUE)
