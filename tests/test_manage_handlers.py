"""Handler level: /users, device administration and categories through Dispatcher.feed_update."""

from __future__ import annotations

import pytest

from cashbot.callbacks import CategoryAdminCb, DeviceAdminCb, PersonAdminCb
from cashbot.db.models import Category, Device, Loan, Person, PersonStatus
from cashbot.services import inventory, loans, queue
from cashbot.texts import common as common_texts
from cashbot.texts import users as t_manage
from tests.seed import device, person


async def forge_press(env, user, data: str):
    """Handler level: forge a press and run the handlers; (replies, callback answer)."""
    replies = await env.forge_press(user, data)
    return replies, env.telegram.callback_answer(env.session.last_query_id)


async def settle(env) -> None:
    """Let background notifications (notifier.post) finish."""
    await env.app.notifier.drain(10)


@pytest.fixture
async def env(make_env):
    env = make_env(admins=[101], access={"mode": "open"}, ui={"page_size": 3})
    env.alice = env.user(101, "Алиса", username="alice")
    await env.send(env.alice, "/start")
    await env.send(env.alice, "alice@example.ru")
    return env


async def register(env, user_id: int, name: str, email: str, **kwargs):
    user = env.user(user_id, name, **kwargs)
    await env.send(user, "/start")
    await env.send(user, email)
    return user


def pid(telegram_id: int) -> int:
    return Person.get(Person.telegram_id == telegram_id, Person.status != PersonStatus.DELETED).id


async def test_non_admin_users_and_forged_admin_callbacks_do_nothing(env):
    boris = await register(env, 102, "Борис", "boris@example.ru")
    vera = await register(env, 103, "Вера", "vera@example.ru")
    d = device(49, "MSPOS-N", serial="A1")
    loans.take(d.id, pid(103), due_on=None, location=None, today=env.clock.today(), now=env.clock.now())
    users_reply = (await env.send(boris, "/users"))[-1].text
    unknown_reply = (await env.send(boris, "/zzzzz"))[-1].text
    assert users_reply.replace("/users", "X") == unknown_reply.replace("/zzzzz", "X")
    assert "Сотрудники" not in users_reply
    before = Person.select().count(), Category.select().count()
    for data in [
        PersonAdminCb(action="delok", person_id=pid(103)).pack(),
        PersonAdminCb(action="block", person_id=pid(103)).pack(),
        PersonAdminCb(action="open", person_id=pid(103)).pack(),
        DeviceAdminCb(action="take", device_id=d.id).pack(),
        DeviceAdminCb(action="delok", device_id=d.id).pack(),
        DeviceAdminCb(action="log", device_id=d.id).pack(),
        CategoryAdminCb(action="list").pack(),
        CategoryAdminCb(action="delete", category_id=d.category_id).pack(),
    ]:
        replies, answer = await forge_press(env, boris, data)
        assert replies == [], data  # nothing sent, nothing edited
        assert answer["text"] == common_texts.STALE_BUTTON, data  # the same as any dead button
    assert Person.get_by_id(pid(103)).status == PersonStatus.ACTIVE
    assert inventory.current_loan(d.id).person_id == pid(103)
    assert Device.get_by_id(d.id).deleted_at is None
    assert (Person.select().count(), Category.select().count()) == before
    await settle(env)
    assert not any("Администратор" in m.text for m in vera.messages())


async def test_users_list_pages_and_searches_with_the_query_kept_server_side(env):
    for i in range(5):
        person(200 + i, f"Сотрудник {i}", f"s{i}@example.ru", username=f"staff{i}")
    person(300, "Вера Ждущая", "vera@example.ru", status=PersonStatus.PENDING)
    listing = (await env.send(env.alice, "/users"))[-1]
    assert "Сотрудники</b> — 7" in listing.html
    assert listing.all_buttons[0].text.endswith("Вера Ждущая")  # pending first
    assert "Страница 1 из 3" in listing.text
    page2 = (await env.press(env.alice, listing, "▶️"))[-1]
    assert "Страница 2 из 3" in page2.text
    await env.press(env.alice, page2, "Поиск")
    found = (await env.send(env.alice, "сотрудник"))[-1]
    assert "«сотрудник»" in found.text and "— 5" in found.text
    assert all(
        len(b.callback_data.encode()) <= 64 and "сотр" not in b.callback_data
        for b in found.all_buttons
        if b.callback_data
    )
    page2 = (await env.press(env.alice, found, "▶️"))[-1]
    assert "«сотрудник»" in page2.text and "Страница 2 из 2" in page2.text
    direct = (await env.send(env.alice, "/users @staff3"))[-1]
    assert [b.text for b in direct.all_buttons][0].endswith("Сотрудник 3 @staff3")
    card = (await env.press(env.alice, direct, "Сотрудник 3"))[-1]
    assert "s3@example.ru" in card.text and "активен" in card.text and "сотрудник" in card.text


async def test_approve_and_reject_from_users_notify_the_person(make_env):
    env = make_env(admins=[101], access={"mode": "approval"})
    alice = env.user(101, "Алиса")
    await env.send(alice, "/start")
    await env.send(alice, "alice@example.ru")
    boris = await register(env, 102, "Борис", "boris@example.ru")
    gosha = await register(env, 103, "Гоша", "gosha@example.ru")
    listing = (await env.send(alice, "/users"))[-1]
    card = (await env.press(alice, listing, "Борис"))[-1]
    assert "ждёт одобрения" in card.text
    card = (await env.press(alice, card, "Одобрить"))[-1]
    assert "Заявка одобрена" in card.text and "активен" in card.text
    again = (await env.press(alice, card, "К списку"))[-1]
    card = (await env.press(alice, again, "Гоша"))[-1]
    await env.press(alice, card, "Отклонить")
    await env.app.notifier.drain(10)
    assert "Доступ открыт" in boris.last_message().text
    assert "отклонил" in gosha.last_message().text
    assert Person.get(Person.telegram_id == 103).status == PersonStatus.REJECTED


async def test_fix_email_and_comment_with_clear_refusals(env):
    await register(env, 102, "Борис", "boris@example.ru")
    await register(env, 103, "Вера", "vera@example.ru")
    card = (await env.press(env.alice, (await env.send(env.alice, "/users борис"))[-1], "Борис"))[-1]
    await env.press(env.alice, card, "Почта")
    assert "не похоже" in (await env.send(env.alice, "boris@"))[-1].text
    assert "уже у другого" in (await env.send(env.alice, "vera@example.ru"))[-1].text
    saved = (await env.send(env.alice, "Boris.K@example.ru"))[-1]
    assert "Почта изменена" in saved.text and "boris.k@example.ru" in saved.text
    await env.press(env.alice, saved, "Комментарий")
    saved = (await env.send(env.alice, "Склад <Тверская>"))[-1]
    assert "Склад &lt;Тверская&gt;" in saved.html  # user text is escaped in HTML
    await env.press(env.alice, saved, "Комментарий")
    saved = (await env.send(env.alice, "-"))[-1]
    assert "Комментарий:" not in saved.text


async def test_block_and_unblock(env):
    boris = await register(env, 102, "Борис", "boris@example.ru")
    d = device(49, "MSPOS-N")
    loans.take(d.id, pid(102), due_on=None, location=None, today=env.clock.today(), now=env.clock.now())
    card = (await env.press(env.alice, (await env.send(env.alice, "/users борис"))[-1], "Борис"))[-1]
    card = (await env.press(env.alice, card, "Заблокировать"))[-1]
    assert "заблокирован" in card.text and "№49" in card.text  # the device stays on him
    await settle(env)
    assert "закрыл вам доступ" in boris.last_message().text
    assert "закрыт" in (await env.send(boris, "49"))[-1].text
    await env.press(env.alice, card, "Разблокировать")
    await settle(env)
    assert "снова открыл" in boris.last_message().text
    assert "закрыт" not in (await env.send(boris, "/help"))[-1].text


async def test_delete_person_refused_while_holding_then_done(env):
    boris = await register(env, 102, "Борис", "boris@example.ru")
    d = device(49, "MSPOS-N")
    loans.take(d.id, pid(102), due_on=None, location=None, today=env.clock.today(), now=env.clock.now())
    card = (await env.press(env.alice, (await env.send(env.alice, "/users борис"))[-1], "Борис"))[-1]
    refused = (await env.press(env.alice, card, "Удалить"))[-1]  # refused before any "are you sure?"
    assert "Нельзя удалить" in refused.text and "№49 MSPOS-N" in refused.text
    assert not refused.has_button("Да, удалить")
    _, answer = await forge_press(env, env.alice, PersonAdminCb(action="delok", person_id=pid(102)).pack())
    assert Person.get_by_id(pid(102)).status != PersonStatus.DELETED  # the late check stays
    loans.return_device(d.id, pid(102), now=env.clock.now(), hold_hours=24)
    confirm = (await env.press(env.alice, refused, "Удалить"))[-1]
    done = (await env.press(env.alice, confirm, "Да, удалить"))[-1]
    assert "удалён" in done.text
    _, answer = await forge_press(env, env.alice, PersonAdminCb(action="delok", person_id=1000).pack())
    assert "больше нет" in answer["text"]
    await settle(env)
    assert "удалил вашу" in boris.last_message().text
    assert "рабочую почту" in (await env.send(boris, "/start"))[-1].text  # a stranger again


async def test_deleting_yourself_is_refused_before_the_confirmation(env):
    listing = (await env.send(env.alice, "/users алиса"))[-1]
    card = (await env.press(env.alice, listing, "Алиса"))[-1]
    env.telegram.clear_calls()
    assert await env.press(env.alice, card, "Удалить") == []
    answer = env.telegram.callback_answer(env.session.last_query_id)
    assert answer["text"] == t_manage.CANNOT_SELF and answer["show_alert"]
    assert env.telegram.calls("editMessageText") == []  # no "are you sure?" to say no after
    assert Person.get_by_id(pid(101)).status == PersonStatus.ACTIVE


async def test_the_current_page_of_users_says_so_and_edits_nothing(env):
    for n in range(4):
        person(200 + n, f"Сотрудник {n}", f"u{n}@example.ru")
    listing = (await env.send(env.alice, "/users"))[-1]
    assert "· 1 ·" in listing.button_texts
    env.telegram.clear_calls()
    assert await env.press(env.alice, listing, "· 1 ·") == []
    assert env.telegram.callback_answer(env.session.last_query_id)["text"] == "Вы на этой странице."
    assert env.telegram.calls("editMessageText") == []


async def test_commands_answer_as_usual_inside_the_users_dialogs(env):
    await register(env, 102, "Борис", "boris@example.ru")
    card = (await env.press(env.alice, (await env.send(env.alice, "/users борис"))[-1], "Борис"))[-1]
    assert "почта" in (await env.press(env.alice, card, "Почта"))[-1].text.lower()
    [mine] = await env.send(env.alice, "/mine")  # not "send text": /mine answers, the dialog waits
    assert "У вас на руках нет устройств" in mine.text
    await env.send(env.alice, "boris.k@example.ru")
    assert Person.get_by_id(pid(102)).email == "boris.k@example.ru"


async def test_edit_serial_duplicate_is_refused_then_corrected(env):
    d = device(49, "MSPOS-N", serial="A1")
    device(50, "Эвотор", serial="B2")
    card = (await env.send(env.alice, "/start d49"))[-1]
    assert {"✏️ Изменить", "📋 Журнал", "📤 Выдать", "🗑 Удалить"} <= set(card.button_texts)
    menu = (await env.press(env.alice, card, "Изменить"))[-1]
    await env.press(env.alice, menu, "Серийный номер")
    refusal = (await env.send(env.alice, "B2"))[-1]
    assert "уже у устройства №50" in refusal.text
    saved = (await env.send(env.alice, "C3"))[-1]
    assert "Серийный номер: A1 → C3" in saved.text and "C3" in saved.text
    menu = (await env.press(env.alice, saved, "Изменить"))[-1]
    await env.press(env.alice, menu, "Прошивка")
    cleared = (await env.press(env.alice, "Очистить"))[-1]
    assert "Прошивка" in cleared.text
    menu = (await env.press(env.alice, cleared, "Изменить"))[-1]
    picker = (await env.press(env.alice, menu, "Категория"))[-1]
    moved = (await env.press(env.alice, picker, "Терминал эквайринга"))[-1]
    assert "Категория: Терминал эквайринга" in moved.text
    journal = (await env.press(env.alice, moved, "Журнал"))[-1]
    assert "Журнал №49" in journal.text and "событий: 2" in journal.text
    assert "A1 → C3" in journal.text
    assert Device.get_by_id(d.id).serial == "C3"


async def test_assign_then_take_back_notifies_holder_and_next_in_queue(env):
    boris = await register(env, 102, "Борис Кассов", "boris@example.ru")
    vera = await register(env, 103, "Вера", "vera@example.ru")
    d = device(49, "MSPOS-N")
    card = (await env.send(env.alice, "/start d49"))[-1]
    await env.press(env.alice, card, "Выдать")
    assert "Никого не нашёл" in (await env.send(env.alice, "Никто"))[-1].text
    ask_due = (await env.send(env.alice, "кассов"))[-1]
    assert "Борис Кассов" in ask_due.text
    assert "прошла" in (await env.send(env.alice, "01.01.2020"))[-1].text
    await env.send(env.alice, "05.12")
    done = (await env.send(env.alice, "у клиента"))[-1]
    assert "Выдано: Борис Кассов" in done.text and "05.12.2026" in done.text and "у клиента" in done.text
    assert "📥 Забрать" in done.button_texts
    queue.join_queue(d.id, pid(103), now=env.clock.now(), today_start=env.clock.now())
    await settle(env)
    assert "выдал вам" in boris.last_message().text and "05.12.2026" in boris.last_message().text
    back = (await env.press(env.alice, done, "Забрать"))[-1]
    assert "Забрано у держателя: Борис Кассов" in back.text
    await settle(env)
    assert "больше не у вас" in boris.last_message().text
    assert "Ваша очередь" in vera.last_message().text
    assert Loan.get(Loan.person == pid(102)).close_reason == "unassigned"


async def test_assign_to_unregistered_email_and_pick_among_several(env):
    await register(env, 102, "Борис Первый", "b1@example.ru")
    await register(env, 103, "Борис Второй", "b2@example.ru")
    device(49, "MSPOS-N")
    device(50, "Эвотор")
    await env.press(env.alice, (await env.send(env.alice, "/start d49"))[-1], "Выдать")
    choice = (await env.send(env.alice, "борис"))[-1]
    await env.press(env.alice, choice, "Борис Второй")
    await env.press(env.alice, "Пропустить")
    done = (await env.press(env.alice, "Пропустить"))[-1]
    assert "Выдано: Борис Второй" in done.text
    await env.press(env.alice, (await env.send(env.alice, "/start d50"))[-1], "Выдать")
    person(104, "Гоша", "gosha@example.ru", status=PersonStatus.BLOCKED)
    refused = (await env.send(env.alice, "gosha@example.ru"))[-1]
    assert "не может получить устройство: заблокирован" in refused.text
    ask_due = (await env.send(env.alice, "new.person@example.ru"))[-1]
    assert "new.person@example.ru" in ask_due.text
    await env.press(env.alice, "Пропустить")
    done = (await env.press(env.alice, "Пропустить"))[-1]
    assert "Выдано: new.person@example.ru" in done.text
    invited = Person.get(Person.email == "new.person@example.ru")
    assert invited.status == PersonStatus.INVITED
    assert inventory.current_loan(Device.get(Device.number == 50).id).person_id == invited.id


async def test_delete_device_refused_while_held_then_confirmed(env):
    await register(env, 102, "Борис", "boris@example.ru")
    d = device(49, "MSPOS-N")
    loans.take(d.id, pid(102), due_on=None, location=None, today=env.clock.today(), now=env.clock.now())
    card = (await env.send(env.alice, "/start d49"))[-1]
    refused = (await env.press(env.alice, card, "Удалить"))[-1]
    assert "Нельзя удалить: устройство на руках (держатель: Борис" in refused.text
    # A stale confirmation pressed after someone took the device: refused as well.
    _, answer = await forge_press(env, env.alice, DeviceAdminCb(action="delok", device_id=d.id).pack())
    assert "Нельзя удалить" in answer["text"]
    assert Device.get_by_id(d.id).deleted_at is None
    loans.return_device(d.id, pid(102), now=env.clock.now(), hold_hours=24)
    confirm = (await env.press(env.alice, refused, "Удалить"))[-1]
    done = (await env.press(env.alice, confirm, "Да, удалить"))[-1]
    assert "удалено из учёта" in done.text
    assert "нет в учёте" in (await env.send(env.alice, "/start d49"))[-1].text


async def test_categories_add_rename_delete_empty_only(env):
    device(49, "MSPOS-N", "Онлайн-касса")
    replies, _ = await forge_press(env, env.alice, CategoryAdminCb(action="list").pack())  # the /add button
    listing = replies[-1]
    assert "Онлайн-касса — 1" in listing.text
    await env.press(env.alice, listing, "Добавить категорию")
    assert "уже есть" in (await env.send(env.alice, "онлайн-КАССА"))[-1].text
    listing = (await env.send(env.alice, "Сканеры"))[-1]
    assert "Сканеры — 0" in listing.text
    await env.press(env.alice, listing, "✏️ Онлайн-касса")
    listing = (await env.send(env.alice, "Кассы"))[-1]
    assert "Кассы — 1" in listing.text and "• Онлайн-касса" not in listing.text
    kassy = Category.get(Category.name == "Кассы")
    _, answer = await forge_press(env, env.alice, CategoryAdminCb(action="delete", category_id=kassy.id).pack())
    assert "Нельзя удалить" in answer["text"]
    scanners = Category.get(Category.name == "Сканеры")
    listing = (
        await env.press(env.alice, listing, data=CategoryAdminCb(action="delete", category_id=scanners.id).pack())
    )[-1]
    assert "Категория «Сканеры» удалена" in listing.text
    assert not Category.select().where(Category.name == "Сканеры").exists()
