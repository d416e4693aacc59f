"""Tests of the Bot API double itself (tests/double/): wire format, Telegram's errors,
long polling, files, flood control, the in-process session and the process harness."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from tests.double import (
    DEFAULT_TOKEN,
    ECHO_BOT_COMMAND,
    BotApiDouble,
    BotProcess,
    FakeTelegram,
    RecordingSession,
    TelegramError,
)
from tests.double.core import NOT_MODIFIED, QUERY_TOO_OLD

# ---------------------------------------------------------------------------- helpers


def request(
    api: BotApiDouble,
    method: str,
    *,
    token: str | None = None,
    json_body=None,
    form=None,
    multipart=None,
    query=None,
    http_method: str = "POST",
):
    """A raw HTTP call; returns (HTTP status, decoded JSON body)."""
    url = f"{api.base_url}/bot{token or api.token}/{method}"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    data, headers = None, {}
    if json_body is not None:
        data, headers = json.dumps(json_body).encode(), {"Content-Type": "application/json"}
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    elif multipart is not None:
        boundary = uuid.uuid4().hex
        chunks = []
        for name, value in multipart.items():
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
            if isinstance(value, tuple):  # (filename, bytes)
                head += f'; filename="{value[0]}"\r\nContent-Type: application/octet-stream'
                body = value[1]
            else:
                body = str(value).encode()
            chunks.append(head.encode() + b"\r\n\r\n" + body + b"\r\n")
        data = b"".join(chunks) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    req = urllib.request.Request(url, data=data, headers=headers, method=http_method if data is None else "POST")
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def ok(api, method, **params):
    status, body = request(api, method, json_body=params)
    assert status == 200 and body["ok"], body
    return body["result"]


def fails(api, method, code, description, **params):
    status, body = request(api, method, json_body=params)
    assert (status, body) == (code, {"ok": False, "error_code": code, "description": description}), body
    return body


def with_bot(api: BotApiDouble, fn):
    """Run `await fn(bot)` with a real aiogram Bot over HTTP."""

    async def main():
        session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
        bot = Bot(api.token, session=session)
        try:
            return await fn(bot)
        finally:
            await session.close()

    return asyncio.run(main())


KB = {"inline_keyboard": [[{"text": "Взять", "callback_data": "take:1"}]]}


@pytest.fixture
def alice(api):
    user = api.user(101, "Алиса", username="alice")
    user.send("/start")
    return user


# ---------------------------------------------------------------------------- basics


def test_get_me_auth_and_unknown_method(api):
    me = ok(api, "getMe")
    assert me["id"] == 123456 and me["is_bot"] and me["username"] == "cashbot_test_bot"
    assert request(api, "GETME")[1]["ok"]  # method names are case-insensitive
    assert request(api, "getMe", http_method="GET")[1]["ok"]
    for bad in ("nonsense", "123:", "abc:def"):
        assert request(api, "getMe", token=bad) == (
            401,
            {"ok": False, "error_code": 401, "description": "Unauthorized"},
        )
    assert request(api, "getMeh") == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


def test_request_encodings_are_equivalent(api, alice):
    markup = json.dumps(KB)
    request(api, "sendMessage", json_body={"chat_id": 101, "text": "json", "reply_markup": KB})
    request(api, "sendMessage", form={"chat_id": "101", "text": "form", "reply_markup": markup})
    request(api, "sendMessage", multipart={"chat_id": "101", "text": "multi", "reply_markup": markup})
    request(api, "sendMessage", query={"chat_id": "101", "text": "query", "reply_markup": markup}, http_method="GET")
    calls = api.calls("sendMessage", ok=True)
    assert [c.params["text"] for c in calls] == ["json", "form", "multi", "query"]
    for c in calls:
        assert c.params["chat_id"] == 101 and c.params["reply_markup"] == KB
    texts = [m.text for m in alice.messages()]
    assert texts == ["json", "form", "multi", "query"]
    assert all(m.button_texts == ["Взять"] for m in alice.messages())


def test_send_message_result_shape(api, alice):
    msg = ok(
        api, "sendMessage", chat_id=101, text="<b>Жирный</b> &amp; 😀 <i>x</i>", parse_mode="HTML", reply_markup=KB
    )
    assert msg["text"] == "Жирный & 😀 x"
    assert msg["chat"] == {"id": 101, "type": "private", "first_name": "Алиса", "username": "alice"}
    assert msg["from"]["is_bot"] and msg["reply_markup"] == KB
    # offsets in UTF-16 code units: the emoji counts twice
    assert msg["entities"] == [
        {"offset": 0, "length": 6, "type": "bold"},
        {"offset": 12, "length": 1, "type": "italic"},
    ]
    assert alice.last_message().html == "<b>Жирный</b> &amp; 😀 <i>x</i>"


# ---------------------------------------------------------------------------- errors


def test_chat_not_found(api):
    api.user(202, "Молчун")  # exists but never wrote to the bot
    fails(api, "sendMessage", 400, "Bad Request: chat not found", chat_id=202, text="hi")
    fails(api, "sendMessage", 400, "Bad Request: chat not found", chat_id=999, text="hi")


def test_text_empty_and_too_long(api, alice):
    fails(api, "sendMessage", 400, "Bad Request: message text is empty", chat_id=101, text="")
    fails(api, "sendMessage", 400, "Bad Request: message text is empty", chat_id=101)
    fails(api, "sendMessage", 400, "Bad Request: message text is empty", chat_id=101, text="<b></b>", parse_mode="HTML")
    fails(api, "sendMessage", 400, "Bad Request: message is too long", chat_id=101, text="я" * 4097)
    # the limit applies to the visible text: tags do not count
    ok(api, "sendMessage", chat_id=101, text="<b>" + "я" * 4096 + "</b>", parse_mode="HTML")
    fails(
        api,
        "sendMessage",
        400,
        "Bad Request: message is too long",
        chat_id=101,
        text="<b>" + "я" * 4097 + "</b>",
        parse_mode="HTML",
    )


@pytest.mark.parametrize(
    "html",
    [
        "<b>unclosed",
        "<foo>x</foo>",
        "a < b",
        "AT&T",
        "<b>x</i>",
        "x</b>",
        "<a href='x'>x",
        '<span class="nope">x</span>',
        "<b",
    ],
)
def test_invalid_html(api, alice, html):
    status, body = request(api, "sendMessage", json_body={"chat_id": 101, "text": html, "parse_mode": "HTML"})
    assert status == 400
    assert body["description"].startswith("Bad Request: can't parse entities: "), body


def test_valid_html(api, alice):
    html = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        '<strike>k</strike><del>d</del><span class="tg-spoiler">p</span>'
        '<tg-spoiler>t</tg-spoiler><a href="https://e.x/?a=1&amp;b=2">a</a><code>c</code>'
        '<pre><code class="language-python">x</code></pre><blockquote>q</blockquote>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> &lt;&gt;&amp;&quot; 5 > 3'
    )
    msg = ok(api, "sendMessage", chat_id=101, text=html, parse_mode="HTML")
    assert msg["text"].endswith('👍 <>&" 5 > 3')
    types = {e["type"] for e in msg["entities"]}
    assert {
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "text_link",
        "code",
        "pre",
        "blockquote",
        "custom_emoji",
    } <= types
    # without parse_mode the text is taken literally
    assert ok(api, "sendMessage", chat_id=101, text="a < b & <c>")["text"] == "a < b & <c>"


def test_edit_errors_and_keyboard_semantics(api, alice):
    mid = ok(api, "sendMessage", chat_id=101, text="один", reply_markup=KB)["message_id"]
    fails(api, "editMessageText", 400, NOT_MODIFIED, chat_id=101, message_id=mid, text="один", reply_markup=KB)
    fails(api, "editMessageReplyMarkup", 400, NOT_MODIFIED, chat_id=101, message_id=mid, reply_markup=KB)
    fails(api, "editMessageText", 400, "Bad Request: message to edit not found", chat_id=101, message_id=9999, text="x")
    # editing the text without reply_markup removes the inline keyboard, like Telegram
    edited = ok(api, "editMessageText", chat_id=101, message_id=mid, text="один")
    assert "reply_markup" not in edited and "edit_date" in edited
    m = alice.message(mid)
    assert m.edited and m.buttons == () and [v.button_texts for v in alice.history(mid)] == [["Взять"]]
    ok(api, "editMessageReplyMarkup", chat_id=101, message_id=mid, reply_markup=KB)
    assert alice.message(mid).button_texts == ["Взять"]
    # the user's own messages are not editable by the bot
    fails(api, "editMessageText", 400, "Bad Request: message can't be edited", chat_id=101, message_id=1, text="x")


def test_delete_message(api, alice):
    mid = ok(api, "sendMessage", chat_id=101, text="секрет")["message_id"]
    assert ok(api, "deleteMessage", chat_id=101, message_id=mid) is True
    fails(api, "deleteMessage", 400, "Bad Request: message to delete not found", chat_id=101, message_id=mid)
    fails(api, "deleteMessage", 400, "Bad Request: message to delete not found", chat_id=101, message_id=777)
    # bots may delete the user's messages in a private chat (typed secrets)
    user_mid = alice.send("пароль 123")
    assert ok(api, "deleteMessage", chat_id=101, message_id=user_mid) is True
    alice.wait_deleted(user_mid, timeout=0)
    assert alice.messages() == [] and len(alice.messages(include_deleted=True)) == 1
    assert [c.params["message_id"] for c in api.calls("deleteMessage", ok=True)] == [mid, user_mid]


@pytest.mark.parametrize(
    "button",
    [
        {"text": "x", "callback_data": "a" * 65},
        {"text": "x", "callback_data": "д" * 33},  # 66 bytes in UTF-8
        {"text": "x", "callback_data": ""},
    ],
)
def test_button_data_invalid(api, alice, button):
    fails(
        api,
        "sendMessage",
        400,
        "Bad Request: BUTTON_DATA_INVALID",
        chat_id=101,
        text="x",
        reply_markup={"inline_keyboard": [[button]]},
    )


def test_button_data_limit_is_inclusive(api, alice):
    ok(
        api,
        "sendMessage",
        chat_id=101,
        text="x",
        reply_markup={"inline_keyboard": [[{"text": "x", "callback_data": "д" * 32}]]},
    )


def test_callback_query_answer_once(api, alice):
    m = ok(api, "sendMessage", chat_id=101, text="карточка", reply_markup=KB)
    qid = alice.press(m["message_id"], "Взя")  # partial label
    update = ok(api, "getUpdates")[-1]["callback_query"]
    assert update["data"] == "take:1" and update["from"]["id"] == 101
    assert update["message"]["message_id"] == m["message_id"] and update["chat_instance"]
    assert ok(api, "answerCallbackQuery", callback_query_id=qid, text="Готово") is True
    assert alice.wait_answer(qid, timeout=0)["text"] == "Готово"
    fails(api, "answerCallbackQuery", 400, QUERY_TOO_OLD, callback_query_id=qid)
    fails(api, "answerCallbackQuery", 400, QUERY_TOO_OLD, callback_query_id="12345")
    with pytest.raises(AssertionError, match="no button"):
        alice.press(m["message_id"], "Вернуть")


def test_blocked_user_gets_403_everywhere(api, alice):
    ok(api, "getUpdates")  # the /start
    alice.block()
    forbidden = "Forbidden: bot was blocked by the user"
    fails(api, "sendMessage", 403, forbidden, chat_id=101, text="hi")
    fails(api, "sendChatAction", 403, forbidden, chat_id=101, action="typing")
    status, body = request(api, "sendDocument", multipart={"chat_id": "101", "document": ("a.txt", b"abc")})
    assert (status, body["description"]) == (403, forbidden)
    updates = ok(api, "getUpdates", offset=100001)
    member = updates[-1]["my_chat_member"]
    assert (member["old_chat_member"]["status"], member["new_chat_member"]["status"]) == ("member", "kicked")
    alice.unblock()
    ok(api, "sendMessage", chat_id=101, text="снова")


def test_reply_keyboard_and_press_by_data(api, alice):
    ok(
        api,
        "sendMessage",
        chat_id=101,
        text="меню",
        reply_markup={"keyboard": [["Мои устройства", {"text": "Поиск"}]], "resize_keyboard": True},
    )
    assert alice.keyboard() == (("Мои устройства", "Поиск"),)
    assert "reply_markup" not in api.calls("sendMessage")[-1].result  # only inline is echoed
    ok(api, "sendMessage", chat_id=101, text="убрал", reply_markup={"remove_keyboard": True})
    assert alice.keyboard() is None
    ok(
        api,
        "sendMessage",
        chat_id=101,
        text="выбор",
        reply_markup={
            "inline_keyboard": [
                [{"text": "Взять", "callback_data": "take:1"}, {"text": "Взять", "callback_data": "take:2"}],
                [{"text": "Сайт", "url": "https://example.com"}],
            ]
        },
    )
    with pytest.raises(AssertionError, match="ambiguous"):
        alice.press("Взять")
    with pytest.raises(AssertionError, match="not a callback button"):
        alice.press("Сайт")
    alice.press(data="take:2")  # latest message with buttons
    assert ok(api, "getUpdates")[-1]["callback_query"]["data"] == "take:2"
    status, body = request(api, "sendMessage", form={"chat_id": "101", "text": "x", "reply_markup": "{not json"})
    assert (status, body["description"]) == (400, "Bad Request: can't parse reply keyboard markup JSON object")
    fails(
        api,
        "sendMessage",
        400,
        "Bad Request: text buttons are unallowed in the inline keyboard",
        chat_id=101,
        text="x",
        reply_markup={"inline_keyboard": [[{"text": "a"}]]},
    )


def test_chat_action_validation(api, alice):
    assert ok(api, "sendChatAction", chat_id=101, action="typing") is True
    fails(api, "sendChatAction", 400, "Bad Request: wrong parameter action in request", chat_id=101, action="dancing")


# ---------------------------------------------------------------------------- polling


def test_long_polling_offsets(api):
    alice = api.user(101, "Алиса")
    assert ok(api, "getUpdates", timeout=0) == []
    alice.send("один")
    alice.send("два")
    first = ok(api, "getUpdates")
    assert [u["message"]["text"] for u in first] == ["один", "два"]
    # not confirmed yet: delivered again
    assert ok(api, "getUpdates") == first
    assert [u["message"]["text"] for u in ok(api, "getUpdates", limit=1)] == ["один"]
    # offset confirms everything below it, forever
    last_id = first[-1]["update_id"]
    assert [u["update_id"] for u in ok(api, "getUpdates", offset=last_id)] == [last_id]
    assert ok(api, "getUpdates", offset=last_id + 1) == []
    assert ok(api, "getUpdates", offset=first[0]["update_id"]) == []
    assert api.pending_updates() == []


def test_long_poll_timeout_returns_empty(api):
    started = time.monotonic()
    assert ok(api, "getUpdates", timeout=1) == []
    assert time.monotonic() - started >= 0.9


def test_long_poll_wakes_on_new_update(api):
    alice = api.user(101, "Алиса")
    result = {}

    def poll():
        result["updates"] = request(api, "getUpdates", form={"timeout": "20"})[1]["result"]

    poller = threading.Thread(target=poll)
    poller.start()
    api.wait_polling(timeout=5)  # the long poll has arrived
    alice.send("проснись")
    poller.join(10)
    assert not poller.is_alive()
    assert [u["message"]["text"] for u in result["updates"]] == ["проснись"]


def test_second_poller_conflicts_with_first(api):
    result = {}

    def poll():
        result["first"] = request(api, "getUpdates", form={"timeout": "20"})

    poller = threading.Thread(target=poll)
    poller.start()
    api.wait_polling(timeout=5)
    assert ok(api, "getUpdates") == []
    poller.join(10)
    status, body = result["first"]
    assert status == 409 and body["description"].startswith("Conflict: terminated by other")


def test_delete_webhook_drop_pending(api):
    api.user(101, "Алиса").send("старое")
    assert ok(api, "deleteWebhook") is True
    assert len(ok(api, "getUpdates")) == 1
    assert ok(api, "deleteWebhook", drop_pending_updates=True) is True
    assert ok(api, "getUpdates") == []


# ---------------------------------------------------------------------------- files, commands


def test_file_upload_and_download_round_trip(api, alice):
    csv = "инв;название\n1;ККТ Атол\n".encode("cp1251")
    alice.send_document("devices.csv", csv, caption="вот")
    update = ok(api, "getUpdates")[-1]["message"]
    doc = update["document"]
    assert (doc["file_name"], doc["mime_type"], doc["file_size"]) == ("devices.csv", "text/csv", len(csv))
    assert update["caption"] == "вот"

    async def scenario(bot: Bot):
        file = await bot.get_file(doc["file_id"])
        downloaded = (await bot.download_file(file.file_path)).read()
        sent = await bot.send_document(
            101,
            BufferedInputFile(b"id,name\n1,x\n", filename="export.csv"),
            caption="<b>Экспорт</b>",
            parse_mode="HTML",
        )
        with pytest.raises(TelegramBadRequest, match="invalid file_id"):
            await bot.get_file("nope")
        return downloaded, sent

    downloaded, sent = with_bot(api, scenario)
    assert downloaded == csv
    assert sent.document.file_name == "export.csv" and sent.caption == "Экспорт"
    m = alice.wait_for(lambda m: m.document is not None, timeout=0)
    assert (m.document.file_name, m.document.data, m.text) == ("export.csv", b"id,name\n1,x\n", "Экспорт")
    call = api.calls("sendDocument")[0]
    assert call.params["document"].filename == "export.csv"
    # unknown file path on the file endpoint
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(f"{api.base_url}/file/bot{api.token}/documents/none.csv")
    assert e.value.code == 404


def test_document_sent_directly_as_multipart_field(api, alice):
    status, body = request(api, "sendDocument", multipart={"chat_id": "101", "document": ("report.txt", b"hello")})
    assert status == 200 and body["result"]["document"]["file_name"] == "report.txt"
    assert alice.last_message().document.data == b"hello"


def test_my_commands_per_scope(api, alice):
    async def scenario(bot: Bot):
        await bot.set_my_commands([BotCommand(command="start", description="Начать")])
        await bot.set_my_commands(
            [BotCommand(command="devices", description="Устройства")], scope=BotCommandScopeAllPrivateChats()
        )
        await bot.set_my_commands(
            [BotCommand(command="admin", description="Админка")], scope=BotCommandScopeChat(chat_id=101)
        )
        with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand(command="Bad-Name", description="x")])
        with pytest.raises(TelegramBadRequest, match="chat not found"):
            await bot.set_my_commands(
                [BotCommand(command="x", description="x")], scope=BotCommandScopeChat(chat_id=5555)
            )
        return await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=101))

    got = with_bot(api, scenario)
    assert [c.command for c in got] == ["admin"]
    assert api.commands() == [{"command": "start", "description": "Начать"}]
    assert api.commands("all_private_chats")[0]["command"] == "devices"
    assert api.commands({"type": "chat", "chat_id": 101})[0]["command"] == "admin"
    ok(api, "deleteMyCommands", scope={"type": "chat", "chat_id": 101})
    assert api.commands({"type": "chat", "chat_id": 101}) == []


# ---------------------------------------------------------------------------- flood, faults


def test_flood_control_429_with_retry_after(api, alice):
    api.set_flood_control(per_chat=(0.001, 3), global_=(1000.0, 1000))
    for i in range(3):
        ok(api, "sendMessage", chat_id=101, text=f"m{i}")
    status, body = request(api, "sendMessage", json_body={"chat_id": 101, "text": "m3"})
    assert status == 429
    assert body["parameters"]["retry_after"] >= 1
    assert body["description"] == f"Too Many Requests: retry after {body['parameters']['retry_after']}"

    async def scenario(bot: Bot):
        with pytest.raises(TelegramRetryAfter) as e:
            await bot.send_message(101, "m4")
        return e.value.retry_after

    assert with_bot(api, scenario) >= 1
    api.set_flood_control(False)
    ok(api, "sendMessage", chat_id=101, text="free again")


def test_global_flood_limit_in_core():
    now = [0.0]
    tg = FakeTelegram(clock=lambda: now[0])
    users = [tg.user(100 + i, f"u{i}") for i in range(5)]
    for u in users:
        u.send("/start")
    tg.set_flood_control(per_chat=(1.0, 3), global_=(2.0, 4))
    for u in users[:4]:
        tg.call(DEFAULT_TOKEN, "sendMessage", {"chat_id": u.id, "text": "x"})
    with pytest.raises(TelegramError) as e:
        tg.call(DEFAULT_TOKEN, "sendMessage", {"chat_id": users[4].id, "text": "x"})
    assert (e.value.error_code, e.value.retry_after) == (429, 1)
    now[0] += 0.5  # one token refilled at 2/s
    tg.call(DEFAULT_TOKEN, "sendMessage", {"chat_id": users[4].id, "text": "x"})


def test_injected_errors(api, alice):
    api.inject_error("sendMessage", chat_id=101, times=2, error_code=500)
    api.inject_error("sendmessage", chat_id=101, error_code=429, retry_after=7)
    assert request(api, "sendMessage", json_body={"chat_id": 101, "text": "a"})[0] == 500
    assert request(api, "sendMessage", json_body={"chat_id": 101, "text": "a"})[0] == 500
    status, body = request(api, "sendMessage", json_body={"chat_id": 101, "text": "a"})
    assert (status, body["parameters"]) == (429, {"retry_after": 7})
    ok(api, "sendMessage", chat_id=101, text="a")

    api.inject_error("sendMessage", error_code=502)

    async def scenario(bot: Bot):
        with pytest.raises(TelegramServerError):
            await bot.send_message(101, "x")

    with_bot(api, scenario)


def test_an_outage_fails_every_matching_call_until_it_is_over():
    now = [100.0]
    tg = FakeTelegram(clock=lambda: now[0])
    users = [tg.user(101 + i, f"U{i}") for i in range(2)]
    for u in users:
        u.send("/start")
    tg.inject_outage("sendMessage", 2)
    for u in users:
        with pytest.raises(TelegramError) as e:
            tg.call(DEFAULT_TOKEN, "sendMessage", {"chat_id": u.id, "text": "x"})
        assert e.value.error_code == 502
    tg.call(DEFAULT_TOKEN, "getMe", {})  # other methods work
    now[0] += 2
    for u in users:
        tg.call(DEFAULT_TOKEN, "sendMessage", {"chat_id": u.id, "text": "x"})


def test_wait_for_failure_shows_transcript(api, alice):
    ok(api, "sendMessage", chat_id=101, text="что-то другое", reply_markup=KB)
    api.add_diagnostic("extra", lambda: "diagnostic text")
    with pytest.raises(AssertionError) as e:
        alice.wait_for("Привет", timeout=0)
    text = str(e.value)
    assert "transcript" in text and "что-то другое" in text and "Взять" in text
    assert "diagnostic text" in text


def test_wait_for_sees_only_new_messages(api, alice):
    ok(api, "sendMessage", chat_id=101, text="старое")
    alice.send("ещё")
    with pytest.raises(AssertionError):
        alice.wait_for("старое", timeout=0)
    ok(api, "sendMessage", chat_id=101, text="новое 1")
    ok(api, "sendMessage", chat_id=101, text="новое 2")
    assert alice.wait_for(timeout=0).text == "новое 1"
    assert alice.wait_for(timeout=0).text == "новое 2"


# ---------------------------------------------------------------------------- in-process session


async def test_recording_session_runs_handlers_in_process():
    tg = FakeTelegram()
    session = RecordingSession(tg)
    bot = session.bot()
    dp = Dispatcher()
    kb = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Ещё", callback_data="again")]])

    @dp.message(F.text)
    async def echo(message: Message):
        await message.answer(f"<b>{message.text}</b>", parse_mode="HTML", reply_markup=kb)

    @dp.callback_query(F.data == "again")
    async def again(query: CallbackQuery):
        await query.answer("ok")
        # same text and entities (html_text is rebuilt from the entities we returned)
        await query.message.edit_text(query.message.html_text, parse_mode="HTML", reply_markup=kb)

    alice = tg.user(101, "Алиса")  # no username, no last name
    replies = await session.send_text(dp, bot, alice, "привет")
    assert [(m.text, m.button_texts) for m in replies] == [("привет", ["Ещё"])]
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await session.press(dp, bot, alice, replies[0], "Ещё")
    assert tg.callback_answer(session.last_query_id)["text"] == "ok"

    me = await bot.get_me()
    assert me.username == "cashbot_test_bot"
    alice.block()
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await bot.send_message(alice.id, "x")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(999, "x")
    tg.set_flood_control(per_chat=(0.001, 1))
    alice.unblock()
    await bot.send_message(alice.id, "one")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(alice.id, "two")


async def test_recording_session_files():
    tg = FakeTelegram()
    session = RecordingSession(tg)
    bot = session.bot()
    alice = tg.user(101, "Алиса")
    alice.send_document("in.csv", b"a;b\n")
    update = tg.take_updates()[0]
    file = await bot.get_file(update["message"]["document"]["file_id"])
    assert (await bot.download_file(file.file_path)).read() == b"a;b\n"
    await bot.send_document(101, BufferedInputFile(b"xyz", "out.txt"))
    assert alice.last_message().document.data == b"xyz"


# ---------------------------------------------------------------------------- process harness


@pytest.mark.e2e  # starts a bot process through the harness
def test_echo_bot_subprocess_two_users(api, tmp_path):
    proc = BotProcess(api, tmp_path, command=ECHO_BOT_COMMAND)
    proc.start()
    try:
        alice = api.user(101, "Алиса", username="alice")
        bob = api.user(102, "Боб", "Петров")  # no username
        alice.send("/start ref42")
        bob.send("привет <b>")
        assert alice.wait_for("/start ref42").button_texts == ["Ещё"]
        m = bob.wait_for("привет <b>")
        qid = bob.press(m, "Ещё")
        assert bob.wait_answer(qid)["text"] == "ok"
        assert bob.wait_for(lambda m: m.edited).text == "привет <b> ✓"
        assert alice.messages()[-1].text == "/start ref42"  # bob's press changed nothing here

        assert "Start polling" in proc.output()
        api.wait_updates_taken()  # the bot confirmed everything so far (offset moved on)
        assert proc.stop() == 0  # SIGTERM: aiogram shuts down cleanly
        # updates sent while the bot is down wait for it (a restart test costs another
        # ~3 s of aiogram import time; the e2e suite covers restarts of the real bot)
        alice.send("пока лежал")
        assert [u["message"]["text"] for u in api.pending_updates()] == ["пока лежал"]
    finally:
        proc.kill()


@pytest.mark.e2e  # starts a process through the harness
def test_process_that_exits_reports_output(api, tmp_path):
    proc = BotProcess(api, tmp_path, command=[sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"])
    with pytest.raises(AssertionError, match=r"(?s)exited with code 3.*boom"):
        proc.start()
