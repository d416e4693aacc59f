"""Device administration on the card: edit any field, assign, unassign, delete, full journal.

One transaction each, an event for every change (old → new), invariants re-checked here
because buttons can be stale or forged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from cashbot.db.models import Category, Device, Event, Person, QueueEntry, database_proxy
from cashbot.services import catalog, fields, inventory, loans, people
from cashbot.services.catalog import Page
from cashbot.services.common import clamp_page, fold, record
from cashbot.services.errors import (
    BadValue,
    CategoryNotFound,
    DeviceFree,
    DeviceHeld,
    DeviceTaken,
    DuplicateNumber,
    DuplicateSerial,
    PersonNotFound,
    PersonUnavailable,
)
from cashbot.services.inventory import DeviceRef, device_ref, live_device
from cashbot.services.loans import ReturnResult, start_loan
from cashbot.services.people import PersonBrief, brief
from cashbot.services.queue import Offer

# Editable fields, in the order the edit menu shows them; buttons carry the index.
FIELDS = ("number", "serial", "name", "category", "firmware", "registered_on", "comment", "location")
OPTIONAL = frozenset({"firmware", "registered_on", "comment", "location"})
MAX_NUMBER = fields.MAX_NUMBER


@dataclass(frozen=True)
class EditResult:
    device: DeviceRef
    field: str
    old: object
    new: object
    changed: bool


@dataclass(frozen=True)
class AssignResult:
    device: DeviceRef
    person: PersonBrief
    due_on: date | None
    location: str | None
    cancelled_offer: PersonBrief | None  # whose reservation the assignment overrode


@dataclass(frozen=True)
class UnassignResult:
    device: DeviceRef
    holder: PersonBrief
    offer: Offer | None  # the next in the queue, now reserved


def device_search_text(name: str, serial: str, category_name: str) -> str:
    """What catalog.search_devices looks in: name, serial and category."""
    return fold(name, serial, category_name)


def _clean(field: str, raw: str | int | None, device: Device, today: date):
    """The stored value for `raw` (services/fields.py rules), or BadValue/Duplicate* saying
    what is wrong."""
    if field == "number":
        number = fields.clean_number(raw)
        other = Device.get_or_none((Device.number == number) & Device.deleted_at.is_null() & (Device.id != device.id))
        if other is not None:
            raise DuplicateNumber(other.id, other.number)
        return number
    if field == "category":
        if raw in (None, ""):
            raise BadValue(field, "required")
        category = Category.get_or_none(Category.id == int(raw))
        if category is None:
            raise CategoryNotFound()
        return category
    if field == "registered_on":
        return fields.clean_registered_on(raw, today)
    text = fields.clean_text(field, raw, required=field not in OPTIONAL)
    if field == "serial":
        other = Device.get_or_none((Device.serial == text) & Device.deleted_at.is_null() & (Device.id != device.id))
        if other is not None:
            raise DuplicateSerial(other.id, other.number)
    return text


def edit_device(
    device_id: int, field: str, raw: str | int | None, *, actor_id: int, now: datetime, today: date
) -> EditResult:
    """Set one field (None or "" clears an optional one). Category takes a category id."""
    if field not in FIELDS:
        raise BadValue(field, "field")
    with database_proxy.atomic():
        device = live_device(device_id)
        value = _clean(field, raw, device, today)
        if field == "category":
            old, new = device.category.name, value.name
            changed = device.category_id != value.id
            device.category = value
        else:
            old, new = getattr(device, field), value
            changed = old != new
            setattr(device, field, value)
        if changed:
            device.search_text = device_search_text(device.name, device.serial, device.category.name)
            device.updated_at = now
            device.save()
            record("device_edit", now, actor_id=actor_id, device_id=device.id, field=field, old=old, new=new)
    return EditResult(device_ref(device), field, old, new, changed)


def resolve_person(email: str, *, actor_id: int, now: datetime) -> PersonBrief:
    """The live person with this (already normalised) e-mail, invited if nobody has it."""
    with database_proxy.atomic():
        return brief(people.invite_by_email(email, now, actor_id=actor_id))


def assign(
    device_id: int,
    person_id: int,
    *,
    due_on: date | None,
    location: str | None,
    actor_id: int,
    today: date,
    now: datetime,
) -> AssignResult:
    """Record the device on a person (active, pending or invited by e-mail). An admin's
    assignment overrides a queue reservation: that person keeps their place in the queue."""
    due_on = fields.check_due_date(due_on, today)
    location = fields.clean_text("location", location)
    with database_proxy.atomic():
        device = live_device(device_id)
        person = Person.get_or_none(Person.id == person_id)
        if person is None:
            raise PersonNotFound()
        if not fields.can_hold(person.status):
            raise PersonUnavailable(person.full_name or person.email or "", person.status)
        holder = inventory.current_loan(device_id)
        if holder is not None:
            raise DeviceTaken(holder.person.full_name or holder.person.email or "", holder.person_id)
        offer = inventory.current_offer(device_id)
        cancelled = None
        if offer is not None and offer.person_id != person_id:
            cancelled = brief(offer.person)
            offer.offered_at = offer.offer_expires_at = None
            offer.save()
        start_loan(device_id, person_id, due_on=due_on, location=location, now=now)
        record(
            "assigned",
            now,
            actor_id=actor_id,
            device_id=device_id,
            person_id=person_id,
            due_on=due_on,
            location=location,
        )
    return AssignResult(device_ref(device), brief(person), due_on, location, cancelled)


def unassign(device_id: int, *, actor_id: int, now: datetime, hold_hours: int) -> UnassignResult:
    """Close the holder's loan as "unassigned" and offer the device to the queue, exactly
    like a return (loans.return_device runs as a savepoint here)."""
    with database_proxy.atomic():
        live_device(device_id)
        loan = inventory.current_loan(device_id)
        if loan is None:
            raise DeviceFree()
        holder = brief(loan.person)
        result: ReturnResult = loans.return_device(
            device_id, holder.person_id, now=now, hold_hours=hold_hours, actor_id=actor_id, reason="unassigned"
        )
    return UnassignResult(result.device, holder, result.offer)


def delete_device(device_id: int, *, actor_id: int, now: datetime) -> DeviceRef:
    """Soft delete: the number and serial become free, history stays. Refused while held."""
    with database_proxy.atomic():
        device = live_device(device_id)
        loan = inventory.current_loan(device_id)
        if loan is not None:
            raise DeviceHeld(loan.person.full_name or loan.person.email or "")
        QueueEntry.delete().where(QueueEntry.device == device_id).execute()
        device.deleted_at = device.updated_at = now
        device.save()
        record(
            "device_deleted",
            now,
            actor_id=actor_id,
            device_id=device.id,
            number=device.number,
            name=device.name,
            serial=device.serial,
        )
    return device_ref(device)


def journal(device_id: int, page: int, page_size: int) -> tuple[DeviceRef, Page]:
    """The device's whole history, newest first, one page at a time."""
    device = live_device(device_id)
    total = Event.select().where(Event.device == device_id).count()
    page, pages = clamp_page(page, total, page_size)
    lines = catalog.history(device_id=device_id, limit=page_size, offset=page * page_size)
    return device_ref(device), Page(lines, total, page, pages)
