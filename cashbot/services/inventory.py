"""Taking, returning, extending, queueing and handing over devices.

Each public function is one transaction (BEGIN IMMEDIATE, see db.database) and re-checks the
state it acts on: buttons can be stale, double-clicked or forged. The database holds the
invariants too (one open loan per device, one queue entry per person, one offer per device).
Functions return who must be told what; handlers render and send the messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import IntegrityError

from cashbot.db.models import Device, Event, Handover, Loan, Person, PersonStatus, QueueEntry, database_proxy
from cashbot.services.common import record
from cashbot.services.fields import check_due_date
from cashbot.services.errors import (
    AlreadyHolder,
    AlreadyQueued,
    DeviceFree,
    DeviceNotFound,
    DeviceReserved,
    DeviceTaken,
    HandoverNotPending,
    HandoverTargetUnavailable,
    HandoverToSelf,
    NoOffer,
    NotHolder,
    NotQueued,
)
from cashbot.services.people import PersonBrief, brief

# Take and return are the busiest writes, and building their statements with peewee cost far
# more than running them on the database thread (see benchmarks/README.md, hot paths; compare
# catalog.device_card). So ensure_can_take, take, return_device and the offer to the next in
# line use these statements; values go through the models' field converters. The rarer paths
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
_CLOSE_LOAN_SQL = "UPDATE loans SET returned_at = ?, close_reason = ? WHERE id = ?"
_CANCEL_HANDOVERS_SQL = """
UPDATE handovers SET resolved_at = ?, outcome = 'cancelled' WHERE loan_id = ? AND resolved_at IS NULL
"""
_QUEUE_SQL = """
SELECT q.id, p.id, p.telegram_id, p.full_name, p.username, p.email, p.status
FROM queue_entries q JOIN people p ON p.id = q.person_id
WHERE q.device_id = ?
ORDER BY q.joined_at, q.id
"""
_DROP_ENTRY_SQL = "DELETE FROM queue_entries WHERE id = ?"
_OFFER_SQL = "UPDATE queue_entries SET offered_at = ?, offer_expires_at = ? WHERE id = ?"


@dataclass(frozen=True)
class DeviceRef:
    device_id: int
    number: int
    name: str


@dataclass(frozen=True)
class Offer:
    """The device is reserved for `person` until `expires_at` ("your turn")."""

    device: DeviceRef
    person: PersonBrief
    expires_at: datetime


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


@dataclass(frozen=True)
class JoinResult:
    device: DeviceRef
    position: int
    holder_to_notify: PersonBrief | None  # at most once a day per device


@dataclass(frozen=True)
class OfferChange:
    """An offer moved on (passed, expired, left): `offer` is the next person's turn (None: the
    device is free now). `previous` is told only when their time ran out; they passed themselves."""

    device: DeviceRef
    previous: PersonBrief
    offer: Offer | None


@dataclass(frozen=True)
class HandoverRequest:
    handover_id: int
    device: DeviceRef
    from_person: PersonBrief
    to_person: PersonBrief
    due_on: date | None = None  # the loan's date, which moves with it


@dataclass(frozen=True)
class HandoverOutcome:
    handover_id: int
    device: DeviceRef
    from_person: PersonBrief
    to_person: PersonBrief
    accepted: bool
    due_on: date | None = None


def device_ref(device: Device) -> DeviceRef:
    return DeviceRef(device.id, device.number, device.name)


def live_device(device_id: int) -> Device:
    device = Device.get_or_none((Device.id == device_id) & Device.deleted_at.is_null())
    if device is None:
        raise DeviceNotFound()
    return device


def open_loan(device_id: int) -> Loan | None:
    return (Loan.select(Loan, Person).join(Person)
            .where(Loan.device == device_id, Loan.returned_at.is_null()).first())


def current_offer(device_id: int) -> QueueEntry | None:
    return (QueueEntry.select(QueueEntry, Person).join(Person)
            .where(QueueEntry.device == device_id, QueueEntry.offered_at.is_null(False)).first())


def _queue(device_id: int) -> list[QueueEntry]:
    return list(QueueEntry.select(QueueEntry, Person).join(Person)
                .where(QueueEntry.device == device_id).order_by(QueueEntry.joined_at, QueueEntry.id))


def _offer_next(device: DeviceRef, now: datetime, hold_hours: int) -> Offer | None:
    """Reserve the device for the first reachable person in the queue, or leave it free."""
    for entry_id, *who in database_proxy.execute_sql(_QUEUE_SQL, (device.device_id,)).fetchall():
        person = PersonBrief(*who)
        if person.status != PersonStatus.ACTIVE:
            # blocked or deleted people lose their place
            database_proxy.execute_sql(_DROP_ENTRY_SQL, (entry_id,))
            record("queue_dropped", now, device_id=device.device_id, person_id=person.person_id,
                   status=person.status)
            continue
        until = now + timedelta(hours=hold_hours)
        database_proxy.execute_sql(_OFFER_SQL, (QueueEntry.offered_at.db_value(now),
                                                QueueEntry.offer_expires_at.db_value(until), entry_id))
        record("offer", now, device_id=device.device_id, person_id=person.person_id, until=until.isoformat())
        return Offer(device, person, until)
    return None


def _holder_name(loan: Loan | None) -> str:
    """As screens name a holder: someone invited by e-mail has no name yet."""
    return (loan.person.full_name or loan.person.email or "") if loan else ""


def start_loan(device: Device, person_id: int, due_on: date | None, location: str | None,
                now: datetime) -> Loan:
    try:
        with database_proxy.atomic():  # a savepoint: the unique index decides a race
            loan = Loan.create(device=device, person=person_id, taken_at=now, due_on=due_on,
                               location=location)
    except IntegrityError:
        holder = open_loan(device.id)
        raise DeviceTaken(_holder_name(holder), holder.person_id if holder else 0)
    if location:
        device.location, device.updated_at = location, now
        device.save()
    return loan


def _close_loan(loan_id: int, reason: str, now: datetime) -> None:
    """Close the loan; a hand-over it was waiting on is cancelled."""
    database_proxy.execute_sql(_CLOSE_LOAN_SQL, (Loan.returned_at.db_value(now), reason, loan_id))
    database_proxy.execute_sql(_CANCEL_HANDOVERS_SQL, (Handover.resolved_at.db_value(now), loan_id))


def _state(device_id: int) -> tuple:
    """(number, name, loan id, holder id, holder name, offered-to id, offered-to name,
    offer expiry as stored) of a live device; DeviceNotFound otherwise. None where there is no
    open loan / no offer."""
    row = database_proxy.execute_sql(_STATE_SQL, (device_id,)).fetchone()
    if row is None:
        raise DeviceNotFound()
    return row


def _check_takeable(device_id: int, person_id: int) -> DeviceRef:
    """The device if `person_id` may take it now."""
    number, name, loan_id, holder_id, holder_name, offered_to, offered_name, offer_until = _state(device_id)
    if loan_id is not None:
        if holder_id == person_id:
            raise AlreadyHolder()
        raise DeviceTaken(holder_name, holder_id)
    # A reservation stands until the background loop moves it on, even a few seconds past its
    # expiry: otherwise a passer-by could take the device ahead of the whole queue.
    if offered_to is not None and offered_to != person_id:
        raise DeviceReserved(offered_name, QueueEntry.offer_expires_at.python_value(offer_until))
    return DeviceRef(device_id, number, name)


def ensure_can_take(device_id: int, person_id: int) -> DeviceRef:
    """Read-only check before the take dialog starts (the take itself checks again)."""
    return _check_takeable(device_id, person_id)


def take(device_id: int, person_id: int, *, due_on: date | None, location: str | None,
         today: date, now: datetime) -> TakeResult:
    due_on = check_due_date(due_on, today)
    with database_proxy.atomic():
        device = _check_takeable(device_id, person_id)
        try:  # the unique index decides a race; the refusal rolls the whole take back
            loan_id = database_proxy.execute_sql(_OPEN_LOAN_SQL, (
                device_id, person_id, Loan.taken_at.db_value(now), Loan.due_on.db_value(due_on), location,
            )).lastrowid
        except IntegrityError:
            holder = open_loan(device_id)
            raise DeviceTaken(_holder_name(holder), holder.person_id if holder else 0)
        if location:
            database_proxy.execute_sql(_SET_LOCATION_SQL, (location, Device.updated_at.db_value(now), device_id))
        had_place = database_proxy.execute_sql(_LEAVE_QUEUE_SQL, (device_id, person_id)).rowcount
        record("take", now, actor_id=person_id, device_id=device_id, person_id=person_id,
               due_on=due_on, location=location)
    return TakeResult(device, loan_id, due_on, bool(had_place))


def return_device(device_id: int, person_id: int, *, now: datetime, hold_hours: int,
                  actor_id: int | None = None, reason: str = "returned") -> ReturnResult:
    """Close the holder's loan and offer the device to the queue.

    `person_id` must hold it; admins unassigning pass the holder's id, themselves as actor."""
    with database_proxy.atomic():
        number, name, loan_id, holder_id, *_ = _state(device_id)
        if loan_id is None or holder_id != person_id:
            raise NotHolder()
        device = DeviceRef(device_id, number, name)
        _close_loan(loan_id, reason, now)
        record("return" if reason == "returned" else reason, now, actor_id=actor_id or person_id,
               device_id=device_id, person_id=person_id)
        offer = _offer_next(device, now, hold_hours)
    return ReturnResult(device, offer)


def _require_holder(device_id: int, person_id: int) -> tuple[Device, Loan]:
    device = live_device(device_id)
    loan = open_loan(device_id)
    if loan is None or loan.person_id != person_id:
        raise NotHolder()
    return device, loan


def check_holder(device_id: int, person_id: int) -> HolderCheck:
    """Read-only: raises NotHolder unless `person_id` holds the device now."""
    device, loan = _require_holder(device_id, person_id)
    return HolderCheck(device_ref(device), loan.due_on, waiting_count(device_id))


def extend(device_id: int, person_id: int, *, due_on: date | None, today: date,
           now: datetime) -> ExtendResult:
    due_on = check_due_date(due_on, today)
    with database_proxy.atomic():
        device, loan = _require_holder(device_id, person_id)
        old = loan.due_on
        loan.due_on = due_on
        loan.save()
        record("extend", now, actor_id=person_id, device_id=device_id, person_id=person_id,
               old_due_on=old, due_on=due_on)
        waiting = [brief(e.person) for e in _queue(device_id)]
    return ExtendResult(device_ref(device), due_on, waiting)


def waiting_count(device_id: int) -> int:
    return QueueEntry.select().where(QueueEntry.device == device_id).count()


def join_queue(device_id: int, person_id: int, *, now: datetime, today_start: datetime) -> JoinResult:
    """`today_start`: the start of the local day, for "tell the holder at most once a day"."""

    with database_proxy.atomic():
        device = live_device(device_id)
        loan = open_loan(device_id)
        offer = current_offer(device_id)
        if loan is not None and loan.person_id == person_id:
            raise AlreadyHolder()
        if loan is None and (offer is None or offer.person_id == person_id):
            raise DeviceFree()
        try:
            with database_proxy.atomic():
                QueueEntry.create(device=device, person=person_id, joined_at=now)
        except IntegrityError:
            raise AlreadyQueued()
        position = waiting_count(device_id)
        record("queue_join", now, actor_id=person_id, device_id=device_id, person_id=person_id)
        holder_to_notify = None
        if loan is not None:
            told_today = Event.select().where(
                Event.kind == "holder_told_waiting", Event.device == device_id,
                Event.person == loan.person_id, Event.at >= today_start).exists()
            if not told_today:
                record("holder_told_waiting", now, device_id=device_id, person_id=loan.person_id,
                       waiting_person_id=person_id)
                holder_to_notify = brief(loan.person)
    return JoinResult(device_ref(device), position, holder_to_notify)


def _leave(device_id: int, entry: QueueEntry, now: datetime, hold_hours: int,
           by_system: bool = False) -> OfferChange | None:
    device = live_device(device_id)
    was_offered = entry.offered_at is not None
    me = brief(Person.get_by_id(entry.person_id))
    entry.delete_instance()
    actor = None if by_system else me.person_id
    reason = {"reason": "unreachable"} if by_system else {}
    record("queue_leave", now, actor_id=actor, device_id=device_id, person_id=me.person_id, **reason)
    if not was_offered:
        return None
    record("pass", now, actor_id=actor, device_id=device_id, person_id=me.person_id, **reason)
    return OfferChange(device_ref(device), me, _offer_next(device_ref(device), now, hold_hours))


def leave_queue(device_id: int, person_id: int, *, now: datetime, hold_hours: int) -> OfferChange | None:
    """Leave the queue; leaving while the device is reserved for me offers it to the next."""
    with database_proxy.atomic():
        entry = QueueEntry.get_or_none(QueueEntry.device == device_id, QueueEntry.person == person_id)
        if entry is None:
            live_device(device_id)
            raise NotQueued()
        return _leave(device_id, entry, now, hold_hours)


def pass_offer(device_id: int, person_id: int, *, now: datetime, hold_hours: int,
               unreachable: bool = False) -> OfferChange:
    """"Pass" on "your turn": give the reservation to the next in line.

    `unreachable`: the bot passes for someone who blocked it (they could never answer)."""
    with database_proxy.atomic():
        offer = current_offer(device_id)
        if offer is None or offer.person_id != person_id:
            raise NoOffer()
        change = _leave(device_id, offer, now, hold_hours, by_system=unreachable)
        assert change is not None
        return change


def expire_offers(now: datetime, hold_hours: int) -> list[OfferChange]:
    """Background loop: offers whose hold time passed move down the queue."""
    changes = []
    expired = list(QueueEntry.select(QueueEntry.device, QueueEntry.person).where(
        QueueEntry.offered_at.is_null(False), QueueEntry.offer_expires_at <= now))
    for entry in expired:
        with database_proxy.atomic():
            current = current_offer(entry.device_id)
            if current is None or current.person_id != entry.person_id or current.offer_expires_at > now:
                continue  # taken, passed or renewed meanwhile
            device = Device.get_by_id(entry.device_id)
            previous = brief(current.person)
            current.delete_instance()
            record("offer_expired", now, device_id=device.id, person_id=previous.person_id)
            if open_loan(device.id) is not None:
                continue
            changes.append(OfferChange(device_ref(device), previous, _offer_next(device_ref(device), now, hold_hours)))
    return changes


def handover_candidates(device_id: int, holder_id: int, limit: int = 5) -> list[PersonBrief]:
    """The queue first, in order: they are the natural recipients. Only the holder asks."""
    _require_holder(device_id, holder_id)
    return [brief(e.person) for e in _queue(device_id)
            if e.person_id != holder_id and e.person.status == PersonStatus.ACTIVE][:limit]


def request_handover(device_id: int, from_person_id: int, to_person_id: int, *,
                     now: datetime) -> HandoverRequest:
    if from_person_id == to_person_id:
        raise HandoverToSelf()
    with database_proxy.atomic():
        device, loan = _require_holder(device_id, from_person_id)
        target = Person.get_or_none(Person.id == to_person_id)
        if (target is None or target.status != PersonStatus.ACTIVE or target.telegram_id is None
                or target.unreachable_at is not None):  # blocked the bot: could never answer
            raise HandoverTargetUnavailable(target.full_name if target else "")
        # A new request replaces an unanswered one.
        Handover.update(resolved_at=now, outcome="cancelled").where(
            Handover.device == device_id, Handover.resolved_at.is_null()).execute()
        handover = Handover.create(device=device, loan=loan, from_person=from_person_id,
                                   to_person=to_person_id, created_at=now)
        record("handover_request", now, actor_id=from_person_id, device_id=device_id,
               person_id=to_person_id)
        return HandoverRequest(handover.id, device_ref(device), brief(loan.person), brief(target), loan.due_on)


def cancel_handover(handover_id: int, *, now: datetime) -> bool:
    """The request could not be delivered: close it so the holder can ask someone else.
    False if it was answered or replaced meanwhile."""
    with database_proxy.atomic():
        changed = Handover.update(resolved_at=now, outcome="cancelled").where(
            Handover.id == handover_id, Handover.resolved_at.is_null()).execute()
        if changed:
            handover = Handover.get_by_id(handover_id)
            record("handover_cancelled", now, device_id=handover.device_id,
                   person_id=handover.to_person_id, reason="undeliverable")
    return bool(changed)


def answer_handover(handover_id: int, person_id: int, accept: bool, *, now: datetime) -> HandoverOutcome:
    """The colleague accepts (the loan moves to them) or declines. Only they can answer, once."""
    with database_proxy.atomic():
        handover = Handover.get_or_none(Handover.id == handover_id)
        if handover is None or handover.to_person_id != person_id or handover.resolved_at is not None:
            raise HandoverNotPending()
        loan = open_loan(handover.device_id)
        if loan is None or loan.id != handover.loan_id:
            raise HandoverNotPending()
        device = Device.get_by_id(handover.device_id)
        handover.resolved_at, handover.outcome = now, "accepted" if accept else "declined"
        handover.save()
        giver, receiver = brief(handover.from_person), brief(handover.to_person)
        if not accept:
            record("handover_declined", now, actor_id=person_id, device_id=device.id,
                   person_id=giver.person_id)
            return HandoverOutcome(handover.id, device_ref(device), giver, receiver, False)
        _close_loan(loan.id, "handed_over", now)
        Loan.create(device=device, person=person_id, taken_at=now, due_on=loan.due_on,
                    location=loan.location)
        QueueEntry.delete().where(QueueEntry.device == device.id, QueueEntry.person == person_id).execute()
        record("handover", now, actor_id=person_id, device_id=device.id, person_id=person_id,
               from_person_id=giver.person_id, from_name=giver.full_name, to_name=receiver.full_name)
        return HandoverOutcome(handover.id, device_ref(device), giver, receiver, True, loan.due_on)
