"""Loans: taking a device, returning it, extending the return date.

`start_loan` is the one way a loan opens: a take, an admin's assignment and an accepted
hand-over all go through it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from peewee import IntegrityError

from cashbot.db.models import Device, Loan, QueueEntry, database_proxy
from cashbot.services.common import record
from cashbot.services.errors import AlreadyHolder, DeviceNotFound, DeviceReserved, DeviceTaken, NotHolder
from cashbot.services.fields import check_due_date
from cashbot.services.inventory import (
    DeviceRef,
    close_loan,
    current_loan,
    device_ref,
    holder_name,
    queue_entries,
    require_holder,
)
from cashbot.services.people import PersonBrief, brief
from cashbot.services.queue import Offer, offer_next, waiting_count

# Take and return are the busiest writes, and building their statements with peewee cost far
# more than running them on the database thread (see benchmarks/README.md, hot paths; compare
# card.device_card). So ensure_can_take, take, return_device and the offer to the next in line
# use these statements; values go through the models' field converters. The rarer paths
# (queue, extend, hand-over, admin) keep peewee.
_STATE_SQL = """
SELECT d.number, d.name, l.id, l.person_id, COALESCE(NULLIF(lp.full_name, ''), lp.email, ''),
       o.person_id, op.full_name, o.offer_expires_at
FROM devices d
LEFT JOIN loans l ON l.device_id = d.id AND l.returned_at IS NULL
LEFT JOIN people lp ON lp.id = l.person_id
LEFT JOIN queue_entries o ON o.device_id = d.id AND o.offered_at IS NOT NULL
LEFT JOIN people op ON op.id = o.person_id
WHERE d.id = ? AND d.deleted_at IS NULL
"""
_OPEN_LOAN_SQL = "INSERT INTO loans (device_id, person_id, taken_at, due_on, location) VALUES (?, ?, ?, ?, ?)"
_SET_LOCATION_SQL = "UPDATE devices SET location = ?, updated_at = ? WHERE id = ?"
_LEAVE_QUEUE_SQL = "DELETE FROM queue_entries WHERE device_id = ? AND person_id = ?"


@dataclass(frozen=True)
class StartedLoan:
    loan_id: int
    left_queue: bool  # the new holder was waiting for this device and lost that place


@dataclass(frozen=True)
class TakeResult:
    device: DeviceRef
    loan_id: int
    due_on: date | None
    from_queue: bool


@dataclass(frozen=True)
class ReturnResult:
    device: DeviceRef
    offer: Offer | None  # who was offered the device next


@dataclass(frozen=True)
class ExtendResult:
    device: DeviceRef
    due_on: date | None
    waiting: list[PersonBrief]  # to be told the new date


@dataclass(frozen=True)
class HolderCheck:
    """What the holder is shown before extending or handing over."""

    device: DeviceRef
    due_on: date | None
    waiting: int


def start_loan(
    device_id: int,
    person_id: int,
    *,
    due_on: date | None,
    location: str | None,
    now: datetime,
    locate_device: bool = True,
) -> StartedLoan:
    """Open a loan inside the caller's transaction: the new holder leaves the device's queue and
    the loan's location becomes the device's (unless `locate_device` is False: a hand-over
    carries a location the device already has). The unique index on open loans decides a race:
    DeviceTaken, and the caller's transaction rolls back."""
    try:
        loan_id = database_proxy.execute_sql(
            _OPEN_LOAN_SQL,
            (
                device_id,
                person_id,
                Loan.taken_at.db_value(now),
                Loan.due_on.db_value(due_on),
                location,
            ),
        ).lastrowid
    except IntegrityError:
        holder = current_loan(device_id)
        raise DeviceTaken(holder_name(holder), holder.person_id if holder else 0) from None
    if location and locate_device:
        database_proxy.execute_sql(_SET_LOCATION_SQL, (location, Device.updated_at.db_value(now), device_id))
    had_place = database_proxy.execute_sql(_LEAVE_QUEUE_SQL, (device_id, person_id)).rowcount
    return StartedLoan(loan_id, bool(had_place))


class _State(NamedTuple):
    """A live device's loan and offer, as _STATE_SQL reads them; None where there is none."""

    number: int
    name: str
    loan_id: int | None
    holder_id: int | None
    holder_name: str
    offered_to: int | None
    offered_name: str | None
    offer_until: str | None  # as stored


def _state(device_id: int) -> _State:
    """DeviceNotFound unless the device is live."""
    row = database_proxy.execute_sql(_STATE_SQL, (device_id,)).fetchone()
    if row is None:
        raise DeviceNotFound()
    return _State._make(row)


def _check_takeable(device_id: int, person_id: int) -> DeviceRef:
    """The device if `person_id` may take it now."""
    state = _state(device_id)
    if state.loan_id is not None:
        if state.holder_id == person_id:
            raise AlreadyHolder()
        raise DeviceTaken(state.holder_name, state.holder_id)
    # A reservation stands until the background loop moves it on, even a few seconds past its
    # expiry: otherwise a passer-by could take the device ahead of the whole queue.
    if state.offered_to is not None and state.offered_to != person_id:
        raise DeviceReserved(state.offered_name, QueueEntry.offer_expires_at.python_value(state.offer_until))
    return DeviceRef(device_id, state.number, state.name)


def ensure_can_take(device_id: int, person_id: int) -> DeviceRef:
    """Read-only check before the take dialog starts (the take itself checks again)."""
    return _check_takeable(device_id, person_id)


def take(
    device_id: int, person_id: int, *, due_on: date | None, location: str | None, today: date, now: datetime
) -> TakeResult:
    due_on = check_due_date(due_on, today)
    with database_proxy.atomic():
        device = _check_takeable(device_id, person_id)
        loan = start_loan(device_id, person_id, due_on=due_on, location=location, now=now)
        record(
            "take", now, actor_id=person_id, device_id=device_id, person_id=person_id, due_on=due_on, location=location
        )
    return TakeResult(device, loan.loan_id, due_on, loan.left_queue)


def return_device(
    device_id: int,
    person_id: int,
    *,
    now: datetime,
    hold_hours: int,
    actor_id: int | None = None,
    reason: str = "returned",
) -> ReturnResult:
    """Close the holder's loan and offer the device to the queue.

    `person_id` must hold it; admins unassigning pass the holder's id, themselves as actor."""
    with database_proxy.atomic():
        state = _state(device_id)
        if state.loan_id is None or state.holder_id != person_id:
            raise NotHolder()
        device = DeviceRef(device_id, state.number, state.name)
        close_loan(state.loan_id, reason, now)
        record(
            "return" if reason == "returned" else reason,
            now,
            actor_id=actor_id or person_id,
            device_id=device_id,
            person_id=person_id,
        )
        offer = offer_next(device, now, hold_hours)
    return ReturnResult(device, offer)


def check_holder(device_id: int, person_id: int) -> HolderCheck:
    """Read-only: raises NotHolder unless `person_id` holds the device now."""
    device, loan = require_holder(device_id, person_id)
    return HolderCheck(device_ref(device), loan.due_on, waiting_count(device_id))


def extend(device_id: int, person_id: int, *, due_on: date | None, today: date, now: datetime) -> ExtendResult:
    due_on = check_due_date(due_on, today)
    with database_proxy.atomic():
        device, loan = require_holder(device_id, person_id)
        old = loan.due_on
        loan.due_on = due_on
        loan.save()
        record(
            "extend", now, actor_id=person_id, device_id=device_id, person_id=person_id, old_due_on=old, due_on=due_on
        )
        waiting = [brief(e.person) for e in queue_entries(device_id)]
    return ExtendResult(device_ref(device), due_on, waiting)
