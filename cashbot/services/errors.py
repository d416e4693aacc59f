"""Domain errors. Services raise them; handlers turn each into a Russian message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


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


@dataclass
class DueDateRange:
    earliest: date
    latest: date


# --- adding devices (issue 4, /add and CSV import) ----------------------------------


@dataclass
class DuplicateNumber(DomainError):
    """A live device already has this sticker number."""

    device_id: int


@dataclass
class DuplicateSerial(DomainError):
    device_id: int


class CategoryNotFound(NotFound):
    pass
