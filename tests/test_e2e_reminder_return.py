"""The reminder's buttons run the normal flows: [Продлить] the extend dialog, [Вернул] the
return, which moves the queue."""

from datetime import date

import pytest

from cashbot.db.models import Device, Loan, Person, QueueEntry
from tests.e2e_reminders_support import FAST_TICKS, is_reminder, moscow, query, seed_loans, start_chats
from tests.seed import SEED_NOW, device, person, seed_file

pytestmark = pytest.mark.e2e


def test_reminder_buttons_extend_and_return_through_the_normal_flows(bot_factory, api):
    """[Продлить] opens the extend dialog; [Вернул] returns the device and moves the queue."""
    bot = bot_factory(start=False, now=moscow(2026, 12, 1, 9), env=FAST_TICKS)
    seed_loans(bot, [(101, "Алиса", date(2026, 11, 27))])

    def second_loan_and_a_queue():
        Loan.create(
            device=device(300, "Сканер 300"),
            person=Person.get(Person.telegram_id == 101),
            taken_at=SEED_NOW,
            due_on=date(2026, 12, 1),
        )
        boris = person(102, "Борис", "boris@example.ru")
        QueueEntry.create(device=Device.get(Device.number == 101), person=boris, joined_at=SEED_NOW)

    seed_file(bot.db_path, second_loan_and_a_queue)
    bot.start()
    alice, boris = api.user(101, "Алиса"), api.user(102, "Борис")
    start_chats([alice, boris])

    bot.set_now(moscow(2026, 12, 1, 10))
    reminder = alice.wait_for(is_reminder)
    assert "№101 · Касса 101 — просрочено на 4 дня" in reminder.text
    assert "№300 · Сканер 300 — вернуть сегодня" in reminder.text

    alice.press(reminder, "Продлить №300")
    alice.wait_for("До какого числа продлить")
    alice.press(None, "Через неделю")
    alice.wait_for("Срок продлён до 08.12.2026")
    assert query(bot, "SELECT due_on FROM loans WHERE returned_at IS NULL ORDER BY id") == [
        ("2026-11-27",),
        ("2026-12-08",),
    ]

    alice.press(reminder, "Вернул №101")

    # Alice gets the card with what happened, and her reminder keeps the other device's
    # buttons; Boris gets his turn.
    assert "Вы вернули устройство" in alice.wait_for("Вы вернули устройство").text
    assert alice.message(reminder).has_button("Продлить №300")
    turn = boris.wait_for("Ваша очередь")
    assert "Касса 101" in turn.text and turn.has_button("Взять")
    assert query(bot, "SELECT close_reason FROM loans ORDER BY id") == [("returned",), (None,)]
    assert query(bot, "SELECT count(*) FROM queue_entries WHERE offered_at IS NOT NULL") == [(1,)]
    assert bot.stop() == 0
