"""Service level: device administration (edit, assign, unassign, delete, journal) and categories."""

from datetime import date, timedelta

import pytest

from cashbot.db.models import Category, Device, Event, Loan, PersonStatus, QueueEntry
from cashbot.services import catalog, categories, device_admin, inventory, loans, queue
from cashbot.services.errors import (
    BadValue,
    CategoryExists,
    CategoryNotEmpty,
    DeviceFree,
    DeviceHeld,
    DeviceTaken,
    DuplicateNumber,
    DuplicateSerial,
    PersonUnavailable,
)
from tests.seed import category, device, person


@pytest.fixture
def admin(database):
    return person(101, "Алиса", "alice@example.ru", is_admin=True)


def edit(d, field, value, admin, now):
    return device_admin.edit_device(d.id, field, value, actor_id=admin.id, now=now, today=now.date())


def test_edit_every_kind_of_field_records_old_and_new(admin, now):
    d = device(49, "MSPOS-N", serial="A1", firmware="1.0")
    device(50, "Эвотор", serial="B2")
    terminals = category("Эквайринг")
    assert edit(d, "name", "  MSPOS-K ", admin, now).new == "MSPOS-K"
    assert edit(d, "number", "51", admin, now).new == 51
    edit(d, "category", terminals.id, admin, now)
    edit(d, "firmware", "", admin, now)  # clearing an optional field
    edit(d, "registered_on", "01.02.2025", admin, now)
    stored = Device.get_by_id(d.id)
    assert (stored.number, stored.name, stored.firmware, stored.registered_on) == (
        51,
        "MSPOS-K",
        None,
        date(2025, 2, 1),
    )
    assert stored.category_id == terminals.id
    assert [i.number for i in catalog.search_devices("эквайр", 0, 5).items] == [51]
    kinds = [e.details for e in Event.select().where(Event.kind == "device_edit").order_by(Event.id)]
    assert '"old": "MSPOS-N", "new": "MSPOS-K"' in kinds[0] and '"old": "1.0", "new": null' in kinds[3]
    assert not edit(d, "name", "MSPOS-K", admin, now).changed  # same value: no event
    assert Event.select().where(Event.kind == "device_edit").count() == 5


def test_edit_refuses_duplicates_bad_values_and_clearing_required(admin, now):
    d = device(49, "MSPOS-N", serial="A1")
    other = device(50, "Эвотор", serial="B2")
    with pytest.raises(DuplicateSerial) as dup:
        edit(d, "serial", "B2", admin, now)
    assert dup.value.number == 50 and dup.value.device_id == other.id
    with pytest.raises(DuplicateNumber):
        edit(d, "number", "50", admin, now)
    for field, value, reason in [
        ("number", "4x", "number"),
        ("number", "0", "number"),
        ("name", " ", "required"),
        ("registered_on", "31.02.2020", "date"),
        ("registered_on", "01.01.2099", "future"),
    ]:
        with pytest.raises(BadValue) as bad:
            edit(d, field, value, admin, now)
        assert bad.value.reason == reason
    assert Device.get_by_id(d.id).serial == "A1"
    # A deleted device's serial is free again.
    device_admin.delete_device(other.id, actor_id=admin.id, now=now)
    assert edit(d, "serial", "B2", admin, now).changed


def test_assign_notes_loan_overrides_reservation_and_refuses_unavailable(admin, now):
    d = device(49, "MSPOS-N")
    boris = person(102, "Борис", "boris@example.ru")
    vera = person(103, "Вера", "vera@example.ru")
    blocked = person(104, "Гоша", "gosha@example.ru", status=PersonStatus.BLOCKED)
    loans.take(d.id, vera.id, due_on=None, location=None, today=now.date(), now=now)
    queue.join_queue(d.id, boris.id, now=now, today_start=now)
    loans.return_device(d.id, vera.id, now=now, hold_hours=24)  # reserved for Boris
    with pytest.raises(PersonUnavailable):
        device_admin.assign(d.id, blocked.id, due_on=None, location=None, actor_id=admin.id, today=now.date(), now=now)
    due = now.date() + timedelta(days=3)
    result = device_admin.assign(
        d.id, vera.id, due_on=due, location="Офис", actor_id=admin.id, today=now.date(), now=now
    )
    assert result.cancelled_offer.full_name == "Борис" and result.due_on == due
    loan = inventory.current_loan(d.id)
    assert (loan.person_id, loan.due_on, loan.location) == (vera.id, due, "Офис")
    entry = QueueEntry.get(QueueEntry.person == boris.id)
    assert entry.offered_at is None  # Boris keeps his place, without the reservation
    with pytest.raises(DeviceTaken):
        device_admin.assign(d.id, boris.id, due_on=None, location=None, actor_id=admin.id, today=now.date(), now=now)


def test_assign_to_an_unregistered_email_invites_them(admin, now):
    d = device(49, "MSPOS-N")
    invited = device_admin.resolve_person("new@example.ru", actor_id=admin.id, now=now)
    assert invited.status == PersonStatus.INVITED
    device_admin.assign(
        d.id, invited.person_id, due_on=None, location=None, actor_id=admin.id, today=now.date(), now=now
    )
    assert device_admin.resolve_person("new@example.ru", actor_id=admin.id, now=now) == invited


def test_unassign_closes_loan_and_offers_to_the_next(admin, now):
    d = device(49, "MSPOS-N")
    boris, vera = person(102, "Борис", "boris@example.ru"), person(103, "Вера", "vera@example.ru")
    with pytest.raises(DeviceFree):
        device_admin.unassign(d.id, actor_id=admin.id, now=now, hold_hours=24)
    loans.take(d.id, boris.id, due_on=None, location=None, today=now.date(), now=now)
    queue.join_queue(d.id, vera.id, now=now, today_start=now)
    result = device_admin.unassign(d.id, actor_id=admin.id, now=now, hold_hours=24)
    assert result.holder.full_name == "Борис" and result.offer.person.full_name == "Вера"
    assert Loan.get(Loan.person == boris.id).close_reason == "unassigned"
    event = Event.get(Event.kind == "unassigned")
    assert (event.actor_id, event.person_id) == (admin.id, boris.id)


def test_delete_refused_while_held_then_soft_and_history_kept(admin, now):
    d = device(49, "MSPOS-N")
    boris, vera = person(102, "Борис", "boris@example.ru"), person(103, "Вера", "vera@example.ru")
    loans.take(d.id, boris.id, due_on=None, location=None, today=now.date(), now=now)
    queue.join_queue(d.id, vera.id, now=now, today_start=now)
    with pytest.raises(DeviceHeld) as held:
        device_admin.delete_device(d.id, actor_id=admin.id, now=now)
    assert held.value.holder_name == "Борис"
    loans.return_device(d.id, boris.id, now=now, hold_hours=24)
    device_admin.delete_device(d.id, actor_id=admin.id, now=now)
    assert Device.get_by_id(d.id).deleted_at is not None
    assert not QueueEntry.select().where(QueueEntry.device == d.id).exists()
    assert catalog.device_id_by_number(49) is None
    assert Event.select().where(Event.device == d.id).count() >= 4


def test_journal_pages_the_whole_history(admin, now):
    d = device(49, "MSPOS-N")
    for i in range(7):
        edit(d, "comment", f"c{i}", admin, now)
    ref, page = device_admin.journal(d.id, 1, 3)
    assert (page.total, page.pages, page.page) == (7, 3, 1)
    assert [line.details["new"] for line in page.items] == ["c3", "c2", "c1"]


def test_categories_add_rename_delete_only_empty(admin, now):
    d = device(49, "MSPOS-N", "Онлайн-касса")
    with pytest.raises(CategoryExists):
        categories.add_category("  онлайн-КАССА ", actor_id=admin.id, now=now)
    scanners = categories.add_category("Сканеры", actor_id=admin.id, now=now)
    cashboxes = Category.get(Category.name == "Онлайн-касса")
    assert categories.rename_category(cashboxes.id, "Кассы", actor_id=admin.id, now=now) == ("Онлайн-касса", "Кассы")
    assert [i.number for i in catalog.search_devices("кассы", 0, 5).items] == [49]
    with pytest.raises(CategoryExists):
        categories.rename_category(scanners.id, "кассы", actor_id=admin.id, now=now)
    with pytest.raises(CategoryNotEmpty) as not_empty:
        categories.delete_category(cashboxes.id, actor_id=admin.id, now=now)
    assert not_empty.value.devices == 1
    assert categories.delete_category(scanners.id, actor_id=admin.id, now=now) == "Сканеры"
    assert [c.name for c in categories.list_categories()] == ["Кассы"]
    device_admin.delete_device(d.id, actor_id=admin.id, now=now)
    with pytest.raises(CategoryNotEmpty):  # a deleted device's history still names it
        categories.delete_category(cashboxes.id, actor_id=admin.id, now=now)
