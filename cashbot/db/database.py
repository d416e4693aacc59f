"""One SQLite connection on one database thread.

Every unit of work is a sync function run on a single-worker executor, so the event loop never
blocks on SQLite and writes never race each other inside the process (DESIGN.md, Database).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from peewee import SqliteDatabase
from peewee_migrate import Router

from cashbot.db.models import database_proxy

log = logging.getLogger(__name__)
T = TypeVar("T")

# Shipped inside the package, so an installed (non-editable) cashbot migrates from any folder.
# Always a real directory: setuptools installs the package unzipped, and peewee-migrate lists
# files with pathlib.
MIGRATIONS_DIR = Path(str(resources.files("cashbot.migrations")))
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
    "cache_size": -16000,  # KiB
}


class MigrationError(RuntimeError):
    pass


class CashbotDatabase(SqliteDatabase):
    """SqliteDatabase whose transactions take the write lock up front (BEGIN IMMEDIATE):
    a transaction that reads then writes can never fail half-way with SQLITE_BUSY."""

    def __init__(self, path: str | Path):
        super().__init__(str(path), pragmas=PRAGMAS, lock_type="IMMEDIATE", timeout=5)
        # telegram_id -> Viewer: services.people fills it and drops changed people (database
        # thread), ViewerMiddleware reads it on the event loop, the developer reset clears
        # it. On the database object, so every database (each test's file) starts empty.
        self.viewer_cache: dict[int, Any] = {}


def open_database(path: str | Path) -> CashbotDatabase:
    """Create the database object and bind the models to it (connections open lazily)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    database = CashbotDatabase(path)
    database_proxy.initialize(database)
    return database


def apply_migrations(database: SqliteDatabase, migrate_dir: str | Path = MIGRATIONS_DIR) -> list[str]:
    """Apply pending migrations with foreign keys off around the run, then verify them.

    peewee-migrate runs each migration in a transaction, where `PRAGMA foreign_keys` is a
    no-op; a table rebuild would then DROP the parent and cascade-delete child rows.
    """
    migration_names(migrate_dir)
    database.connect(reuse_if_open=True)
    database.pragma("foreign_keys", 0, permanent=False)
    try:
        router = Router(database, migrate_dir=str(migrate_dir), logger=log)
        done = router.run()
        broken = database.execute_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise MigrationError(f"foreign key check failed after migrations: {broken[:5]}")
        return done
    finally:
        database.pragma("foreign_keys", 1, permanent=False)


def migration_names(migrate_dir: str | Path = MIGRATIONS_DIR) -> list[str]:
    """The migration names in `migrate_dir`. peewee-migrate would create a missing folder and
    report "nothing to do", leaving an empty database behind: refuse instead."""
    folder = Path(migrate_dir)
    names = sorted(p.stem for p in folder.glob("*.py") if Router.filemask.match(p.name)) if folder.is_dir() else []
    if not names:
        raise MigrationError(f"no migrations found in {migrate_dir}: the cashbot installation is incomplete")
    return names


def migration_status(database: SqliteDatabase, migrate_dir: str | Path = MIGRATIONS_DIR) -> tuple[list[str], list[str]]:
    """(applied, pending) migration names. Reads only: peewee-migrate's Router would create its
    history table, and status is asked by read-only commands."""
    names = migration_names(migrate_dir)
    has_history = database.execute_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migratehistory'"
    ).fetchone()
    applied = (
        [row[0] for row in database.execute_sql("SELECT name FROM migratehistory ORDER BY id")] if has_history else []
    )
    return applied, [name for name in names if name not in applied]


class Db:
    """The database thread. `await db.run(service_fn, *args)` runs one sync unit of work."""

    def __init__(self, database: CashbotDatabase):
        self.database = database
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db")

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    def close(self) -> None:
        """Finish queued work, then close the thread's connection."""
        self._executor.submit(self.database.close).result()
        self._executor.shutdown(wait=True)
