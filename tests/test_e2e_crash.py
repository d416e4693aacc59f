"""End to end: a SIGKILL while updates are being handled loses none of them, and a dialog
whose action committed just before the kill is closed after the restart."""

import sqlite3

import pytest

from tests.test_e2e_actions import open_card, open_loans, start_bot

pytestmark = pytest.mark.e2e

STALL = 60  # longer than any test: the request is in flight until the kill


def held(api, method: str):
    """Wait until the double holds a request of `method` (the handler is mid-flight)."""
    api.telegram.wait_until(
        lambda: any(m == method.lower() for m, _ in api.telegram.stalled), 30, f"no {method} request was held"
    )


def dialog_state(bot, user_id: int) -> list:
    with sqlite3.connect(bot.db_path) as db:
        return [
            row[0]
            for row in db.execute(
                "SELECT state FROM fsm_state WHERE key LIKE ? AND state IS NOT NULL", (f"%:{user_id}:{user_id}:%",)
            )
        ]


def test_a_message_in_flight_at_a_kill_is_answered_after_the_restart_and_only_once(bot_factory, api):
    bot = start_bot(bot_factory)
    alice = api.user(101, "Алиса")
    alice.send("/help")
    alice.wait_for("/mine")
    api.inject_stall("sendMessage", STALL, chat_id=alice.id)
    alice.send("/help")  # its answer is on the wire when the process dies
    held(api, "sendMessage")
    bot.kill()
    bot.start()
    alice.wait_for("/mine")
    alice.send("/cancel")  # everything before it has been handled by now
    alice.wait_for("Отменять нечего")
    assert len([m for m in alice.messages() if "/mine" in m.text]) == 2
    assert bot.stop() == 0
    with sqlite3.connect(bot.db_path) as db:  # a clean stop leaves nothing to handle again
        assert db.execute("SELECT count(*) FROM update_journal").fetchone() == (0,)


def test_a_kill_after_the_take_committed_closes_its_dialog_after_the_restart(bot_factory, api):
    bot = start_bot(bot_factory)
    alice = api.user(101, "Алиса")
    alice.press(open_card(alice), "Взять")
    alice.press(alice.wait_for("До какого числа"), "Завтра")
    alice.wait_for("Где будет")
    # The take commits, then the question's buttons are retired: that request hangs, and
    # the process is killed before the dialog is cleared.
    api.inject_stall("editMessageReplyMarkup", STALL, chat_id=alice.id)
    alice.send("склад, полка 3")
    held(api, "editMessageReplyMarkup")
    assert open_loans(bot) == [("Алиса",)]
    assert dialog_state(bot, alice.id) == ["TakeDialog:location"]
    bot.kill()
    bot.start()
    # The message is handled again: the device is hers already, the dialog closes.
    card = alice.wait_for(lambda m: m.text.startswith("№49 · ") and "Устройство уже у вас" in m.text)
    assert "Где: склад, полка 3" in card.text and "До 28.11.2026" in card.text
    assert dialog_state(bot, alice.id) == []
    assert open_loans(bot) == [("Алиса",)]
    assert bot.stop() == 0


def test_a_return_pressed_again_after_a_kill_does_not_act_twice(bot_factory, api):
    bot = start_bot(bot_factory)
    alice, boris = api.user(101, "Алиса"), api.user(102, "Борис")
    alice.press(open_card(alice), "Взять")
    alice.press(alice.wait_for("До какого числа"), "Без срока")
    alice.press(alice.wait_for("Где будет"), "Пропустить")
    mine = alice.wait_for("У вас")
    boris.press(open_card(boris), "Встать в очередь")
    boris.wait_for("Вы в очереди")
    api.inject_stall("editMessageText", STALL, chat_id=alice.id)
    alice.press(mine, "Вернуть")  # returned in the database; the card edit hangs
    held(api, "editMessageText")
    bot.kill()
    bot.start()
    card = alice.wait_for(lambda m: m.text.startswith("№49 · ") and "уже не у вас" in m.text)
    assert card.message_id == mine.message_id
    assert open_loans(bot) == []
    with sqlite3.connect(bot.db_path) as db:
        assert db.execute("SELECT count(*) FROM events WHERE kind = 'return'").fetchone() == (1,)
    assert bot.stop() == 0
