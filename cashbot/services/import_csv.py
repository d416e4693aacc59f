"""Importing a device CSV file into the register: plan (preview) and apply (all or nothing).

`device_csv` parses and validates the bytes; this module adds what only the database knows
(numbers and serials already used, categories, people, who holds what) and writes.
Both functions are plain sync code meant for the database thread (`db.run`).

The plan is the single source of truth: it works out every change (which fields of which
device, which loans, which due dates, whom to invite, which categories to create) and the
write only carries it out, so the preview (and the CLI dry run) report exactly what the
import does. The apply re-plans inside its transaction; a caller that showed a preview passes
its `fingerprint` and gets `changed=True` instead of a different import.

Decisions where the issue is silent:
- With "update existing", a row whose number exists updates that device. Empty optional
  cells leave the stored value as it is (the file cannot tell "clear" from "not given").
- A row that names a holder for a device held by someone else is a problem: reassigning
  silently would take a device out of a colleague's hands. Same holder: due date updated.
- A return date already past makes an overdue loan (a fact the file records, like an export
  taken some days ago); the plan counts them.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from peewee import IntegrityError

from cashbot.db.models import Category, Device, Event, Loan, Person, PersonStatus, database_proxy
from cashbot.services import device_csv, people
from cashbot.services.common import DeviceLabel, fold, record
from cashbot.services.device_csv import DeviceRow, Problem
from cashbot.texts import import_csv as T

_UPDATABLE = ("name", "serial", "firmware", "registered_on", "comment", "location")


@dataclass(frozen=True)
class Assignment:
    email: str
    name: str | None  # the registered person's name; None: not registered yet (invited)
    devices: int  # loans this import opens for them


@dataclass(frozen=True)
class _Update:
    """An existing device whose fields change: the stored values after the change."""

    device_id: int
    number: int
    values: tuple  # in _UPDATABLE order, storage form
    category: str  # the category's name after the change
    changes: dict  # field -> [old, new], for the event


@dataclass(frozen=True)
class _DueChange:
    loan_id: int
    device_id: int
    person_id: int
    due_on: date | None


@dataclass
class ImportPlan:
    to_add: int = 0
    to_update: int = 0  # existing devices whose fields change
    unchanged: int = 0  # rows of existing devices that already match
    assignments: list[Assignment] = field(default_factory=list)  # new loans, by holder
    due_changes: int = 0  # loans that stay with their holder and get the file's return date
    overdue: int = 0  # rows whose holder keeps the device past its return date
    invitations: list[str] = field(default_factory=list)  # e-mails nobody has yet
    new_categories: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str = ""
    # What the write carries out; not part of the preview.
    add_rows: list[DeviceRow] = field(default_factory=list, repr=False)
    updates: list[_Update] = field(default_factory=list, repr=False)
    loans: list[tuple[DeviceRow, str]] = field(default_factory=list, repr=False)  # (row, e-mail)
    due_updates: list[_DueChange] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def assigned(self) -> int:
        return sum(a.devices for a in self.assignments)

    @property
    def has_work(self) -> bool:
        return bool(self.to_add or self.to_update or self.assigned or self.due_changes)

    @property
    def fingerprint(self) -> str:
        """Short digest of everything the preview reports: equal plans, equal imports."""
        summary = [
            self.to_add,
            self.to_update,
            self.unchanged,
            self.due_changes,
            self.overdue,
            [(a.email, a.name, a.devices) for a in self.assignments],
            self.invitations,
            self.new_categories,
            len(self.problems),
        ]
        return hashlib.sha256(json.dumps(summary, ensure_ascii=False).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class HolderNotice:
    telegram_id: int
    devices: list[DeviceLabel]
    language: str | None = None  # the notice is written in it (None: the default)


@dataclass
class ImportResult:
    plan: ImportPlan
    applied: bool
    changed: bool = False  # not applied: the plan differs from the preview the caller showed
    added: int = 0
    updated: int = 0  # devices whose fields changed
    unchanged: int = 0  # rows of existing devices that already matched
    assigned: int = 0
    due_changed: int = 0
    invited: int = 0
    categories_added: int = 0
    notices: list[HolderNotice] = field(default_factory=list)


def plan_import(data: bytes, *, update_existing: bool, today: date) -> ImportPlan:
    """What importing `data` would do; nothing is written."""
    parsed = device_csv.parse_devices(data, today=today)
    plan = ImportPlan(
        problems=list(parsed.problems),
        warnings=list(parsed.warnings),
        unknown_columns=list(parsed.unknown_columns),
        encoding=parsed.encoding,
    )
    if plan.problems:
        return plan
    existing = {
        number: (serial, device_id)
        for number, serial, device_id in Device.select(Device.number, Device.serial, Device.id)
        .where(Device.deleted_at.is_null())
        .tuples()
    }
    plan.problems += device_csv.check_against_existing(
        parsed.rows,
        existing_numbers={n: s for n, (s, _) in existing.items()},
        existing_serials={s: n for n, (s, _) in existing.items()},
        update_existing=update_existing,
    )
    update_rows = []
    for row in parsed.rows:
        (update_rows if row.number in existing else plan.add_rows).append(row)
    device_ids = {n: d for n, (_, d) in existing.items()}
    open_loans = _open_loans_of([device_ids[r.number] for r in update_rows])
    plan.problems += _holder_conflicts(update_rows, device_ids, open_loans)
    if plan.problems:
        return plan
    known_categories = {s for (s,) in Category.select(Category.search_text).tuples()}
    plan.to_add = len(plan.add_rows)
    plan.updates = _planned_updates(update_rows, known_categories, open_loans)
    plan.to_update, plan.unchanged = len(plan.updates), len(update_rows) - len(plan.updates)
    plan.new_categories = _new_categories(parsed.rows, known_categories)
    _plan_loans(plan, parsed.rows, device_ids, open_loans)
    plan.overdue = sum(1 for r in parsed.rows if r.holder_email and r.due_date and r.due_date < today)
    return plan


def apply_import(
    data: bytes, *, update_existing: bool, today: date, now: datetime, actor_id: int | None, expected: str | None = None
) -> ImportResult:
    """Re-plan and write everything in one transaction, or nothing if there is a problem.

    `expected`: the fingerprint of the plan the caller showed; if the register changed so that
    the import would do something else, nothing is written and the result says `changed`."""
    try:
        with database_proxy.atomic():
            plan = plan_import(data, update_existing=update_existing, today=today)
            if not plan.ok:
                return ImportResult(plan, applied=False)
            if expected is not None and plan.fingerprint != expected:
                return ImportResult(plan, applied=False, changed=True)
            return _write(plan, now, actor_id)
    except IntegrityError:  # another writer (the CLI next to the bot) took a number or serial
        plan = plan_import(data, update_existing=update_existing, today=today)
        if plan.ok:
            raise
        return ImportResult(plan, applied=False)


# ------------------------------------------------------------------------------ planning


def _open_loans_of(device_ids: list[int]) -> dict[int, list]:
    """device id -> [loan id, person id, e-mail, name, due, place] of the open loans among `device_ids`."""
    if not device_ids:
        return {}
    wanted = set(device_ids)
    query = (
        Loan.select(Loan.device, Loan.id, Person.id, Person.email, Person.full_name, Loan.due_on, Loan.location)
        .join(Person)
        .where(Loan.returned_at.is_null())
        .tuples()
    )  # all open loans: cheaper than IN (…)
    return {d: rest for d, *rest in query if d in wanted}


def _holder_conflicts(rows: list[DeviceRow], device_ids: dict[int, int], open_loans: dict) -> list[Problem]:
    title = device_csv.report_title("holder_email")
    problems = []
    for row in rows:
        holder = open_loans.get(device_ids[row.number]) if row.holder_email else None
        if holder is not None and holder[2] != row.holder_email:
            problems.append(
                Problem(
                    row.line,
                    title,
                    T.IMPORT_HELD_BY_OTHER.format(number=row.number, holder=holder[3] or holder[2] or "—"),
                )
            )
    return problems


def _planned_updates(rows: list[DeviceRow], known_categories: set[str], open_loans: dict) -> list[_Update]:
    """Non-empty cells overwrite; only devices that actually change are returned.

    The export writes a held device's place as its holder gave it (the loan's place); that
    same place coming back is not a new place for the device itself."""
    if not rows:
        return []
    wanted = {r.number for r in rows}
    stored = {
        r[1]: r
        for r in Device.select(
            Device.id, Device.number, Category.search_text, Category.name, *(getattr(Device, k) for k in _UPDATABLE)
        )
        .join(Category)
        .where(Device.deleted_at.is_null())
        .tuples()
        if r[1] in wanted
    }
    updates = []
    for row in rows:
        device_id, _, category_key, category_name, *old = stored[row.number]
        current = {k: _iso(v) if isinstance(v, date) else v for k, v in zip(_UPDATABLE, old)}
        changes: dict[str, list] = {}
        loan = open_loans.get(device_id)
        for key in _UPDATABLE:
            new = getattr(row, key)
            new = _iso(new) if isinstance(new, date) else new
            if key == "location" and loan is not None and loan[5] and new == loan[5]:
                continue
            if new is not None and new != current[key]:
                changes[key], current[key] = [current[key], new], new
        if fold(row.category) != category_key:
            changes["category"] = [category_name, row.category]
            category_name = row.category
        if changes:
            updates.append(
                _Update(device_id, row.number, tuple(current[k] for k in _UPDATABLE), category_name, changes)
            )
    return updates


def _new_categories(rows: list[DeviceRow], known: set[str]) -> list[str]:
    new: dict[str, str] = {}
    for row in rows:
        key = fold(row.category)
        if key not in known and key not in new:
            new[key] = row.category
    return list(new.values())


def _plan_loans(plan: ImportPlan, rows: list[DeviceRow], device_ids: dict[int, int], open_loans: dict) -> None:
    """New loans, due-date changes of loans that stay, and whom to invite."""
    held = [r for r in rows if r.holder_email]
    if not held:
        return
    emails = sorted({r.holder_email for r in held})
    people_by_email = {
        email: (name, status)
        for email, name, status in Person.select(Person.email, Person.full_name, Person.status)
        .where(Person.email.in_(emails), Person.status != PersonStatus.DELETED)
        .tuples()
    }
    counts: Counter[str] = Counter()
    for row in held:
        loan = open_loans.get(device_ids.get(row.number, -1))
        if loan is not None:  # conflicts were refused: this is the same holder
            loan_id, person_id, _, _, due, _ = loan
            if row.due_date and row.due_date != _as_date(due):
                plan.due_updates.append(_DueChange(loan_id, device_ids[row.number], person_id, row.due_date))
            continue
        plan.loans.append((row, row.holder_email))
        counts[row.holder_email] += 1
    plan.due_changes = len(plan.due_updates)
    plan.invitations = [e for e in emails if e not in people_by_email and counts[e]]
    for email in sorted(counts):
        name, status = people_by_email.get(email, (None, None))
        plan.assignments.append(
            Assignment(email, name if status not in (None, PersonStatus.INVITED) else None, counts[email])
        )


def _as_date(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


# ------------------------------------------------------------------------------ writing


def _write(plan: ImportPlan, now: datetime, actor_id: int | None) -> ImportResult:
    """Carry out the plan, nothing more: every count comes from what was written."""
    result = ImportResult(plan, applied=True)
    categories = _ensure_categories(plan, now, actor_id, result)
    holders = _ensure_holders(plan, now, actor_id, result)
    events = _Events(now, actor_id)
    _insert_devices(plan.add_rows, categories, now)
    device_ids = _live_device_ids()
    for r in plan.add_rows:
        events.add("device_added", device_ids[r.number], number=r.number, name=r.name, source="import")
    result.added = len(plan.add_rows)
    result.updated = _update_devices(plan.updates, categories, now, events)
    result.unchanged = plan.unchanged
    result.due_changed = _change_due_dates(plan.due_updates, events)
    loans = _open_loans(plan.loans, device_ids, holders, now, events)
    result.assigned = len(loans)
    _bulk_insert("events", ("at", "kind", "actor_id", "device_id", "person_id", "details"), events.rows)
    by_person: dict[int, list[DeviceLabel]] = {}
    language: dict[int, str | None] = {}
    for row, person in loans:
        if person.telegram_id is not None and person.status == PersonStatus.ACTIVE:
            by_person.setdefault(person.telegram_id, []).append(DeviceLabel(row.number, row.name))
            language[person.telegram_id] = person.language
    result.notices = [HolderNotice(tid, devices, language[tid]) for tid, devices in by_person.items()]
    return result


# Rows per INSERT statement. One row per statement (executemany) made the search index's
# trigger flush FTS5's pending data at the end of every statement, which doubled a large
# import (see benchmarks/README.md, hot paths). 500 rows of up to 11 columns stay far below
# SQLite's 32,766 bound parameters.
_INSERT_BATCH = 500


def _bulk_insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT many rows, _INSERT_BATCH to a statement. peewee's insert_many spent most of a
    10,000-row import building SQL text; callers pass values already in storage form."""
    _batched(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {{values}}", len(columns), rows)


def _batched(sql: str, width: int, rows: list[tuple]) -> None:
    """Run `sql` once per _INSERT_BATCH rows, its `{values}` replaced by that many (?, ...)."""
    one = f"({', '.join('?' * width)})"
    connection = database_proxy.connection()
    for start in range(0, len(rows), _INSERT_BATCH):
        batch = rows[start : start + _INSERT_BATCH]
        connection.execute(sql.format(values=", ".join([one] * len(batch))), [v for row in batch for v in row])


def _stored(value: datetime) -> str:
    return Event.at.db_value(value)  # the UTC text form every timestamp column uses


class _Events:
    """Event rows collected during the import, written in one statement at the end."""

    def __init__(self, now: datetime, actor_id: int | None):
        self.at, self.actor_id, self.rows = _stored(now), actor_id, []

    def add(self, kind: str, device_id: int | None = None, person_id: int | None = None, **details) -> None:
        self.rows.append(
            (self.at, kind, self.actor_id, device_id, person_id, json.dumps(details, ensure_ascii=False, default=str))
        )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _insert_devices(rows: list[DeviceRow], categories: dict[str, int], now: datetime) -> None:
    at, folded = _stored(now), {}
    values = []
    for r in rows:
        key = folded.get(r.category) or folded.setdefault(r.category, fold(r.category))
        values.append(
            (
                r.number,
                r.serial,
                r.name,
                categories[key],
                r.firmware,
                _iso(r.registered_on),
                r.comment,
                r.location,
                fold(r.name, r.serial, r.category),
                at,
                at,
            )
        )
    _bulk_insert(
        "devices",
        (
            "number",
            "serial",
            "name",
            "category_id",
            "firmware",
            "registered_on",
            "comment",
            "location",
            "search_text",
            "created_at",
            "updated_at",
        ),
        values,
    )


def _ensure_categories(plan: ImportPlan, now: datetime, actor_id: int | None, result: ImportResult) -> dict[str, int]:
    """fold(name) -> category id, creating the plan's new categories."""
    ids = {s: i for i, s in Category.select(Category.id, Category.search_text).tuples()}
    for name in plan.new_categories:
        key = fold(name)
        ids[key] = Category.create(name=name, search_text=key, created_at=now).id
        record("category_added", now, actor_id=actor_id, name=name, source="import")
        result.categories_added += 1
    return ids


def _ensure_holders(plan: ImportPlan, now: datetime, actor_id: int | None, result: ImportResult) -> dict[str, Person]:
    """e-mail -> person of every new loan; the plan's invitations become invited people who
    claim the devices when they register."""
    emails = sorted({email for _, email in plan.loans})
    holders = (
        {p.email: p for p in Person.select().where(Person.email.in_(emails), Person.status != PersonStatus.DELETED)}
        if emails
        else {}
    )
    for email in plan.invitations:
        holders[email] = people.invite_by_email(email, now, actor_id)
        result.invited += 1
    return holders


def _update_devices(updates: list[_Update], categories: dict[str, int], now: datetime, events: _Events) -> int:
    """Write the planned field changes; returns how many devices changed.

    Plain tuples and a few statements of many rows each: model instances and per-row save()
    made a 10,000-row update take seconds, and one statement per row (executemany) made the
    search index's trigger flush after every row (see benchmarks/README.md, hot paths)."""
    rows = []
    for u in updates:
        values = dict(zip(_UPDATABLE, u.values))
        search_text = fold(values["name"], values["serial"], u.category)
        rows.append((*u.values, categories[fold(u.category)], search_text, _stored(now), u.device_id))
        events.add("device_updated", u.device_id, changes=u.changes, source="import")
    columns = (*_UPDATABLE, "category_id", "search_text", "updated_at")
    # Order-free: planning refused a serial still held by another device, numbers are the key.
    _batched(
        f"WITH u ({', '.join(columns)}, id) AS (VALUES {{values}}) "
        f"UPDATE devices SET {', '.join(f'{k} = u.{k}' for k in columns)} FROM u WHERE devices.id = u.id",
        len(columns) + 1,
        rows,
    )
    return len(rows)


def _change_due_dates(changes: list[_DueChange], events: _Events) -> int:
    for change in changes:
        Loan.update(due_on=change.due_on).where(Loan.id == change.loan_id).execute()
        events.add("due_changed", change.device_id, change.person_id, due_on=change.due_on, source="import")
    return len(changes)


def _live_device_ids() -> dict[int, int]:
    """number -> id of every live device (one query; cheaper than IN (…) over thousands)."""
    return dict(Device.select(Device.number, Device.id).where(Device.deleted_at.is_null()).tuples())


def _open_loans(
    loans: list[tuple[DeviceRow, str]],
    device_ids: dict[int, int],
    holders: dict[str, Person],
    now: datetime,
    events: _Events,
) -> list[tuple[DeviceRow, Person]]:
    """The planned new loans (planning left out devices that already have one)."""
    created, new_loans = [], []
    for row, email in loans:
        device_id, person = device_ids[row.number], holders[email]
        new_loans.append((device_id, person.id, _stored(now), _iso(row.due_date)))
        events.add("assigned", device_id, person.id, due_on=row.due_date, source="import")
        created.append((row, person))
    _bulk_insert("loans", ("device_id", "person_id", "taken_at", "due_on"), new_loans)
    return created
