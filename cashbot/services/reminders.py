"""Daily due-date reminders and the admin digest: who gets what, claimed exactly once.

Idempotence lives in the database, not in memory:
- `scheduled_runs (job, day)` says whether a day's run finished; an unfinished one (the bot
  stopped or crashed mid-run, or was down at the send time) is resumed later the same day.
- `reminder_deliveries (loan_id, day)` is UNIQUE: a reminder row is claimed in a transaction
  *before* the message goes out and `sent_at` is set after. A claimed row is never sent again,
  whatever happens next. A crash between claim and send therefore loses that one message
  for the day rather than sending it twice: at-most-once, which is what people trust.
- Only when Telegram answered that it could not take the message for now (5xx, timeout,
  network) are the rows `release`d: the person is due again and a later pass that day sends
  it. A refusal (400) keeps the claim (sending again would fail again); a 403 keeps it too
  and marks the person unreachable.

"Due soon" means due after today but no later than the next run day: on a Friday (default
Mon-Fri schedule) a loan due on Saturday, Sunday or Monday is announced, so nothing falls
due unannounced over a weekend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from peewee import fn

from cashbot.config import WEEKDAYS
from cashbot.db.models import (
    Device,
    Loan,
    Person,
    PersonStatus,
    ReminderDelivery,
    ScheduledRun,
    database_proxy,
)

REMINDERS_JOB = "reminders"
DIGEST_JOB = "admin_digest"
MAX_DEVICES_PER_MESSAGE = 20  # buttons and the 4096-character limit; the rest is summarised

DUE_SOON, DUE_TODAY, OVERDUE = "due_tomorrow", "due_today", "overdue"
BLOCKED, UNDELIVERED = "blocked", "undelivered"


@dataclass(frozen=True)
class DueLoan:
    loan_id: int
    device_id: int
    number: int
    name: str
    due_on: date
    kind: str  # due_tomorrow (due soon) | due_today | overdue
    days_overdue: int  # 0 unless overdue


@dataclass(frozen=True)
class Recipient:
    person_id: int
    telegram_id: int
    language: str | None = None  # the reminder is written in it (None: the default)


@dataclass(frozen=True)
class PersonReminder:
    person_id: int
    telegram_id: int
    full_name: str
    loans: tuple[DueLoan, ...]  # the claimed ones, most overdue first


@dataclass(frozen=True)
class OverdueLine:
    number: int
    name: str
    holder_name: str
    holder_username: str | None
    holder_email: str | None
    due_on: date
    days_overdue: int
    not_reached: str | None = None  # BLOCKED | UNDELIVERED: today's reminder did not reach them


# ------------------------------------------------------------------ schedule (pure)


def weekday_numbers(days: list[str]) -> set[int]:
    return {WEEKDAYS.index(d) for d in days}


def is_run_day(day: date, days: list[str]) -> bool:
    return day.weekday() in weekday_numbers(days)


def next_run_day(day: date, days: list[str]) -> date:
    """The next scheduled day after `day` (a week ahead when only one weekday is set)."""
    numbers = weekday_numbers(days) or set(range(7))
    for ahead in range(1, 8):
        candidate = day + timedelta(days=ahead)
        if candidate.weekday() in numbers:
            return candidate
    return day + timedelta(days=1)  # unreachable: kept for the type checker


def run_is_due(local_now: datetime, send_time: time, days: list[str]) -> bool:
    """Today's run may start: a run day, at or after the send time (so a bot that was down
    at the send time catches up when it comes back the same day, never later)."""
    return is_run_day(local_now.date(), days) and local_now.time() >= send_time


def classify(due_on: date, today: date) -> tuple[str, int]:
    if due_on < today:
        return OVERDUE, (today - due_on).days
    return (DUE_TODAY, 0) if due_on == today else (DUE_SOON, 0)


# ------------------------------------------------------------------ runs


def begin_run(job: str, day: date, now: datetime) -> bool:
    """Start (or resume) `job` for `day`. False when that day's run has already finished."""
    with database_proxy.atomic():
        run = ScheduledRun.get_or_none(ScheduledRun.job == job, ScheduledRun.day == day)
        if run is None:
            ScheduledRun.create(job=job, day=day, started_at=now)
            return True
        return run.finished_at is None


def finish_run(job: str, day: date, now: datetime) -> None:
    with database_proxy.atomic():
        ScheduledRun.update(finished_at=now).where(
            ScheduledRun.job == job, ScheduledRun.day == day, ScheduledRun.finished_at.is_null()
        ).execute()


def claim_once(job: str, day: date, now: datetime) -> bool:
    """For one-shot jobs (the admin digest): True only for the first caller of the day;
    the run is finished at once, so a crash after the claim skips it (at-most-once)."""
    with database_proxy.atomic():
        if ScheduledRun.get_or_none(ScheduledRun.job == job, ScheduledRun.day == day):
            return False
        ScheduledRun.create(job=job, day=day, started_at=now, finished_at=now)
        return True


# ------------------------------------------------------------------ reminders


def _due_loans_query(today: date, horizon: date):
    """Open loans with a due date up to `horizon` held by reachable, active people, on live
    devices, not yet claimed today."""
    # Correlated NOT EXISTS: answered by the UNIQUE (loan_id, day) index however long the
    # deliveries table grows (a NOT IN over "day = ?" would scan it).
    claimed = ReminderDelivery.select(ReminderDelivery.id).where(
        ReminderDelivery.loan == Loan.id, ReminderDelivery.day == today
    )
    return (
        Loan.select(Loan, Device, Person)
        .join(Device)
        .switch(Loan)
        .join(Person)
        .where(
            Loan.returned_at.is_null(),
            Loan.due_on.is_null(False),
            Loan.due_on <= horizon,
            Device.deleted_at.is_null(),
            Person.status == PersonStatus.ACTIVE,
            Person.telegram_id.is_null(False),
            Person.unreachable_at.is_null(),
            ~fn.EXISTS(claimed),
        )
    )


def recipients(today: date, horizon: date) -> list[Recipient]:
    """Everyone who should get a reminder today and has not been claimed yet."""
    query = _due_loans_query(today, horizon).select(Person.id, Person.telegram_id, Person.language).distinct()
    query = query.order_by(Person.id)
    return [Recipient(row.person.id, row.person.telegram_id, row.person.language) for row in query]


def claim(person_id: int, today: date, horizon: date, now: datetime) -> PersonReminder | None:
    """Claim today's reminder rows for one person, in one transaction, just before sending.

    Whatever was already claimed (by an earlier or an overlapping run) is left out; None when
    nothing is left to say."""
    with database_proxy.atomic():
        loans = list(
            _due_loans_query(today, horizon).where(Loan.person == person_id).order_by(Loan.due_on, Device.number)
        )
        if not loans:
            return None
        due = []
        for loan in loans:
            kind, days = classify(loan.due_on, today)
            ReminderDelivery.create(loan=loan.id, person=person_id, device=loan.device.id, day=today, kind=kind)
            due.append(DueLoan(loan.id, loan.device.id, loan.device.number, loan.device.name, loan.due_on, kind, days))
        person = loans[0].person
        return PersonReminder(person.id, person.telegram_id, person.full_name, tuple(due))


def mark_sent(person_id: int, loan_ids: list[int], today: date, now: datetime) -> None:
    with database_proxy.atomic():
        ReminderDelivery.update(sent_at=now).where(
            ReminderDelivery.person == person_id, ReminderDelivery.day == today, ReminderDelivery.loan.in_(loan_ids)
        ).execute()


def release(person_id: int, loan_ids: list[int], today: date) -> None:
    """Telegram could not take the message for now: the rows go back to due, and a later pass
    the same day claims them again. Rows already confirmed sent are never touched."""
    with database_proxy.atomic():
        ReminderDelivery.delete().where(
            ReminderDelivery.person == person_id,
            ReminderDelivery.day == today,
            ReminderDelivery.loan.in_(loan_ids),
            ReminderDelivery.sent_at.is_null(),
        ).execute()


# ------------------------------------------------------------------ admin digest


def overdue_loans(today: date) -> list[OverdueLine]:
    """Every open loan past its due date on a live device, most overdue first, each marked
    when today's reminder did not reach its holder (blocked the bot, or not delivered)."""
    query = (
        Loan.select(Loan, Device, Person)
        .join(Device)
        .switch(Loan)
        .join(Person)
        .where(Loan.returned_at.is_null(), Loan.due_on < today, Device.deleted_at.is_null())
        .order_by(Loan.due_on, Device.number)
    )
    reached = {
        row.loan_id
        for row in ReminderDelivery.select(ReminderDelivery.loan).where(
            ReminderDelivery.day == today, ReminderDelivery.sent_at.is_null(False)
        )
    }
    lines = []
    for loan in query:
        holder = loan.person
        not_reached = None if loan.id in reached else BLOCKED if holder.unreachable_at is not None else UNDELIVERED
        lines.append(
            OverdueLine(
                loan.device.number,
                loan.device.name,
                holder.full_name or holder.email or "—",
                holder.username,
                holder.email,
                loan.due_on,
                (today - loan.due_on).days,
                not_reached,
            )
        )
    return lines


def digest_recipients() -> list[int]:
    """Telegram ids of active, reachable admins (config admins are mirrored into people)."""
    query = (
        Person.select(Person.telegram_id)
        .where(
            Person.is_admin,
            Person.status == PersonStatus.ACTIVE,
            Person.telegram_id.is_null(False),
            Person.unreachable_at.is_null(),
        )
        .order_by(Person.id)
    )
    return [p.telegram_id for p in query]
