"""Languages per person: what an English-speaking person reads, /language, the
language taken at registration, messages built in the recipient's language, menus, dates and
plurals per language.

English expectations are the entries of cashbot/locales/en (checked against the catalog, so
they hold for any wording a translator gives); a few words belong to texts this flow owns
(/language, the menu)."""

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from cashbot.db.models import Loan, Person
from cashbot.i18n import language_from_telegram, set_default_language, use_locale
from cashbot.menus import set_menus
from cashbot.texts import card as card_texts
from cashbot.texts import common as common_texts
from cashbot.texts import loans as loan_texts
from cashbot.texts import queue as queue_texts
from cashbot.texts.common import plain_text
from cashbot.texts.plural import DAYS, DEVICES, count
from cashbot.views.format import fmt_date, fmt_datetime
from tests.seed import device, person
from tests.support import DEFAULT_NOW

CYRILLIC = re.compile("[А-Яа-яЁё]")


def english_free() -> str:
    """The card's "free" line in English, as a message shows it (tags gone)."""
    with use_locale("en"):
        return plain_text(card_texts.FREE)


def speaks(telegram_id: int, language: str | None) -> None:
    Person.update(language=language).where(Person.telegram_id == telegram_id).execute()


@pytest.fixture
def env(make_env):
    env = make_env(reminders={"per_chat_interval": 0})
    device(49, "Evotor", category_name="POS")
    person(101, "Alice", "alice@example.ru", username="alice")
    person(102, "Boris", "boris@example.ru", username="boris")
    return env


async def card(env, user):
    return (await env.send(user, "/start d49"))[-1]


async def settled(env):
    await env.app.notifier.drain(5)


async def test_an_english_person_reads_the_card_take_and_dates_in_english(env):
    speaks(101, "en")
    alice = env.user(101, "Alice", username="alice")
    shown = await card(env, alice)
    with use_locale("en"):
        free, take, tomorrow, skip = card_texts.FREE, card_texts.BTN_TAKE, loan_texts.BTN_TOMORROW, loan_texts.BTN_SKIP
        held = card_texts.HELD_BY_ME
    assert plain_text(free) in shown.text and not CYRILLIC.search(shown.text)
    assert shown.has_button(take) and not shown.has_button(card_texts.MSGIDS["BTN_TAKE"])
    prompt = (await env.press(alice, shown, take))[-1]
    location = (await env.press(alice, prompt, tomorrow))[-1]
    done = (await env.press(alice, location, skip))[-1]
    assert plain_text(held) in done.text
    assert "Nov 28, 2026" in done.text and "28.11.2026" not in done.text  # the date in English


async def test_a_russian_person_next_to_an_english_one_still_reads_russian(env):
    speaks(102, "en")
    alice = env.user(101, "Alice", username="alice")
    shown = await card(env, alice)
    assert "Свободно" in shown.text and shown.has_button("✋ Взять")


async def test_your_turn_sent_by_a_russian_return_reaches_an_english_person_in_english(env):
    speaks(102, "en")
    alice, boris = env.user(101, "Alice", username="alice"), env.user(102, "Boris", username="boris")
    prompt = (await env.press(alice, await card(env, alice), "Взять"))[-1]
    mine = (await env.press(alice, (await env.press(alice, prompt, "Без срока"))[-1], "Пропустить"))[-1]
    with use_locale("en"):
        join = card_texts.BTN_QUEUE
    await env.press(boris, await card(env, boris), join)
    returned = (await env.press(alice, mine, "Вернуть"))[-1]
    assert "Вы вернули" in returned.text  # the sender reads their own language
    await settled(env)
    turn = boris.last_message()
    with use_locale("en"):
        take, skip = queue_texts.BTN_OFFER_TAKE, queue_texts.BTN_OFFER_PASS
    assert turn.has_button(take) and turn.has_button(skip)
    assert not CYRILLIC.search(turn.text) and "Evotor" in turn.text and "Nov 28, 2026" in turn.text


async def test_reminders_and_the_admin_digest_are_written_in_each_recipients_language(make_env):
    env = make_env(admins=[102], reminders={"per_chat_interval": 0})
    evotor = device(49, "Evotor", category_name="POS")
    alice = person(101, "Alice", "alice@example.ru")
    person(102, "Boris", "boris@example.ru", is_admin=True)
    speaks(101, "en")
    speaks(102, "en")
    Loan.create(device=evotor, person=alice, taken_at=DEFAULT_NOW, due_on=date(2026, 11, 24))
    for user in (env.user(101, "Alice"), env.user(102, "Boris")):
        await env.send(user, "/help")  # chats the bot may write to
    await env.app.loop.tick()  # Friday 10:00: the daily run, then the digest
    await settled(env)
    reminder, digest = env.user(101, "Alice").last_message(), env.user(102, "Boris").last_message()
    assert "Evotor" in reminder.text and "3 days" in reminder.text and not CYRILLIC.search(reminder.text)
    assert "Alice" in digest.text and "3 days" in digest.text and "Nov 24, 2026" in digest.text
    assert not CYRILLIC.search(digest.text)


async def test_an_access_request_reaches_an_english_admin_in_english_and_the_answer_the_russian_applicant_in_russian(
    make_env,
):
    env = make_env(admins=[900])
    person(900, "Admin", "admin@example.ru", is_admin=True)
    speaks(900, "en")
    admin, newcomer = env.user(900, "Admin"), env.user(301, "Newcomer", username="newcomer")
    await env.send(admin, "/help")
    await env.send(newcomer, "/start")
    await env.send(newcomer, "newcomer@example.ru")
    await settled(env)
    request = admin.last_message()
    with use_locale("en"):
        approve = common_texts.ADMIN_APPROVE
    assert "newcomer@example.ru" in request.text and not CYRILLIC.search(request.text)
    decided = (await env.press(admin, request, approve))[-1]
    assert not CYRILLIC.search(decided.text)
    await settled(env)
    assert "Доступ открыт" in newcomer.last_message().text


async def test_language_switches_answers_in_the_new_language_and_persists(env):
    alice = env.user(101, "Alice", username="alice")
    asked = (await env.send(alice, "/language"))[-1]
    assert "Язык интерфейса" in asked.text and asked.has_button("✓ Русский") and asked.has_button("English")
    changed = (await env.press(alice, asked, "English"))[-1]
    assert "I write in English now" in changed.text
    assert Person.get(Person.telegram_id == 101).language == "en"
    assert english_free() in (await card(env, alice)).text
    menu = env.telegram.commands({"type": "chat", "chat_id": 101})
    assert {"command": "language", "description": "Interface language: русский / English"} in menu
    assert not any(CYRILLIC.search(c["description"]) for c in menu if c["command"] != "language")
    again = (await env.send(alice, "/language"))[-1]
    assert "English" in again.text and again.has_button("✓ English")
    back = (await env.press(alice, again, "Русский"))[-1]
    assert "по-русски" in back.text and Person.get(Person.telegram_id == 101).language == "ru"
    assert "Свободно" in (await card(env, alice)).text


async def test_help_names_language_for_registered_people(env):
    alice = env.user(101, "Alice", username="alice")
    assert "/language" in (await env.send(alice, "/help"))[-1].text


@pytest.mark.parametrize(
    "language_code, stored, welcome_word",
    [("en", "en", "Hello"), ("en-GB", "en", "Hello"), ("uk", "ru", "Здравствуйте"), ("de", None, "Здравствуйте")],
)
async def test_registration_takes_the_language_from_telegram(make_env, language_code, stored, welcome_word):
    env = make_env(access={"mode": "open"})
    newcomer = env.user(301, "Newcomer", language_code=language_code)
    assert welcome_word in (await env.send(newcomer, "/start"))[-1].text
    done = (await env.send(newcomer, "new@example.ru"))[-1]
    assert Person.get(Person.telegram_id == 301).language == stored
    assert bool(CYRILLIC.search(done.text)) == (stored != "en")


async def test_a_stored_choice_wins_over_telegram_language(env):
    speaks(101, "ru")
    alice = env.user(101, "Alice", username="alice", language_code="en")
    assert "Свободно" in (await card(env, alice)).text


async def test_the_config_default_is_what_people_without_a_choice_read(make_env):
    env = make_env(language="en")
    device(49, "Evotor", category_name="POS")
    person(101, "Alice", "alice@example.ru")
    alice = env.user(101, "Alice")
    try:
        assert english_free() in (await card(env, alice)).text
    finally:
        set_default_language("ru")  # one process runs many apps: back to the test default


async def test_menus_are_set_per_language(env):
    await env.send(env.user(101, "Alice", username="alice"), "/help")  # a chat menu needs a started chat
    await set_menus(env.app.bot, [101], {101: "en"})
    default = env.telegram.commands("all_private_chats")
    english_menu = env.telegram.commands("all_private_chats", "en")
    assert {c["command"] for c in default} == {c["command"] for c in english_menu}
    assert all(CYRILLIC.search(c["description"]) for c in default)
    # (the /language line names both languages, each in itself)
    assert not any(c["command"] != "language" and CYRILLIC.search(c["description"]) for c in english_menu)
    admin = env.telegram.commands({"type": "chat", "chat_id": 101})
    assert {"add", "users", "language"} <= {c["command"] for c in admin}
    assert not any(c["command"] != "language" and CYRILLIC.search(c["description"]) for c in admin)


def test_telegram_language_codes_map_to_ours():
    assert [language_from_telegram(c) for c in ("en", "en-US", "ru", "uk", "be", "de", "", None)] == [
        "en",
        "en",
        "ru",
        "ru",
        "ru",
        None,
        None,
        None,
    ]


def test_plurals_and_dates_follow_the_language():
    moment = datetime(2026, 12, 3, 11, 5, tzinfo=UTC)
    assert [count(n, DEVICES) for n in (1, 3, 5, 21)] == [
        "1 устройство",
        "3 устройства",
        "5 устройств",
        "21 устройство",
    ]
    assert fmt_date(date(2026, 12, 3)) == "03.12.2026"
    assert fmt_datetime(moment, ZoneInfo("Europe/Moscow")) == "03.12.2026 14:05"
    with use_locale("en"):
        assert [count(n, DAYS) for n in (1, 2, 5, 21)] == ["1 day", "2 days", "5 days", "21 days"]
        assert fmt_date(date(2026, 12, 3)) == "Dec 3, 2026"
        assert fmt_datetime(moment, ZoneInfo("Europe/Moscow")) == "Dec 3, 2026 14:05"


def test_texts_resolve_when_read_not_when_imported():
    from cashbot.texts.card import FREE  # a value taken once: the language of that moment

    with use_locale("en"):
        assert card_texts.FREE != FREE and not CYRILLIC.search(card_texts.FREE)
    assert card_texts.FREE == FREE == "🟢 <b>Свободно</b>"


async def test_the_template_an_admin_downloads_has_headers_in_their_language(make_env):
    env = make_env(admins=[101])
    person(101, "Alice", "alice@example.ru", username="alice")
    alice = env.user(101, "Alice", username="alice")
    templates = {}
    for language in ("ru", "en"):
        speaks(101, language)
        env.app.db.database.viewer_cache.clear()
        menu = (await env.send(alice, "/add"))[-1]
        replies = await env.press(alice, menu, data="aa:tpl:0:0")
        document = next(r for r in replies if r.document)
        templates[language] = document.document.text.lstrip("\ufeff").splitlines()[0]
    assert templates["ru"].startswith("Номер;Название;Категория")
    assert templates["en"].startswith("Number;Name;Category") and not CYRILLIC.search(templates["en"])
