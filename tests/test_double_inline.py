"""The Bot API double's inline mode (tests/double/inline.py): an inline query arrives as
Telegram sends it, answerInlineQuery is validated like Telegram, choosing a result posts into
a group `via_bot`."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
)

from tests.double import FakeTelegram, RecordingSession
from tests.double.core import QUERY_TOO_OLD
from tests.double.inline import QUERY_TTL


def article(result_id: str, text: str = "<b>№49</b> · Эвотор", **kwargs) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=result_id,
        title=kwargs.pop("title", "№49 · Эвотор"),
        input_message_content=InputTextMessageContent(message_text=text, parse_mode=kwargs.pop("parse_mode", "HTML")),
        **kwargs,
    )


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def tg():
    clock = Clock()
    telegram = FakeTelegram(clock=clock)
    telegram.test_clock = clock
    return telegram


@pytest.fixture
def bot(tg):
    return RecordingSession(tg).bot()


async def test_an_inline_query_arrives_as_telegram_sends_it(tg, bot):
    alice = tg.user(101, "Алиса", username="alice")
    qid = tg.inline.query(alice, "эвотор", offset="2", chat_type="group")
    (update,) = tg.take_updates()
    assert update["inline_query"] == {
        "id": qid,
        "from": alice.user_dict,
        "query": "эвотор",
        "offset": "2",
        "chat_type": "group",
    }
    assert tg.inline.answer(qid) is None


async def test_an_answer_is_recorded_once_and_a_second_or_unknown_one_is_too_old(tg, bot):
    alice = tg.user(101, "Алиса")
    qid = tg.inline.query(alice, "49")
    button = InlineQueryResultsButton(text="Зарегистрируйтесь", start_parameter="inline")
    assert await bot.answer_inline_query(
        qid, [article("d1"), article("d2")], cache_time=5, is_personal=True, next_offset="1", button=button
    )
    answer = tg.inline.wait_answer(qid)
    assert answer.ids == ["d1", "d2"] and answer.next_offset == "1"
    assert answer.is_personal and answer.cache_time == 5
    assert answer.button == {"text": "Зарегистрируйтесь", "start_parameter": "inline"}
    assert answer.result("d1")["input_message_content"]["message_text"] == "<b>№49</b> · Эвотор"
    for query_id in (qid, "12345"):
        with pytest.raises(TelegramBadRequest) as error:
            await bot.answer_inline_query(query_id, [])
        assert error.value.message == QUERY_TOO_OLD
    assert tg.calls("answerInlineQuery", ok=False)[-1].error.description == QUERY_TOO_OLD


async def test_an_answer_after_the_timeout_is_too_old(tg, bot):
    qid = tg.inline.query(tg.user(101, "Алиса"), "49")
    tg.test_clock.now += QUERY_TTL + 1
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_inline_query(qid, [])
    assert tg.inline.answer(qid) is None


async def test_a_forgotten_query_returns_its_answer_and_is_gone(tg, bot):
    qid = tg.inline.query(tg.user(101, "Алиса"), "49")
    await bot.answer_inline_query(qid, [article("d1")])
    assert tg.inline.forget(qid).ids == ["d1"] and tg.inline.forget(qid) is None
    other = tg.inline.query(tg.user(101, "Алиса"), "50")
    tg.inline.forget(other)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_inline_query(other, [])


@pytest.mark.parametrize(
    "results, kwargs, error",
    [
        ([article(f"d{i}") for i in range(51)], {}, "RESULTS_TOO_MUCH"),
        ([article("d1"), article("d1")], {}, "RESULT_ID_DUPLICATE"),
        ([article("x" * 65)], {}, "RESULT_ID_INVALID"),
        ([article("я" * 33)], {}, "RESULT_ID_INVALID"),  # 66 bytes
        ([article("d1")], {"next_offset": "9" * 65}, "NEXT_OFFSET_INVALID"),
        ([article("d1", "x" * 4097)], {}, "MESSAGE_TOO_LONG"),
        ([article("d1", "<b>bold")], {}, "can't parse entities"),
        ([article("d1", "<b> </b>")], {}, "MESSAGE_EMPTY"),
        ([article("d1", title=" ")], {}, "RESULT_TITLE_EMPTY"),
        (
            [
                article(
                    "d1",
                    reply_markup=InlineKeyboardMarkup(
                        inline_keyboard=[[InlineKeyboardButton(text="Открыть", url="not a url")]]
                    ),
                )
            ],
            {},
            "BUTTON_URL_INVALID",
        ),
        ([], {"button": InlineQueryResultsButton(text="Войти", start_parameter="нельзя")}, "START_PARAM_INVALID"),
        ([], {"button": InlineQueryResultsButton(text="Войти", start_parameter="x" * 65)}, "START_PARAM_INVALID"),
        ([], {"button": InlineQueryResultsButton(text=" ", start_parameter="inline")}, "BUTTON_TEXT_INVALID"),
    ],
)
async def test_answers_telegram_refuses(tg, bot, results, kwargs, error):
    qid = tg.inline.query(tg.user(101, "Алиса"), "49")
    with pytest.raises(TelegramBadRequest, match=error):
        await bot.answer_inline_query(qid, results, **kwargs)
    assert tg.inline.answer(qid) is None  # a refused answer answers nothing: the bot may retry
    assert await bot.answer_inline_query(qid, [article("d1")])


async def test_fifty_results_and_a_64_byte_offset_are_fine(tg, bot):
    qid = tg.inline.query(tg.user(101, "Алиса"), "")
    assert await bot.answer_inline_query(
        qid, [article("я" * 32)] + [article(f"d{i}") for i in range(49)], next_offset="9" * 64
    )
    assert len(tg.inline.wait_answer(qid).results) == 50


async def test_choosing_a_result_posts_it_into_the_group_via_the_bot(tg, bot):
    alice, bob = tg.user(101, "Алиса"), tg.user(102, "Боб")
    team = tg.group(-100500, "Команда")
    qid = tg.inline.query(alice, "49")
    link = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Открыть в боте", url="https://t.me/cashbot_test_bot?start=d49")]]
    )
    await bot.answer_inline_query(qid, [article("d7", "<b>№49</b> · Эвотор &amp; Ко", reply_markup=link)])
    tg.take_updates()
    with pytest.raises(AssertionError, match="only the person"):
        tg.inline.choose(bob, qid, "d7", team)
    posted = tg.inline.choose(alice, qid, "d7", team)
    assert posted.text == "№49 · Эвотор & Ко" and posted.chat_id == -100500 and not posted.outgoing
    assert posted.find_button("Открыть в боте").url == "https://t.me/cashbot_test_bot?start=d49"
    assert tg.inline.posted == [posted]
    (update,) = tg.take_updates()  # the bot gets what was sent via it
    message = update["message"]
    assert message["via_bot"]["username"] == "cashbot_test_bot" and message["from"]["id"] == 101
    assert message["chat"] == {"id": -100500, "type": "supergroup", "title": "Команда"}
    assert message["entities"][0]["type"] == "bold"


def test_the_http_front_takes_a_form_encoded_answer(api):
    """aiogram's AiohttpSession sends results and button as JSON strings in a form."""
    qid = api.inline.query(api.user(101, "Алиса"), "эвотор")

    async def answer():
        session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
        try:
            bot = Bot(api.token, session=session)
            return await bot.answer_inline_query(
                qid,
                [article("d1")],
                cache_time=0,
                is_personal=True,
                next_offset="1",
                button=InlineQueryResultsButton(text="Войти", start_parameter="inline"),
            )
        finally:
            await session.close()

    assert asyncio.run(answer())
    answer = api.inline.wait_answer(qid)
    assert answer.ids == ["d1"] and answer.is_personal and answer.cache_time == 0
    assert answer.button["start_parameter"] == "inline"
