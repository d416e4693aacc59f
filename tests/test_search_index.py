"""The device search index (migration 002) on a real SQLite file.

Two promises: the index holds exactly {number: search_text} of the live devices whatever
writes the devices (every service that does, the import, the developer tools, migrations,
backups, the benchmark seeder, raw SQL), and a search through it gives what `instr` gives:
the same devices, order, totals and pages.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import zipfile
from datetime import date
from io import BytesIO

import pytest
from peewee_migrate import Router

from cashbot.db.database import MIGRATIONS_DIR, apply_migrations, open_database
from cashbot.db.models import Category, Device, database_proxy
from cashbot.services import (
    add_device,
    catalog,
    categories,
    dev,
    device_admin,
    import_csv,
    loans,
)
from cashbot.services.common import fold
from cashbot.services.device_csv import DeviceRow, write_devices
from tests.seed import category, device, person

TODAY = date(2026, 11, 27)
PAGE_SIZE = 3  # small pages: many of them, with a short last one


def indexed() -> dict[int, str]:
    return dict(database_proxy.execute_sql("SELECT rowid, search_text FROM devices_fts").fetchall())


def live() -> dict[int, str]:
    return dict(
        database_proxy.execute_sql("SELECT number, search_text FROM devices WHERE deleted_at IS NULL").fetchall()
    )


def assert_index_exact() -> None:
    assert indexed() == live()
    # FTS5's own check that the postings agree with the stored text (raises if not).
    database_proxy.execute_sql("INSERT INTO devices_fts (devices_fts) VALUES ('integrity-check')")


def numbers(text: str) -> list[int]:
    page = catalog.search_devices(text, 0, 1000)
    return [item.number for item in page.items]


def is_text_search(text: str) -> bool:
    """Not empty once folded and not a sticker number (those never reach instr)."""
    return bool(fold(text)) and not (text.strip().isascii() and text.strip().isdigit())


def assert_same_as_instr(text: str) -> None:
    """Every page (and the clamped ones either side) through search_devices, and through the
    index itself when the needle is long enough for it, against the instr path: identical."""
    assert is_text_search(text)
    needle = fold(text)
    indexed_needle = len(needle) >= catalog.INDEXED_NEEDLE and "\x00" not in needle
    reference = catalog._items("text", needle, 0, PAGE_SIZE)
    for page in range(-1, reference.pages + 1):
        expected = catalog._items("text", needle, page, PAGE_SIZE)
        assert catalog.search_devices(text, page, PAGE_SIZE) == expected, (text, page)
        if indexed_needle:
            assert catalog._items("index", catalog.fts_phrase(needle), page, PAGE_SIZE) == expected, (text, page)


# Names with what people type and what trips a query language: quotes, FTS5 operators and
# column filters, punctuation, Cyrillic with ё, Latin, letters whose case folding is special.
NAMES = [
    "ККТ Атол 30Ф",
    "ККТ Атол Sigma 10",
    "Эвотор 7.2",
    "Эвотор 5i",
    "ФР Штрих-М 02Ф",
    'Касса "Атол" 30Ф',
    "PAX S920 (new)",
    "Сканер*Honeywell 1450g",
    "ККТ-Штрих OR Лайт",
    "Ёлочный терминал",
    "Straße Drucker",
    "ΣΊΣΥΦΟΣ ς",
    "İzmir kiosk",
    "NEAR(a b) test",
    "search_text: поле",
    "^caret -minus +plus",
    "Планшет Lenovo M10",
    "Весы Масса-К ВПМ",
    "Ingenico Move/5000",
    "Verifone; X990",
    "a''b \"\" c",
    "ооооо",
    "аааа",
    "Принтер Xprinter XP-Q80",
]
FIXED_NEEDLES = [
    "атол",
    "АТОЛ",
    "Атол 30",
    "ккт",
    "ккт атол",
    "эвотор",
    "штрих-м",
    "pax",
    "PAX S9",
    "(new)",
    "honeywell",
    "*hon",
    "сканер*",
    '"атол"',
    '"',
    '""',
    'a"b',
    "a''b",
    '"" c',
    "or",
    " OR ",
    "or лайт",
    "near(a",
    "(a b)",
    "search_text:",
    "text: п",
    "^caret",
    "-minus",
    "+plus",
    "ёлоч",
    "елоч",
    "ЁЛОЧ",
    "strasse",
    "STRASSE",
    "straße",
    "σίσυφοσ",
    "ΣΊΣ",
    "σ σ",
    "i̇zmir",
    "ооо",
    "оооо",
    "ооооо",
    "оооооо",
    "ааа",
    "аааа",
    "ааааа",
    "sn0000",
    "0001 о",
    "sn-",
    "касса",
    "терминал эквайринга",
    "эквайринга",
    "онлайн-касса",
    "онлайн",
    "; x9",
    "/50",
    "q80",
    "a",
    "ф",
    "ат",
    "xp",
    "¯\\_(ツ)_/¯",
    "'; drop table devices; --",
    "%",
    "_",
    "%%%",
    "старая",
    "удалённая",
    "весы-старые",
    "категория-старая",
]


@pytest.fixture
def register(database, now):
    """Live, deleted, edited, re-numbered and re-categorised devices, a renamed category whose
    deleted devices share numbers with live ones, an import and an update-existing import."""
    admin = person(1, "Админ", "admin@example.ru", is_admin=True)
    holder = person(2, "Алиса", "alice@example.ru")
    for number, name in enumerate(NAMES, 1):
        device(number, name, ["Онлайн-касса", "Терминал эквайринга", "Сканер", "Ёмкость ß"][number % 4])
    old_category = category("Категория-старая")
    doomed = [device(100 + i, f"Касса старая {i}", old_category.name) for i in range(4)]
    for d in doomed[:3]:
        device_admin.delete_device(d.id, actor_id=admin.id, now=now)
    for i in range(2):  # new devices take the deleted ones' numbers
        add_device.create_device(
            number=100 + i,
            serial=f"NEW-{i}",
            name=f"Весы новые {i}",
            new_category="Весы",
            today=TODAY,
            now=now,
            actor_id=admin.id,
        )
    categories.rename_category(old_category.id, "Категория новая", actor_id=admin.id, now=now)
    edited = Device.get(Device.number == 5)
    device_admin.edit_device(edited.id, "name", "Эвотор удалённая модель", actor_id=admin.id, now=now, today=TODAY)
    device_admin.edit_device(edited.id, "name", "Эвотор 5i Pro", actor_id=admin.id, now=now, today=TODAY)
    device_admin.edit_device(edited.id, "serial", "ZZ-SERIAL-5", actor_id=admin.id, now=now, today=TODAY)
    device_admin.edit_device(edited.id, "number", "500", actor_id=admin.id, now=now, today=TODAY)
    device_admin.edit_device(
        Device.get(Device.number == 6).id, "category", category("Весы").id, actor_id=admin.id, now=now, today=TODAY
    )
    device_admin.edit_device(
        Device.get(Device.number == 7).id, "comment", "не в поиске", actor_id=admin.id, now=now, today=TODAY
    )
    loans.take(
        Device.get(Device.number == 8).id, holder.id, due_on=None, location="Весы-старые склад", today=TODAY, now=now
    )  # a take with a place writes the device, not its text
    rows = [DeviceRow(0, 200 + i, f"Импорт Атол {i}", "Онлайн-касса", f"IMP-{i:04d}") for i in range(12)]
    assert (
        import_csv.apply_import(
            write_devices(rows), update_existing=False, today=TODAY, now=now, actor_id=admin.id
        ).added
        == 12
    )
    changed = [
        DeviceRow(
            0, 200 + i, f"Импорт Эвотор {i}", "Сканер" if i % 2 else "Онлайн-касса", f"IMP-{i:04d}", comment="обновлено"
        )
        for i in range(6)
    ]
    assert (
        import_csv.apply_import(
            write_devices(changed), update_existing=True, today=TODAY, now=now, actor_id=admin.id
        ).updated
        == 6
    )
    Category.create(name="Пустая", search_text="пустая", created_at=now)
    return admin


def test_the_register_is_indexed_exactly(register):
    assert_index_exact()
    assert len(indexed()) == len(NAMES) + 1 + 2 + 12  # one of the old category's four survives


@pytest.mark.parametrize("text", FIXED_NEEDLES)
def test_search_through_the_index_is_identical_to_instr(register, text):
    assert_same_as_instr(text)


def test_search_is_identical_to_instr_for_every_fragment_of_every_device(register):
    """Substrings of every stored text, deleted devices' included (which must find only
    live devices that share them), plus random strings over the same alphabet."""
    texts = [t for (t,) in database_proxy.execute_sql("SELECT search_text FROM devices").fetchall()]
    rng = random.Random(5)
    needles = set()
    for text in texts:
        for _ in range(6):
            start = rng.randrange(len(text))
            needles.add(text[start : start + rng.randint(3, 9)])
    alphabet = "".join(sorted(set("".join(texts))))
    needles |= {"".join(rng.choice(alphabet) for _ in range(rng.randint(3, 5))) for _ in range(150)}
    for needle in sorted(n for n in needles if is_text_search(n)):
        assert_same_as_instr(needle)


def test_what_the_writers_changed_is_what_search_finds(register):
    assert numbers("касса старая") == [103]  # the live one of the renamed category's four
    assert numbers("категория новая") == [103]
    assert numbers("категория-старая") == []  # the deleted devices were renamed too, but stay out
    assert numbers("весы новые") == [100, 101]
    assert numbers("удалённая модель") == [] and numbers("5i pro") == [500]
    assert numbers("zz-serial-5") == [500] and numbers("не в поиске") == []
    assert numbers("весы-старые") == []  # a holder's place is not searched
    assert numbers("импорт эвотор") == [200, 201, 202, 203, 204, 205]
    assert numbers("импорт атол") == [206, 207, 208, 209, 210, 211]
    assert numbers("масса-к") == [18] and 6 in numbers("весы")


def test_a_needle_is_never_query_syntax(register):
    for text in [
        '"',
        '" OR "',
        "атол*",
        "-атол",
        "NOT атол",
        "атол AND эвотор",
        "(атол",
        "атол)",
        "NEAR(атол эвотор)",
        "search_text:атол",
        "{search_text}:атол",
        "^атол",
        "атол + эвотор",
        "атол\x00эвотор",
        "\x00\x00\x00",
    ]:
        assert_same_as_instr(text)
    assert numbers('касса "атол"') == [6]
    assert numbers("сканер*honeywell") == [8]
    assert numbers("ккт-штрих or") == [9]


def test_which_needles_use_the_index(register, monkeypatch):
    kinds = []
    real = catalog._items
    monkeypatch.setattr(catalog, "_items", lambda kind, *args: kinds.append(kind) or real(kind, *args))
    for text in ["атол", "  АТОЛ  ", "ккт", "ат", "a", "42", "0042", "а\x00б", "ё ё"]:
        catalog.search_devices(text, 0, PAGE_SIZE)
    # No sticker 42 here: "42" is too short to look inside serials, "0042" is not.
    assert kinds == ["index", "index", "index", "text", "text", "number", "number", "serial", "text", "index"]


def test_a_deleted_device_never_touches_a_live_one_with_its_number(register, now):
    gone = device(300, "Касса временная")
    Device.update(deleted_at=now).where(Device.id == gone.id).execute()
    device(300, "Весы постоянные")
    database_proxy.execute_sql("UPDATE devices SET search_text = 'переписано' WHERE id = ?", (gone.id,))
    database_proxy.execute_sql("DELETE FROM devices WHERE id = ?", (gone.id,))  # no service hard-deletes
    assert_index_exact()
    assert numbers("весы постоянные") == [300] and numbers("временная") == []


def test_a_restored_device_is_found_again(register, now):
    gone = Device.get((Device.number == 102) & Device.deleted_at.is_null(False))
    assert numbers("касса старая 2") == []
    Device.update(deleted_at=None).where(Device.id == gone.id).execute()
    assert numbers("касса старая 2") == [102]
    assert_index_exact()


def test_delete_free_devices_takes_them_out_of_the_index(register, now):
    assert dev.delete_free_devices(now, actor_id=register.id, telegram_id=900) > 0
    assert set(live()) == {8}  # the one held device
    assert_index_exact()
    assert numbers("сканер") == [8]


def test_rename_category_refreshes_every_live_device(database, now):
    admin = person(1, "Админ", "admin@example.ru", is_admin=True)
    kassa = category("Онлайн-касса")
    for n in range(1, 31):
        device(n, f"Модель {n}", kassa.name)
    categories.rename_category(kassa.id, "ККТ", actor_id=admin.id, now=now)
    assert len(numbers("ккт")) == 30 and numbers("онлайн") == []
    assert_index_exact()


def test_reset_leaves_an_empty_index_that_keeps_working(database, register, now, tmp_path):
    dev.reset_database(database, tmp_path / "backups", now, categories=["Весы"], admin_ids=[1], actor_telegram_id=900)
    assert indexed() == {} and numbers("атол") == []
    shadow = {
        name
        for (name,) in database_proxy.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'devices_fts%'"
        ).fetchall()
    }
    assert shadow == {
        "devices_fts",
        "devices_fts_data",
        "devices_fts_idx",
        "devices_fts_content",
        "devices_fts_docsize",
        "devices_fts_config",
    }
    device(1, "Весы Атол")
    assert numbers("атол") == [1]
    assert_index_exact()


def test_a_restored_backup_searches_like_the_original(database, register, now, tmp_path):
    before = {text: catalog.search_devices(text, 0, 1000) for text in FIXED_NEEDLES}
    backup = dev.backup_into_dir(tmp_path / "cashbot.sqlite3", tmp_path / "backups", now, "manual")
    database.close()
    restored = tmp_path / "restored" / "cashbot.sqlite3"
    restored.parent.mkdir()
    shutil.copy(backup, restored)
    copy = open_database(restored)
    try:
        assert apply_migrations(copy) == []
        assert {text: catalog.search_devices(text, 0, 1000) for text in FIXED_NEEDLES} == before
        assert_index_exact()
        device_admin.edit_device(
            Device.get(Device.number == 1).id,
            "name",
            "После восстановления",
            actor_id=register.id,
            now=now,
            today=TODAY,
        )
        assert numbers("после восстановления") == [1]
        assert_index_exact()
    finally:
        copy.close()


def test_the_full_dump_leaves_the_index_out(database, register, now):
    data, counts = dev.full_dump_zip(database, now)
    names = zipfile.ZipFile(BytesIO(data)).namelist()
    assert "devices.json" in names and not any(name.startswith("devices_fts") for name in names)
    assert counts["devices"] == Device.select().count()


def test_the_benchmark_seeder_fills_the_index(database):
    from benchmarks import seed as seeding

    seeding.seed(devices=300, people=20, loans=30, events=10, queue=5, staff=3, free_per_staff=2)
    assert len(indexed()) == 300
    assert_index_exact()


def _migrations(tmp_path, *names):
    folder = tmp_path / "migrations"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(MIGRATIONS_DIR / name, folder / name)
    return folder


def test_the_migration_indexes_the_live_devices_of_a_populated_database(tmp_path, now):
    database = open_database(tmp_path / "old.sqlite3")
    try:
        folder = _migrations(tmp_path, "001_initial.py")
        apply_migrations(database, folder)
        for n in range(1, 6):
            device(n, f"Касса {n}")
        Device.update(deleted_at=now).where(Device.number.in_([2, 4])).execute()
        device(2, "Касса заново")  # a live device with a deleted one's number
        _migrations(tmp_path, "002_device_search_index.py")
        assert apply_migrations(database, folder) == ["002_device_search_index"]
        assert set(indexed()) == {1, 2, 3, 5} and indexed()[2] == "касса заново sn00000002 онлайн-касса"
        assert_index_exact()

        Router(database, migrate_dir=str(folder)).rollback()  # the down migration
        left = database.execute_sql("SELECT type, name FROM sqlite_master WHERE name LIKE '%fts%'").fetchall()
        assert left == []
        device(6, "Касса без индекса")  # no trigger left behind to fail on a missing table
        assert apply_migrations(database, folder) == ["002_device_search_index"]
        assert set(indexed()) == {1, 2, 3, 5, 6}
        assert_index_exact()
    finally:
        database.close()


def test_plain_sqlite3_can_search_the_file(database, register):
    """No custom tokenizer or function: the sqlite3 shell or a script can use the index."""
    with sqlite3.connect(database.database) as conn:
        hits = conn.execute(
            "SELECT rowid FROM devices_fts WHERE devices_fts MATCH ? ORDER BY rowid", (catalog.fts_phrase("атол"),)
        ).fetchall()
    assert [n for (n,) in hits] == numbers("атол")
