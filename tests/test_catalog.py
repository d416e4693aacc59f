"""Service level: search, lists, cards and history on a real SQLite file."""

from datetime import date, timedelta
from functools import partial

import pytest

from cashbot.services import card as cards
from cashbot.services import catalog, loans, queue
from cashbot.services.errors import DeviceNotFound
from tests.seed import category, device, person


def test_cyrillic_search_is_case_insensitive_in_name_serial_and_category(database):
    device(1, "Касса АТОЛ 30Ф", "ККТ", serial="ab-123")
    device(2, "Терминал Ingenico", "Терминал эквайринга", serial="XY-777")
    device(3, "Сканер Honeywell", "Сканер")
    assert [i.number for i in catalog.search_devices("ккт", 0, 10).items] == [1]
    assert [i.number for i in catalog.search_devices("атол", 0, 10).items] == [1]
    assert [i.number for i in catalog.search_devices("AB-123", 0, 10).items] == [1]
    assert [i.number for i in catalog.search_devices("ingenICO", 0, 10).items] == [2]
    assert [i.number for i in catalog.search_devices("ЭКВАЙР", 0, 10).items] == [2]
    assert catalog.search_devices("принтер", 0, 10).total == 0


def test_a_whole_number_is_the_sticker_number_exactly(database):
    device(4, "Касса 49 в названии")
    device(49, "MSPOS-N")
    device(149, "Другая")
    found = catalog.search_devices(" 49 ", 0, 10)
    assert [i.number for i in found.items] == [49]
    assert catalog.search_devices("0049", 0, 10).items[0].number == 49
    assert catalog.search_devices("50", 0, 10).total == 0


def test_digits_that_are_no_sticker_number_are_a_serial_with_its_leading_zeros(database):
    device(5, "Эвотор 7.3", serial="00106707012345")
    device(6, "АТОЛ 91Ф", serial="00106707099999")
    device(7, "Штрих-М", serial="0011223344")
    device(12345, "Касса с номером-хвостом", serial="XY-1")
    exact = catalog.search_devices("00106707012345", 0, 10)
    assert [i.number for i in exact.items] == [5]  # alone: the card opens
    assert [i.number for i in catalog.search_devices("001067070", 0, 10).items] == [5, 6]
    assert [i.number for i in catalog.search_devices("0011223344", 0, 10).items] == [7]
    assert [i.number for i in catalog.search_devices("12345", 0, 10).items] == [12345]  # sticker first
    assert catalog.search_devices("№0011223344", 0, 10).total == 0  # "№" asks for a sticker only
    assert catalog.search_devices("99", 0, 10).total == 0  # too short to look inside serials


def test_a_query_equal_to_a_serial_finds_that_device_alone(database):
    device(1, "Касса", serial="AB-100")
    device(2, "Касса", serial="AB-1000")
    device(3, "Касса", serial="XAB-100")
    assert [i.number for i in catalog.search_devices("ab-100", 0, 10).items] == [1, 2, 3]
    assert [i.number for i in catalog.search_devices("AB-100", 0, 10).items] == [1]
    assert [i.number for i in catalog.search_devices("AB-10", 0, 10).items] == [1, 2, 3]


@pytest.mark.parametrize("query", ["²", "99999999999999999999999", "%", "_", "' OR 1=1 --", "/add", ""])
def test_odd_queries_find_nothing_and_never_fail(database, query):
    device(1, "Касса")
    assert catalog.search_devices(query, 0, 10).total == 0


def test_search_and_lists_skip_deleted_devices_and_page_in_order(database, now):
    for n in range(1, 24):
        device(n, f"Касса {n}")
    gone = device(24, "Касса удалённая")
    gone.deleted_at = now
    gone.save()
    first = catalog.search_devices("касса", 0, 10)
    assert (first.total, first.pages, first.page) == (23, 3, 0)
    assert [i.number for i in first.items] == list(range(1, 11))
    last = catalog.search_devices("касса", 2, 10)
    assert [i.number for i in last.items] == [21, 22, 23]
    assert catalog.search_devices("касса", 99, 10).page == 2  # a page past the end is clamped
    assert catalog.search_devices("касса", -5, 10).page == 0
    assert catalog.list_devices(0, 10).total == 23
    assert catalog.search_devices("удалённая", 0, 10).total == 0


def test_list_items_show_holder_due_date_and_reservation(database, now):
    alice = person(101, "Алиса", "alice@example.ru")
    boris = person(102, "Борис", "boris@example.ru")
    held, reserved, _free = device(1, "Касса"), device(2, "Терминал"), device(3, "Сканер")
    loans.take(held.id, alice.id, due_on=date(2026, 12, 1), location=None, today=now.date(), now=now)
    loans.take(reserved.id, alice.id, due_on=None, location=None, today=now.date(), now=now)
    queue.join_queue(reserved.id, boris.id, now=now, today_start=now)
    loans.return_device(reserved.id, alice.id, now=now, hold_hours=24)
    items = {i.number: i for i in catalog.list_devices(0, 10).items}
    assert (items[1].holder_name, items[1].due_on, items[1].reserved) == ("Алиса", date(2026, 12, 1), False)
    assert (items[2].holder_name, items[2].reserved) == (None, True)
    assert (items[3].holder_name, items[3].reserved) == (None, False)


def test_categories_count_live_devices_and_list_by_category(database, now):
    category("Весы")
    device(1, "Касса", "Онлайн-касса")
    device(2, "Касса 2", "Онлайн-касса")
    gone = device(3, "Касса 3", "Онлайн-касса")
    gone.deleted_at = now
    gone.save()
    counts = {c.name: c.devices for c in catalog.categories_with_counts()}
    assert counts == {"Весы": 0, "Онлайн-касса": 2}
    cash = next(c for c in catalog.categories_with_counts() if c.name == "Онлайн-касса")
    assert [i.number for i in catalog.list_devices(0, 10, cash.category_id).items] == [1, 2]


def test_my_loans_and_my_queue_with_positions_and_offer(database, now):
    alice = person(101, "Алиса", "alice@example.ru")
    boris = person(102, "Борис", "boris@example.ru")
    vera = person(103, "Вера", "vera@example.ru")
    a, b = device(1, "Касса"), device(2, "Терминал")
    loans.take(a.id, alice.id, due_on=None, location=None, today=now.date(), now=now)
    loans.take(b.id, alice.id, due_on=now.date() + timedelta(days=3), location=None, today=now.date(), now=now)
    later = now + timedelta(minutes=1)
    queue.join_queue(a.id, vera.id, now=now, today_start=now)
    queue.join_queue(a.id, boris.id, now=later, today_start=now)
    queue.join_queue(b.id, boris.id, now=later, today_start=now)
    # Loans with a due date come first, then those without.
    assert [(m.number, m.due_on) for m in catalog.my_loans(alice.id)] == [
        (2, now.date() + timedelta(days=3)),
        (1, None),
    ]
    # Boris joined device 1 after Vera; the ids must be real (each line opens a card).
    assert [(p.device_id, p.position, p.offered_until) for p in catalog.my_queue(boris.id)] == [
        (a.id, 2, None),
        (b.id, 1, None),
    ]
    loans.return_device(b.id, alice.id, now=later, hold_hours=24)
    places = {p.number: p for p in catalog.my_queue(boris.id)}
    assert places[2].offered_until == later + timedelta(hours=24)


def test_device_history_tells_who_held_it_from_when_to_when(database, now):
    alice = person(101, "Алиса", "alice@example.ru")
    boris = person(102, "Борис", "boris@example.ru")
    d = device(7, "Касса")
    day = timedelta(days=1)
    loans.take(d.id, alice.id, due_on=None, location=None, today=now.date(), now=now)
    loans.return_device(d.id, alice.id, now=now + day, hold_hours=24)
    loans.take(d.id, boris.id, due_on=None, location=None, today=now.date(), now=now + 2 * day)
    h = catalog.device_history(d.id)
    assert (h.number, h.name) == (7, "Касса")
    assert [(p.full_name, p.since, p.until) for p in h.holders] == [
        ("Борис", now + 2 * day, None),
        ("Алиса", now, now + day),
    ]
    assert [e.kind for e in h.events] == ["take", "return", "take"]
    mine = catalog.history(person_id=alice.id)
    assert [e.kind for e in mine] == ["return", "take"] and mine[0].device_number == 7


def test_history_of_a_deleted_or_unknown_device_is_not_found(database, now):
    d = device(7, "Касса")
    d.deleted_at = now
    d.save()
    with pytest.raises(DeviceNotFound):
        catalog.device_history(d.id)
    with pytest.raises(DeviceNotFound):
        catalog.device_history(12345)


def test_card_knows_my_place_in_the_queue_and_a_reservation_for_me(database, now):
    holder = person(101, "Алиса", "alice@example.ru")
    vera = person(102, "Вера", "vera@example.ru")
    boris = person(103, "Борис", "boris@example.ru")
    d = device(1, "Касса")
    loans.take(d.id, holder.id, due_on=None, location=None, today=now.date(), now=now)
    queue.join_queue(d.id, vera.id, now=now, today_start=now)
    queue.join_queue(d.id, boris.id, now=now + timedelta(seconds=1), today_start=now)
    assert cards.device_card(d.id, boris.id).my_position == 2
    assert cards.device_card(d.id, holder.id).my_position is None
    loans.return_device(d.id, holder.id, now=now, hold_hours=24)
    for_vera = cards.device_card(d.id, vera.id)
    assert (for_vera.reserved_for_me, for_vera.reserved_for, for_vera.my_position) == (True, "Вера", 1)
    assert cards.device_card(d.id, boris.id).reserved_for_me is False


def test_my_loans_order_ties_by_number_and_leave_out_returned_and_others(database, now):
    alice = person(101, "Алиса", "alice@example.ru")
    boris = person(102, "Борис", "boris@example.ru")
    devices = {n: device(n, f"Касса {n}") for n in (5, 3, 8, 1, 7, 2)}
    soon, later = now.date() + timedelta(days=2), now.date() + timedelta(days=9)
    for number, due in ((5, later), (3, None), (8, soon), (1, None), (7, soon)):
        loans.take(devices[number].id, alice.id, due_on=due, location=None, today=now.date(), now=now)
    loans.take(devices[2].id, boris.id, due_on=soon, location=None, today=now.date(), now=now)
    back = now + timedelta(hours=1)
    loans.return_device(devices[1].id, alice.id, now=back, hold_hours=24)
    mine = catalog.my_loans(alice.id)
    assert [(m.number, m.due_on) for m in mine] == [(7, soon), (8, soon), (5, later), (3, None)]
    assert mine[0].device_id == devices[7].id and mine[0].name == "Касса 7" and mine[0].since == now
    assert catalog.my_loans(person(103, "Вера", "vera@example.ru").id) == []


def test_a_sticker_number_finds_the_live_device_only(database, now):
    old = device(49, "Касса старая")
    old.deleted_at = now
    old.save()
    assert catalog.device_id_by_number(49) is None
    new = device(49, "Касса новая", serial="SN-NEW")
    assert catalog.device_id_by_number(49) == new.id
    assert catalog.device_id_by_number(50) is None


def test_card_by_number_is_the_live_devices_card_as_the_viewer_sees_it(database, now):
    alice = person(101, "Алиса", "alice@example.ru")
    gone = device(49, "Касса старая")
    gone.deleted_at = now
    gone.save()
    assert cards.card_by_number(49, alice.id) is None
    live = device(49, "Касса новая", serial="SN-NEW")
    loans.take(live.id, alice.id, due_on=None, location=None, today=now.date(), now=now)
    shown = cards.card_by_number(49, alice.id)
    assert (shown.device_id, shown.name, shown.is_mine) == (live.id, "Касса новая", True)
    assert cards.card_by_number(49, None).is_mine is False
    assert cards.card_by_number(50, alice.id) is None


def test_an_action_and_the_card_after_it_in_one_call(database, now):
    alice = person(101, "Алиса", "alice@example.ru")
    boris = person(102, "Борис", "boris@example.ru")
    d = device(1, "Касса")
    take = partial(loans.take, due_on=None, location=None, today=now.date(), now=now)
    done = cards.act_then_card(take, d.id, alice.id)
    assert done.error is None and done.result.device.device_id == d.id
    assert done.card.is_mine and done.card.holder.full_name == "Алиса"  # read after the take committed
    refused = cards.act_then_card(take, d.id, boris.id)
    assert refused.result is None and refused.error.holder_name == "Алиса"
    assert refused.card.holder.full_name == "Алиса" and not refused.card.is_mine
    # A check before a dialog: the card only when refused.
    assert cards.act_or_card(loans.ensure_can_take, d.id, boris.id).card.holder.full_name == "Алиса"
    back = cards.act_then_card(partial(loans.return_device, now=now, hold_hours=24), d.id, alice.id)
    assert back.card.holder is None
    ok = cards.act_or_card(loans.ensure_can_take, d.id, boris.id)
    assert (ok.result.number, ok.error, ok.card) == (1, None, None)
    d.deleted_at = now
    d.save()
    gone = cards.act_then_card(take, d.id, boris.id)
    assert isinstance(gone.error, DeviceNotFound) and gone.card is None


def test_a_holder_invited_by_email_shows_as_held_by_that_email_everywhere(database, now):
    from cashbot.services import device_admin, people

    admin = person(900, "Админ", "admin@example.ru", is_admin=True)
    invited = people.invite_by_email("olga@example.ru", now, actor_id=admin.id)
    held = device(1, "Касса Эвотор", serial="00106707012345")
    device(2, "Касса АТОЛ")
    device_admin.assign(
        held.id, invited.id, due_on=date(2026, 12, 10), location=None, actor_id=admin.id, today=now.date(), now=now
    )
    items = {i.number: i for i in catalog.list_devices(0, 10).items}
    assert (items[1].holder_name, items[2].holder_name) == ("olga@example.ru", None)
    assert [i.holder_name for i in catalog.search_devices("касса", 0, 10).items] == ["olga@example.ru", None]
    assert catalog.search_devices("00106707012345", 0, 10).items[0].holder_name == "olga@example.ru"
    card = cards.device_card(held.id, admin.id)
    assert (card.holder.full_name, card.holder.email, card.holder.registered) == (
        "olga@example.ru",
        "olga@example.ru",
        False,
    )
    assert cards.device_card(held.id, admin.id).is_mine is False
    past = catalog.device_history(held.id)
    assert [h.full_name for h in past.holders] == ["olga@example.ru"]
    assigned = next(e for e in past.events if e.kind == "assigned")
    assert (assigned.actor_name, assigned.person_name) == ("Админ", "olga@example.ru")
    # Registering keeps the loans and gives the holder a name.
    alice = person(101, "Алиса", "alice@example.ru")
    assert cards.device_card(held.id, alice.id).holder.registered is False
    invited_row = type(invited).get_by_id(invited.id)
    invited_row.telegram_id, invited_row.full_name, invited_row.status = 102, "Ольга", "active"
    invited_row.save()
    card = cards.device_card(held.id, alice.id)
    assert (card.holder.full_name, card.holder.registered) == ("Ольга", True)


def test_taking_a_device_held_by_someone_invited_names_them_by_email(database, now):
    from cashbot.services import device_admin, people
    from cashbot.services.errors import DeviceHeld, DeviceTaken

    admin = person(900, "Админ", "admin@example.ru", is_admin=True)
    alice = person(101, "Алиса", "alice@example.ru")
    invited = people.invite_by_email("olga@example.ru", now, actor_id=admin.id)
    held = device(1, "Касса")
    device_admin.assign(held.id, invited.id, due_on=None, location=None, actor_id=admin.id, today=now.date(), now=now)
    with pytest.raises(DeviceTaken) as taken:
        loans.ensure_can_take(held.id, alice.id)
    assert taken.value.holder_name == "olga@example.ru"
    with pytest.raises(DeviceTaken) as again:
        device_admin.assign(held.id, alice.id, due_on=None, location=None, actor_id=admin.id, today=now.date(), now=now)
    assert again.value.holder_name == "olga@example.ru"
    with pytest.raises(DeviceHeld) as kept:
        device_admin.delete_device(held.id, actor_id=admin.id, now=now)
    assert kept.value.holder_name == "olga@example.ru"
