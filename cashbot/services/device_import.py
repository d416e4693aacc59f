"""Importing a device CSV file into the register: plan (preview) and apply (all or nothing).

`device_csv` parses and validates the bytes; this module adds what only the database knows
(numbers and serials already used, categories, people, who holds what) and writes.
Both functions are plain sync code meant for the database thread (`db.run`).

Decisions where the issue is silent:
- With "update existing", a row whose number exists updates that device. Empty optional
  cells leave the stored value as it is (the file cannot tell "clear" from "not given").
- A row that names a holder for a device held by someone else is a problem: reassigning
  silently would take a device out of a colleague's hands. Same holder: due date updated.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from peewee import IntegrityError

from cashbot.db.models import Category, Device, Event, Loan, Person, PersonStatus, database_proxy
from cashbot.services import device_csv, people
from cashbot.services.common import fold, record
from cashbot.services.device_csv import DeviceRow, Problem
from cashbot.texts import admin_add as T
from cashbot.texts.csv_import import COLUMN_TITLES

_UPDATABLE = ("name", "serial", "firmware", "registered_on", "comment", "location")


@dataclass(frozen=True)
class Assignment:
    email: str
    name: str | None  # the registered person's name; None: not registered yet (invited)
    devices: int


@dataclass
class ImportPlan:
    to_add: int = 0
    to_update: int = 0
    assignments: list[Assignment] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str = ""
    # Rows to write, by kind; not part of the preview.
    add_rows: list[DeviceRow] = field(default_factory=list, repr=False)
    update_rows: list[DeviceRow] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def report(self) -> str:
        """Plain text, one problem per line (escape it before sending as HTML)."""
        return device_csv.format_problems(self.problems)


@dataclass(frozen=True)
class HolderNotice:
    telegram_id: int
    devices: list[tuple[int, str]]  # (number, name)


@dataclass
class ImportResult:
    plan: ImportPlan
    applied: bool
    added: int = 0
    updated: int = 0  # devices whose fields changed
    unchanged: int = 0  # rows of existing devices that already matched
    assigned: int = 0
    invited: int = 0
    notices: list[HolderNotice] = field(default_factory=list)


def plan_import(data: bytes, *, update_existing: bool, today: date) -> ImportPlan:
    """What importing `data` would do; nothing is written."""
    parsed = device_csv.parse_devices(data, today=today)
    plan = ImportPlan(problems=list(parsed.problems), warnings=list(parsed.warnings),
                      encoding=parsed.encoding)
    if plan.problems:
        return plan
    existing = {number: (serial, device_id) for number, serial, device_id in
                Device.select(Device.number, Device.serial, Device.id)
                .where(Device.deleted_at.is_null()).tuples()}
    plan.problems += device_csv.check_against_existing(
        parsed.rows, existing_numbers={n: s for n, (s, _) in existing.items()},
        existing_serials={s: n for n, (s, _) in existing.items()}, update_existing=update_existing)
    for row in parsed.rows:
        (plan.update_rows if row.number in existing else plan.add_rows).append(row)
    plan.problems += _holder_conflicts(plan.update_rows, {n: d for n, (_, d) in existing.items()})
    plan.to_add, plan.to_update = len(plan.add_rows), len(plan.update_rows)
    plan.new_categories = _new_categories(parsed.rows)
    plan.assignments = _assignments(parsed.rows)
    return plan


def apply_import(data: bytes, *, update_existing: bool, today: date, now: datetime,
                 actor_id: int | None) -> ImportResult:
    """Re-plan and write everything in one transaction, or nothing if there is a problem."""
    try:
        with database_proxy.atomic():
            plan = plan_import(data, update_existing=update_existing, today=today)
            if not plan.ok:
                return ImportResult(plan, applied=False)
            return _write(plan, now, actor_id)
    except IntegrityError:  # another writer (the CLI next to the bot) took a number or serial
        plan = plan_import(data, update_existing=update_existing, today=today)
        if plan.ok:
            raise
        return ImportResult(plan, applied=False)


def describe_plan(plan: ImportPlan, *, update_existing: bool) -> str:
    """Plain-text summary of a plan for the command line (the bot has its own view)."""
    lines = [f"encoding: {plan.encoding or '-'}"]
    lines += [f"warning: {w}" for w in plan.warnings]
    if not plan.ok:
        lines.append(f"problems: {len(plan.problems)} (nothing can be imported)")
        lines.append(plan.report)
        return "\n".join(lines)
    lines.append(f"to add: {plan.to_add}")
    lines.append(f"to update: {plan.to_update}" if update_existing else "existing devices: not updated")
    lines += [f"assign to {a.email}{' (' + a.name + ')' if a.name else ' (not registered yet)'}: {a.devices}"
              for a in plan.assignments]
    if plan.new_categories:
        lines.append("new categories: " + ", ".join(plan.new_categories))
    return "\n".join(lines)


# ------------------------------------------------------------------------------ planning


def _holder_conflicts(rows: list[DeviceRow], device_ids: dict[int, int]) -> list[Problem]:
    held = [r for r in rows if r.holder_email]
    if not held:
        return []
    loans = {device_id: (email, name) for device_id, email, name in
             Loan.select(Loan.device, Person.email, Person.full_name).join(Person)
             .where(Loan.returned_at.is_null()).tuples()}  # all open loans: cheaper than IN (…)
    title = COLUMN_TITLES["holder_email"]
    problems = []
    for row in held:
        holder = loans.get(device_ids[row.number])
        if holder is not None and holder[0] != row.holder_email:
            problems.append(Problem(row.line, title, T.IMPORT_HELD_BY_OTHER.format(
                number=row.number, holder=holder[1] or holder[0] or "—")))
    return problems


def _new_categories(rows: list[DeviceRow]) -> list[str]:
    known = {s for (s,) in Category.select(Category.search_text).tuples()}
    new: dict[str, str] = {}
    for row in rows:
        key = fold(row.category)
        if key not in known and key not in new:
            new[key] = row.category
    return list(new.values())


def _assignments(rows: list[DeviceRow]) -> list[Assignment]:
    counts = Counter(r.holder_email for r in rows if r.holder_email)
    if not counts:
        return []
    names = {email: (name, status) for email, name, status in
             Person.select(Person.email, Person.full_name, Person.status)
             .where(Person.email.in_(list(counts)), Person.status != PersonStatus.DELETED).tuples()}
    result = []
    for email, count in sorted(counts.items()):
        name, status = names.get(email, (None, None))
        result.append(Assignment(email, name if status not in (None, PersonStatus.INVITED) else None, count))
    return result


# ------------------------------------------------------------------------------ writing


def _write(plan: ImportPlan, now: datetime, actor_id: int | None) -> ImportResult:
    result = ImportResult(plan, applied=True)
    rows = plan.add_rows + plan.update_rows
    categories = _ensure_categories(rows, now, actor_id)
    holders = _ensure_holders(rows, now, actor_id, result)
    events = _Events(now, actor_id)
    _insert_devices(plan.add_rows, categories, now)
    device_ids = _live_device_ids()
    for r in plan.add_rows:
        events.add("device_added", device_ids[r.number], number=r.number, name=r.name, source="import")
    result.added = len(plan.add_rows)
    result.updated = _update_devices(plan.update_rows, categories, now, events)
    result.unchanged = len(plan.update_rows) - result.updated
    loans = _open_loans(rows, device_ids, holders, now, events)
    result.assigned = len(loans)
    _bulk_insert("events", ("at", "kind", "actor_id", "device_id", "person_id", "details"), events.rows)
    by_person: dict[int, list[tuple[int, str]]] = {}
    for row, person in loans:
        if person.telegram_id is not None and person.status == PersonStatus.ACTIVE:
            by_person.setdefault(person.telegram_id, []).append((row.number, row.name))
    result.notices = [HolderNotice(tid, devices) for tid, devices in by_person.items()]
    return result


# Rows per INSERT statement. One row per statement (executemany) made the search index's
# trigger flush FTS5's pending data at the end of every statement: a 10,000-device import
# took 1.8-2.1 s instead of 0.5-1.0 s. 500 rows of up to 11 columns stay far below SQLite's
# 32,766 bound parameters.
_INSERT_BATCH = 500


def _bulk_insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT many rows, _INSERT_BATCH to a statement. peewee's insert_many spent most of a
    10,000-row import building SQL text; callers pass values already in storage form."""
    _batched(f'INSERT INTO {table} ({", ".join(columns)}) VALUES {{values}}', len(columns), rows)


def _batched(sql: str, width: int, rows: list[tuple]) -> None:
    """Run `sql` once per _INSERT_BATCH rows, its `{values}` replaced by that many (?, ...)."""
    one = f'({", ".join("?" * width)})'
    connection = database_proxy.connection()
    for start in range(0, len(rows), _INSERT_BATCH):
        batch = rows[start:start + _INSERT_BATCH]
        connection.execute(sql.format(values=", ".join([one] * len(batch))), [v for row in batch for v in row])


def _stored(value: datetime) -> str:
    return Event.at.db_value(value)  # the UTC text form every timestamp column uses


class _Events:
    """Event rows collected during the import, written in one statement at the end."""

    def __init__(self, now: datetime, actor_id: int | None):
        self.at, self.actor_id, self.rows = _stored(now), actor_id, []

    def add(self, kind: str, device_id: int | None = None, person_id: int | None = None, **details) -> None:
        self.rows.append((self.at, kind, self.actor_id, device_id, person_id,
                          json.dumps(details, ensure_ascii=False, default=str)))


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _insert_devices(rows: list[DeviceRow], categories: dict[str, int], now: datetime) -> None:
    at, folded = _stored(now), {}
    values = []
    for r in rows:
        key = folded.get(r.category) or folded.setdefault(r.category, fold(r.category))
        values.append((r.number, r.serial, r.name, categories[key], r.firmware, _iso(r.registered_on),
                       r.comment, r.location, fold(r.name, r.serial, r.category), at, at))
    _bulk_insert("devices", ("number", "serial", "name", "category_id", "firmware", "registered_on",
                             "comment", "location", "search_text", "created_at", "updated_at"), values)


def _ensure_categories(rows: list[DeviceRow], now: datetime, actor_id: int | None) -> dict[str, int]:
    """fold(name) -> category id, creating the ones the database lacks."""
    ids = {s: i for i, s in Category.select(Category.id, Category.search_text).tuples()}
    for row in rows:
        key = fold(row.category)
        if key not in ids:
            ids[key] = Category.create(name=row.category, search_text=key, created_at=now).id
            record("category_added", now, actor_id=actor_id, name=row.category, source="import")
    return ids


def _ensure_holders(rows: list[DeviceRow], now: datetime, actor_id: int | None,
                    result: ImportResult) -> dict[str, Person]:
    """e-mail -> person; unknown e-mails become invited people who claim them on registering."""
    holders: dict[str, Person] = {}
    for email in sorted({r.holder_email for r in rows if r.holder_email}):
        known = Person.get_or_none((Person.email == email) & (Person.status != PersonStatus.DELETED))
        holders[email] = known or people.invite_by_email(email, now, actor_id)
        result.invited += known is None
    return holders


def _update_devices(rows: list[DeviceRow], categories: dict[str, int], now: datetime,
                    events: _Events) -> int:
    """Non-empty cells overwrite; returns how many devices actually changed.

    Plain tuples and a few statements of many rows each: model instances and per-row save()
    made a 10,000-row update take seconds, and one statement per row (executemany) made the
    search index's trigger flush after every row (0.7-0.9 s became 1.3-1.9 s)."""
    if not rows:
        return 0
    wanted = {r.number for r in rows}
    stored = {r[1]: r for r in Device.select(Device.id, Device.number, Category.id, Category.name,
                                             *(getattr(Device, k) for k in _UPDATABLE))
              .join(Category).where(Device.deleted_at.is_null()).tuples() if r[1] in wanted}
    updates = []
    for row in rows:
        device_id, _, category_id, category_name, *old = stored[row.number]
        current = {k: _iso(v) if isinstance(v, date) else v for k, v in zip(_UPDATABLE, old)}
        changes: dict[str, list] = {}
        for key in _UPDATABLE:
            new = getattr(row, key)
            new = _iso(new) if isinstance(new, date) else new
            if new is not None and new != current[key]:
                changes[key], current[key] = [current[key], new], new
        new_category_id = categories[fold(row.category)]
        if new_category_id != category_id:
            changes["category"] = [category_name, row.category]
            category_id, category_name = new_category_id, row.category
        if changes:
            search_text = fold(current["name"], current["serial"], category_name)
            updates.append((*(current[k] for k in _UPDATABLE), category_id, search_text, _stored(now), device_id))
            events.add("device_updated", device_id, changes=changes, source="import")
    columns = (*_UPDATABLE, "category_id", "search_text", "updated_at")
    # Order-free: planning refused a serial still held by another device, numbers are the key.
    _batched(f"WITH u ({', '.join(columns)}, id) AS (VALUES {{values}}) "
             f"UPDATE devices SET {', '.join(f'{k} = u.{k}' for k in columns)} FROM u WHERE devices.id = u.id",
             len(columns) + 1, updates)
    return len(updates)


def _live_device_ids() -> dict[int, int]:
    """number -> id of every live device (one query; cheaper than IN (…) over thousands)."""
    return dict(Device.select(Device.number, Device.id).where(Device.deleted_at.is_null()).tuples())


def _open_loans(rows: list[DeviceRow], device_ids: dict[int, int], holders: dict[str, Person],
                now: datetime, events: _Events) -> list[tuple[DeviceRow, Person]]:
    """New loans for rows with a holder; a device already with that holder gets the due date."""
    held = [r for r in rows if r.holder_email]
    wanted = {device_ids[r.number] for r in held}
    open_now = {loan.device_id: loan for loan in Loan.select().where(Loan.returned_at.is_null())
                if loan.device_id in wanted}
    created, new_loans = [], []
    for row in held:
        device_id, person = device_ids[row.number], holders[row.holder_email]
        loan = open_now.get(device_id)
        if loan is not None:  # planning refused other holders: this is the same person
            if row.due_date and loan.due_on != row.due_date:
                loan.due_on = row.due_date
                loan.save()
                events.add("due_changed", device_id, person.id, due_on=row.due_date, source="import")
            continue
        new_loans.append((device_id, person.id, _stored(now), _iso(row.due_date)))
        events.add("assigned", device_id, person.id, due_on=row.due_date, source="import")
        created.append((row, person))
    _bulk_insert("loans", ("device_id", "person_id", "taken_at", "due_on"), new_loans)
    return created
