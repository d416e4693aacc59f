"""Domain errors. Services raise them; handlers turn each into a Russian message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cashbot.services.common import DeviceLabel


class DomainError(Exception):
    """Base: an expected refusal, never a bug."""


class NotFound(DomainError):
    pass


class DeviceNotFound(NotFound):
    pass


class PersonNotFound(NotFound):
    pass


@dataclass
class DeviceTaken(DomainError):
    holder_name: str
    holder_person_id: int


@dataclass
class DeviceReserved(DomainError):
    for_name: str
    until: datetime


class NotHolder(DomainError):
    pass


class DeviceFree(DomainError):
    """Joining the queue of a free device: take it instead."""


class AlreadyHolder(DomainError):
    pass


class AlreadyQueued(DomainError):
    pass


class NotQueued(DomainError):
    pass


class NoOffer(DomainError):
    """The reservation this button was about is gone (expired, passed, taken)."""


@dataclass
class BadDate(DomainError):
    reason: str  # "format" | "past" | "too_far"
    value: str = ""


@dataclass
class InvalidEmail(DomainError):
    email: str


@dataclass
class EmailDomainNotAllowed(DomainError):
    allowed: list[str]


class EmailTaken(DomainError):
    pass


class HandoverNotPending(DomainError):
    pass


class HandoverToSelf(DomainError):
    pass


@dataclass
class HandoverTargetUnavailable(DomainError):
    """The colleague can't receive it (not active, blocked the bot...)."""

    name: str


# --- Admin: adding and managing people, devices, categories ---


@dataclass
class PersonHoldsDevices(DomainError):
    """A person can't be deleted while devices are recorded on them."""

    devices: list[DeviceLabel]


class CannotChangeSelf(DomainError):
    """An admin can't block or delete themselves."""


@dataclass
class PersonUnavailable(DomainError):
    """A blocked, rejected or deleted person can't be given a device."""

    name: str
    status: str


@dataclass
class DuplicateNumber(DomainError):
    """A live device already has this sticker number (the existing device's id)."""

    device_id: int
    number: int | None = None


@dataclass
class DuplicateSerial(DomainError):
    """A live device already has this serial (the existing device's id and number)."""

    device_id: int
    number: int | None = None


@dataclass
class BadValue(DomainError):
    """A field's value breaks one of the rules in services/fields.py; `reason` names which
    (texts/fields.py has a message for each)."""

    field: str
    # "required" | "number" | "too_long" | "control" | "date" | "future" | "past" | "too_far"
    # | "field"
    reason: str
    length: int = 0  # "too_long": the value's length ...
    limit: int = 0  # ... and the most the field takes


@dataclass
class DeviceHeld(DomainError):
    """Deleting a device someone holds."""

    holder_name: str


@dataclass
class CategoryExists(DomainError):
    name: str


@dataclass
class CategoryNotEmpty(DomainError):
    devices: int


class CategoryNotFound(NotFound):
    pass
