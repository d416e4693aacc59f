"""Developer and self-hoster operations: logs, export, full dump, backups, bulk delete, reset,
and the confirmation-code lockout.

Plain sync functions like every service. Those that read or write through the models run on
the database thread (`db.run`); `backup_to` opens its own connection so a snapshot never
holds up the bot's work, and is safe on any thread.
"""

from __future__ import annotations

import hmac
import io
import json
import sqlite3
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from peewee import JOIN, fn

from cashbot.db.database import CashbotDatabase, apply_migrations
from cashbot.db.models import (
    Category,
    Device,
    Event,
    Loan,
    Person,
    QueueEntry,
    ScheduledRun,
    database_proxy,
)
from cashbot.services import people, setup
from cashbot.services.common import record
from cashbot.services.device_csv import DEFAULT_FILE_LANGUAGE, DeviceRow, write_devices

LOG_FILE_NAME = "cashbot.log"
MAX_WRONG_CODES = 3
LOCKOUT = timedelta(minutes=15)
BACKUP_JOB = "backup"
BACKUP_PREFIX = "cashbot-"
BACKUP_SUFFIX = ".sqlite3"
# Dump everything a person might ask about later; the migration bookkeeping too.
SKIP_DUMP_TABLES = ("sqlite_sequence",)
# Tables that hold data, not the search index: SQLite lists a virtual table (devices_fts) as
# 'virtual' and the tables it keeps its index in (devices_fts_data, ...) as 'shadow'.
_ORDINARY_TABLES = (
    "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'"
)


# ------------------------------------------------------------------------------ logs


def current_log_file(log_dir: Path) -> Path | None:
    path = Path(log_dir) / LOG_FILE_NAME
    return path if path.is_file() and path.stat().st_size > 0 else None


def log_tail(log_dir: Path, max_chars: int = 3500) -> str:
    """The last whole lines of the current log file that fit in `max_chars` ('' if none)."""
    path = current_log_file(log_dir)
    if path is None:
        return ""
    with path.open("rb") as handle:
        size = handle.seek(0, io.SEEK_END)
        handle.seek(max(0, size - max_chars * 4))  # UTF-8: up to 4 bytes a character
        text = handle.read().decode("utf-8", errors="replace")
    lines = text.splitlines()
    if size > max_chars * 4 and lines:
        lines = lines[1:]  # the first line was cut in the middle
    kept: list[str] = []
    total = 0
    for line in reversed(lines):
        if total + len(line) + 1 > max_chars:
            break
        kept.append(line)
        total += len(line) + 1
    return "\n".join(reversed(kept))


# ------------------------------------------------------------------------------ export


def export_rows() -> list[DeviceRow]:
    """Live devices in number order, with the current holder's e-mail, due date and place."""
    open_loans = Loan.select().where(Loan.returned_at.is_null()).alias("open_loans")
    query = (
        Device.select(
            Device,
            Category.name.alias("category_name"),
            Person.email.alias("holder_email"),
            open_loans.c.due_on.alias("due_on"),
            open_loans.c.location.alias("loan_location"),
        )
        .join(Category, on=(Device.category == Category.id))
        .switch(Device)
        .join(open_loans, JOIN.LEFT_OUTER, on=(open_loans.c.device_id == Device.id))
        .join(Person, JOIN.LEFT_OUTER, on=(Person.id == open_loans.c.person_id))
        .where(Device.deleted_at.is_null())
        .order_by(Device.number)
        .objects()
    )
    rows = []
    for device in query:
        due = device.due_on
        rows.append(
            DeviceRow(
                line=0,
                number=device.number,
                name=device.name,
                category=device.category_name,
                serial=device.serial,
                registered_on=device.registered_on,
                firmware=device.firmware,
                comment=device.comment,
                holder_email=device.holder_email,
                # Where a held device is: the holder's place when they gave one.
                location=device.loan_location or device.location,
                due_date=date.fromisoformat(due) if isinstance(due, str) else due,
            )
        )
    return rows


def export_devices_csv(language: str = DEFAULT_FILE_LANGUAGE) -> tuple[bytes, int]:
    """(the CSV in the import format with its header in `language`, number of devices)."""
    rows = export_rows()
    return write_devices(rows, language), len(rows)


# ------------------------------------------------------------------------------ full dump


def dump_tables(database: CashbotDatabase) -> dict[str, list[dict]]:
    """Every table with every column, read in one transaction (a consistent picture)."""
    with database.atomic():
        names = [row[0] for row in database.execute_sql(_ORDINARY_TABLES + " ORDER BY name")]
        tables = {}
        for name in names:
            cursor = database.execute_sql(f'SELECT * FROM "{name}" ORDER BY rowid')
            columns = [d[0] for d in cursor.description]
            tables[name] = [dict(zip(columns, row)) for row in cursor.fetchall()]
    return tables


def full_dump_zip(database: CashbotDatabase, now: datetime) -> tuple[bytes, dict[str, int]]:
    """A zip with one `<table>.json` per table; (bytes, row count per table)."""
    tables = dump_tables(database)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            archive.writestr(f"{name}.json", json.dumps(rows, ensure_ascii=False, indent=1, default=_json_value))
        archive.writestr(
            "README.txt",
            f"cashbot full dump, {now.isoformat()}\nOne JSON file per table: a list of rows, every column as stored.\n",
        )
    return buffer.getvalue(), {name: len(rows) for name, rows in tables.items()}


def _json_value(value: object) -> object:
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


# ------------------------------------------------------------------------------ backups


def backup_to(source: Path, target: Path) -> Path:
    """A consistent snapshot of the SQLite file `source` written to `target`.

    SQLite's online backup API on a connection of its own: one step copies every page inside
    a single read transaction, so writers (WAL mode) carry on and the copy is consistent. The
    copy is written next to the target and renamed, so a half-written file never has its name.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{Path(source)}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            # A copy that stands alone: one file, no -wal beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    partial.replace(target)
    return target


def backup_name(now: datetime, reason: str) -> str:
    """`cashbot-20261127-070000Z-daily.sqlite3`: names sort by time."""
    return f"{BACKUP_PREFIX}{now.strftime('%Y%m%d-%H%M%SZ')}-{reason}{BACKUP_SUFFIX}"


def backup_into_dir(source: Path, backup_dir: Path, now: datetime, reason: str) -> Path:
    target = Path(backup_dir) / backup_name(now, reason)
    n = 2
    while target.exists():  # two backups in one second
        target = target.with_name(backup_name(now, f"{reason}-{n}"))
        n += 1
    return backup_to(source, target)


def prune_backups(backup_dir: Path, keep: int, reason: str = "daily") -> list[Path]:
    """Delete all but the newest `keep` backups made for `reason`; return what was deleted.
    Backups taken on demand or before a reset are never pruned: someone asked for them."""
    found = sorted(Path(backup_dir).glob(f"{BACKUP_PREFIX}*-{reason}{BACKUP_SUFFIX}"))
    doomed = found[:-keep] if keep > 0 else found
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def daily_run_done(job: str, day: date) -> bool:
    return ScheduledRun.select().where(ScheduledRun.job == job, ScheduledRun.day == day).exists()


def record_daily_run(job: str, day: date, started: datetime, finished: datetime, **details: object) -> None:
    """Mark (job, local day) as done, after the work succeeded: a failed run is retried on
    the next tick. The single background loop is the only caller, so no race to claim."""
    with database_proxy.atomic():
        ScheduledRun.create(job=job, day=day, started_at=started, finished_at=finished)
        record(f"{job}_done", finished, day=day.isoformat(), **details)


def backup_due(local_now: datetime, at_time, enabled: bool) -> bool:
    return enabled and local_now.time() >= at_time


# ------------------------------------------------------------------------------ bulk delete


def count_free_devices() -> int:
    return _free_devices().count()


def _free_devices():
    held = Loan.select(Loan.device).where(Loan.returned_at.is_null())
    return Device.select().where(Device.deleted_at.is_null(), Device.id.not_in(held))


def delete_free_devices(now: datetime, actor_id: int | None, telegram_id: int | None) -> int:
    """Soft-delete every live device nobody holds; their queues go, their history stays."""
    with database_proxy.atomic():
        devices = list(_free_devices())
        ids = [d.id for d in devices]
        if ids:
            QueueEntry.delete().where(QueueEntry.device.in_(ids)).execute()
            Device.update(deleted_at=now, updated_at=now).where(Device.id.in_(ids)).execute()
        for device in devices:
            record(
                "device_deleted",
                now,
                actor_id=actor_id,
                device_id=device.id,
                number=device.number,
                name=device.name,
                reason="dev_delete_free",
            )
        record("dev_delete_free", now, actor_id=actor_id, telegram_id=telegram_id, count=len(ids))
    return len(ids)


# ------------------------------------------------------------------------------ reset


@dataclass
class ResetResult:
    backup: Path
    categories: int


def reset_database(
    database: CashbotDatabase,
    backup_dir: Path,
    now: datetime,
    *,
    categories: list[str],
    admin_ids: list[int],
    actor_telegram_id: int | None,
) -> ResetResult:
    """Back up, then drop every table and migrate from scratch, in place, while running.

    Must run on the database thread: nothing else touches the connection meanwhile. The
    caller drops what the process caches about the old data (FSM storage cache); the viewer
    cache is cleared here.
    """
    backup = backup_into_dir(Path(database.database), backup_dir, now, "before-reset")
    database.connect(reuse_if_open=True)
    # Foreign keys off outside the transaction (inside one the pragma is a no-op): dropping a
    # parent table must not cascade into, or trip over, children dropped with it. One
    # transaction for drop + migrate + seed: the FSM storage's own connection sees the old
    # database or the new one, never a database without tables.
    database.pragma("foreign_keys", 0, permanent=False)
    try:
        with database.atomic():
            # A virtual table (the search index) drops its shadow tables itself: not listed.
            names = [
                row[0]
                for row in database.execute_sql(
                    "SELECT name FROM pragma_table_list WHERE schema = 'main' "
                    "AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite_%'"
                )
            ]
            for name in names:
                database.execute_sql(f'DROP TABLE "{name}"')
            apply_migrations(database)
            database.viewer_cache.clear()
            seeded = setup.seed_categories(categories, now)
            people.sync_admins(admin_ids, now)
            record("dev_reset", now, telegram_id=actor_telegram_id, backup=backup.name)
    finally:
        database.pragma("foreign_keys", 1, permanent=False)
    database.execute_sql("VACUUM")  # give the old data's pages back to the file system
    return ResetResult(backup, seeded)


# ------------------------------------------------------------------------------ code and lockout


CODE_WRONG = "dev_code_wrong"
CODE_OK = "dev_code_ok"


def code_matches(given: str, expected: str) -> bool:
    """Constant-time comparison (bytes, so non-ASCII codes work too)."""
    return hmac.compare_digest(given.strip().encode("utf-8"), expected.encode("utf-8"))


def _code_state(telegram_id: int, now: datetime) -> tuple[int, datetime | None]:
    """(wrong codes in a row, locked until) for one developer at `now`.

    Replays the developer's recent code attempts (events survive restarts): three wrong codes
    in a row lock for LOCKOUT; a right code, or the end of a lockout, starts the count again.
    """
    attempts = (
        Event.select(Event.at, Event.kind)
        .where(
            Event.kind.in_((CODE_WRONG, CODE_OK)),
            Event.at >= now - timedelta(days=1),
            fn.json_extract(Event.details, "$.telegram_id") == int(telegram_id),
        )
        .order_by(Event.id)
    )
    wrong, until = 0, None
    for attempt in attempts:
        if until is not None and attempt.at >= until:
            wrong, until = 0, None
        if attempt.kind == CODE_OK:
            wrong = 0
        else:
            wrong += 1
            if wrong >= MAX_WRONG_CODES:
                until, wrong = attempt.at + LOCKOUT, 0
    if until is not None and until <= now:
        wrong, until = 0, None
    return wrong, until


def locked_until(telegram_id: int, now: datetime) -> datetime | None:
    """When this developer may try the code again, or None if they may now."""
    return _code_state(telegram_id, now)[1]


@dataclass
class CodeCheck:
    ok: bool
    attempts_left: int = 0
    locked_until: datetime | None = None


def check_code(
    given: str, expected: str, telegram_id: int, action: str, now: datetime, actor_id: int | None
) -> CodeCheck:
    """Record the attempt (never the text) and say whether the action may go ahead."""
    with database_proxy.atomic():
        until = locked_until(telegram_id, now)
        if until is not None:
            return CodeCheck(False, 0, until)
        ok = code_matches(given, expected)
        record(CODE_OK if ok else CODE_WRONG, now, actor_id=actor_id, telegram_id=int(telegram_id), action=action)
        if ok:
            return CodeCheck(True)
        wrong, until = _code_state(telegram_id, now)
        return CodeCheck(False, 0 if until else MAX_WRONG_CODES - wrong, until)


def record_action(kind: str, now: datetime, actor_id: int | None, telegram_id: int | None, **details: object) -> None:
    """Every developer action lands in the event log (the person may not be registered)."""
    with database_proxy.atomic():
        record(kind, now, actor_id=actor_id, telegram_id=telegram_id, **details)
