"""The models mirror the SQL schema of the migrations, and the schema holds the invariants."""

import pytest
from peewee import IntegrityError

from cashbot.db.models import ALL_MODELS, Event, Loan, QueueEntry
from tests.seed import device, person


def test_every_model_column_exists_in_the_migrated_schema(database):
    for model in ALL_MODELS:
        table = model._meta.table_name
        columns = {row[1] for row in database.execute_sql(f"PRAGMA table_info({table})").fetchall()}
        assert columns, f"table {table} missing"
        for field in model._meta.sorted_fields:
            assert field.column_name in columns, f"{table}.{field.column_name} not in schema"


def test_one_open_loan_per_device_is_enforced_by_sqlite(database, now):
    d = device(1, "Касса")
    alice, boris = person(1, "Алиса", "a@example.ru"), person(2, "Борис", "b@example.ru")
    Loan.create(device=d, person=alice, taken_at=now)
    with pytest.raises(IntegrityError):
        Loan.create(device=d, person=boris, taken_at=now)
    Loan.update(returned_at=now).execute()
    Loan.create(device=d, person=boris, taken_at=now)  # a closed loan does not count


def test_queue_place_is_unique_per_person_and_offer_unique_per_device(database, now):
    d = device(1, "Касса")
    alice, boris = person(1, "Алиса", "a@example.ru"), person(2, "Борис", "b@example.ru")
    QueueEntry.create(device=d, person=alice, joined_at=now, offered_at=now)
    with pytest.raises(IntegrityError):
        QueueEntry.create(device=d, person=alice, joined_at=now)
    with pytest.raises(IntegrityError):
        QueueEntry.create(device=d, person=boris, joined_at=now, offered_at=now)


def test_events_are_append_only(database, now):
    event = Event.create(at=now, kind="take")
    with pytest.raises(IntegrityError, match="append-only"):
        Event.update(kind="return").where(Event.id == event.id).execute()
    with pytest.raises(IntegrityError, match="append-only"):
        Event.delete().execute()


def test_live_numbers_and_serials_are_unique_but_deleted_devices_free_them(database, now):
    old = device(49, "Касса", serial="S1")
    with pytest.raises(IntegrityError):
        device(49, "Другая", serial="S2")
    with pytest.raises(IntegrityError):
        device(50, "Другая", serial="S1")
    old.deleted_at = now
    old.save()
    device(49, "Новая", serial="S1")


def test_pragmas(database):
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 5000
