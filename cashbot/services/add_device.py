"""Admin changes to the register: adding one device (the /add dialog).

Each public function is one transaction and re-checks what it relies on: the dialog checked
the number and serial minutes ago, but the unique indexes decide at write time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from peewee import IntegrityError

from cashbot.db.models import Category, Device, Person, database_proxy
from cashbot.services import fields, people
from cashbot.services.common import fold, record
from cashbot.services.errors import (
    CategoryNotFound,
    DuplicateNumber,
    DuplicateSerial,
    PersonNotFound,
)
from cashbot.services.loans import start_loan
from cashbot.services.people import PersonBrief, brief

HOLDER_STATUSES = fields.HOLDER_STATUSES


@dataclass(frozen=True)
class CreatedDevice:
    device_id: int
    number: int
    name: str
    holder: PersonBrief | None
    due_on: date | None


def device_id_by_serial(serial: str) -> int | None:
    device = Device.select(Device.id).where(Device.serial == serial, Device.deleted_at.is_null()).first()
    return device.id if device else None


def device_id_by_number(number: int) -> int | None:
    device = Device.select(Device.id).where(Device.number == number, Device.deleted_at.is_null()).first()
    return device.id if device else None


def category_by_name(name: str) -> tuple[int, str] | None:
    """An existing category whose name matches case-insensitively (Cyrillic too)."""
    category = Category.get_or_none(Category.search_text == fold(name))
    return (category.id, category.name) if category else None


def create_device(
    *,
    number: int | str,
    serial: str,
    name: str,
    category_id: int | None = None,
    new_category: str | None = None,
    firmware: str | None = None,
    registered_on: date | str | None = None,
    comment: str | None = None,
    location: str | None = None,
    holder_person_id: int | None = None,
    holder_email: str | None = None,
    due_on: date | str | None = None,
    today: date,
    now: datetime,
    actor_id: int | None,
) -> CreatedDevice:
    """Add a device (and its category, its holder's invitation, its loan) in one go.

    Every value is cleaned by services/fields.py (the dialog's answers were cleaned already;
    cleaning is idempotent). Raises BadValue, InvalidEmail, DuplicateNumber / DuplicateSerial
    (with the existing device), CategoryNotFound, PersonNotFound."""
    number = fields.clean_number(number)
    serial = fields.clean_text("serial", serial, required=True)
    name = fields.clean_text("name", name, required=True)
    if category_id is None:
        new_category = fields.clean_text("category", new_category, required=True)
    firmware = fields.clean_text("firmware", firmware)
    comment = fields.clean_text("comment", comment)
    location = fields.clean_text("location", location)
    registered_on = fields.clean_registered_on(registered_on, today)
    holder_email = fields.clean_email(holder_email) if holder_email else None
    due_on = fields.clean_due_on(due_on, today) if (holder_person_id or holder_email) else None
    try:
        with database_proxy.atomic():
            _check_unique(number, serial)
            category = _category(category_id, new_category, now, actor_id)
            holder = _holder(holder_person_id, holder_email, now, actor_id)
            device = Device.create(
                number=number,
                serial=serial,
                name=name,
                category=category,
                firmware=firmware,
                registered_on=registered_on,
                comment=comment,
                location=location,
                search_text=fold(name, serial, category.name),
                created_at=now,
                updated_at=now,
            )
            record(
                "device_added", now, actor_id=actor_id, device_id=device.id, number=number, name=name, source="dialog"
            )
            if holder is not None:
                start_loan(device.id, holder.id, due_on=due_on, location=None, now=now)
                record(
                    "assigned",
                    now,
                    actor_id=actor_id,
                    device_id=device.id,
                    person_id=holder.id,
                    due_on=due_on,
                    source="dialog",
                )
    except IntegrityError:  # a writer outside this process won the race for the number/serial
        _check_unique(number, serial)
        raise
    return CreatedDevice(device.id, number, name, brief(holder) if holder else None, due_on)


def _check_unique(number: int, serial: str) -> None:
    if (existing := device_id_by_number(number)) is not None:
        raise DuplicateNumber(existing)
    if (existing := device_id_by_serial(serial)) is not None:
        raise DuplicateSerial(existing)


def _category(category_id: int | None, new_name: str | None, now: datetime, actor_id: int | None) -> Category:
    if category_id is not None:
        category = Category.get_or_none(Category.id == category_id)
        if category is None:
            raise CategoryNotFound()
        return category
    if not new_name:
        raise CategoryNotFound()
    category = Category.get_or_none(Category.search_text == fold(new_name))
    if category is None:
        category = Category.create(name=new_name, search_text=fold(new_name), created_at=now)
        record("category_added", now, actor_id=actor_id, name=category.name, source="dialog")
    return category


def _holder(person_id: int | None, email: str | None, now: datetime, actor_id: int | None) -> Person | None:
    if person_id is not None:
        person = Person.get_or_none(Person.id == person_id)
        if person is None or not fields.can_hold(person.status):
            raise PersonNotFound()
        return person
    if email:
        return people.invite_by_email(email, now, actor_id)
    return None


def holder_candidates(query: str, limit: int = 8) -> list[PersonBrief]:
    """People an admin may assign a device to, by name, @username or e-mail."""
    found = people.find_people(query, limit=limit * 2, active_only=False)
    return [p for p in found if fields.can_hold(p.status)][:limit]
