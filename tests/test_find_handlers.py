"""Handler level: search and lists through Dispatcher.feed_update (pagination rules)."""

from datetime import UTC, datetime, timedelta

import pytest
from aiogram.fsm.storage.base import StorageKey

from cashbot.callbacks import PageCb
from cashbot.handlers.lists import KEEP_SEARCHES, LISTS_DESTINY
from cashbot.services import loans, queue
from cashbot.services.catalog import HistoryLine
from cashbot.texts import card as t_card
from cashbot.texts import lists as t
from cashbot.views.lists import event_phrase, not_found
from cashbot.views.pagination import nav_buttons, page_window
from tests.seed import device, person

ADMIN_ID = 900


@pytest.fixture
def env(make_env):
    return make_env(admins=[ADMIN_ID])


def staff(env, telegram_id: int, name: str, **kwargs):
    """An active person (seeded) and the Telegram user behind them."""
    seeded = person(telegram_id, name, f"user{telegram_id}@example.ru", **kwargs)
    return seeded, env.user(telegram_id, name)


def answer_text(env) -> str | None:
    answer = env.session.telegram.callback_answer(env.session.last_query_id)
    assert answer is not None, "the callback query was not answered"
    return answer.get("text")


def nav(message) -> list[str]:
    """The last button row: the page navigation."""
    return [b.text for b in message.buttons[-1]]


async def test_a_search_pages_forward_and_back_and_the_current_page_is_a_no_op(env):
    for n in range(1, 21):
        device(n, f"Касса {n}")
    _, alice = staff(env, 101, "Алиса")
    [listing] = await env.send(alice, "КАССА")
    assert "найдено: 20" in listing.text and "Страница 1 из 3" in listing.text
    assert listing.button_texts[:8] == [f"№{n} · Касса {n}" for n in range(1, 9)]
    assert nav(listing) == ["· 1 ·", "2", "3", "▶️"]
    [page2] = await env.press(alice, listing, "▶️")
    assert page2.message_id == listing.message_id and "Страница 2 из 3" in page2.text
    assert nav(page2) == ["◀️", "1", "· 2 ·", "3", "▶️"]
    assert "№9 · Касса 9" in page2.button_texts
    # The current page: answered "you are here", no edit call at all.
    env.telegram.clear_calls()
    assert await env.press(alice, page2, "· 2 ·") == []
    assert answer_text(env) == t.CURRENT_PAGE
    assert env.telegram.calls("editMessageText") == []
    [page3] = await env.press(alice, page2, "3")
    assert nav(page3) == ["◀️", "1", "2", "· 3 ·"]
    assert page3.button_texts[:4] == [f"№{n} · Касса {n}" for n in range(17, 21)]


async def test_page_buttons_survive_cancel_and_old_lists_say_they_are_outdated(env):
    for n in range(1, 12):
        device(n, f"Касса {n}", serial=f"SER{n:03d}")
    _, alice = staff(env, 101, "Алиса")
    [first] = await env.send(alice, "касса")
    await env.send(alice, "/cancel")
    [page2] = await env.press(alice, first, "▶️")
    assert "Страница 2 из 2" in page2.text
    for _ in range(5):  # five newer searches push the first one out
        await env.send(alice, "ser0")
    assert await env.press(alice, first, "1") == []
    assert answer_text(env) == t.LIST_OUTDATED


async def test_only_lists_with_page_buttons_are_remembered(env):
    for n in range(1, 12):
        device(n, f"Касса {n}", serial=f"SER{n:03d}")
    device(20, "Принтер A")
    device(21, "Принтер B")
    _, alice = staff(env, 101, "Алиса")
    lists = StorageKey(bot_id=env.app.bot.id, chat_id=101, user_id=101, destiny=LISTS_DESTINY)
    [single] = await env.send(alice, "принтер")  # one page: no page buttons, no FSM write
    assert "найдено: 2" in single.text and single.button_texts == ["№20 · Принтер A", "№21 · Принтер B"]
    assert await env.app.dispatcher.storage.get_data(lists) == {}
    [first] = await env.send(alice, "касса")
    assert await env.app.dispatcher.storage.get_data(lists) == {"next": 2, "searches": {"1": "касса"}}
    assert first.buttons[-1][1].callback_data == PageCb(kind="s", ref=1, page=1).pack()
    for _ in range(KEEP_SEARCHES):  # single pages push nothing out
        await env.send(alice, "принтер")
    [page2] = await env.press(alice, first, "2")
    assert "Страница 2 из 2" in page2.text and "№9 · Касса 9" in page2.button_texts
    assert await env.app.dispatcher.storage.get_data(lists) == {"next": 2, "searches": {"1": "касса"}}


async def test_non_admin_typing_admin_commands_gets_exactly_a_failed_search(env):
    device(1, "Касса")
    _, alice = staff(env, 101, "Алиса")
    for command in ("/add", "/users", "/dev", "/add 49", "/frobnicate"):
        [reply] = await env.send(alice, command)
        assert reply.html == not_found(command)
    [html] = await env.send(alice, "<b>касса & co</b>")  # escaped, shown as typed
    assert "«<b>касса & co</b>»" in html.text
    [plain] = await env.send(alice, "принтер")
    assert plain.html == not_found("принтер")
    assert "/all" in plain.text and "/categories" in plain.text


async def test_one_hit_opens_the_card_and_numbers_are_exact(env):
    device(49, "MSPOS-N")
    device(149, "Другая касса")
    _, alice = staff(env, 101, "Алиса")
    for query in ("49", "№49", "#49", "mspos"):
        [card] = await env.send(alice, query)
        assert "№49 · MSPOS-N" in card.text and card.has_button("История"), query
    [missing] = await env.send(alice, "№50")
    assert missing.html == not_found("№50")
    assert "номером 50 нет в учёте" in missing.text
    [deep] = await env.send(alice, "/start d50")
    assert deep.html == missing.html  # the deep link says the same


async def test_digits_no_sticker_has_are_a_serial_and_keep_their_leading_zeros(env):
    device(5, "Эвотор 7.3", serial="00106707012345")
    device(6, "АТОЛ 91Ф", serial="00106707099999")
    device(106707012345, "Касса с длинным номером", serial="XY-1")
    _, alice = staff(env, 101, "Алиса")
    [card] = await env.send(alice, "00106707012345")  # the exact serial opens its card
    assert "№5 · Эвотор 7.3" in card.text and card.has_button("История")
    assert "<code>00106707012345</code>" in card.html
    [listing] = await env.send(alice, "001067070")  # part of two serials
    assert "«001067070»" in listing.text
    assert listing.button_texts == ["№5 · Эвотор 7.3", "№6 · АТОЛ 91Ф"]
    [missing] = await env.send(alice, "0099")
    assert missing.html == not_found("0099")
    assert "номером 0099 нет в учёте, серийного номера 0099 — тоже" in missing.text


async def test_start_without_payload_welcomes_an_active_person(env):
    _, alice = staff(env, 101, "Алиса")
    [reply] = await env.send(alice, "/start")
    assert "номер с наклейки" in reply.text and "/mine" in reply.text


async def test_no_message_exceeds_the_limit_with_long_names_and_the_largest_page(make_env):
    """The worst case: 30 lines a page, long numbers, names that escape to 4× their length,
    long holder names, every loan overdue, every queue place a reservation."""
    env = make_env(ui={"page_size": 30})
    long_name = "<Очень длинное & название кассы> " * 20
    holder = person(101, "Алиса-" * 50, "alice@example.ru")
    waiter = person(102, "Борис", "boris@example.ru")
    today, now = env.clock.today(), env.clock.now()
    for n in range(1, 41):
        d = device(999_900_000 + n, long_name + str(n), serial=f"S{n}")
        if n <= 30:
            loans.take(d.id, holder.id, due_on=today, location=None, today=today, now=now)
            queue.join_queue(d.id, waiter.id, now=now, today_start=now)
            loans.return_device(d.id, holder.id, now=now, hold_hours=24)
            loans.take(d.id, waiter.id, due_on=today, location=None, today=today, now=now)
            queue.join_queue(d.id, holder.id, now=now, today_start=now)
    env.clock.advance(days=400)
    for user_id, command in ((101, "касса"), (101, "/all"), (102, "/mine"), (101, "/wishlist")):
        [reply] = await env.send(env.user(user_id, "X"), command)
        assert len(reply.text) <= 4096, (command, len(reply.text))
        assert all(len(text) <= 60 for text in reply.button_texts)
        assert all(len(b.callback_data.encode()) <= 64 for b in reply.all_buttons)


async def test_categories_list_a_category_and_come_back_admin_sees_management(env):
    device(1, "Касса", "Онлайн-касса")
    device(2, "Весы CAS", "Весы")
    _, alice = staff(env, 101, "Алиса")
    _, admin = staff(env, ADMIN_ID, "Админ", is_admin=True)
    [overview] = await env.send(alice, "/categories")
    assert "Весы (1)" in overview.button_texts and "Онлайн-касса (1)" in overview.button_texts
    assert not overview.has_button("Управление")
    [scales] = await env.press(alice, overview, "Весы (1)")
    assert "Весы" in scales.text and scales.button_texts == ["№2 · Весы CAS", t.BTN_BACK_TO_CATEGORIES]
    [card] = await env.press(alice, scales, "№2 · Весы CAS")
    assert "№2 · Весы CAS" in card.text and card.message_id != scales.message_id
    [back] = await env.press(alice, scales, t.BTN_BACK_TO_CATEGORIES)
    assert back.message_id == overview.message_id and "Весы (1)" in back.button_texts
    [admin_view] = await env.send(admin, "/categories")
    assert admin_view.has_button(t.BTN_MANAGE_CATEGORIES)


async def test_mine_marks_overdue_and_shows_my_history(env):
    me, alice = staff(env, 101, "Алиса")
    late, fine = device(1, "Касса"), device(2, "Терминал")
    today = env.clock.today()
    loans.take(late.id, me.id, due_on=today, location=None, today=today, now=env.clock.now())
    loans.take(fine.id, me.id, due_on=None, location=None, today=today, now=env.clock.now())
    env.clock.advance(days=3)
    [mine] = await env.send(alice, "/mine")
    assert "У вас на руках: 2" in mine.text
    late_line = next(line for line in mine.text.split("\n\n") if "Касса" in line)
    assert "⚠️ просрочено на 3 дня" in late_line
    assert "срок не указан" in mine.text and "Терминал" in mine.text
    [history] = await env.press(alice, mine, t.BTN_MY_HISTORY)
    assert "Ваша история" in history.text and "№1 Касса: Алиса взял(а)" in history.text
    [back] = await env.press(alice, history, t.BTN_BACK_TO_MINE)
    assert "У вас на руках: 2" in back.text


async def test_wishlist_shows_positions_and_a_reservation(env):
    holder, _ = staff(env, 101, "Алиса")
    other, _ = staff(env, 102, "Вера")
    me, boris = staff(env, 103, "Борис")
    a, b = device(1, "Касса"), device(2, "Терминал")
    now = env.clock.now()
    for d in (a, b):
        loans.take(d.id, holder.id, due_on=None, location=None, today=env.clock.today(), now=now)
    queue.join_queue(a.id, other.id, now=now, today_start=now)
    queue.join_queue(a.id, me.id, now=now + timedelta(seconds=1), today_start=now)
    queue.join_queue(b.id, me.id, now=now, today_start=now)
    loans.return_device(b.id, holder.id, now=now, hold_hours=24)
    [wishlist] = await env.send(boris, "/wishlist")
    assert "Ваши очереди: 2" in wishlist.text
    assert "вы 2-й в очереди" in wishlist.text and "ваша очередь!" in wishlist.text
    assert "28.11.2026 10:00" in wishlist.text  # reserved 24 h, shown in Moscow time
    [card] = await env.press(boris, wishlist, "Касса")
    assert "Вы в очереди: 2-й" in card.text
    [empty] = await env.send(env.user(102, "Вера"), "/wishlist")  # Vera's one queue
    assert "Ваши очереди: 1" in empty.text


async def test_card_history_shows_holders_and_goes_back_to_the_card(env):
    alice_p, alice = staff(env, 101, "Алиса")
    boris_p, _ = staff(env, 102, "Борис")
    d = device(7, "Касса <b>")
    now = env.clock.now()
    loans.take(d.id, boris_p.id, due_on=None, location=None, today=env.clock.today(), now=now)
    loans.return_device(d.id, boris_p.id, now=now + timedelta(hours=2), hold_hours=24)
    [card] = await env.send(alice, "7")
    [history] = await env.press(alice, card, "История")
    assert history.message_id == card.message_id
    assert "История №7 · Касса <b>" in history.text  # escaped, shown as typed
    assert "Борис: 27.11.2026 10:00 — 27.11.2026 12:00" in history.text
    assert "Борис вернул(а)" in history.text and "Борис взял(а)" in history.text
    [back] = await env.press(alice, history, t.BTN_BACK_TO_CARD)
    assert "Свободно" in back.text and back.has_button("История")


async def test_a_device_held_by_someone_invited_by_email_shows_as_held_everywhere(env):
    from cashbot.services import device_admin, people

    admin_p, _ = staff(env, ADMIN_ID, "Админ", is_admin=True)
    _, alice = staff(env, 101, "Алиса")
    now, today = env.clock.now(), env.clock.today()
    olga = people.invite_by_email("olga@example.ru", now, actor_id=admin_p.id)
    held = device(1, "Касса Эвотор", serial="00106707012345")
    device(2, "Касса АТОЛ")
    device_admin.assign(held.id, olga.id, due_on=None, location=None, actor_id=admin_p.id, today=today, now=now)
    [everything] = await env.send(alice, "/all")
    assert "🔴 №1 · Касса Эвотор — olga@example.ru" in everything.text
    assert "🟢 №2 · Касса АТОЛ" in everything.text
    [found] = await env.send(alice, "касса")
    assert "🔴 №1 · Касса Эвотор — olga@example.ru" in found.text
    [card] = await env.send(alice, "00106707012345")
    assert "Держатель: olga@example.ru" in card.text and "Свободно" not in card.text
    assert t_card.HOLDER_NOT_REGISTERED in card.text and "Почта:" not in card.text
    assert not card.has_button("Взять") and card.has_button("Встать в очередь")
    [history] = await env.press(alice, card, "История")
    assert "olga@example.ru: 27.11.2026 10:00 — сейчас" in history.text
    [back] = await env.press(alice, history, t.BTN_BACK_TO_CARD)
    assert "Держатель: olga@example.ru" in back.text


async def test_a_strangers_first_search_is_answered_once_registered(make_env):
    env = make_env(access={"mode": "open"})
    for n in range(1, 4):
        device(n, f"Терминал {n}")
    vera = env.user(103, "Вера")
    await env.send(vera, "терминал")  # remembered by registration, replayed when active
    await env.send(vera, "vera@example.ru")
    await env.app.notifier.drain(5)  # the replay is a background task after the handler
    listing = vera.last_message()
    assert "найдено: 3" in listing.text and listing.message_id > 0
    assert listing.button_texts == [f"№{n} · Терминал {n}" for n in range(1, 4)]


# Pure views: the pagination window and event phrases.


@pytest.mark.parametrize(
    "page, pages, expected",
    [
        (0, 1, [0]),
        (0, 3, [0, 1, 2]),
        (0, 25, [0, 1, 2, 3, 4]),
        (12, 25, [10, 11, 12, 13, 14]),
        (24, 25, [20, 21, 22, 23, 24]),
        (23, 25, [20, 21, 22, 23, 24]),
        (1, 25, [0, 1, 2, 3, 4]),
    ],
)
def test_page_window_keeps_five_numbers_around_the_current_page(page, pages, expected):
    assert page_window(page, pages) == expected


def test_nav_row_marks_the_current_page_and_has_no_arrows_past_the_ends():
    assert nav_buttons("s", 1, 0, 1) == []
    first = [b.text for b in nav_buttons("s", 1, 0, 25)]
    last = [b.text for b in nav_buttons("s", 1, 24, 25)]
    assert first == ["· 1 ·", "2", "3", "4", "5", "▶️"]
    assert last == ["◀️", "21", "22", "23", "24", "· 25 ·"]
    assert nav_buttons("s", 7, 3, 25)[0].callback_data == PageCb(kind="s", ref=7, page=2).pack()


def _event(kind, actor="Алиса", person="Борис", **details):
    return HistoryLine(datetime(2026, 11, 27, 7, 0, tzinfo=UTC), kind, actor, person, 7, "Касса", details)


def test_event_phrases_read_as_russian_and_hide_bookkeeping():
    assert event_phrase(_event("take", person="Алиса")) == "Алиса взял(а)"
    assert event_phrase(_event("extend", person="Алиса", due_on="2026-12-25")) == "Алиса продлил(а) до 25.12.2026"
    assert event_phrase(_event("extend", person="Алиса", due_on=None)) == "Алиса продлил(а) без срока"
    assert event_phrase(_event("handover", from_name="Алиса", to_name="Борис")) == "передача: Алиса → Борис"
    assert event_phrase(_event("handed_over")) is None
    assert event_phrase(_event("holder_told_waiting")) is None
    assert event_phrase(_event("device_renamed", actor="<Админ>")) == "&lt;Админ&gt;: другое изменение"
    assert event_phrase(_event("offer_expired", actor=None, person=None)) == "кто-то: бронь истекла"


async def test_many_categories_are_paged_too(env):
    for n in range(1, 13):
        device(n, f"Устройство {n}", f"Категория {n:02d}")
    _, alice = staff(env, 101, "Алиса")
    [screen] = await env.send(alice, "/categories")  # 12 + the 7 default categories
    assert nav(screen) == ["· 1 ·", "2", "3", "▶️"]
    seen = []
    while True:
        seen += [b.text for row in screen.buttons[:-1] for b in row]
        if "▶️" not in nav(screen):
            break
        [screen] = await env.press(alice, screen, "▶️")
    assert len(seen) == 19 and all(f"Категория {n:02d} (1)" in seen for n in range(1, 13))
    [screen] = await env.press(alice, screen, "1")  # sorted by name: the 12th is on page 1
    [category] = await env.press(alice, screen, "Категория 07 (1)")
    assert "№7 · Устройство 7" in category.button_texts
