"""Handler level: inline mode (`@bot 49` in any chat) through Dispatcher.feed_update against the
Bot API double, which validates every answerInlineQuery like Telegram."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

import pytest

from cashbot.db.models import PersonStatus
from cashbot.handlers.inline import CACHE_SECONDS, PAGE_SIZE, page_of
from cashbot.services import catalog, loans, queue
from cashbot.services.card import device_card
from cashbot.services.inline import DeviceStatus
from cashbot.texts import card as card_t
from cashbot.texts import inline as t
from cashbot.views.inline import holder_shown
from cashbot.views.links import device_link
from tests.seed import device, person
from tests.support import DEFAULT_NOW

BOT_USERNAME = "cashbot_test_bot"  # the double's default bot


@pytest.fixture
def env(make_env):
    return make_env()


def staff(env, telegram_id: int, name: str, **kwargs):
    seeded = person(telegram_id, name, f"user{telegram_id}@example.ru", **kwargs)
    return seeded, env.user(telegram_id, name)


async def ask(env, user, text: str, offset: str = "", chat_type: str = "supergroup"):
    """`user` types `@bot text`; the handlers run; returns the recorded answer."""
    qid = env.telegram.inline.query(user, text, offset, chat_type=chat_type)
    await env.session.feed_pending(env.app.dispatcher, env.app.bot)
    answer = env.telegram.inline.answer(qid)
    assert answer is not None, "the inline query was not answered"
    env.last_qid = qid
    return answer


def posted_text(result: dict) -> str:
    return result["input_message_content"]["message_text"]


def take(person_id: int, device_id: int, due_on: date | None = None):
    today = DEFAULT_NOW.date()
    loans.take(device_id, person_id, due_on=due_on, location=None, today=today, now=DEFAULT_NOW)


async def test_a_number_finds_the_device_free_with_a_link_into_the_bot(env):
    device(49, "Эвотор 7.2", "Онлайн-касса")
    staff(env, 101, "Алиса")
    answer = await ask(env, env.user(101, "Алиса"), "49")
    (result,) = answer.results
    assert answer.is_personal and answer.cache_time == CACHE_SECONDS and answer.button is None
    assert answer.next_offset == ""
    assert result["type"] == "article" and result["title"] == "№49 · Эвотор 7.2"
    assert result["description"] == f"{t.STATUS_FREE}\nОнлайн-касса"
    text = posted_text(result)
    assert text.startswith(card_t.TITLE.format(number=49, name="Эвотор 7.2")) and card_t.FREE in text
    assert "Статус на 27.11.2026 10:00" in text
    [[button]] = result["reply_markup"]["inline_keyboard"]
    assert button == {"text": t.BTN_OPEN_IN_BOT, "url": device_link(BOT_USERNAME, 49)}
    assert button["url"] == "https://t.me/cashbot_test_bot?start=d49"


@pytest.mark.parametrize("query", ["эвотор", "ЭВОТОР", "00106707012345", "№5", "касс", "нет такого"])
async def test_inline_finds_exactly_what_the_private_search_finds(env, query):
    device(5, "Эвотор 5", "Онлайн-касса")
    device(6, "Атол 30Ф", "Онлайн-касса", serial="00106707012345")
    device(7, "Эвотор 10", "Онлайн-касса")
    device(8, "PAX S300", "Терминал")
    staff(env, 101, "Алиса")
    answer = await ask(env, env.user(101, "Алиса"), query)
    expected = catalog.search_devices(query, 0, PAGE_SIZE)
    assert answer.ids == [f"d{item.device_id}" for item in expected.items]


async def test_twenty_a_page_and_next_offset_until_the_end(env):
    for n in range(1, 46):
        device(n, f"Касса {n}")
    _, alice = staff(env, 101, "Алиса")
    seen, offset, pages = [], "", 0
    while True:
        answer = await ask(env, alice, "касса", offset)
        seen += [r["title"].split(" · ")[0] for r in answer.results]
        pages += 1
        if not answer.next_offset:
            break
        assert len(answer.results) == PAGE_SIZE
        offset = answer.next_offset
    assert pages == 3 and seen == [f"№{n}" for n in range(1, 46)]
    assert (await ask(env, alice, "касса", "3")).results == []  # past the end: nothing, not the last page
    assert (await ask(env, alice, "касса", "junk")).results == []  # an offset we never gave


def test_offsets_are_our_page_numbers():
    assert [page_of(o) for o in ("", "0", "7", "9999")] == [0, 0, 7, 9999]
    assert [page_of(o) for o in ("-1", "1.5", "１", "10000", "abc")] == [None] * 5


async def test_live_status_held_until_overdue_queue_and_reserved(env):
    d1 = device(1, "Эвотор 1")
    d2 = device(2, "Эвотор 2")
    device(3, "Эвотор 3")
    alice_row, alice = staff(env, 101, "Алиса")
    bob_row, _ = staff(env, 102, "Боб Петров", username="bobp")
    carol_row, _ = staff(env, 103, "Кэрол")
    take(bob_row.id, d1.id, due_on=DEFAULT_NOW.date() + timedelta(days=1))
    queue.join_queue(d1.id, carol_row.id, now=DEFAULT_NOW, today_start=DEFAULT_NOW)
    queue.join_queue(d1.id, alice_row.id, now=DEFAULT_NOW, today_start=DEFAULT_NOW)
    take(alice_row.id, d2.id)
    queue.join_queue(d2.id, carol_row.id, now=DEFAULT_NOW, today_start=DEFAULT_NOW)
    loans.return_device(d2.id, alice_row.id, now=DEFAULT_NOW, hold_hours=24)  # offered to Кэрол

    answer = await ask(env, alice, "эвотор")
    held, reserved, free = answer.results
    assert held["description"] == "🔴 Боб Петров до 28.11.2026 · в очереди: 2\nОнлайн-касса"
    text = posted_text(held)
    assert 'Держатель: Боб Петров (<a href="https://t.me/bobp">@bobp</a>)' in text
    assert "До 28.11.2026" in text and "В очереди: 2" in text and "Просрочено" not in text
    assert reserved["description"] == "⏳ Бронь до 28.11.2026 10:00: Кэрол · в очереди: 1\nОнлайн-касса"
    assert "⏳ Бронь до 28.11.2026 10:00: Кэрол" in posted_text(reserved)
    assert free["description"].startswith(t.STATUS_FREE)

    env.clock.advance(days=3)  # Боб is two days late now
    held = (await ask(env, alice, "1")).results[0]
    assert held["description"].startswith("🔴 Боб Петров до 28.11.2026 ⚠️ просрочено на 2 дня")
    assert "⚠️ Просрочено на 2 дня" in posted_text(held)


async def test_status_changes_show_at_once(env):
    d = device(49, "Эвотор 7.2")
    alice_row, alice = staff(env, 101, "Алиса")
    assert (await ask(env, alice, "49")).results[0]["description"].startswith(t.STATUS_FREE)
    take(alice_row.id, d.id)
    result = (await ask(env, alice, "49")).results[0]
    assert result["description"].startswith(t.STATUS_HELD_BY_YOU + t.STATUS_NO_DUE)
    assert "Держатель: Алиса" in posted_text(result)  # others read the posted card: a name, not «У вас»


async def test_an_empty_query_lists_the_senders_own_devices(env):
    for n in range(1, 6):
        device(n, f"Касса {n}")
    alice_row, alice = staff(env, 101, "Алиса")
    bob_row, _ = staff(env, 102, "Боб")
    take(alice_row.id, 2)
    take(alice_row.id, 4)
    take(bob_row.id, 3)
    answer = await ask(env, alice, "")
    assert [r["title"] for r in answer.results] == ["№2 · Касса 2", "№4 · Касса 4"]
    assert answer.next_offset == "" and answer.is_personal
    assert (await ask(env, env.user(102, "Боб"), "   ")).ids == ["d3"]


async def test_an_empty_query_pages_a_long_list_of_own_devices(env):
    alice_row, alice = staff(env, 101, "Алиса")
    for n in range(1, 23):
        take(alice_row.id, device(n, f"Касса {n}").id)
    first = await ask(env, alice, "")
    second = await ask(env, alice, "", first.next_offset)
    assert (len(first.results), first.next_offset, len(second.results), second.next_offset) == (20, "1", 2, "")


async def test_no_e_mail_of_a_holder_in_what_is_posted(env):
    d = device(7, "Эвотор 7")
    invited = person(None, "", "ghost@example.ru", status=PersonStatus.INVITED)
    take(invited.id, d.id)
    _, alice = staff(env, 101, "Алиса")
    (result,) = (await ask(env, alice, "7")).results
    assert "ghost@example.ru" not in str(result)  # title, description, posted card, button
    assert t.NAMELESS_HOLDER in result["description"] and t.NAMELESS_HOLDER in posted_text(result)
    # The private card still shows it to staff: only shared chats leave it out.
    card = device_card(d.id, None)
    assert card.holder.email == "ghost@example.ru"


def test_the_e_mail_of_a_nameless_holder_is_shown_to_that_holder_only():
    status = DeviceStatus(1, 7, "Эвотор 7", "Онлайн-касса", 5, "", None, "me@example.ru", None, 0, None, None)
    assert holder_shown(status, sender_person_id=5) == "me@example.ru"
    assert holder_shown(status, sender_person_id=6) == t.NAMELESS_HOLDER


@pytest.mark.parametrize("status", [None, PersonStatus.PENDING, PersonStatus.REJECTED, PersonStatus.BLOCKED])
async def test_anyone_but_an_active_person_gets_only_the_register_button(env, status):
    device(49, "Эвотор 7.2")
    if status is not None:
        person(101, "Алиса", "alice@example.ru", status=status)
    for query in ("49", "", "эвотор"):
        answer = await ask(env, env.user(101, "Алиса"), query)
        assert answer.results == [] and answer.next_offset == ""
        assert answer.button == {"text": t.REGISTER_FIRST, "start_parameter": t.REGISTER_START_PARAMETER}
        assert answer.is_personal and answer.cache_time == CACHE_SECONDS


async def test_the_register_button_opens_registration(env):
    stranger = env.user(555, "Незнакомец")
    await ask(env, stranger, "49")
    [reply] = await env.send(stranger, "/start " + t.REGISTER_START_PARAMETER)
    assert "рабочую почту" in reply.text


@pytest.mark.parametrize("chat_type", ["sender", "private", "group", "supergroup", "channel"])
async def test_inline_works_from_any_chat_but_group_messages_stay_unanswered(env, chat_type):
    device(49, "Эвотор 7.2")
    _, alice = staff(env, 101, "Алиса")
    assert len((await ask(env, alice, "49", chat_type=chat_type)).results) == 1
    team = env.telegram.group(-100500)
    env.telegram.clear_calls()
    team.send(alice, "49")  # a search typed in the group itself: dropped, as before
    await env.session.feed_pending(env.app.dispatcher, env.app.bot)
    assert env.telegram.calls("sendMessage") == [] and team.bot_messages() == []


async def test_a_chosen_result_lands_in_the_group_and_the_bot_stays_quiet(env):
    device(49, "Эвотор 7.2")
    _, alice = staff(env, 101, "Алиса")
    answer = await ask(env, alice, "49")
    team = env.telegram.group(-100500)
    posted = env.telegram.inline.choose(alice, env.last_qid, answer.ids[0], team)
    assert posted.text.startswith("№49 · Эвотор 7.2") and posted.find_button(t.BTN_OPEN_IN_BOT)
    env.telegram.clear_calls()
    await env.session.feed_pending(env.app.dispatcher, env.app.bot)  # the via_bot message
    assert [c.method for c in env.telegram.calls()] == []


def test_views_format_in_the_configured_time_zone():
    from datetime import datetime

    from cashbot.views.inline import posted_card

    status = DeviceStatus(1, 7, "Эвотор 7", "Онлайн-касса", None, "", None, None, None, 0, None, None)
    text = posted_card(
        status, 1, ZoneInfo("Europe/Moscow"), date(2026, 11, 27), datetime(2026, 11, 27, 21, 30, tzinfo=UTC)
    )
    assert "Статус на 28.11.2026 00:30" in text


async def test_an_expired_query_is_no_error(env, caplog):
    device(49, "Эвотор 7.2")
    _, alice = staff(env, 101, "Алиса")
    qid = env.telegram.inline.query(alice, "49")
    env.telegram.inline.forget(qid)  # Telegram no longer knows it (late, or replayed after a restart)
    with caplog.at_level("INFO"):
        await env.session.feed_pending(env.app.dispatcher, env.app.bot)
    assert env.telegram.calls("answerInlineQuery", ok=False)[-1].error.description.endswith("query ID is invalid")
    ours = [r for r in caplog.records if r.name.startswith("cashbot")]
    assert [(r.levelname, "expired" in r.getMessage()) for r in ours] == [("INFO", True)]


async def test_a_card_posted_via_the_bot_in_its_own_chat_is_no_search(env):
    device(49, "Эвотор 7.2")
    _, alice = staff(env, 101, "Алиса")
    answer = await ask(env, alice, "49", chat_type="sender")
    replies = await env.session._act(
        env.app.dispatcher, env.app.bot, alice, lambda: env.telegram.inline.choose(alice, env.last_qid, answer.ids[0])
    )
    posted = env.telegram.inline.posted[-1]
    assert posted.chat_id == 101 and posted.text.startswith("№49 · Эвотор 7.2")
    assert replies == [] and env.telegram.calls("sendMessage") == []
    [reply] = await env.send(alice, posted.text)  # typed by hand, the same text is a search as before
    assert "ничего не нашлось" in reply.text
