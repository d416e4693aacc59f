"""services/card.device_card: what the card shows in each state (it is read as SQL, for speed)."""

from datetime import date, timedelta

import pytest

from cashbot.db.models import Handover, Loan, QueueEntry
from cashbot.services.card import device_card
from cashbot.services.errors import DeviceNotFound
from tests import seed


@pytest.fixture
def register(database, now):
    device = seed.device(
        49,
        "ККТ Атол 30Ф",
        firmware="5.8.1",
        registered_on=date(2024, 3, 1),
        comment="Без зарядки",
        location="склад",
        now=now,
    )
    alice = seed.person(101, "Алиса Иванова", "alice@example.ru", username="alice", now=now)
    bob = seed.person(102, "Борис Петров", "bob@example.ru", now=now)
    carol = seed.person(103, "Карина Смирнова", "carol@example.ru", now=now)
    return device, alice, bob, carol


def test_free_device_shows_its_fields_and_no_holder(register):
    device, alice, _, _ = register
    card = device_card(device.id, alice.id)
    assert (card.number, card.name, card.category, card.serial) == (49, "ККТ Атол 30Ф", "Онлайн-касса", "SN00000049")
    assert (card.firmware, card.registered_on, card.comment, card.location) == (
        "5.8.1",
        date(2024, 3, 1),
        "Без зарядки",
        "склад",
    )
    assert card.holder is None and card.waiting == 0 and card.my_position is None
    assert card.reserved_for is None and not card.reserved_for_me and card.pending_handover_to is None
    assert not card.is_mine


def test_held_device_with_queue_offer_and_handover(register, now):
    device, alice, bob, carol = register
    loan = Loan.create(
        device=device, person=alice, taken_at=now - timedelta(days=2), due_on=date(2026, 12, 1), location="офис Екб"
    )
    QueueEntry.create(device=device, person=bob, joined_at=now - timedelta(hours=2))
    QueueEntry.create(
        device=device,
        person=carol,
        joined_at=now - timedelta(hours=1),
        offered_at=now,
        offer_expires_at=now + timedelta(hours=24),
    )
    Handover.create(device=device, loan=loan, from_person=alice, to_person=bob, created_at=now)

    mine = device_card(device.id, alice.id)
    assert mine.is_mine and mine.holder.full_name == "Алиса Иванова" and mine.holder.username == "alice"
    assert mine.holder.email == "alice@example.ru" and mine.holder.since == now - timedelta(days=2)
    assert mine.holder.due_on == date(2026, 12, 1) and mine.holder.location == "офис Екб"
    assert mine.waiting == 2 and mine.my_position is None
    assert mine.reserved_for == "Карина Смирнова" and not mine.reserved_for_me
    assert mine.reserved_until == now + timedelta(hours=24)
    assert mine.pending_handover_to == "Борис Петров"

    theirs = device_card(device.id, carol.id)
    assert not theirs.is_mine and theirs.reserved_for_me and theirs.my_position == 2
    assert device_card(device.id, bob.id).my_position == 1
    assert device_card(device.id, None).my_position is None


def test_returned_loan_and_resolved_handover_are_not_shown(register, now):
    device, alice, bob, _ = register
    loan = Loan.create(
        device=device, person=alice, taken_at=now - timedelta(days=2), returned_at=now, close_reason="returned"
    )
    Handover.create(
        device=device, loan=loan, from_person=alice, to_person=bob, created_at=now, resolved_at=now, outcome="declined"
    )
    card = device_card(device.id, alice.id)
    assert card.holder is None and card.pending_handover_to is None and not card.is_mine


def test_missing_or_deleted_device_is_not_found(register, now):
    device, alice, _, _ = register
    with pytest.raises(DeviceNotFound):
        device_card(device.id + 1000, alice.id)
    device.deleted_at = now
    device.save()
    with pytest.raises(DeviceNotFound):
        device_card(device.id, alice.id)
