"""Developer operations at the service level, on a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import date, timedelta
from io import BytesIO

import pytest
from peewee import JOIN

from cashbot.db.database import migration_status
from cashbot.db.models import Category, Device, Event, Loan, Person, QueueEntry, ScheduledRun
from cashbot.services import dev, loans
from cashbot.services.device_csv import parse_devices
from tests.seed import device, person

TODAY = date(2026, 11, 27)


def _fleet(now):
    """Three devices: №1 held by Alice until 10.12 with a place, №2 free with a queue, №3 free."""
    alice = person(101, "Алиса", "alice@example.ru")
    bob = person(102, "Борис", "bob@example.ru")
    one = device(
        1, "MSPOS-N", "Онлайн-касса", serial="SN-1", firmware="5.1", comment="=SUM(A1)", registered_on=date(2025, 1, 15)
    )
    two = device(2, "Verifone; X990", "Терминал эквайринга", serial="SN-2", location="Склад")
    three = device(3, 'Сканер "Honeywell"', "Сканер", serial="SN-3")
    loans.take(one.id, alice.id, due_on=date(2026, 12, 10), location="Офис клиента", today=TODAY, now=now)
    QueueEntry.create(device=two, person=bob, joined_at=now)
    return alice, bob, one, two, three


def test_export_is_the_import_format_with_holders_and_due_dates(database, now):
    _fleet(now)
    data, count = dev.export_devices_csv()
    assert count == 3 and data.startswith(b"\xef\xbb\xbf")
    parsed = parse_devices(data, today=TODAY)
    assert parsed.ok, parsed.problems
    by_number = {row.number: row for row in parsed.rows}
    assert by_number[1].holder_email == "alice@example.ru"
    assert by_number[1].due_date == date(2026, 12, 10)
    assert by_number[1].location == "Офис клиента"
    assert by_number[1].comment == "=SUM(A1)"  # escaped against formulas, read back unchanged
    assert by_number[1].registered_on == date(2025, 1, 15) and by_number[1].firmware == "5.1"
    assert by_number[2].holder_email is None and by_number[2].location == "Склад"
    assert by_number[2].name == "Verifone; X990" and by_number[2].category == "Терминал эквайринга"
    assert by_number[3].name == 'Сканер "Honeywell"'


def test_export_leaves_deleted_devices_out(database, now):
    _fleet(now)
    Device.update(deleted_at=now).where(Device.number == 3).execute()
    _, count = dev.export_devices_csv()
    assert count == 2


def test_full_dump_has_every_table_with_every_field(database, now):
    alice, *_ = _fleet(now)
    data, counts = dev.full_dump_zip(database, now)
    archive = zipfile.ZipFile(BytesIO(data))
    names = set(archive.namelist())
    for table in (
        "people",
        "categories",
        "devices",
        "loans",
        "queue_entries",
        "events",
        "handovers",
        "reminder_deliveries",
        "scheduled_runs",
        "fsm_state",
    ):
        assert f"{table}.json" in names
    people = json.loads(archive.read("people.json"))
    assert {p["email"] for p in people} == {"alice@example.ru", "bob@example.ru"}
    assert set(people[0]) >= {"id", "telegram_id", "full_name", "status", "is_admin", "created_at"}
    loans = json.loads(archive.read("loans.json"))
    assert loans[0]["person_id"] == alice.id and loans[0]["due_on"] == "2026-12-10"
    assert counts["devices"] == 3 and counts["queue_entries"] == 1


def test_backup_is_a_consistent_standalone_copy(database, now, tmp_path):
    _fleet(now)
    target = dev.backup_into_dir(tmp_path / "cashbot.sqlite3", tmp_path / "backups", now, "manual")
    assert target.name == "cashbot-20261127-070000Z-manual.sqlite3"
    assert not (tmp_path / "backups" / (target.name + "-wal")).exists()
    Device.update(name="changed").execute()  # the copy does not follow later changes
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [r[0] for r in copy.execute("SELECT name FROM devices ORDER BY number")] == [
        "MSPOS-N",
        "Verifone; X990",
        'Сканер "Honeywell"',
    ]
    assert copy.execute("SELECT count(*) FROM loans WHERE returned_at IS NULL").fetchone()[0] == 1
    copy.close()
    second = dev.backup_into_dir(tmp_path / "cashbot.sqlite3", tmp_path / "backups", now, "manual")
    assert second != target and second.exists()


def test_prune_keeps_the_newest_daily_backups_only(tmp_path, now):
    for day in range(1, 6):
        (tmp_path / dev.backup_name(now.replace(day=day), "daily")).write_bytes(b"x")
    manual = tmp_path / dev.backup_name(now.replace(day=1), "manual")
    manual.write_bytes(b"x")
    pruned = dev.prune_backups(tmp_path, keep=2)
    assert len(pruned) == 3
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [
        manual.name,
        dev.backup_name(now.replace(day=4), "daily"),
        dev.backup_name(now.replace(day=5), "daily"),
    ]


def test_daily_run_is_recorded_once_per_day(database, now):
    assert not dev.daily_run_done("backup", TODAY)
    dev.record_daily_run("backup", TODAY, now, now, file="x")
    assert dev.daily_run_done("backup", TODAY)
    assert not dev.daily_run_done("backup", TODAY + timedelta(days=1))
    assert ScheduledRun.select().count() == 1
    assert Event.select().where(Event.kind == "backup_done").count() == 1


def test_delete_free_devices_keeps_held_ones_and_history(database, now):
    _, bob, one, two, three = _fleet(now)
    assert dev.count_free_devices() == 2
    assert dev.delete_free_devices(now, actor_id=None, telegram_id=900) == 2
    live = [d.number for d in Device.select().where(Device.deleted_at.is_null())]
    assert live == [1]
    assert Device.select().count() == 3  # soft delete: rows and their history stay
    assert QueueEntry.select().count() == 0
    deleted = Event.select().where(Event.kind == "device_deleted")
    assert sorted(e.device_id for e in deleted) == [two.id, three.id]
    summary = Event.get(Event.kind == "dev_delete_free")
    assert json.loads(summary.details) == {"telegram_id": 900, "count": 2}
    assert dev.delete_free_devices(now, None, 900) == 0  # nothing left: idempotent


def test_reset_backs_up_then_leaves_an_empty_migrated_database(database, now, tmp_path):
    _fleet(now)
    database.viewer_cache[101] = object()
    result = dev.reset_database(
        database, tmp_path / "backups", now, categories=["Весы", "Сканер"], admin_ids=[1], actor_telegram_id=900
    )
    assert result.categories == 2
    assert Device.select().count() == 0 and Person.select().count() == 0 and Loan.select().count() == 0
    assert sorted(c.name for c in Category.select()) == ["Весы", "Сканер"]
    assert [e.kind for e in Event.select().order_by(Event.id)] == ["categories_seeded", "dev_reset"]
    assert database.viewer_cache == {}
    applied, pending = migration_status(database)
    assert applied and not pending
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(Exception, match="append-only"):  # triggers came back with the schema
        Event.delete().execute()
    old = sqlite3.connect(result.backup)
    assert old.execute("SELECT count(*) FROM devices").fetchone()[0] == 3
    old.close()


def test_three_wrong_codes_lock_for_fifteen_minutes(database, now):
    first = dev.check_code("nope", "s3cret", 900, "reset", now, None)
    assert not first.ok and first.attempts_left == 2
    assert dev.check_code("nope", "s3cret", 900, "reset", now, None).attempts_left == 1
    third = dev.check_code("nope", "s3cret", 900, "reset", now, None)
    assert third.locked_until == now + timedelta(minutes=15)
    # Locked: even the right code is refused, and another developer is not affected.
    assert not dev.check_code("s3cret", "s3cret", 900, "reset", now + timedelta(minutes=14), None).ok
    assert dev.check_code("s3cret", "s3cret", 901, "reset", now, None).ok
    later = now + timedelta(minutes=15)
    assert dev.locked_until(900, later) is None
    assert dev.check_code(" s3cret ", "s3cret", 900, "reset", later, None).ok
    assert "s3cret" not in "".join(e.details for e in Event.select())


def test_a_right_code_resets_the_count_of_wrong_ones(database, now):
    dev.check_code("a", "s3cret", 900, "dump", now, None)
    dev.check_code("b", "s3cret", 900, "dump", now, None)
    assert dev.check_code("s3cret", "s3cret", 900, "dump", now, None).ok
    assert dev.check_code("c", "s3cret", 900, "dump", now, None).attempts_left == 2


def test_log_tail_returns_whole_last_lines(tmp_path):
    assert dev.log_tail(tmp_path) == ""
    lines = [f"2026-11-27 line {i} <b>&" for i in range(2000)]
    (tmp_path / "cashbot.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tail = dev.log_tail(tmp_path, max_chars=500)
    assert tail.endswith("line 1999 <b>&") and len(tail) <= 500
    assert all(line in lines for line in tail.splitlines())


def test_export_then_import_into_an_empty_database_reproduces_devices_and_holders(database, now, tmp_path):
    from cashbot.db.database import apply_migrations, open_database
    from cashbot.services import import_csv

    _fleet(now)
    exported, _ = dev.export_devices_csv()
    before = _holdings()
    empty = open_database(tmp_path / "empty.sqlite3")  # binds the models to the new file
    try:
        apply_migrations(empty)
        result = import_csv.apply_import(exported, update_existing=False, today=TODAY, now=now, actor_id=None)
        assert result.applied and result.added == 3 and result.assigned == 1
        assert dev.export_devices_csv()[0] == exported
        assert _holdings() == before
    finally:
        empty.close()


def _holdings():
    """(number, name, serial, category, holder e-mail, due date) of every live device."""
    query = (
        Device.select(Device.number, Device.name, Device.serial, Category.name, Person.email, Loan.due_on)
        .join(Category)
        .switch(Device)
        .join(Loan, on=((Loan.device == Device.id) & Loan.returned_at.is_null()), join_type=JOIN.LEFT_OUTER)
        .join(Person, join_type=JOIN.LEFT_OUTER)
        .where(Device.deleted_at.is_null())
        .order_by(Device.number)
        .tuples()
    )
    return list(query)
