"""Managing people (/users): list and search, a person's card, e-mail, comment, block, delete.

Each public function is one transaction and records an event; every function that changes a
person drops the cached viewer (`people.refresh_viewer`) after committing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import Case, fn

from cashbot.db.models import Device, Handover, Loan, Person, PersonStatus, QueueEntry, database_proxy
from cashbot.services import catalog, fields, people, queue
from cashbot.services.catalog import HistoryLine, MyLoan, MyPlace, Page
from cashbot.services.common import DeviceLabel, fold, record
from cashbot.services.errors import CannotChangeSelf, EmailTaken, PersonHoldsDevices, PersonNotFound
from cashbot.services.people import PersonBrief, brief
from cashbot.services.queue import OfferChange

HISTORY_LINES = 5


@dataclass(frozen=True)
class PersonCard:
    person: PersonBrief
    comment: str | None
    is_admin: bool
    loans: list[MyLoan]
    queue: list[MyPlace]
    history: list[HistoryLine]


@dataclass(frozen=True)
class StatusChange:
    person: PersonBrief
    changed: bool  # False: it already was so (double click, another admin)
    offers: list[OfferChange]  # reservations passed on because the person lost queue places


def _live(person_id: int) -> Person:
    person = Person.get_or_none((Person.id == person_id) & (Person.status != PersonStatus.DELETED))
    if person is None:
        raise PersonNotFound()
    return person


def _search_text(person: Person) -> str:
    return fold(person.full_name, person.username and "@" + person.username, person.email, person.comment)


def list_people(query: str | None, page: int, page_size: int) -> Page:
    """Live people, pending requests first, then by name; `query` matches name, @username,
    e-mail and comment, case-insensitively in any script."""
    where = Person.status != PersonStatus.DELETED
    if query:
        needle = fold(query[1:] if query.startswith("@") else query)
        where &= fn.instr(Person.search_text, needle) > 0
    total = Person.select().where(where).count()
    pending_first = Case(None, [(Person.status == PersonStatus.PENDING, 0)], 1)
    rows = (
        Person.select(Person.id, Person.telegram_id, Person.full_name, Person.username, Person.email, Person.status)
        .where(where)
        .order_by(pending_first, fn.lower(Person.full_name), Person.email, Person.id)
    )
    return catalog.paged(rows, page, page_size, total, brief)


def person_card(person_id: int, admin_ids: list[int]) -> PersonCard:
    person = _live(person_id)
    return PersonCard(
        brief(person),
        person.comment,
        person.telegram_id in admin_ids,
        catalog.my_loans(person_id),
        catalog.my_queue(person_id),
        catalog.history(person_id=person_id, limit=HISTORY_LINES),
    )


def set_email(
    person_id: int, raw_email: str, allowed_domains: list[str], *, actor_id: int, now: datetime
) -> PersonBrief:
    """Fix a person's e-mail: validated like registration, unique among live people."""
    email = people.normalize_email(raw_email, allowed_domains)
    with database_proxy.atomic():
        person = _live(person_id)
        owner = Person.get_or_none((Person.email == email) & (Person.status != PersonStatus.DELETED))
        if owner is not None and owner.id != person.id:
            raise EmailTaken()
        old = person.email
        person.email, person.updated_at = email, now
        person.search_text = _search_text(person)
        person.save()
        record("email_changed", now, actor_id=actor_id, person_id=person.id, old=old, new=email)
    people.refresh_viewer(person.telegram_id)
    return brief(person)


def set_comment(person_id: int, comment: str | None, *, actor_id: int, now: datetime) -> PersonBrief:
    comment = fields.clean_text("person_comment", comment)
    with database_proxy.atomic():
        person = _live(person_id)
        old = person.comment
        person.comment, person.updated_at = comment, now
        person.search_text = _search_text(person)
        person.save()
        record("comment_changed", now, actor_id=actor_id, person_id=person.id, old=old, new=comment)
    people.refresh_viewer(person.telegram_id)
    return brief(person)


def _drop_queue_places(person_id: int, now: datetime, hold_hours: int) -> list[OfferChange]:
    """A person who can no longer use the bot leaves every queue; a reservation they held
    passes to the next in line (queue.leave_queue runs as a savepoint here)."""
    changes = []
    device_ids = [e.device_id for e in QueueEntry.select(QueueEntry.device).where(QueueEntry.person == person_id)]
    for device_id in device_ids:
        if Device.get_by_id(device_id).deleted_at is not None:
            QueueEntry.delete().where(QueueEntry.device == device_id, QueueEntry.person == person_id).execute()
            continue
        change = queue.leave_queue(device_id, person_id, now=now, hold_hours=hold_hours)
        if change is not None:
            changes.append(change)
    return changes


def set_blocked(person_id: int, blocked: bool, *, actor_id: int, now: datetime, hold_hours: int) -> StatusChange:
    """Block: the person can't use the bot; devices stay recorded on them; queue places go.
    Unblock: active again."""
    if person_id == actor_id:
        raise CannotChangeSelf()
    with database_proxy.atomic():
        person = _live(person_id)
        target = PersonStatus.BLOCKED if blocked else PersonStatus.ACTIVE
        allowed_from = (
            {PersonStatus.ACTIVE, PersonStatus.PENDING, PersonStatus.INVITED} if blocked else {PersonStatus.BLOCKED}
        )
        if person.status not in allowed_from:
            return StatusChange(brief(person), False, [])
        old = person.status
        person.status, person.updated_at = target, now
        person.save()
        record("blocked" if blocked else "unblocked", now, actor_id=actor_id, person_id=person.id, old=old)
        offers = _drop_queue_places(person.id, now, hold_hours) if blocked else []
    people.refresh_viewer(person.telegram_id)
    return StatusChange(brief(person), True, offers)


def deletion_target(person_id: int, *, actor_id: int) -> PersonBrief:
    """The person an admin asks to delete, checked before the confirmation is shown, with the
    refusals delete_person would give after it: CannotChangeSelf, PersonHoldsDevices,
    PersonNotFound (it checks again: things change while the confirmation waits)."""
    if person_id == actor_id:
        raise CannotChangeSelf()
    person = _live(person_id)
    _refuse_if_holding(person.id)
    return brief(person)


def _refuse_if_holding(person_id: int) -> None:
    held = list(
        Device.select(Device.number, Device.name)
        .join(Loan)
        .where(Loan.person == person_id, Loan.returned_at.is_null())
        .order_by(Device.number)
    )
    if held:
        raise PersonHoldsDevices([DeviceLabel(d.number, d.name) for d in held])


def delete_person(person_id: int, *, actor_id: int, now: datetime, hold_hours: int) -> StatusChange:
    """Soft delete: status 'deleted' frees the Telegram id and e-mail (the unique indexes cover
    live people only) while history keeps the name. Refused while devices are on them."""
    if person_id == actor_id:
        raise CannotChangeSelf()
    with database_proxy.atomic():
        person = _live(person_id)
        _refuse_if_holding(person.id)
        offers = _drop_queue_places(person.id, now, hold_hours)
        Handover.update(resolved_at=now, outcome="cancelled").where(
            Handover.to_person == person.id, Handover.resolved_at.is_null()
        ).execute()
        old = person.status
        person.status, person.updated_at = PersonStatus.DELETED, now
        person.save()
        record(
            "person_deleted",
            now,
            actor_id=actor_id,
            person_id=person.id,
            old=old,
            name=person.full_name,
            email=person.email,
        )
    people.refresh_viewer(person.telegram_id)
    return StatusChange(brief(person), True, offers)
