"""Reminders end to end: the real process, the local Bot API double, the clock moved."""

from datetime import date, timedelta

import pytest

from cashbot.texts.plural import DAYS, count
from tests.e2e_reminders_support import (
    FAST_TICKS,
    is_reminder,
    moscow,
    query,
    reminders_of,
    seed_loans,
    start_chats,
    wait_output,
)

pytestmark = pytest.mark.e2e


def test_one_reminder_the_day_before_on_the_day_and_each_working_day_after(bot_factory, api):
    bot = bot_factory(start=False, now=moscow(2026, 11, 30, 9), env=FAST_TICKS)  # Monday
    seed_loans(bot, [(101, "Алиса", date(2026, 12, 1))])
    bot.start()
    alice = api.user(101, "Алиса")
    start_chats([alice])

    expected = [
        (moscow(2026, 11, 30, 10), "вернуть завтра, 01.12.2026"),
        (moscow(2026, 12, 1, 10), "вернуть сегодня"),
        (moscow(2026, 12, 2, 10), "просрочено на 1 день"),
        (moscow(2026, 12, 4, 10), "просрочено на 3 дня"),
    ]
    for now, text in expected:
        bot.set_now(now)
        reminder = alice.wait_for(is_reminder)
        assert text in reminder.text, reminder.text
        assert reminder.button_texts == ["↩️ Вернул №101", "📅 Продлить №101"]
    # The weekend passes quietly.
    bot.set_now(moscow(2026, 12, 5, 12))
    wait_output(bot, "2026-12-05 is not a run day")
    bot.set_now(moscow(2026, 12, 6, 12))
    wait_output(bot, "2026-12-06 is not a run day")
    bot.set_now(moscow(2026, 12, 7, 10))
    monday = alice.wait_for(is_reminder)
    assert "просрочено на 6 дней" in monday.text and "Пора вернуть" in monday.text
    bot.set_now(moscow(2026, 12, 9, 10))  # past a week the tone escalates
    late = alice.wait_for(is_reminder)
    assert "просрочено на 8 дней" in late.text and "Срочно верните" in late.text
    assert len(reminders_of(alice)) == 6  # one per run day, none at the weekend
    assert bot.stop() == 0


def test_downtime_over_the_send_time_is_caught_up_once_and_only_that_day(bot_factory, api):
    bot = bot_factory(start=False, now=moscow(2026, 12, 1, 9), env=FAST_TICKS)  # Tuesday
    seed_loans(bot, [(101, "Алиса", date(2026, 11, 30))])
    bot.start()
    alice = api.user(101, "Алиса")
    start_chats([alice])
    bot.stop()

    bot.set_now(moscow(2026, 12, 1, 15))  # down at 10:00, back at 15:00
    bot.start()
    assert "просрочено на 1 день" in alice.wait_for(is_reminder).text
    wait_output(bot, "run for 2026-12-01 finished")
    bot.restart()
    wait_output(bot, "the run for 2026-12-01 already finished")
    bot.stop()

    bot.set_now(moscow(2026, 12, 3, 11))  # all of Wednesday missed: no flood of old ones
    bot.start()
    assert "просрочено на 3 дня" in alice.wait_for(is_reminder).text
    wait_output(bot, "run for 2026-12-03 finished")
    assert len(reminders_of(alice)) == 2
    assert query(bot, "SELECT day FROM reminder_deliveries ORDER BY day") == [("2026-12-01",), ("2026-12-03",)]
    assert bot.stop() == 0


def _run_and_interrupt(bot_factory, api, interrupt):
    """60 people due today, sent at 10/s; `interrupt(bot)` once 15 have theirs; then resume."""
    bot = bot_factory(
        start=False,
        now=moscow(2026, 12, 1, 9),
        env={**FAST_TICKS, "CASHBOT_REMINDERS__GLOBAL_RATE": "10", "CASHBOT_REMINDERS__ADMIN_DIGEST": "false"},
    )
    ids = list(range(201, 261))
    seed_loans(bot, [(i, f"Сотрудник {i}", date(2026, 12, 1)) for i in ids])
    bot.start()
    users = [api.user(i, f"Сотрудник {i}") for i in ids]
    start_chats(users)
    bot.set_now(moscow(2026, 12, 1, 10))
    api.telegram.wait_until(lambda: sum(len(reminders_of(u)) for u in users) >= 15, 30, "15 reminders were not sent")
    interrupt(bot)
    assert sum(len(reminders_of(u)) for u in users) < len(users), "the run was not interrupted"
    bot.start()
    wait_output(bot, "run for 2026-12-01 finished")
    return bot, {u.id: len(reminders_of(u)) for u in users}


def test_a_restart_in_the_middle_of_a_run_sends_no_duplicates_and_loses_no_one(bot_factory, api):
    bot, counts = _run_and_interrupt(bot_factory, api, lambda b: b.stop())
    assert set(counts.values()) == {1}
    assert query(bot, "SELECT count(*) FROM reminder_deliveries WHERE sent_at IS NULL") == [(0,)]
    assert bot.stop() == 0


def test_a_crash_in_the_middle_of_a_run_sends_no_duplicates(bot_factory, api):
    bot, counts = _run_and_interrupt(bot_factory, api, lambda b: b.kill())
    assert max(counts.values()) == 1
    # At-most-once: whoever was claimed but not confirmed when the process died is not retried;
    # that is at most the sends in flight (one pacer slot each, the run sends 10/s).
    lost = [i for i, n in counts.items() if n == 0]
    unconfirmed = {
        row[0]
        for row in query(
            bot,
            "SELECT p.telegram_id FROM reminder_deliveries d JOIN people p ON p.id = d.person_id "
            "WHERE d.sent_at IS NULL",
        )
    }
    assert set(lost) <= unconfirmed and len(unconfirmed) <= 10
    assert bot.stop() == 0


def test_a_blocked_user_and_a_429_in_a_200_person_run_lose_no_one_else(bot_factory, api):
    bot = bot_factory(start=False, admins=[900], now=moscow(2026, 12, 1, 9), env=FAST_TICKS)
    ids = list(range(1001, 1201))
    # Every fourth is overdue (1..50 days), the others due today, tomorrow, or without a date.
    dues = {
        i: [date(2026, 12, 1) - timedelta(days=(i % 50) + 1), date(2026, 12, 1), date(2026, 12, 2), None][i % 4]
        for i in ids
    }
    seed_loans(bot, [(i, f"Сотрудник {i}", dues[i]) for i in ids], admins=[900])
    bot.start()
    users = {i: api.user(i, f"Сотрудник {i}") for i in ids}
    admin = api.user(900, "Админ")
    start_chats([admin, *users.values()])
    api.set_flood_control(True)  # Telegram-like limits from now on: 30/s overall, 1/s per chat
    # 1008 and 1012 are overdue, so the digest lists them.
    blocked, throttled, unavailable, refused = users[1008], users[1010], users[1013], users[1012]
    blocked.block()
    api.inject_error("sendMessage", chat_id=throttled.id, error_code=429, retry_after=2)
    api.inject_error("sendMessage", chat_id=unavailable.id, error_code=502)
    api.inject_error("sendMessage", chat_id=refused.id, error_code=400, description="Bad Request: chat not found")

    bot.set_now(moscow(2026, 12, 1, 10))
    wait_output(bot, "run for 2026-12-01 finished", timeout=60)

    due = {i for i in ids if dues[i] is not None}
    for i, user in users.items():
        expected = 1 if i in due and user not in (blocked, refused) else 0
        assert len(reminders_of(user)) == expected, (i, dues[i])
    assert len(api.calls("sendMessage", chat_id=throttled.id)) == 3  # /help reply, 429, retry
    assert len(api.calls("sendMessage", chat_id=unavailable.id)) == 3  # /help reply, 502, a later pass
    assert query(bot, "SELECT unreachable_at IS NOT NULL FROM people WHERE telegram_id = ?", blocked.id) == [(1,)]
    # The digest lists exactly the overdue loans: holder and days for each, nothing else.
    digest = "\n".join(m.text for m in admin.messages() if "Просроченные устройства" in m.text)
    overdue = sorted(i for i in ids if dues[i] is not None and dues[i] < date(2026, 12, 1))
    assert len(overdue) == 50
    lines = {int(line.split("№")[1].split(" ")[0]): line for line in digest.splitlines() if line.startswith("• №")}
    assert sorted(lines) == overdue
    for i in overdue:
        days = (date(2026, 12, 1) - dues[i]).days
        assert f"№{i} · Касса {i} — Сотрудник {i}, просрочено на {count(days, DAYS)}" in lines[i]
    # ... and marks the two holders today's reminder did not reach, and only them.
    assert "заблокировал(а) бота" in lines[blocked.id]
    assert "напоминание не доставлено" in lines[refused.id]
    assert sorted(i for i, line in lines.items() if "напоминание не" in line) == [blocked.id, refused.id]
    # The blocked person is skipped the next day and reached again once they write.
    blocked.unblock()
    blocked.send("/help")
    blocked.wait_for("учёт общих устройств")
    bot.set_now(moscow(2026, 12, 2, 10))
    wait_output(bot, "run for 2026-12-02 finished", timeout=60)
    assert len(reminders_of(blocked)) == 1
    assert bot.stop() == 0


def test_a_two_second_outage_in_a_100_person_run_delays_reminders_and_loses_none(bot_factory, api):
    bot = bot_factory(
        start=False, now=moscow(2026, 12, 1, 9), env={**FAST_TICKS, "CASHBOT_REMINDERS__ADMIN_DIGEST": "false"}
    )
    ids = list(range(301, 401))
    seed_loans(bot, [(i, f"Сотрудник {i}", date(2026, 12, 1)) for i in ids])
    bot.start()
    users = [api.user(i, f"Сотрудник {i}") for i in ids]
    start_chats(users)
    bot.set_now(moscow(2026, 12, 1, 10))
    api.telegram.wait_until(lambda: sum(len(reminders_of(u)) for u in users) >= 20, 30, "20 reminders were not sent")
    api.inject_outage("sendMessage", 2)  # every send fails with 502 for two seconds

    wait_output(bot, "run for 2026-12-01 finished", timeout=90)
    assert api.calls("sendMessage", ok=False), "the outage hit no reminder"
    assert [len(reminders_of(u)) for u in users] == [1] * len(users)
    assert query(bot, "SELECT count(*), count(sent_at) FROM reminder_deliveries") == [(100, 100)]
    assert bot.stop() == 0


def test_staff_searching_during_a_big_run_get_every_reply(bot_factory, api):
    bot = bot_factory(
        start=False, now=moscow(2026, 12, 1, 9), env={**FAST_TICKS, "CASHBOT_REMINDERS__ADMIN_DIGEST": "false"}
    )
    holders = list(range(1001, 1301))
    searchers = list(range(2001, 2011))  # they hold a device without a due date: no reminder
    seed_loans(
        bot, [(i, f"Сотрудник {i}", date(2026, 12, 1)) for i in holders] + [(i, f"Поиск {i}", None) for i in searchers]
    )
    bot.start()
    users = [api.user(i, f"Сотрудник {i}") for i in holders]
    staff = [api.user(i, f"Поиск {i}") for i in searchers]
    start_chats(users + staff)
    api.set_flood_control(True)  # Telegram-like limits: 30/s overall, 1/s per chat
    bot.set_now(moscow(2026, 12, 1, 10))
    api.telegram.wait_until(lambda: sum(len(reminders_of(u)) for u in users) >= 20, 30, "the run did not start")

    for turn in range(5):  # each searches five times, the next once the last answer came
        wanted = {user: 1001 + 30 * k + turn for k, user in enumerate(staff)}
        for user, number in wanted.items():
            user.send(f"касса {number}")
        for user, number in wanted.items():
            user.wait_for(lambda m, n=number: m.text.startswith(f"№{n} · "), include_edits=False)

    wait_output(bot, "run for 2026-12-01 finished", timeout=90)
    assert [len(reminders_of(u)) for u in users] == [1] * len(users)
    assert not [m for u in staff for m in u.messages() if "пошло не так" in m.text]
    assert bot.stop() == 0
