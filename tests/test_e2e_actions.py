"""End to end: taking, returning, queueing and handing over through the real process."""

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from tests.double.fixtures import both_modes
from tests.seed import device, person, seed_file

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)  # Friday 10:00 in Moscow
FAST = {"CASHBOT_REMINDERS__TICK_SECONDS": "0.2", "CASHBOT_REMINDERS__PER_CHAT_INTERVAL": "0"}
NAMES = {101: "Алиса", 102: "Борис", 103: "Вера", 104: "Глеб"}


def start_bot(bot_factory, people=NAMES, devices=((49, "MSPOS-N"),), **kwargs):
    bot = bot_factory(start=False, now=NOW, env=FAST, **kwargs)

    def build():
        for number, name in devices:
            device(number, name)
        for tid, name in people.items():
            person(tid, name, f"u{tid}@example.ru")

    seed_file(bot.db_path, build)
    return bot.start()


def is_card(number=49):
    """The device card itself, as a new message: not a notice that merely names the device
    (a queue or hand-over notification may arrive at any moment and mention «№49» too)."""
    return lambda m: m.text.startswith(f"№{number} · ")


def open_card(user, number=49):
    user.send(f"/start d{number}")
    return user.wait_for(is_card(number), include_edits=False)


def take(user, number=49, due="Без срока"):
    """The common case: three taps. Returns the card shown at the end."""
    user.press(open_card(user, number), "Взять")
    user.press(user.wait_for("До какого числа"), due)
    user.press(user.wait_for("Где будет"), "Пропустить")
    return user.wait_for(lambda m: "У вас" in m.text or "Опоздали" in m.text)


def open_loans(bot):
    with sqlite3.connect(bot.db_path) as db:
        return db.execute(
            "SELECT p.full_name FROM loans l JOIN people p ON p.id = l.person_id WHERE l.returned_at IS NULL"
        ).fetchall()


@both_modes
def test_twenty_people_race_for_one_device_one_wins_nineteen_are_told(bot_factory, api):
    racers = {200 + i: f"Сотрудник{i:02d}" for i in range(20)}
    bot = start_bot(bot_factory, people=racers)
    users = [api.user(tid, name) for tid, name in racers.items()]
    for user in users:
        user.press(open_card(user), "Взять")
    for user in users:
        user.press(user.wait_for("До какого числа"), "Без срока")
    prompts = [user.wait_for("Где будет") for user in users]
    for user, prompt in zip(users, prompts):  # all twenty finish at once
        user.press(prompt, "Пропустить")
    results = [user.wait_for(lambda m: "У вас" in m.text or "Опоздали" in m.text, timeout=30) for user in users]
    winners = [u for u, m in zip(users, results) if "У вас" in m.text]
    assert len(winners) == 1
    winner = winners[0].first_name
    losers = [m for m in results if "Опоздали" in m.text]
    assert len(losers) == 19
    assert all(winner in m.text and m.has_button("Встать в очередь") for m in losers)
    assert open_loans(bot) == [(winner,)]
    assert bot.stop() == 0


def test_return_with_three_waiting_walks_through_pass_and_timeout(bot_factory, api):
    bot = start_bot(bot_factory)
    alice, boris, vera, gleb = (api.user(tid, name) for tid, name in NAMES.items())
    mine = take(alice)
    for user in (boris, vera, gleb):
        user.press(open_card(user), "Встать в очередь")
        user.wait_for("Вы в очереди")
    assert "Борис ждёт" in alice.wait_for("ждёт").text  # told once, not three times
    alice.press(mine, "Вернуть")
    assert "Вы вернули" in alice.wait_for("Вы вернули").text
    turn = boris.wait_for("Ваша очередь")
    text = open_card(gleb).text
    assert "⏳ Бронь до " in text and ": Борис" in text
    boris.press(turn, "Пропустить")
    boris.wait_for("пропустили")
    vera.wait_for("Ваша очередь")
    bot.set_now(NOW + timedelta(hours=25))  # Vera lets the reservation run out
    assert "Время брони" in vera.wait_for("Время брони").text
    gleb_turn = gleb.wait_for("Ваша очередь")
    gleb.press(gleb_turn, "Взять")
    gleb.press(gleb.wait_for("До какого числа"), "Через неделю")
    gleb.press(gleb.wait_for("Где будет"), "Пропустить")
    assert "До 05.12.2026" in gleb.wait_for("У вас").text
    assert open_loans(bot) == [("Глеб",)]
    assert len([m for m in alice.messages() if "ждёт" in m.text]) == 1
    assert bot.stop() == 0


@both_modes
def test_stale_button_after_the_device_changed_hands_and_a_double_click_on_take(bot_factory, api):
    bot = start_bot(bot_factory, devices=((49, "MSPOS-N"), (50, "Эвотор 7.2")))
    alice, boris = api.user(101, "Алиса"), api.user(102, "Борис")
    stale = open_card(boris)  # Boris sees it free ...
    take(alice)  # ... while Alice takes it
    boris.press(stale, "Взять")
    refreshed = boris.wait_for("Опоздали")
    assert refreshed.message_id == stale.message_id and "Алиса" in refreshed.text
    assert refreshed.has_button("Встать в очередь") and not refreshed.has_button("Взять")
    # A double click on Take opens one dialog.
    card50 = open_card(boris, 50)
    boris.press(card50, "Взять")
    second = boris.press(card50, "Взять")
    assert "Уже начали" in boris.wait_answer(second)["text"]
    boris.wait_for("До какого числа")
    assert len([m for m in boris.messages() if "До какого числа" in m.text]) == 1
    assert bot.stop() == 0


@both_modes
def test_restart_in_the_middle_of_taking_continues_the_dialog(bot_factory, api):
    bot = start_bot(bot_factory)
    alice = api.user(101, "Алиса")
    alice.press(open_card(alice), "Взять")
    alice.press(alice.wait_for("До какого числа"), "Завтра")
    alice.wait_for("Где будет")
    bot.kill()  # a crash: no shutdown code runs
    bot.start()
    alice.send("склад, полка 3")
    done = alice.wait_for("У вас")
    assert "До 28.11.2026" in done.text and "Где: склад, полка 3" in done.text
    assert open_loans(bot) == [("Алиса",)]
    assert bot.stop() == 0


def test_handover_declined_then_accepted_by_the_first_in_queue(bot_factory, api):
    bot = start_bot(bot_factory)
    alice, boris, vera = api.user(101, "Алиса"), api.user(102, "Борис"), api.user(103, "Вера")
    boris.send("/help")
    mine = take(alice, due="Через неделю")
    alice.press(mine, "Передать")
    alice.wait_for("Кому передать")
    alice.send("бор")
    alice.press(alice.wait_for("выберите, кому"), "Борис")
    alice.wait_for("Запрос отправлен")
    boris.press(boris.wait_for("хочет передать вам"), "Отказаться")
    assert "отказался" in alice.wait_for("отказался").text
    vera.press(open_card(vera), "Встать в очередь")
    vera.wait_for("Вы в очереди")
    alice.press(open_card(alice), "Передать")
    ask = alice.wait_for("Кому передать")
    alice.press(ask, "Вера")  # the queue is offered first
    request = vera.wait_for("хочет передать вам")
    assert "срок до 04.12.2026" in request.text
    vera.press(request, "Принять")
    assert "У вас" in vera.wait_for("у вас").text
    assert "Вера принял(а)" in alice.wait_for("принял").text
    assert open_loans(bot) == [("Вера",)]
    assert bot.stop() == 0
