"""The queue: joining and leaving it, "your turn" offers, passing on them and their expiry.

Whoever is first in line when a device is freed gets it reserved for `hold_hours`
(`offer_next`, also run by a return or an admin taking the device back)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import IntegrityError

from cashbot.db.models import Device, Event, Person, PersonStatus, QueueEntry, database_proxy
from cashbot.services.common import record
from cashbot.services.errors import AlreadyHolder, AlreadyQueued, DeviceFree, NoOffer, NotQueued
from cashbot.services.inventory import (
    DeviceRef,
    current_loan,
    current_offer,
    device_ref,
    live_device,
)
from cashbot.services.people import PersonBrief, brief

_QUEUE_SQL = """
SELECT q.id, p.id, p.telegram_id, p.full_name, p.username, p.email, p.status, p.language
FROM queue_entries q JOIN people p ON p.id = q.person_id
WHERE q.device_id = ?
ORDER BY q.joined_at, q.id
"""
_DROP_ENTRY_SQL = "DELETE FROM queue_entries WHERE id = ?"
_OFFER_SQL = "UPDATE queue_entries SET offered_at = ?, offer_expires_at = ? WHERE id = ?"


@dataclass(frozen=True)
class Offer:
    """The device is reserved for `person` until `expires_at` ("your turn")."""

    device: DeviceRef
    person: PersonBrief
    expires_at: datetime


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


def offer_next(device: DeviceRef, now: datetime, hold_hours: int) -> Offer | None:
    """Reserve the device for the first reachable person in the queue, or leave it free."""
    for entry_id, *who in database_proxy.execute_sql(_QUEUE_SQL, (device.device_id,)).fetchall():
        person = PersonBrief(*who)
        if person.status != PersonStatus.ACTIVE:
            # blocked or deleted people lose their place
            database_proxy.execute_sql(_DROP_ENTRY_SQL, (entry_id,))
            record("queue_dropped", now, device_id=device.device_id, person_id=person.person_id, status=person.status)
            continue
        until = now + timedelta(hours=hold_hours)
        database_proxy.execute_sql(
            _OFFER_SQL, (QueueEntry.offered_at.db_value(now), QueueEntry.offer_expires_at.db_value(until), entry_id)
        )
        record("offer", now, device_id=device.device_id, person_id=person.person_id, until=until.isoformat())
        return Offer(device, person, until)
    return None


def waiting_count(device_id: int) -> int:
    return QueueEntry.select().where(QueueEntry.device == device_id).count()


def join_queue(device_id: int, person_id: int, *, now: datetime, today_start: datetime) -> JoinResult:
    """`today_start`: the start of the local day, for "tell the holder at most once a day"."""

    with database_proxy.atomic():
        device = live_device(device_id)
        loan = current_loan(device_id)
        offer = current_offer(device_id)
        if loan is not None and loan.person_id == person_id:
            raise AlreadyHolder()
        if loan is None and (offer is None or offer.person_id == person_id):
            raise DeviceFree()
        try:
            with database_proxy.atomic():
                QueueEntry.create(device=device, person=person_id, joined_at=now)
        except IntegrityError:
            raise AlreadyQueued() from None
        position = waiting_count(device_id)
        record("queue_join", now, actor_id=person_id, device_id=device_id, person_id=person_id)
        holder_to_notify = None
        if loan is not None:
            told_today = (
                Event.select()
                .where(
                    Event.kind == "holder_told_waiting",
                    Event.device == device_id,
                    Event.person == loan.person_id,
                    Event.at >= today_start,
                )
                .exists()
            )
            if not told_today:
                record(
                    "holder_told_waiting",
                    now,
                    device_id=device_id,
                    person_id=loan.person_id,
                    waiting_person_id=person_id,
                )
                holder_to_notify = brief(loan.person)
    return JoinResult(device_ref(device), position, holder_to_notify)


def _leave(
    device_id: int, entry: QueueEntry, now: datetime, hold_hours: int, by_system: bool = False
) -> OfferChange | None:
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
    return OfferChange(device_ref(device), me, offer_next(device_ref(device), now, hold_hours))


def leave_queue(device_id: int, person_id: int, *, now: datetime, hold_hours: int) -> OfferChange | None:
    """Leave the queue; leaving while the device is reserved for me offers it to the next."""
    with database_proxy.atomic():
        entry = QueueEntry.get_or_none(QueueEntry.device == device_id, QueueEntry.person == person_id)
        if entry is None:
            live_device(device_id)
            raise NotQueued()
        return _leave(device_id, entry, now, hold_hours)


def pass_offer(
    device_id: int, person_id: int, *, now: datetime, hold_hours: int, unreachable: bool = False
) -> OfferChange:
    """ "Pass" on "your turn": give the reservation to the next in line.

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
    expired = list(
        QueueEntry.select(QueueEntry.device, QueueEntry.person).where(
            QueueEntry.offered_at.is_null(False), QueueEntry.offer_expires_at <= now
        )
    )
    for entry in expired:
        with database_proxy.atomic():
            current = current_offer(entry.device_id)
            if current is None or current.person_id != entry.person_id or current.offer_expires_at > now:
                continue  # taken, passed or renewed meanwhile
            device = Device.get_by_id(entry.device_id)
            previous = brief(current.person)
            current.delete_instance()
            record("offer_expired", now, device_id=device.id, person_id=previous.person_id)
            if current_loan(device.id) is not None:
                continue
            changes.append(OfferChange(device_ref(device), previous, offer_next(device_ref(device), now, hold_hours)))
    return changes
