"""End to end, once per language: the core flows through the real process:
register, search, take, queue, return ("your turn" to the one waiting), the daily reminder.

The run in English is marked `english` (`pytest -m english` runs it alone). Every label and
phrase is looked up in the catalogs (the same files the process reads), so the test holds for
any wording a translator gives; in English nothing the bot writes here may be Cyrillic (the
names and devices are Latin)."""

import re
from datetime import date

import pytest

from cashbot.db.models import Loan, Person
from cashbot.i18n import use_locale
from cashbot.texts import card as card_texts
from cashbot.texts import loans as loan_texts
from cashbot.texts import queue as queue_texts
from cashbot.texts import reminders as reminder_texts
from cashbot.texts.common import plain_text
from tests.e2e_reminders_support import FAST_TICKS, moscow
from tests.seed import device, person, seed_file

pytestmark = pytest.mark.e2e

CYRILLIC = re.compile("[А-Яа-яЁё]")


class Words:
    """The labels and phrases the flow looks for, in one language."""

    def __init__(self, language: str) -> None:
        with use_locale(language):
            self.take, self.return_ = card_texts.BTN_TAKE, card_texts.BTN_RETURN
            self.join = card_texts.BTN_QUEUE
            self.no_due, self.skip = loan_texts.BTN_NO_DUE, loan_texts.BTN_SKIP
            self.with_me = plain_text(card_texts.HELD_BY_ME)
            self.offer_take, self.offer_pass = queue_texts.BTN_OFFER_TAKE, queue_texts.BTN_OFFER_PASS
            self.returned_button = reminder_texts.BTN_RETURNED.format(number=50)


@pytest.mark.parametrize("language", ["ru", pytest.param("en", marks=pytest.mark.english)])
def test_core_flows_in_each_language(bot_factory, api, language):
    words = Words(language)
    english = language == "en"
    env = {**FAST_TICKS, "CASHBOT_REMINDERS__PER_CHAT_INTERVAL": "0", "CASHBOT_ACCESS__MODE": "open"}
    bot = bot_factory(start=False, now=moscow(2026, 11, 27, 9), env=env)  # Friday, before the reminders

    def build():
        device(49, "Evotor", "POS")
        pax = device(50, "PAX", "POS")
        boris = person(102, "Boris", "boris@example.ru")
        vera = person(103, "Vera", "vera@example.ru")
        Person.update(language=language).where(Person.id.in_([boris.id, vera.id])).execute()
        Loan.create(device=pax, person=vera, taken_at=moscow(2026, 11, 20, 9), due_on=date(2026, 11, 24))

    seed_file(bot.db_path, build)
    bot.start()
    alice = api.user(101, "Alice", language_code=language)
    boris, vera = api.user(102, "Boris"), api.user(103, "Vera")

    def check(message):
        if english:
            assert not CYRILLIC.search(message.text), message.text
        return message

    # Register: the language comes from Telegram's language_code.
    alice.send("/start")
    alice.wait_for("cashbot")
    alice.send("alice@example.ru")
    check(alice.wait_for(lambda m: "/mine" not in m.text and m.text.startswith("✅")))
    # Search: one match opens the card.
    alice.send("Evotor")
    card = check(alice.wait_for(lambda m: m.has_button(words.take)))
    assert "Evotor" in card.text and "POS" in card.text
    # Take: three taps.
    alice.press(card, words.take)
    alice.press(alice.wait_for(lambda m: m.has_button(words.no_due)), words.no_due)
    alice.press(alice.wait_for(lambda m: m.has_button(words.skip)), words.skip)
    mine = check(alice.wait_for(lambda m: words.with_me in m.text and m.has_button(words.return_)))
    # Queue: a colleague who reads the same language joins.
    boris.send("/start d49")
    boris.press(boris.wait_for(lambda m: m.has_button(words.join)), words.join)
    # Return: the one waiting gets "your turn", built in their language.
    alice.press(mine, words.return_)
    turn = check(boris.wait_for(lambda m: m.has_button(words.offer_take) and m.has_button(words.offer_pass)))
    assert "Evotor" in turn.text
    # The daily reminder at 10:00, to the holder of an overdue device.
    vera.send("/help")
    vera.wait_for("/language")
    bot.set_now(moscow(2026, 11, 27, 10))
    reminder = check(vera.wait_for(lambda m: m.has_button(words.returned_button)))
    assert "PAX" in reminder.text and ("3 days" if english else "3 дня") in reminder.text
    assert bot.stop() == 0
