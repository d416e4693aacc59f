"""Hand-over: the holder offers the device to a colleague, who accepts (the loan moves to them)
or declines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from cashbot.db.models import Device, Handover, Person, PersonStatus, database_proxy
from cashbot.services.common import record
from cashbot.services.errors import HandoverNotPending, HandoverTargetUnavailable, HandoverToSelf
from cashbot.services.inventory import DeviceRef, close_loan, current_loan, device_ref, queue_entries, require_holder
from cashbot.services.loans import start_loan
from cashbot.services.people import PersonBrief, brief


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


def handover_candidates(device_id: int, holder_id: int, limit: int = 5) -> list[PersonBrief]:
    """The queue first, in order: they are the natural recipients. Only the holder asks."""
    require_holder(device_id, holder_id)
    return [
        brief(e.person)
        for e in queue_entries(device_id)
        if e.person_id != holder_id and e.person.status == PersonStatus.ACTIVE
    ][:limit]


def request_handover(device_id: int, from_person_id: int, to_person_id: int, *, now: datetime) -> HandoverRequest:
    if from_person_id == to_person_id:
        raise HandoverToSelf()
    with database_proxy.atomic():
        device, loan = require_holder(device_id, from_person_id)
        target = Person.get_or_none(Person.id == to_person_id)
        if (
            target is None
            or target.status != PersonStatus.ACTIVE
            or target.telegram_id is None
            or target.unreachable_at is not None
        ):  # blocked the bot: could never answer
            raise HandoverTargetUnavailable(target.full_name if target else "")
        # A new request replaces an unanswered one.
        Handover.update(resolved_at=now, outcome="cancelled").where(
            Handover.device == device_id, Handover.resolved_at.is_null()
        ).execute()
        handover = Handover.create(
            device=device, loan=loan, from_person=from_person_id, to_person=to_person_id, created_at=now
        )
        record("handover_request", now, actor_id=from_person_id, device_id=device_id, person_id=to_person_id)
        return HandoverRequest(handover.id, device_ref(device), brief(loan.person), brief(target), loan.due_on)


def cancel_handover(handover_id: int, *, now: datetime) -> bool:
    """The request could not be delivered: close it so the holder can ask someone else.
    False if it was answered or replaced meanwhile."""
    with database_proxy.atomic():
        changed = (
            Handover.update(resolved_at=now, outcome="cancelled")
            .where(Handover.id == handover_id, Handover.resolved_at.is_null())
            .execute()
        )
        if changed:
            handover = Handover.get_by_id(handover_id)
            record(
                "handover_cancelled",
                now,
                device_id=handover.device_id,
                person_id=handover.to_person_id,
                reason="undeliverable",
            )
    return bool(changed)


def answer_handover(handover_id: int, person_id: int, accept: bool, *, now: datetime) -> HandoverOutcome:
    """The colleague accepts (the loan moves to them) or declines. Only they can answer, once."""
    with database_proxy.atomic():
        handover = Handover.get_or_none(Handover.id == handover_id)
        if handover is None or handover.to_person_id != person_id or handover.resolved_at is not None:
            raise HandoverNotPending()
        loan = current_loan(handover.device_id)
        if loan is None or loan.id != handover.loan_id:
            raise HandoverNotPending()
        device = Device.get_by_id(handover.device_id)
        handover.resolved_at, handover.outcome = now, "accepted" if accept else "declined"
        handover.save()
        giver, receiver = brief(handover.from_person), brief(handover.to_person)
        if not accept:
            record("handover_declined", now, actor_id=person_id, device_id=device.id, person_id=giver.person_id)
            return HandoverOutcome(handover.id, device_ref(device), giver, receiver, False)
        close_loan(loan.id, "handed_over", now)
        start_loan(device.id, person_id, due_on=loan.due_on, location=loan.location, now=now, locate_device=False)
        record(
            "handover",
            now,
            actor_id=person_id,
            device_id=device.id,
            person_id=person_id,
            from_person_id=giver.person_id,
            from_name=giver.full_name,
            to_name=receiver.full_name,
        )
        return HandoverOutcome(handover.id, device_ref(device), giver, receiver, True, loan.due_on)
