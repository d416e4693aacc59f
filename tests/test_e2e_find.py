"""End to end, finding devices: the real `python -m cashbot` process over HTTP, several users."""

from datetime import UTC, date, datetime, timedelta

import pytest

from cashbot.services import loans, queue
from cashbot.texts import lists as t
from cashbot.views.lists import not_found
from tests.double.fixtures import both_modes
from tests.seed import SEED_NOW, device, person, seed_file

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)  # 10:00 in Moscow


def page_label(page: int, pages: int) -> str:
    return f"Страница {page} из {pages}"


def test_cyrillic_search_ignores_case_and_200_results_page_to_the_end(bot_factory, api):
    bot = bot_factory(start=False, now=NOW)

    def build():
        person(101, "Алиса", "alice@example.ru")
        for n in range(1, 201):
            device(n, f"Меркурий-{n}", "ККТ")
        device(500, "ЭВОТОР Сигма 10", "Онлайн-касса")

    seed_file(bot.db_path, build)
    bot.start()
    alice = api.user(101, "Алиса")
    alice.send("эвотор")  # lower case finds upper case: one hit opens the card
    card = alice.wait_for("ЭВОТОР Сигма 10")
    assert "№500" in card.text and card.has_button("История")

    alice.send("ккт")  # the category, typed in lower case
    listing = alice.wait_for("найдено: 200")
    pages = 25  # the default page size is 8
    seen = []
    for page in range(1, pages + 1):
        assert page_label(page, pages) in listing.text
        seen += [b.text.split(" · ")[0] for b in listing.all_buttons if b.callback_data.startswith("d:open")]
        if page < pages:
            alice.press(listing, "▶️")
            listing = alice.wait_for(lambda m, p=page + 1: page_label(p, pages) in m.text)
    assert seen == [f"№{n}" for n in range(1, 201)]  # every result once, in order
    assert not listing.has_button("▶️") and "· 25 ·" in listing.button_texts
    assert bot.stop() == 0


@both_modes
def test_all_categories_card_a_list_across_a_restart_and_a_stale_page_button(bot_factory, api):
    bot = bot_factory(start=False, now=NOW, admins=[900])

    def build():
        person(101, "Алиса", "alice@example.ru")
        person(900, "Админ", "admin@example.ru", is_admin=True)
        for n in range(1, 11):
            device(n, f"Касса {n}", "Онлайн-касса")
        device(11, "Весы CAS", "Весы")

    seed_file(bot.db_path, build)
    bot.start()
    alice, admin = api.user(101, "Алиса"), api.user(900, "Админ")

    alice.send("/all")
    everything = alice.wait_for("Все устройства: 11")
    assert page_label(1, 2) in everything.text
    alice.press(everything, "2")
    page2 = alice.wait_for(lambda m: page_label(2, 2) in m.text)
    assert page2.message_id == everything.message_id and "№11 · Весы CAS" in page2.button_texts

    alice.send("/categories")
    overview = alice.wait_for("Категории")
    assert not overview.has_button("Управление категориями")
    alice.press(overview, "Весы (1)")
    scales = alice.wait_for(lambda m: m.message_id == overview.message_id and "Весы CAS" in m.text)
    alice.press(scales, "№11 · Весы CAS")
    card = alice.wait_for(lambda m: "№11 · Весы CAS" in m.text and "Серийный номер" in m.text)
    assert "Свободно" in card.text

    admin.send("/categories")
    assert admin.wait_for("Категории").has_button("Управление категориями")

    # A search list's query lives server-side in the database: its buttons survive a restart.
    alice.send("касса")
    first = alice.wait_for("найдено: 10")
    bot.restart()
    alice.press(first, "▶️")
    first = alice.wait_for(lambda m: m.message_id == first.message_id and page_label(2, 2) in m.text)
    # A stale page button: five newer searches push the first list out; its buttons say so.
    for _ in range(5):
        alice.send("касса")
        alice.wait_for("найдено: 10")
    query = alice.press(first, "◀️")
    assert alice.wait_answer(query)["text"] == t.LIST_OUTDATED
    assert alice.message(first).text == first.text  # the old list is left as it was
    assert bot.stop() == 0


def test_mine_and_wishlist_show_what_i_hold_and_where_i_wait(bot_factory, api):
    bot = bot_factory(start=False, now=NOW)

    def build():
        alice = person(101, "Алиса", "alice@example.ru")
        boris = person(102, "Борис", "boris@example.ru")
        vera = person(103, "Вера", "vera@example.ru")
        late, free_date, busy = device(1, "Касса АТОЛ"), device(2, "Терминал PAX"), device(3, "Сканер")
        today = SEED_NOW.date()
        loans.take(late.id, alice.id, due_on=date(2026, 11, 20), location=None, today=today, now=SEED_NOW)
        loans.take(free_date.id, alice.id, due_on=None, location=None, today=today, now=SEED_NOW)
        loans.take(busy.id, vera.id, due_on=None, location=None, today=today, now=SEED_NOW)
        queue.join_queue(late.id, vera.id, now=SEED_NOW, today_start=SEED_NOW)
        queue.join_queue(late.id, boris.id, now=SEED_NOW + timedelta(minutes=1), today_start=SEED_NOW)
        queue.join_queue(busy.id, boris.id, now=SEED_NOW, today_start=SEED_NOW)
        loans.return_device(busy.id, vera.id, now=NOW - timedelta(hours=1), hold_hours=24)

    seed_file(bot.db_path, build)
    bot.start()
    alice, boris = api.user(101, "Алиса"), api.user(102, "Борис")

    alice.send("/mine")
    mine = alice.wait_for("У вас на руках: 2")
    atol = next(block for block in mine.text.split("\n\n") if "Касса АТОЛ" in block)
    assert "вернуть до 20.11.2026" in atol and "⚠️ просрочено на 7 дней" in atol
    assert "срок не указан" in mine.text
    alice.press(mine, "Моя история")
    history = alice.wait_for("Ваша история")
    assert "№1 Касса АТОЛ: Алиса взял(а)" in history.text

    boris.send("/wishlist")
    wishlist = boris.wait_for("Ваши очереди: 2")
    atol = next(block for block in wishlist.text.split("\n\n") if "Касса АТОЛ" in block)
    scanner = next(block for block in wishlist.text.split("\n\n") if "Сканер" in block)
    assert "вы 2-й в очереди" in atol
    assert "ваша очередь!" in scanner and "28.11.2026 09:00" in scanner  # 24 h from 09:00 Moscow
    boris.press(wishlist, "Сканер")
    card = boris.wait_for(lambda m: "№3 · Сканер" in m.text and "Серийный номер" in m.text)
    assert "Ваша очередь!" in card.text
    assert bot.stop() == 0


def test_admin_commands_from_staff_are_a_failed_search_and_users_search_at_once(bot_factory, api):
    bot = bot_factory(start=False, now=NOW, admins=[900])
    names = {101: "Алиса", 102: "Борис", 103: "Вера", 104: "Глеб", 105: "Дина"}

    def build():
        for telegram_id, name in names.items():
            person(telegram_id, name, f"u{telegram_id}@example.ru")
        for n in range(1, 6):
            device(n, f"Модель-{n}", serial=f"SER-{n}")
        for n in range(6, 30):
            device(n, f"Планшет {n}", "Планшет")

    seed_file(bot.db_path, build)
    bot.start()
    alice = api.user(101, "Алиса")
    for text in ("/add", "/users", "/dev", "/add 5"):
        alice.send(text)
        reply = alice.wait_for("ничего не нашлось")
        assert reply.html == not_found(text)
    alice.send("принтер")
    failed = alice.wait_for("ничего не нашлось")
    assert failed.html.replace("принтер", "/add") == not_found("/add")

    # Five people at once: each gets their own answer, and their page buttons stay theirs.
    users = {telegram_id: api.user(telegram_id, name) for telegram_id, name in names.items()}
    for n, user in enumerate(users.values(), start=1):
        user.send(f"модель-{n}")
    users[101].send("планшет")  # Alice also asks for a list while the others search
    for n, user in enumerate(users.values(), start=1):
        card = user.wait_for(f"Модель-{n}")
        assert f"№{n} · Модель-{n}" in card.text
    tablets = users[101].wait_for("найдено: 24")
    users[102].send("планшет")
    boris_tablets = users[102].wait_for("найдено: 24")
    users[101].press(tablets, "3")
    users[102].press(boris_tablets, "2")
    assert page_label(3, 3) in users[101].wait_for(lambda m: page_label(3, 3) in m.text).text
    assert page_label(2, 3) in users[102].wait_for(lambda m: page_label(2, 3) in m.text).text
    assert bot.stop() == 0


def test_digits_fall_back_to_serials_and_keep_their_leading_zeros(bot_factory, api):
    bot = bot_factory(start=False, now=NOW)

    def build():
        person(101, "Алиса", "alice@example.ru")
        device(7, "Эвотор 7.3", "Онлайн-касса", serial="00106707012345")
        device(8, "АТОЛ 91Ф", "ККТ", serial="00106707099999")

    seed_file(bot.db_path, build)
    bot.start()
    alice = api.user(101, "Алиса")
    alice.send("00106707012345")
    card = alice.wait_for(lambda m: "Серийный номер: 00106707012345" in m.text)
    assert "№7 · Эвотор 7.3" in card.text and card.has_button("История")
    alice.send("001067070")
    listing = alice.wait_for(lambda m: m.text.startswith("🔎") and "«001067070»" in m.text)
    assert listing.button_texts == ["№7 · Эвотор 7.3", "№8 · АТОЛ 91Ф"]
    alice.send("000123")
    missing = alice.wait_for(lambda m: "000123" in m.text and "нет в учёте" in m.text)
    assert missing.html == not_found("000123")
    assert bot.stop() == 0
