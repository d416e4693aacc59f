"""Migrations: a table rebuild on a populated database must not lose child rows."""

import shutil
import sqlite3

import pytest

from cashbot.db.database import MIGRATIONS_DIR, apply_migrations, migration_status, open_database
from cashbot.db.models import Loan, QueueEntry, ReminderDelivery
from tests.seed import device, person

# The classic SQLite rebuild (new table, copy, drop, rename) that adding a NOT NULL column or
# changing a type needs. Inside peewee-migrate's transaction `PRAGMA foreign_keys=0` is a
# no-op, so with foreign keys on, DROP TABLE devices would cascade into queue_entries and
# reminder_deliveries (ON DELETE CASCADE) or fail on loans.
REBUILD = '''
def migrate(migrator, database, *, fake=False):
    migrator.sql("""CREATE TABLE devices_new (
        id INTEGER PRIMARY KEY, number INTEGER NOT NULL CHECK (number > 0), serial TEXT NOT NULL,
        name TEXT NOT NULL, category_id INTEGER NOT NULL REFERENCES categories (id),
        firmware TEXT, registered_on TEXT, comment TEXT, location TEXT,
        search_text TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        deleted_at TEXT, inventory_tag TEXT NOT NULL DEFAULT '')""")
    migrator.sql("""INSERT INTO devices_new (id, number, serial, name, category_id, firmware,
        registered_on, comment, location, search_text, created_at, updated_at, deleted_at)
        SELECT id, number, serial, name, category_id, firmware, registered_on, comment, location,
        search_text, created_at, updated_at, deleted_at FROM devices""")
    migrator.sql("DROP TABLE devices")
    migrator.sql("ALTER TABLE devices_new RENAME TO devices")


def rollback(migrator, database, *, fake=False):
    pass
'''


def populate(now):
    alice = person(1, "Алиса", "alice@example.ru")
    boris = person(2, "Борис", "boris@example.ru")
    for number in range(1, 6):
        d = device(number, f"Касса {number}")
        loan = Loan.create(device=d, person=alice, taken_at=now)
        QueueEntry.create(device=d, person=boris, joined_at=now)
        ReminderDelivery.create(loan=loan, person=alice, device=d, day=now.date(), kind="overdue")


def counts(path):
    with sqlite3.connect(path) as conn:
        return {
            t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("devices", "loans", "queue_entries", "reminder_deliveries")
        }


def test_table_rebuild_keeps_child_rows(tmp_path, now):
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    db_path = tmp_path / "cashbot.sqlite3"
    database = open_database(db_path)
    apply_migrations(database, migrations)
    populate(now)
    before = counts(db_path)
    assert before == {"devices": 5, "loans": 5, "queue_entries": 5, "reminder_deliveries": 5}

    (migrations / "999_rebuild_devices.py").write_text(REBUILD)
    assert apply_migrations(database, migrations) == ["999_rebuild_devices"]
    assert counts(db_path) == before
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    columns = [row[1] for row in database.execute_sql("PRAGMA table_info(devices)").fetchall()]
    assert "inventory_tag" in columns
    database.close()


def test_the_same_rebuild_with_foreign_keys_on_would_lose_rows(tmp_path, now):
    """The sharp edge itself, so the test above proves something: run the rebuild the naive
    way (foreign keys on) and the cascade deletes queue places."""
    db_path = tmp_path / "naive.sqlite3"
    database = open_database(db_path)
    apply_migrations(database)
    populate(now)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError):  # loans reference devices without CASCADE
        with conn:
            conn.execute("DROP TABLE devices")
    conn.execute("DELETE FROM loans")
    conn.commit()
    with conn:
        conn.execute("DROP TABLE devices")
    assert conn.execute("SELECT COUNT(*) FROM queue_entries").fetchone()[0] == 0
    conn.close()
    database.close()


def test_status_lists_applied_and_pending(tmp_path):
    database = open_database(tmp_path / "s.sqlite3")
    names = sorted(path.stem for path in MIGRATIONS_DIR.glob("[0-9]*.py"))
    assert names[:2] == ["001_initial", "002_device_search_index"]
    assert migration_status(database) == ([], names)
    apply_migrations(database)
    assert migration_status(database) == (names, [])
    assert apply_migrations(database) == []
    database.close()
