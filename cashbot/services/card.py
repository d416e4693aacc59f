"""The device card: what it shows to whom (`device_card`), the card behind a sticker's deep
link, and an action on a device together with the card after it (`act_then_card`).

Drawing it for a viewer (text and keyboard, sent or edited) is handlers/card.py's `build` and
`show`; the text and keyboard themselves are views/card.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

from cashbot.db.models import Device, Loan, QueueEntry, database_proxy
from cashbot.services.catalog import SHOWN_NAME_SQL, device_id_by_number
from cashbot.services.errors import DeviceNotFound, DomainError

T = TypeVar("T")


@dataclass(frozen=True)
class Holder:
    person_id: int
    full_name: str
    username: str | None
    email: str | None
    since: datetime
    due_on: date | None
    location: str | None
    registered: bool = True  # False: invited by e-mail, not in the bot yet


@dataclass(frozen=True)
class DeviceCard:
    device_id: int
    number: int
    name: str
    category: str
    serial: str
    firmware: str | None
    registered_on: date | None
    comment: str | None
    location: str | None
    holder: Holder | None
    waiting: int
    reserved_for: str | None  # name of the person the device is offered to
    reserved_for_me: bool
    reserved_until: datetime | None
    my_position: int | None  # 1-based place in the queue, None if not queued
    pending_handover_to: str | None
    is_mine: bool


# The card is the hottest read: every open, refresh and action redraws it. Building these
# statements with peewee cost many times running them on the database thread (see
# benchmarks/README.md, hot paths), so they are written once as SQL; values still go through
# the models' own field converters.
_CARD_SQL = (
    """
SELECT d.id, d.number, d.name, c.name, d.serial, d.firmware, d.registered_on, d.comment,
       d.location, l.id, p.id, """
    + SHOWN_NAME_SQL.format(p="p")
    + """, p.username, p.email,
       l.taken_at, l.due_on, l.location, p.status != 'invited',
       CASE WHEN l.id IS NOT NULL THEN
           (SELECT t.full_name FROM handovers h JOIN people t ON t.id = h.to_person_id
            WHERE h.device_id = d.id AND h.resolved_at IS NULL) END
FROM devices d
JOIN categories c ON c.id = d.category_id
LEFT JOIN loans l ON l.device_id = d.id AND l.returned_at IS NULL
LEFT JOIN people p ON p.id = l.person_id
WHERE d.id = ? AND d.deleted_at IS NULL
"""
)
_CARD_QUEUE_SQL = """
SELECT q.person_id, q.offered_at, q.offer_expires_at, p.full_name
FROM queue_entries q JOIN people p ON p.id = q.person_id
WHERE q.device_id = ?
ORDER BY q.joined_at, q.id
"""


def device_card(device_id: int, viewer_person_id: int | None) -> DeviceCard:
    """The card as `viewer_person_id` sees it; DeviceNotFound if deleted or unknown."""
    row = database_proxy.execute_sql(_CARD_SQL, (device_id,)).fetchone()
    if row is None:
        raise DeviceNotFound()
    (
        _,
        number,
        name,
        category,
        serial,
        firmware,
        registered_on,
        comment,
        location,
        loan_id,
        holder_id,
        holder_name,
        username,
        email,
        taken_at,
        due_on,
        loan_location,
        registered,
        handover_to,
    ) = row
    queue = database_proxy.execute_sql(_CARD_QUEUE_SQL, (device_id,)).fetchall()
    offer = next((entry for entry in queue if entry[1] is not None), None)
    my_position = next((i for i, entry in enumerate(queue, 1) if entry[0] == viewer_person_id), None)
    holder = None
    if loan_id is not None:
        holder = Holder(
            holder_id,
            holder_name,
            username,
            email,
            Loan.taken_at.python_value(taken_at),
            Loan.due_on.python_value(due_on),
            loan_location,
            bool(registered),
        )
    return DeviceCard(
        device_id,
        number,
        name,
        category,
        serial,
        firmware,
        Device.registered_on.python_value(registered_on),
        comment,
        location,
        holder,
        len(queue),
        offer[3] if offer else None,
        bool(offer and offer[0] == viewer_person_id),
        QueueEntry.offer_expires_at.python_value(offer[2]) if offer else None,
        my_position,
        handover_to,
        bool(holder and holder.person_id == viewer_person_id),
    )


def card_by_number(number: int, viewer_person_id: int | None) -> DeviceCard | None:
    """The card of the live device with this sticker number (a deep link), None if there is
    none: one trip to the database thread instead of a lookup and then the card."""
    device_id = device_id_by_number(number)
    return None if device_id is None else device_card(device_id, viewer_person_id)


@dataclass(frozen=True)
class AfterAction(Generic[T]):
    """An action on a device and the card after it."""

    result: T | None  # what the action returned; None if it was refused
    error: DomainError | None  # the refusal
    card: DeviceCard | None  # as the actor sees it now; None if the device is gone (or not asked for)


def act_then_card(action: Callable[[int, int], T], device_id: int, person_id: int) -> AfterAction[T]:
    """`action(device_id, person_id)` (its other arguments bound with functools.partial), then
    the card the actor is shown next, in one trip to the database thread instead of two (each
    trip wakes the event loop). The action is its own transaction and has committed when the
    card is read."""
    return _act(action, device_id, person_id, card_always=True)


def act_or_card(action: Callable[[int, int], T], device_id: int, person_id: int) -> AfterAction[T]:
    """Like act_then_card, but the card only when the action is refused (a check before a
    dialog: on success the dialog asks its question instead)."""
    return _act(action, device_id, person_id, card_always=False)


def _act(action: Callable[[int, int], T], device_id: int, person_id: int, *, card_always: bool) -> AfterAction[T]:
    result: T | None
    try:
        result, error = action(device_id, person_id), None
    except DomainError as refused:
        result, error = None, refused
    card = None
    if card_always or error is not None:
        try:
            card = device_card(device_id, person_id)
        except DeviceNotFound:
            pass
    return AfterAction(result, error, card)
