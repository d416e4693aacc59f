"""What loans, the queue and hand-overs share: a live device, its open loan, its queue and its
offer. The flows themselves are services/loans.py, services/queue.py and services/handover.py.

Each public function of those is one transaction (BEGIN IMMEDIATE, see db.database) and
re-checks the state it acts on: buttons can be stale, double-clicked or forged. The database
holds the invariants too (one open loan per device, one queue entry per person, one offer per
device). Functions return who must be told what; handlers render and send the messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cashbot.db.models import Device, Handover, Loan, Person, QueueEntry, database_proxy
from cashbot.services.errors import DeviceNotFound, NotHolder

_CLOSE_LOAN_SQL = "UPDATE loans SET returned_at = ?, close_reason = ? WHERE id = ?"
_CANCEL_HANDOVERS_SQL = """
UPDATE handovers SET resolved_at = ?, outcome = 'cancelled' WHERE loan_id = ? AND resolved_at IS NULL
"""


@dataclass(frozen=True)
class DeviceRef:
    device_id: int
    number: int
    name: str


def device_ref(device: Device) -> DeviceRef:
    return DeviceRef(device.id, device.number, device.name)


def live_device(device_id: int) -> Device:
    device = Device.get_or_none((Device.id == device_id) & Device.deleted_at.is_null())
    if device is None:
        raise DeviceNotFound()
    return device


def current_loan(device_id: int) -> Loan | None:
    """The device's open loan with its holder, None while the device is free."""
    return Loan.select(Loan, Person).join(Person).where(Loan.device == device_id, Loan.returned_at.is_null()).first()


def current_offer(device_id: int) -> QueueEntry | None:
    return (
        QueueEntry.select(QueueEntry, Person)
        .join(Person)
        .where(QueueEntry.device == device_id, QueueEntry.offered_at.is_null(False))
        .first()
    )


def queue_entries(device_id: int) -> list[QueueEntry]:
    """The device's queue with each person, first in line first."""
    return list(
        QueueEntry.select(QueueEntry, Person)
        .join(Person)
        .where(QueueEntry.device == device_id)
        .order_by(QueueEntry.joined_at, QueueEntry.id)
    )


def holder_name(loan: Loan | None) -> str:
    """As screens name a holder: someone invited by e-mail has no name yet."""
    return (loan.person.full_name or loan.person.email or "") if loan else ""


def close_loan(loan_id: int, reason: str, now: datetime) -> None:
    """Close the loan; a hand-over it was waiting on is cancelled."""
    database_proxy.execute_sql(_CLOSE_LOAN_SQL, (Loan.returned_at.db_value(now), reason, loan_id))
    database_proxy.execute_sql(_CANCEL_HANDOVERS_SQL, (Handover.resolved_at.db_value(now), loan_id))


def require_holder(device_id: int, person_id: int) -> tuple[Device, Loan]:
    """The live device and its loan if `person_id` holds it now; NotHolder otherwise."""
    device = live_device(device_id)
    loan = current_loan(device_id)
    if loan is None or loan.person_id != person_id:
        raise NotHolder()
    return device, loan
