"""Security edges: private chats only, forged or odd callbacks, plain-text alerts.

Handler level: the real dispatcher, routers and SQLite file, fed by the Bot API double."""

from __future__ import annotations

import ast
import inspect
import logging
from pathlib import Path
from string import Formatter

import pytest
from aiogram.filters.callback_data import CallbackData

import cashbot.callbacks as callbacks
import cashbot.handlers
from cashbot.db.models import Person
from cashbot.texts.common import STALE_BUTTON
from tests.double.html import parse_html
from tests.seed import device

ADMIN = 300  # an admin who is also a developer: every role's routers see the presses


@pytest.fixture
def env(make_env):
    return make_env(admins=[ADMIN], developers=[ADMIN], dev_code="s3cret-42", access={"mode": "open"})


async def _register(env, user, email):
    await env.send(user, "/start")
    return await env.send(user, email)


async def _press_forged(env, user, data, inline=False):
    replies = await env.forge_press(user, data, inline=inline)
    return env.session.last_query_id, replies


# ------------------------------------------------------------------ private chats only


@pytest.mark.parametrize("kind", ["group", "supergroup", "channel"])
async def test_nothing_is_answered_posted_or_stored_from_a_group_or_channel(env, kind):
    admin, stranger = env.user(ADMIN, "Админ"), env.user(301, "Чужой")
    await _register(env, admin, "admin@example.ru")
    dev_id = device(7, "MSPOS-N").id
    people_before = Person.select().count()
    before = len(admin.transcript())
    group = env.telegram.group(-1001234567890, "Команда", kind=kind)
    for text in (
        "/users",
        "/dev",
        "/help",
        "/start",
        "/all",
        "/mine",
        "7",
        "MSPOS",
        "s3cret-42",
        "stranger@example.ru",
    ):
        group.send(admin, text)
        group.send(stranger, text)
    # A card an older version posted there: its buttons still work for nobody.
    card = group.bot_message("Карточка #7", [("Взять", f"d:take:{dev_id}"), ("Сброс", "dv:reset")])
    queries = [
        group.press(user, card, data)
        for user in (admin, stranger)
        for data in (f"d:open:{dev_id}", f"d:take:{dev_id}", "dv:reset", "au:page:0:0")
    ]
    await env.session.feed_pending(env.app.dispatcher, env.app.bot)

    assert env.telegram.calls(chat_id=group.id) == []  # nothing sent, edited or deleted there
    assert group.bot_messages() == []
    assert len(admin.transcript()) == before  # nor answered in private instead
    assert stranger.transcript() == []
    for qid in queries:  # the spinner stops, nothing is said
        assert env.telegram.callback_answer(qid) == {"text": None, "show_alert": False, "url": None}
    assert Person.select().count() == people_before  # the stranger did not register
    replies = await env.send(admin, "/users")  # the same person in private is served as before
    assert replies[-1].chat_id == admin.id and replies[-1].text.startswith("Сотрудники — ")


async def test_a_button_with_no_message_gets_the_stale_answer(env, caplog):
    admin = env.user(ADMIN, "Админ")
    await _register(env, admin, "admin@example.ru")
    dev_id = device(7, "MSPOS-N").id
    with caplog.at_level(logging.ERROR):
        for data in (f"d:open:{dev_id}", f"d:take:{dev_id}", "dv:reset", "pg:a:0:1", "xx"):
            qid, replies = await _press_forged(env, admin, data, inline=True)
            assert replies == []
            assert env.telegram.callback_answer(qid)["text"] == STALE_BUTTON
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# ------------------------------------------------------------------ forged callback data

# Every action each callback class is handled with (a new class or action needs a row).
ACTIONS = {
    callbacks.ApprovalCb: [{}],
    callbacks.DeviceCb: [
        {"action": a} for a in ("open", "refresh", "take", "ret", "rret", "ext", "rext", "q", "unq", "hand", "hist")
    ],
    callbacks.CategoryAdminCb: [{"action": a} for a in ("list", "add", "rename", "delete")],
    callbacks.PersonAdminCb: [
        {"action": a}
        for a in ("page", "find", "open", "ok", "no", "email", "comment", "block", "unblock", "del", "delok")
    ],
    callbacks.DeviceAdminCb: [
        {"action": a}
        for a in ("edit", "field", "clear", "cat", "log", "give", "pick", "skip", "take", "del", "delok", "card")
    ],
    callbacks.PageCb: [{"kind": k} for k in ("s", "a", "c", "g", "m", "w", "u", "h")],
    callbacks.CategoryCb: [{}],
    callbacks.DueCb: [{"action": a} for a in ("due", "skip", "cancel")],
    callbacks.OfferCb: [{"action": a} for a in ("take", "pass")],
    callbacks.HandoverCb: [{"action": a} for a in ("to", "yes", "no", "cancel")],
    callbacks.AddCb: [
        {"action": a} for a in ("one", "csv", "tpl", "skip", "back", "cancel", "cat", "newcat", "holder", "save")
    ],
}
OUT_OF_RANGE = [2**63, 10**20, -(2**63) - 1, -2]
FAR_DAYS = [367, 10**6, 10**9]


def _classes():
    return [
        c
        for _, c in inspect.getmembers(callbacks, inspect.isclass)
        if issubclass(c, CallbackData) and c is not CallbackData
    ]


def _forgeries():
    for cls, variants in ACTIONS.items():
        numbers = [n for n, info in cls.model_fields.items() if info.annotation is int]
        for variant in variants:
            base = {n: 1 for n in numbers} | variant
            for n, info in cls.model_fields.items():
                base.setdefault(n, True if info.annotation is bool else "k")
            for name in numbers:
                extremes = FAR_DAYS + OUT_OF_RANGE if name == "days" else OUT_OF_RANGE
                for value in extremes:
                    fields = {**base, name: value}
                    sep = cls.__separator__
                    data = sep.join(
                        [cls.__prefix__, *(str(int(v)) if isinstance(v, bool) else str(v) for v in fields.values())]
                    )
                    assert len(data.encode()) <= 64, data
                    yield data
    # Odd shapes: not a number, too few or too many parts, other digits. (" 1" and "1.0" read
    # as 1, the button's own id: handled like the real button.)
    yield from (
        "d:open:abc",
        "d:open:1:2",
        "d:open",
        "d:open:",
        "d:open:1e3",
        "d:open:١",
        "pg:a:1:0x10",
        "tk:due:1:+99999",
        "ap:1:maybe",
        "d:open:" + "9" * 56,
    )


def test_every_callback_class_has_its_actions_listed_and_a_bounded_number():
    assert set(_classes()) - {
        callbacks.DevCb,
        callbacks.MyHistoryCb,
        callbacks.ImportCb,
        callbacks.HereCb,
    }  # HereCb carries no number == set(ACTIONS)
    assert len(list(_forgeries())) > 300


async def test_forged_numbers_out_of_range_get_the_stale_answer_and_never_an_error(env, caplog):
    admin = env.user(ADMIN, "Админ")
    await _register(env, admin, "admin@example.ru")
    device(1, "MSPOS-N")
    wrong = []
    with caplog.at_level(logging.ERROR):
        for data in _forgeries():
            qid, _ = await _press_forged(env, admin, data)
            answer = env.telegram.callback_answer(qid)
            if answer is None or answer["text"] != STALE_BUTTON:
                wrong.append((data, answer))
        qid, _ = await _press_forged(env, admin, "ai:go:../../etc/passwd")  # the token is hex only
        assert env.telegram.callback_answer(qid)["text"] == STALE_BUTTON
    assert wrong == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# ------------------------------------------------------------------ alerts are plain text


def _answer_texts():
    """Every text constant a handler gives `callback.answer(...)`, by walking the handlers."""
    found = {}
    for path in Path(cashbot.handlers.__file__).parent.glob("[!_]*.py"):
        module = __import__(f"cashbot.handlers.{path.stem}", fromlist=["_"])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "answer"
                and node.args
            ):
                continue
            receiver = ast.unparse(node.func.value)
            if "callback" not in receiver:
                continue
            for text in _resolve(node.args[0], module):
                found[text] = f"{path.stem}: {ast.unparse(node.args[0])}"
    return found


def _resolve(expr, module):
    if isinstance(expr, ast.IfExp):
        return _resolve(expr.body, module) + _resolve(expr.orelse, module)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        if expr.func.attr == "format":
            return _resolve(expr.func.value, module)
        if expr.func.attr == "get":  # a dict of replies and its default
            return [v for v in _value(expr.func.value, module).values()] + _resolve(expr.args[1], module)
    value = _value(expr, module)
    return [value] if isinstance(value, str) else []


def _value(expr, module):
    try:
        return eval(compile(ast.Expression(expr), "<alert>", "eval"), vars(module))  # names only
    except Exception:
        return None


async def test_every_callback_answer_text_reaches_telegram_as_the_plain_text_a_message_shows(env):
    texts = _answer_texts()
    html = [t for t in texts if "<" in t or "&" in t]
    assert len(texts) > 20 and html, texts  # the walk found the alerts, some of them HTML
    user = env.user(ADMIN, "Админ")
    await _register(env, user, "admin@example.ru")
    for text in texts:
        # Every value escaped, as handlers put it into HTML: "A&amp;B" reads "A&B".
        sent = text.format_map({name: "A&amp;B" for _, name, _, _ in Formatter().parse(text) if name})
        qid = user.forge_press("x")
        await env.app.bot.answer_callback_query(qid, text=sent, show_alert=True)
        shown = env.telegram.callback_answer(qid)["text"]
        assert shown == parse_html(sent)[0], texts[text]
        assert "<" not in shown and "&amp;" not in shown
    env.telegram.take_updates()


async def test_a_strangers_alert_shows_no_tags(env):
    stranger = env.user(301, "Чужой")
    await env.send(stranger, "/start")
    qid, _ = await _press_forged(env, stranger, "d:open:1")
    text = env.telegram.callback_answer(qid)["text"]
    assert "ivanova@company.ru" in text and "<code>" not in text


def test_the_double_models_groups_as_telegram_does():
    """So the group tests above could fail: updates carry the group chat and its sender, and a
    bot may post, edit and answer buttons there."""
    from tests.double.core import FakeTelegram

    tg = FakeTelegram()
    alice = tg.user(101, "Алиса")
    group = tg.group(-100555, "Команда", kind="supergroup")
    group.send(alice, "/users")
    mid = group.bot_message("Карточка", [("Взять", "d:take:1")])
    qid = group.press(alice, mid, "d:take:1")
    message, query = [u.get("message") or u.get("callback_query") for u in tg.take_updates()]
    assert message["chat"] == {"id": -100555, "type": "supergroup", "title": "Команда"}
    assert message["from"]["id"] == 101 and message["entities"][0]["type"] == "bot_command"
    assert query["message"]["chat"]["id"] == -100555 and query["from"]["id"] == 101
    sent = tg.call(tg.default_token, "sendMessage", {"chat_id": -100555, "text": "список"})
    assert sent["chat"]["type"] == "supergroup" and group.bot_messages()[-1].text == "список"
    assert tg.call(tg.default_token, "answerCallbackQuery", {"callback_query_id": qid})
    channel = tg.group(-100777, "Новости", kind="channel")
    channel.send(alice, "пост")
    (post,) = tg.take_updates()
    assert "from" not in post["channel_post"] and post["channel_post"]["sender_chat"]["type"] == "channel"
