"""Service level: /users — list and search, person card, e-mail, comment, block, delete."""

from datetime import timedelta

import pytest

from cashbot.db.models import Event, Person, PersonStatus, QueueEntry
from cashbot.services import inventory, loans, people, queue, users
from cashbot.services.errors import CannotChangeSelf, EmailTaken, InvalidEmail, PersonHoldsDevices
from tests.seed import device, person


@pytest.fixture
def team(database):
    admin = person(101, "Алиса Админова", "alice@example.ru", username="alice", is_admin=True)
    boris = person(102, "Борис Кассов", "boris@example.ru", username="boris")
    vera = person(103, "Вера Ждущая", "vera@example.ru", status=PersonStatus.PENDING)
    return admin, boris, vera


def test_list_puts_pending_first_and_pages(team):
    admin, boris, vera = team
    for i in range(5):
        person(200 + i, f"Яков {i}", f"y{i}@example.ru")
    first = users.list_people(None, 0, 3)
    assert first.total == 8 and first.pages == 3
    assert first.items[0].full_name == "Вера Ждущая"
    last = users.list_people(None, 99, 3)  # clamped into range
    assert last.page == 2 and len(last.items) == 2


def test_search_by_cyrillic_name_username_email_and_comment(team, now):
    admin, boris, vera = team
    assert [p.full_name for p in users.list_people("кассов", 0, 5).items] == ["Борис Кассов"]
    assert [p.full_name for p in users.list_people("@boris", 0, 5).items] == ["Борис Кассов"]
    assert [p.full_name for p in users.list_people("VERA@", 0, 5).items] == ["Вера Ждущая"]
    users.set_comment(boris.id, "Склад на Тверской", actor_id=admin.id, now=now)
    assert [p.full_name for p in users.list_people("тверской", 0, 5).items] == ["Борис Кассов"]
    assert users.list_people("никого", 0, 5).total == 0


def test_person_card_shows_devices_queues_and_history(team, now):
    admin, boris, vera = team
    d1, d2 = device(1, "MSPOS-N"), device(2, "Эвотор")
    loans.take(d1.id, boris.id, due_on=None, location=None, today=now.date(), now=now)
    loans.take(d2.id, admin.id, due_on=None, location=None, today=now.date(), now=now)
    queue.join_queue(d2.id, boris.id, now=now, today_start=now)
    card = users.person_card(boris.id, admin_ids=[101])
    assert [l.number for l in card.loans] == [1]
    assert [q.number for q in card.queue] == [2]
    assert {h.kind for h in card.history} == {"take", "queue_join"}
    assert not card.is_admin and users.person_card(admin.id, [101]).is_admin


def test_email_is_validated_unique_and_recorded(team, now):
    admin, boris, vera = team
    with pytest.raises(InvalidEmail):
        users.set_email(boris.id, "boris@", [], actor_id=admin.id, now=now)
    with pytest.raises(EmailTaken):
        users.set_email(boris.id, "VERA@example.ru", [], actor_id=admin.id, now=now)
    result = users.set_email(boris.id, " Boris.K@Example.ru ", [], actor_id=admin.id, now=now)
    assert result.email == "boris.k@example.ru"
    assert people.load_viewer(102).email == "boris.k@example.ru"
    event = Event.select().where(Event.kind == "email_changed").get()
    assert "boris@example.ru" in event.details and "boris.k@example.ru" in event.details


def test_block_keeps_devices_drops_queue_and_passes_the_reservation(team, now):
    admin, boris, vera = team
    d1, d2 = device(1, "MSPOS-N"), device(2, "Эвотор")
    carl = person(104, "Карл", "carl@example.ru")
    loans.take(d1.id, boris.id, due_on=None, location=None, today=now.date(), now=now)
    loans.take(d2.id, admin.id, due_on=None, location=None, today=now.date(), now=now)
    queue.join_queue(d2.id, boris.id, now=now, today_start=now)
    queue.join_queue(d2.id, carl.id, now=now + timedelta(seconds=1), today_start=now)
    loans.return_device(d2.id, admin.id, now=now, hold_hours=24)  # offered to Boris
    assert people.load_viewer(102).is_active
    change = users.set_blocked(boris.id, True, actor_id=admin.id, now=now, hold_hours=24)
    assert change.changed and change.person.status == PersonStatus.BLOCKED
    assert [o.offer.person.full_name for o in change.offers] == ["Карл"]
    assert not people.load_viewer(102).is_active  # cache refreshed
    assert inventory.current_loan(d1.id).person_id == boris.id  # the device stays recorded
    assert not QueueEntry.select().where(QueueEntry.person == boris.id).exists()
    again = users.set_blocked(boris.id, True, actor_id=admin.id, now=now, hold_hours=24)
    assert not again.changed
    assert users.set_blocked(boris.id, False, actor_id=admin.id, now=now, hold_hours=24).changed
    assert people.load_viewer(102).is_active
    with pytest.raises(CannotChangeSelf):
        users.set_blocked(admin.id, True, actor_id=admin.id, now=now, hold_hours=24)


def test_the_deletion_target_is_checked_before_any_confirmation(team, now):
    admin, boris, vera = team
    d1 = device(1, "MSPOS-N")
    loans.take(d1.id, boris.id, due_on=None, location=None, today=now.date(), now=now)
    with pytest.raises(CannotChangeSelf):
        users.deletion_target(admin.id, actor_id=admin.id)
    with pytest.raises(PersonHoldsDevices) as refused:
        users.deletion_target(boris.id, actor_id=admin.id)
    assert refused.value.devices == [(1, "MSPOS-N")]
    assert users.deletion_target(vera.id, actor_id=admin.id).person_id == vera.id
    assert Person.get_by_id(vera.id).status == PersonStatus.PENDING  # only checked, nothing changed


def test_delete_refused_while_holding_then_soft_deleted_and_ids_released(team, now):
    admin, boris, vera = team
    d1, d2 = device(1, "MSPOS-N"), device(2, "Эвотор")
    loans.take(d1.id, boris.id, due_on=None, location=None, today=now.date(), now=now)
    loans.take(d2.id, admin.id, due_on=None, location=None, today=now.date(), now=now)
    queue.join_queue(d2.id, boris.id, now=now, today_start=now)
    with pytest.raises(PersonHoldsDevices) as refused:
        users.delete_person(boris.id, actor_id=admin.id, now=now, hold_hours=24)
    assert refused.value.devices == [(1, "MSPOS-N")]
    loans.return_device(d1.id, boris.id, now=now, hold_hours=24)
    users.delete_person(boris.id, actor_id=admin.id, now=now, hold_hours=24)
    assert Person.get_by_id(boris.id).status == PersonStatus.DELETED
    assert not QueueEntry.select().where(QueueEntry.person == boris.id).exists()
    assert people.load_viewer(102) is None
    assert Event.select().where(Event.person == boris.id).count() >= 3  # history stays
    # The same Telegram id and e-mail can register again as a new person.
    again = people.register(
        102, "Борис", None, "boris@example.ru", None, open_access=True, admin_ids=[], allowed_domains=[], now=now
    )
    assert again.viewer.person_id != boris.id
    assert users.list_people("борис", 0, 5).total == 1
