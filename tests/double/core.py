"""In-memory model of the Telegram Bot API as one or more bots see it.

`FakeTelegram.call(token, method, params)` is the whole bot-facing surface: it returns the
`result` of a successful call (JSON-able) or raises `TelegramError` with Telegram's own
error code and description. The HTTP front (`server.BotApiDouble`) and the in-process
front (`recording_session.RecordingSession`) both call it, so they behave identically.

The test-facing surface is `FakeTelegram.user(...)` -> `User` (a simulated person) plus the
recorded calls, stored commands, flood control and error injection.

Everything is guarded by one re-entrant lock; `self._cond` (a Condition on that lock) is
notified on every change, which is what long polling and the test-side waits sleep on.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import mimetypes
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .html import HtmlParseError, parse_html

__all__ = [
    "DEFAULT_TOKEN",
    "BotMessage",
    "Button",
    "Call",
    "FakeTelegram",
    "Group",
    "InputFileData",
    "SentDocument",
    "TelegramError",
    "User",
]

DEFAULT_TOKEN = "123456:TEST-abcdefghijklmnopqrstuvwxyz012345"
# Waits are event-driven, so a generous default costs nothing when things work; it only
# bounds how long a broken test hangs on a loaded machine. Override: BOT_DOUBLE_TIMEOUT=60.
DEFAULT_TIMEOUT = float(os.environ.get("BOT_DOUBLE_TIMEOUT", "20"))

_TOKEN_RE = re.compile(r"^(\d{1,20}):([A-Za-z0-9_-]{1,128})$")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_DOWNLOAD = 20 * 1024 * 1024

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)

# Parameter coercion: form-encoded requests carry every value as a string.
_INT_PARAMS = {
    "chat_id", "message_id", "offset", "limit", "timeout", "user_id", "from_chat_id",
    "reply_to_message_id", "message_thread_id", "cache_time", "until_date",
}
_BOOL_PARAMS = {
    "disable_notification", "protect_content", "show_alert", "drop_pending_updates",
    "disable_web_page_preview", "allow_sending_without_reply", "disable_content_type_detection",
    "is_personal",
}
_JSON_PARAMS = {
    "reply_markup", "scope", "commands", "allowed_updates", "entities", "caption_entities",
    "link_preview_options", "reply_parameters", "message_ids", "media", "results", "button",
}
_CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
}
# Update types delivered when allowed_updates is empty / never set (Telegram's default).
_DEFAULT_EXCLUDED_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
# Methods that count against flood control.
_FLOOD_METHODS = {"sendmessage", "senddocument", "copymessage", "forwardmessage", "sendphoto"}


class TelegramError(Exception):
    """An unsuccessful Bot API answer: `{"ok": false, "error_code": ..., ...}`."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None):
        super().__init__(f"{error_code} {description}")
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def to_response(self) -> dict:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad(description: str) -> TelegramError:
    return TelegramError(400, f"Bad Request: {description}")


@dataclass(frozen=True)
class InputFileData:
    """An uploaded file as a front end hands it to the core."""

    filename: str
    data: bytes
    content_type: str | None = None


@dataclass(frozen=True)
class Call:
    """One recorded Bot API call (params normalised: ints are ints, JSON is decoded)."""

    method: str
    params: dict
    token: str
    result: Any = None
    error: TelegramError | None = None
    time: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    def __repr__(self) -> str:
        outcome = ("ok" if self.error is None
                   else f"{self.error.error_code} {self.error.description}")
        shown = {k: (f"<{len(v.data)} bytes>" if isinstance(v, InputFileData) else v)
                 for k, v in self.params.items()}
        return f"<Call {self.method} {shown} -> {outcome}>"


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class SentDocument:
    file_name: str
    data: bytes
    mime_type: str | None
    file_id: str

    @property
    def text(self) -> str:
        return self.data.decode("utf-8-sig", errors="replace")


@dataclass(frozen=True)
class BotMessage:
    """What a user sees of one message at one moment (an immutable snapshot).

    `text` is the visible text (HTML tags stripped, entities decoded); for a document it is
    the caption. `html` is the text exactly as the bot sent it.
    """

    message_id: int
    chat_id: int
    outgoing: bool  # True: sent by the bot
    text: str
    html: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    reply_keyboard: tuple[tuple[str, ...], ...] | None = None
    remove_keyboard: bool = False
    document: SentDocument | None = None
    edited: bool = False
    deleted: bool = False
    date: int = 0

    @property
    def button_texts(self) -> list[str]:
        return [b.text for row in self.buttons for b in row]

    @property
    def all_buttons(self) -> list[Button]:
        return [b for row in self.buttons for b in row]

    def find_button(self, label: str | None = None, *, data: str | None = None) -> Button:
        """Button by exact text, else by unique partial text; or by exact callback data."""
        buttons = self.all_buttons
        if data is not None:
            found = [b for b in buttons if b.callback_data == data]
        else:
            assert label is not None, "give a button label or data="
            found = [b for b in buttons if b.text == label] or [
                b for b in buttons if label.lower() in b.text.lower()
            ]
        what = f"data={data!r}" if data is not None else repr(label)
        if not found:
            raise AssertionError(
                f"message #{self.message_id} has no button {what}; buttons: {self._rows()}"
            )
        if len(found) > 1 and data is None:
            raise AssertionError(
                f"button {what} is ambiguous in message #{self.message_id}: {self._rows()}"
            )
        return found[0]

    def has_button(self, label: str) -> bool:
        return any(label.lower() in t.lower() for t in self.button_texts)

    def _rows(self) -> str:
        return " / ".join(
            " | ".join(f"{b.text!r}→{b.callback_data or b.url}" for b in row)
            for row in self.buttons
        ) or "(none)"

    def describe(self) -> str:
        flags = "".join(
            f" [{f}]" for f, on in (("edited", self.edited), ("deleted", self.deleted)) if on
        )
        arrow = "bot →" if self.outgoing else "user→"
        line = f"{arrow} #{self.message_id}{flags}: "
        if self.document:
            line += f"[document {self.document.file_name}, {len(self.document.data)} B] "
        line += repr(self.text if len(self.text) < 400 else self.text[:400] + "…")
        if self.buttons:
            line += f"\n      inline: {self._rows()}"
        if self.reply_keyboard:
            line += f"\n      keyboard: {[list(r) for r in self.reply_keyboard]}"
        if self.remove_keyboard:
            line += "\n      keyboard removed"
        return line


@dataclass
class _Message:
    message_id: int
    outgoing: bool
    date: int
    raw: dict  # the Message object as the Bot API returns it
    text: str = ""
    html: str = ""
    entities: list = field(default_factory=list)
    reply_markup: dict | None = None
    document: SentDocument | None = None
    edited: bool = False
    deleted: bool = False
    history: list[BotMessage] = field(default_factory=list)  # earlier versions


@dataclass
class _Chat:
    bot_id: int
    user_id: int
    started: bool = False
    blocked: bool = False
    next_message_id: int = 1
    messages: dict[int, _Message] = field(default_factory=dict)
    order: list[_Message] = field(default_factory=list)
    # (seq, kind, snapshot); kind in {"sent", "edited", "deleted"}; bot messages only
    events: list[tuple[int, str, BotMessage]] = field(default_factory=list)
    reply_keyboard: tuple[tuple[str, ...], ...] | None = None
    chat_instance: str = field(default_factory=lambda: str(secrets.randbits(62)))
    kind: str = "private"  # or "group" / "supergroup" / "channel" (then user_id is the chat id)
    title: str = ""


@dataclass
class _Bot:
    id: int
    token: str
    username: str
    first_name: str
    updates: list[dict] = field(default_factory=list)
    next_update_id: int = 100_000
    commands: dict[tuple, list[dict]] = field(default_factory=dict)
    allowed_updates: list[str] | None = None
    poll_count: int = 0
    poll_generation: int = 0
    delivered_up_to: int = 0  # highest update_id ever returned by getUpdates
    webhook: _Webhook | None = None  # set by setWebhook; updates are then posted, not polled
    webhook_set_count: int = 0
    webhook_attempts: list[tuple[int, str | None]] = field(default_factory=list)  # (id, error)

    @property
    def user_dict(self) -> dict:
        return {"id": self.id, "is_bot": True, "first_name": self.first_name,
                "username": self.username}


@dataclass
class _File:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None
    mime_type: str | None


@dataclass
class _Fault:
    method: str
    chat_id: Any
    remaining: int
    error: TelegramError
    until: float | None = None  # an outage: every matching call fails until then (double clock)


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float
    stamp: float

    def take(self, now: float) -> float:
        """Consume one token; return 0 on success or seconds to wait."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


def _norm_params(params: dict) -> dict:
    out = {}
    for key, value in params.items():
        if isinstance(value, str):
            if key in _INT_PARAMS:
                try:
                    value = int(value)
                except ValueError:
                    pass
            elif key in _BOOL_PARAMS:
                value = value.lower() in ("true", "1")
            elif key in _JSON_PARAMS:
                try:
                    value = json.loads(value)
                except ValueError:
                    if key == "reply_markup":
                        raise _bad("can't parse reply keyboard markup JSON object") from None
                    raise _bad(f"can't parse {key} JSON object") from None
        out[key] = value
    return out


def _norm_buttons(markup: dict | None) -> tuple[tuple[Button, ...], ...]:
    if not markup or "inline_keyboard" not in markup:
        return ()
    return tuple(
        tuple(Button(b.get("text", ""), b.get("callback_data"), b.get("url")) for b in row)
        for row in markup["inline_keyboard"]
    )


def _norm_keyboard(markup: dict | None) -> tuple[tuple[str, ...], ...] | None:
    if not markup or "keyboard" not in markup:
        return None
    return tuple(
        tuple(b if isinstance(b, str) else b.get("text", "") for b in row)
        for row in markup["keyboard"]
    )


class FakeTelegram:
    """The Bot API double's state and behaviour. Thread-safe."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "cashbot_test_bot",
        bot_first_name: str = "Cashbot Test",
        accept_any_token: bool = True,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self.default_token = token
        self._username = bot_username
        self._first_name = bot_first_name
        self._accept_any = accept_any_token
        self._clock = clock
        self._wall = wall_clock
        self._bots: dict[int, _Bot] = {}
        self._tokens: dict[str, _Bot] = {}
        self._users: dict[int, User] = {}
        self._chats: dict[tuple[int, int], _Chat] = {}
        self._files: dict[str, _File] = {}
        self._files_by_path: dict[str, _File] = {}
        self._callbacks: dict[str, dict] = {}  # query id -> {"answered": bool, "answer": ...}
        self._calls: list[Call] = []
        self._faults: list[_Fault] = []
        self._stalls: list[_Fault] = []  # HTTP front only: hold the request, then fail it
        self.stalled: list[tuple[str, dict]] = []  # (method, params) of requests held so far
        self._flood: tuple[tuple[float, float], tuple[float, float]] | None = None
        self._buckets: dict[Any, _Bucket] = {}
        self._seq = itertools.count(1)
        self._ids = itertools.count(1)
        self._closed = False
        self._diagnostics: list[tuple[str, Callable[[], str]]] = []
        self.register_bot(token, username=bot_username, first_name=bot_first_name)
        self._handlers: dict[str, Callable[[_Bot, dict], Any]] = {
            name.lower(): getattr(self, "_m_" + name) for name in (
                "getMe", "logOut", "close", "getUpdates", "deleteWebhook", "getWebhookInfo",
                "setMyCommands", "getMyCommands", "deleteMyCommands", "sendMessage",
                "editMessageText", "editMessageReplyMarkup", "editMessageCaption",
                "deleteMessage", "answerCallbackQuery", "sendDocument", "getFile",
                "sendChatAction", "getChat", "setWebhook",
            )
        }
        self._canonical = {name[3:].lower(): name[3:] for name in dir(self)
                           if name.startswith("_m_")}
        from .inline import InlineMode  # inline mode lives in inline.py, built on this module

        self.inline = InlineMode(self)
        self._handlers["answerinlinequery"] = self.inline.answer_inline_query
        self._canonical["answerinlinequery"] = "answerInlineQuery"

    # ------------------------------------------------------------------ bots & tokens

    def register_bot(self, token: str, *, username: str | None = None,
                     first_name: str | None = None) -> None:
        """Make a token valid (needed only with accept_any_token=False or to name the bot)."""
        m = _TOKEN_RE.match(token)
        if not m:
            raise ValueError(f"malformed bot token {token!r}")
        with self._cond:
            bot_id = int(m.group(1))
            bot = self._bots.get(bot_id)
            if bot is None:
                bot = _Bot(bot_id, token, username or self._username,
                           first_name or self._first_name)
                self._bots[bot_id] = bot
            else:
                bot.username = username or bot.username
                bot.first_name = first_name or bot.first_name
            self._tokens[token] = bot

    def _bot_for_token(self, token: str) -> _Bot:
        bot = self._tokens.get(token)
        if bot is not None:
            return bot
        m = _TOKEN_RE.match(token or "")
        if not m or not self._accept_any or int(m.group(1)) in self._bots:
            # unknown secret for a known bot id is a wrong token, too
            raise TelegramError(401, "Unauthorized")
        self.register_bot(token)
        return self._tokens[token]

    def bot_id(self, token: str | None = None) -> int:
        return self._bot_for_token(token or self.default_token).id

    # ------------------------------------------------------------------ bot-facing API

    def call(self, token: str, method: str, params: dict | None = None) -> Any:
        """Execute one Bot API method; return its result or raise TelegramError."""
        params = params or {}
        with self._cond:
            bot = None
            canonical = self._canonical.get(method.lower(), method)
            try:
                bot = self._bot_for_token(token)
                handler = self._handlers.get(method.lower())
                if handler is None:
                    raise TelegramError(404, "Not Found")
                params = _norm_params(params)
                self._check_faults(canonical, params)
                if self._flood is not None and method.lower() in _FLOOD_METHODS:
                    self._check_flood(bot, params)
                result = handler(bot, params)
            except TelegramError as e:
                self._record(Call(canonical, params, token, None, e, self._wall()))
                raise
            self._record(Call(canonical, params, token, result, None, self._wall()))
            return result

    def _record(self, call: Call) -> None:
        self._calls.append(call)
        self._cond.notify_all()

    def _check_faults(self, method: str, params: dict) -> None:
        for fault in list(self._faults):
            if fault.method != method.lower():
                continue
            if fault.chat_id is not None and str(params.get("chat_id")) != str(fault.chat_id):
                continue
            if fault.until is not None:
                if self._clock() >= fault.until:
                    self._faults.remove(fault)
                    continue
                raise fault.error
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            raise fault.error

    def _check_flood(self, bot: _Bot, params: dict) -> None:
        (chat_rate, chat_burst), (glob_rate, glob_burst) = self._flood
        now = self._clock()
        keys = [((bot.id, "chat", str(params.get("chat_id"))), chat_rate, chat_burst),
                ((bot.id, "global"), glob_rate, glob_burst)]
        for key, rate, burst in keys:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(rate, burst, burst, now)
            wait = bucket.take(now)
            if wait > 0:
                retry = max(1, math.ceil(wait))
                raise TelegramError(429, f"Too Many Requests: retry after {retry}", retry)

    # -- helpers

    def _chat_for_send(self, bot: _Bot, params: dict, *, sending: bool = True) -> _Chat:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        chat = self._chats.get((bot.id, chat_id)) if isinstance(chat_id, int) else None
        if chat is None or not chat.started:
            raise _bad("chat not found")
        if chat.blocked and sending:
            raise TelegramError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _chat_dict(self, chat: _Chat) -> dict:
        if chat.kind != "private":
            return {"id": chat.user_id, "type": chat.kind, "title": chat.title}
        user = self._users[chat.user_id]
        d = {"id": user.id, "type": "private", "first_name": user.first_name}
        if user.last_name:
            d["last_name"] = user.last_name
        if user.username:
            d["username"] = user.username
        return d

    def _parse_text(self, text: Any, parse_mode: Any, entities: Any,
                    *, caption: bool = False) -> tuple[str, list]:
        text = "" if text is None else str(text)
        parse_mode = getattr(parse_mode, "value", parse_mode)  # an enum from the in-process front
        if parse_mode and str(parse_mode).lower() == "html":
            try:
                visible, ents = parse_html(text)
            except HtmlParseError as e:
                raise _bad(f"can't parse entities: {e}") from None
        elif parse_mode and str(parse_mode).lower() not in ("markdown", "markdownv2"):
            raise _bad("unsupported parse_mode")
        else:
            # Markdown modes are not modelled: text is shown as sent.
            visible, ents = text, list(entities or [])
        if not caption and not visible.strip():
            raise _bad("message text is empty")
        limit = MAX_CAPTION if caption else MAX_TEXT
        if len(visible) > limit:
            raise _bad("message caption is too long" if caption else "message is too long")
        return visible, ents

    def _check_markup(self, markup: Any) -> dict | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be "
                           "an Object")
            for row in rows:
                for b in row:
                    if not isinstance(b, dict) or "text" not in b:
                        raise _bad("can't parse inline keyboard button: Text must be a String")
                    if "callback_data" in b:
                        data = b["callback_data"]
                        if not isinstance(data, str) or not data or \
                                len(data.encode("utf-8")) > MAX_CALLBACK_DATA:
                            raise _bad("BUTTON_DATA_INVALID")
                    elif "url" in b:
                        if not re.match(r"^(https?|tg)://\S+$", str(b["url"])):
                            raise _bad("BUTTON_URL_INVALID")
                    elif not any(k in b for k in (
                            "switch_inline_query", "switch_inline_query_current_chat",
                            "web_app", "login_url", "pay", "callback_game", "copy_text",
                            "switch_inline_query_chosen_chat")):
                        raise _bad("text buttons are unallowed in the inline keyboard")
        elif "keyboard" in markup:
            if not isinstance(markup["keyboard"], list):
                raise _bad("can't parse reply keyboard markup JSON object")
        return markup

    def _new_message(self, bot: _Bot, chat: _Chat, *, outgoing: bool, body: dict,
                     sender: dict | None = None) -> _Message:
        mid = chat.next_message_id
        chat.next_message_id += 1
        date = int(self._wall())
        if sender is None:
            sender = bot.user_dict if outgoing else self._users[chat.user_id].user_dict
        raw = {"message_id": mid, "from": sender, "chat": self._chat_dict(chat), "date": date,
               **body}
        if chat.kind == "channel":
            del raw["from"]  # channel posts have no sender
            raw["sender_chat"] = raw["chat"]
        msg = _Message(mid, outgoing, date, raw)
        chat.messages[mid] = msg
        chat.order.append(msg)
        return msg

    def _snapshot(self, chat: _Chat, msg: _Message) -> BotMessage:
        markup = msg.reply_markup or {}
        return BotMessage(
            message_id=msg.message_id, chat_id=chat.user_id, outgoing=msg.outgoing,
            text=msg.text, html=msg.html, buttons=_norm_buttons(markup),
            reply_keyboard=_norm_keyboard(markup),
            remove_keyboard=bool(markup.get("remove_keyboard")),
            document=msg.document, edited=msg.edited, deleted=msg.deleted, date=msg.date,
        )

    def _emit(self, chat: _Chat, kind: str, msg: _Message) -> None:
        chat.events.append((next(self._seq), kind, self._snapshot(chat, msg)))
        self._cond.notify_all()

    def _apply_keyboard(self, chat: _Chat, markup: dict | None) -> None:
        if not markup:
            return
        if "keyboard" in markup:
            chat.reply_keyboard = _norm_keyboard(markup)
        elif markup.get("remove_keyboard"):
            chat.reply_keyboard = None

    def _push_update(self, bot: _Bot, kind: str, payload: dict) -> int:
        update_id = bot.next_update_id
        bot.next_update_id += 1
        bot.updates.append({"update_id": update_id, kind: payload})
        self._cond.notify_all()
        return update_id

    def _find_own_message(self, bot: _Bot, params: dict, *, what: str) -> tuple[_Chat, _Message]:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat = self._chat_for_send(bot, params)
        mid = params.get("message_id")
        if mid is None:
            raise _bad("message identifier is not specified")
        msg = chat.messages.get(mid) if isinstance(mid, int) else None
        if msg is None or msg.deleted:
            raise _bad(f"message to {what} not found")
        return chat, msg

    # -- methods

    def _m_getMe(self, bot: _Bot, p: dict) -> dict:
        return {**bot.user_dict, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}

    def _m_logOut(self, bot: _Bot, p: dict) -> bool:
        return True

    def _m_close(self, bot: _Bot, p: dict) -> bool:
        return True

    def _m_getChat(self, bot: _Bot, p: dict) -> dict:
        chat = self._chat_for_send(bot, p, sending=False)
        return {**self._chat_dict(chat), "accent_color_id": 0, "max_reaction_count": 11}

    def _m_deleteWebhook(self, bot: _Bot, p: dict) -> bool:
        if p.get("drop_pending_updates"):
            bot.updates.clear()
        bot.webhook = None
        return True

    def _m_setWebhook(self, bot: _Bot, p: dict) -> bool:
        return set_webhook(self, bot, p)

    def _m_getWebhookInfo(self, bot: _Bot, p: dict) -> dict:
        return webhook_info(bot)

    def _allowed(self, bot: _Bot, update: dict) -> bool:
        kind = next(k for k in update if k != "update_id")
        if bot.allowed_updates:
            return kind in bot.allowed_updates
        return kind not in _DEFAULT_EXCLUDED_UPDATES

    def _m_getUpdates(self, bot: _Bot, p: dict) -> list[dict]:
        if bot.webhook is not None:
            raise TelegramError(409, WEBHOOK_CONFLICT)
        offset = p.get("offset")
        limit = p.get("limit") or 100
        limit = max(1, min(100, int(limit)))
        timeout = max(0.0, float(p.get("timeout") or 0))
        if "allowed_updates" in p and p["allowed_updates"] is not None:
            bot.allowed_updates = list(p["allowed_updates"])
        if isinstance(offset, int) and offset != 0:
            if offset > 0:
                bot.updates = [u for u in bot.updates if u["update_id"] >= offset]
            else:
                bot.updates = bot.updates[offset:]
        bot.poll_count += 1
        bot.poll_generation += 1
        generation = bot.poll_generation
        self._cond.notify_all()  # wakes an older long poll (it gets 409) and wait_polling
        deadline = self._clock() + timeout
        while True:
            if self._closed:
                return []
            if bot.poll_generation != generation:
                raise TelegramError(409, CONFLICT)
            if bot.webhook is not None:
                raise TelegramError(409, WEBHOOK_CONFLICT)
            bot.updates = [u for u in bot.updates if self._allowed(bot, u)]
            batch = bot.updates[:limit]
            remaining = deadline - self._clock()
            if batch or remaining <= 0:
                if batch:
                    bot.delivered_up_to = max(bot.delivered_up_to, batch[-1]["update_id"])
                return batch
            self._cond.wait(remaining)

    def _scope_key(self, bot: _Bot, p: dict, *, check_chat: bool = True) -> tuple:
        scope = p.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise _bad("can't parse BotCommandScope JSON object")
        kind = scope["type"]
        if kind in ("default", "all_private_chats", "all_group_chats",
                    "all_chat_administrators"):
            key: tuple = (kind,)
        elif kind in ("chat", "chat_administrators", "chat_member"):
            chat_id = scope.get("chat_id")
            try:
                chat_id = int(chat_id)
            except (TypeError, ValueError):
                raise _bad("chat not found") from None
            chat = self._chats.get((bot.id, chat_id))
            if check_chat and (chat is None or not chat.started):
                raise _bad("chat not found")
            key = (kind, chat_id)
            if kind == "chat_member":
                key += (int(scope.get("user_id", 0)),)
        else:
            raise _bad("wrong bot command scope type specified")
        return key + (p.get("language_code") or "",)

    def _m_setMyCommands(self, bot: _Bot, p: dict) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("too many commands specified")
        clean = []
        for c in commands:
            if not isinstance(c, dict) or not _COMMAND_RE.match(str(c.get("command", ""))):
                raise _bad("BOT_COMMAND_INVALID")
            desc = str(c.get("description", ""))
            if not 1 <= len(desc) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": c["command"], "description": desc})
        key = self._scope_key(bot, p)
        if clean:
            bot.commands[key] = clean
        else:
            bot.commands.pop(key, None)
        return True

    def _m_getMyCommands(self, bot: _Bot, p: dict) -> list[dict]:
        return list(bot.commands.get(self._scope_key(bot, p), []))

    def _m_deleteMyCommands(self, bot: _Bot, p: dict) -> bool:
        bot.commands.pop(self._scope_key(bot, p), None)
        return True

    def _m_sendMessage(self, bot: _Bot, p: dict) -> dict:
        chat = self._chat_for_send(bot, p)
        visible, entities = self._parse_text(p.get("text"), p.get("parse_mode"),
                                             p.get("entities"))
        markup = self._check_markup(p.get("reply_markup"))
        body: dict = {"text": visible}
        if entities:
            body["entities"] = entities
        if markup and "inline_keyboard" in markup:
            body["reply_markup"] = markup
        msg = self._new_message(bot, chat, outgoing=True, body=body)
        msg.text, msg.html, msg.entities, msg.reply_markup = (
            visible, str(p.get("text")), entities, markup)
        self._apply_keyboard(chat, markup)
        self._emit(chat, "sent", msg)
        return msg.raw

    def _edit(self, chat: _Chat, msg: _Message, *, text: str | None, html: str | None,
              entities: list | None, markup: dict | None, caption: bool = False) -> dict:
        if not msg.outgoing:
            raise _bad("message can't be edited")
        new_text = msg.text if text is None else text
        new_entities = msg.entities if entities is None else entities
        old_markup = msg.reply_markup if (msg.reply_markup or {}).get("inline_keyboard") else None
        if new_text == msg.text and new_entities == msg.entities and markup == old_markup:
            raise TelegramError(400, NOT_MODIFIED)
        msg.history.append(self._snapshot(chat, msg))
        msg.text, msg.entities, msg.reply_markup, msg.edited = (
            new_text, new_entities, markup, True)
        if html is not None:
            msg.html = html
        raw = dict(msg.raw)
        key = "caption" if msg.document is not None else "text"
        raw[key] = new_text
        ent_key = "caption_entities" if key == "caption" else "entities"
        raw.pop(ent_key, None)
        if new_entities:
            raw[ent_key] = new_entities
        raw.pop("reply_markup", None)
        if markup:
            raw["reply_markup"] = markup
        raw["edit_date"] = int(self._wall())
        msg.raw = raw
        self._emit(chat, "edited", msg)
        return raw

    def _m_editMessageText(self, bot: _Bot, p: dict) -> dict:
        chat, msg = self._find_own_message(bot, p, what="edit")
        if msg.document is not None:
            raise _bad("there is no text in the message to edit")
        visible, entities = self._parse_text(p.get("text"), p.get("parse_mode"),
                                             p.get("entities"))
        markup = self._check_markup(p.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise _bad("inline keyboard expected")
        return self._edit(chat, msg, text=visible, html=str(p.get("text")), entities=entities,
                          markup=markup)

    def _m_editMessageCaption(self, bot: _Bot, p: dict) -> dict:
        chat, msg = self._find_own_message(bot, p, what="edit")
        if msg.document is None:
            raise _bad("there is no caption in the message to edit")
        visible, entities = self._parse_text(p.get("caption"), p.get("parse_mode"),
                                             p.get("caption_entities"), caption=True)
        markup = self._check_markup(p.get("reply_markup"))
        return self._edit(chat, msg, text=visible, html=str(p.get("caption") or ""),
                          entities=entities, markup=markup)

    def _m_editMessageReplyMarkup(self, bot: _Bot, p: dict) -> dict:
        chat, msg = self._find_own_message(bot, p, what="edit")
        markup = self._check_markup(p.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise _bad("inline keyboard expected")
        if markup is not None and not markup["inline_keyboard"]:
            markup = None
        return self._edit(chat, msg, text=None, html=None, entities=None, markup=markup)

    def _m_deleteMessage(self, bot: _Bot, p: dict) -> bool:
        chat = self._chat_for_send(bot, p, sending=False)
        mid = p.get("message_id")
        if mid is None:
            raise _bad("message identifier is not specified")
        msg = chat.messages.get(mid) if isinstance(mid, int) else None
        if msg is None or msg.deleted:
            raise _bad("message to delete not found")
        msg.deleted = True
        if msg.outgoing:
            self._emit(chat, "deleted", msg)
        else:
            self._cond.notify_all()
        return True

    def _m_answerCallbackQuery(self, bot: _Bot, p: dict) -> bool:
        qid = str(p.get("callback_query_id") or "")
        query = self._callbacks.get(qid)
        if query is None or query["answered"] or query["bot_id"] != bot.id:
            raise TelegramError(400, QUERY_TOO_OLD)
        query["answered"] = True
        query["answer"] = {"text": p.get("text"), "show_alert": bool(p.get("show_alert")),
                           "url": p.get("url")}
        self._cond.notify_all()
        return True

    def _m_sendChatAction(self, bot: _Bot, p: dict) -> bool:
        self._chat_for_send(bot, p)
        if p.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _store_file(self, data: bytes, file_name: str | None, mime_type: str | None,
                    kind: str = "documents") -> _File:
        n = next(self._ids)
        ext = ""
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1]
        f = _File(file_id="BQACAgIAAxkBAAI" + secrets.token_urlsafe(24),
                  file_unique_id="AgAD" + secrets.token_urlsafe(8),
                  file_path=f"{kind}/file_{n}{ext}", data=data, file_name=file_name,
                  mime_type=mime_type)
        self._files[f.file_id] = f
        self._files_by_path[f.file_path] = f
        return f

    def _m_sendDocument(self, bot: _Bot, p: dict) -> dict:
        chat = self._chat_for_send(bot, p)
        doc = p.get("document")
        if isinstance(doc, InputFileData):
            if not doc.data:
                raise _bad("file must be non-empty")
            mime = doc.content_type
            if not mime or mime == "application/octet-stream":
                mime = mimetypes.guess_type(doc.filename)[0] or "application/octet-stream"
            f = self._store_file(doc.data, doc.filename, mime)
        elif isinstance(doc, str) and doc:
            if doc.startswith("attach://"):
                raise _bad("there is no document in the request")
            if doc.startswith(("http://", "https://")):
                raise _bad("failed to get HTTP URL content")
            f = self._files.get(doc)
            if f is None:
                raise _bad("wrong file identifier/HTTP URL specified")
        else:
            raise _bad("there is no document in the request")
        visible, entities = self._parse_text(p.get("caption"), p.get("parse_mode"),
                                             p.get("caption_entities"), caption=True)
        markup = self._check_markup(p.get("reply_markup"))
        document = {"file_id": f.file_id, "file_unique_id": f.file_unique_id,
                    "file_size": len(f.data)}
        if f.file_name:
            document["file_name"] = f.file_name
        if f.mime_type:
            document["mime_type"] = f.mime_type
        body: dict = {"document": document}
        if visible:
            body["caption"] = visible
        if entities:
            body["caption_entities"] = entities
        if markup and "inline_keyboard" in markup:
            body["reply_markup"] = markup
        msg = self._new_message(bot, chat, outgoing=True, body=body)
        msg.text, msg.html, msg.entities, msg.reply_markup = (
            visible, str(p.get("caption") or ""), entities, markup)
        msg.document = SentDocument(f.file_name or "document", f.data, f.mime_type, f.file_id)
        self._apply_keyboard(chat, markup)
        self._emit(chat, "sent", msg)
        return msg.raw

    def _m_getFile(self, bot: _Bot, p: dict) -> dict:
        f = self._files.get(str(p.get("file_id") or ""))
        if f is None:
            raise _bad("invalid file_id")
        if len(f.data) > MAX_DOWNLOAD:
            raise _bad("file is too big")
        return {"file_id": f.file_id, "file_unique_id": f.file_unique_id,
                "file_size": len(f.data), "file_path": f.file_path}

    def download(self, token: str, file_path: str) -> bytes:
        """Bytes behind `/file/bot<token>/<file_path>`; TelegramError 401/404 otherwise."""
        with self._cond:
            self._bot_for_token(token)
            f = self._files_by_path.get(file_path)
            if f is None:
                raise TelegramError(404, "Not Found")
            return f.data

    # ------------------------------------------------------------------ test-facing API

    def user(self, user_id: int, first_name: str = "User", last_name: str | None = None,
             *, username: str | None = None, language_code: str | None = "ru",
             token: str | None = None) -> User:
        """A simulated person (created once; later calls return the same handle)."""
        with self._cond:
            existing = self._users.get(user_id)
            if existing is not None:
                return existing
            bot = self._bot_for_token(token or self.default_token)
            u = User(self, user_id, first_name, last_name, username, language_code, bot.id)
            self._users[user_id] = u
            self._chats[(bot.id, user_id)] = _Chat(bot.id, user_id)
            return u

    def group(self, chat_id: int, title: str = "Команда", *, kind: str = "supergroup",
              token: str | None = None) -> Group:
        """A group, supergroup or channel the bot is a member of (chat ids are negative)."""
        if chat_id >= 0 or kind not in ("group", "supergroup", "channel"):
            raise ValueError("a group chat needs a negative id and a group kind")
        with self._cond:
            bot = self._bot_for_token(token or self.default_token)
            chat = self._chats.get((bot.id, chat_id))
            if chat is None:
                chat = _Chat(bot.id, chat_id, started=True, kind=kind, title=title)
                self._chats[(bot.id, chat_id)] = chat
            return Group(self, chat)

    def calls(self, method: str | None = None, *, chat_id: int | None = None,
              ok: bool | None = None) -> list[Call]:
        """Recorded calls, oldest first, optionally filtered."""
        with self._cond:
            return [c for c in self._calls if self._call_matches(c, method, chat_id, ok)]

    @staticmethod
    def _call_matches(c: Call, method: str | None, chat_id: Any, ok: bool | None) -> bool:
        return ((method is None or c.method.lower() == method.lower())
                and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
                and (ok is None or c.ok == ok))

    def clear_calls(self) -> None:
        with self._cond:
            self._calls.clear()

    def wait_call(self, method: str, predicate: Callable[[Call], bool] | None = None, *,
                  chat_id: int | None = None, ok: bool | None = None,
                  after: int = 0, timeout: float = DEFAULT_TIMEOUT) -> Call:
        """Wait for a recorded call (index >= after) of `method` matching `predicate`."""
        def find():
            for c in self._calls[after:]:
                if self._call_matches(c, method, chat_id, ok) and (
                        predicate is None or predicate(c)):
                    return c
            return None
        return self.wait_until(find, timeout, lambda: f"no {method} call matched")

    def call_count(self) -> int:
        with self._cond:
            return len(self._calls)

    def commands(self, scope: str | dict | None = None, language_code: str = "", *,
                 token: str | None = None) -> list[dict]:
        """What setMyCommands stored for exactly this scope: [{"command", "description"}]."""
        if scope is None:
            scope = {"type": "default"}
        elif isinstance(scope, str):
            scope = {"type": scope}
        with self._cond:
            bot = self._bot_for_token(token or self.default_token)
            key = self._scope_key(bot, {"scope": scope, "language_code": language_code},
                                  check_chat=False)
            return [dict(c) for c in bot.commands.get(key, [])]

    def all_commands(self, *, token: str | None = None) -> dict[tuple, list[dict]]:
        """Every stored command list keyed by (scope type, [chat_id,] language_code)."""
        with self._cond:
            bot = self._bot_for_token(token or self.default_token)
            return {k: [dict(c) for c in v] for k, v in bot.commands.items()}

    def poll_count(self, token: str | None = None) -> int:
        with self._cond:
            return self._bot_for_token(token or self.default_token).poll_count

    def wait_polling(self, token: str | None = None, timeout: float = DEFAULT_TIMEOUT, *,
                     since: int = 0) -> None:
        """Wait until the bot has called getUpdates more than `since` times in total."""
        bot = self._bot_for_token(token or self.default_token)
        self.wait_until(lambda: bot.poll_count > since or None, timeout,
                        lambda: f"bot {bot.id} did not call getUpdates")

    def pending_updates(self, token: str | None = None) -> list[dict]:
        """Updates not yet confirmed by the bot (a later getUpdates offset confirms them)."""
        with self._cond:
            return list(self._bot_for_token(token or self.default_token).updates)

    def wait_updates_taken(self, token: str | None = None,
                           timeout: float = DEFAULT_TIMEOUT) -> None:
        """Wait until every update created so far was confirmed by the bot (offset moved on).
        Says the bot *received* them, not that its handlers have finished."""
        bot = self._bot_for_token(token or self.default_token)
        with self._cond:
            last = bot.next_update_id - 1
        self.wait_until(
            lambda: all(u["update_id"] > last for u in bot.updates) or None, timeout,
            lambda: f"bot did not confirm updates up to {last}")

    def take_updates(self, token: str | None = None) -> list[dict]:
        """Remove and return all pending updates (for in-process feeding, no polling)."""
        with self._cond:
            bot = self._bot_for_token(token or self.default_token)
            batch = [u for u in bot.updates if self._allowed(bot, u)]
            bot.updates.clear()
            return batch

    def callback_answer(self, query_id: str) -> dict | None:
        """{"text", "show_alert", "url"} once the bot answered the query, else None."""
        with self._cond:
            q = self._callbacks.get(query_id)
            return None if q is None else q["answer"]

    def set_flood_control(self, enabled: bool = True, *, per_chat: tuple[float, float] = (1.0, 3),
                          global_: tuple[float, float] = (30.0, 30)) -> None:
        """Turn Telegram-like flood limits on: (rate per second, burst) per chat and per bot."""
        with self._cond:
            self._flood = (per_chat, global_) if enabled else None
            self._buckets.clear()

    def inject_error(self, method: str, *, chat_id: int | None = None, times: int = 1,
                     error_code: int = 500, description: str | None = None,
                     retry_after: int | None = None) -> None:
        """The next `times` calls of `method` (to `chat_id`, if given) fail with this error."""
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after or 1}",
                500: "Internal Server Error", 502: "Bad Gateway",
                400: "Bad Request", 403: "Forbidden", 409: CONFLICT,
            }.get(error_code, "Error")
        if error_code == 429 and retry_after is None:
            retry_after = 1
        with self._cond:
            canonical = self._canonical.get(method.lower(), method)
            self._faults.append(_Fault(canonical.lower(), chat_id, times,
                                       TelegramError(error_code, description, retry_after)))

    def inject_stall(self, method: str, seconds: float, *, chat_id: int | None = None) -> None:
        """The next call of `method` (to `chat_id`, if given) hangs for `seconds` and then fails
        with 504 without taking effect: a request in flight when the bot is killed. Only the
        HTTP front (BotApiDouble) honours it."""
        with self._cond:
            canonical = self._canonical.get(method.lower(), method)
            self._stalls.append(_Fault(canonical.lower(), chat_id, 1, TelegramError(504, "Gateway Timeout"),
                                       until=seconds))

    def take_stall(self, method: str, params: dict) -> tuple[float, TelegramError] | None:
        """For the HTTP front: how long to hold this request, and the error to answer then."""
        with self._cond:
            canonical = self._canonical.get(method.lower(), method).lower()
            for stall in self._stalls:
                if stall.method == canonical and (
                        stall.chat_id is None or str(params.get("chat_id")) == str(stall.chat_id)):
                    self._stalls.remove(stall)
                    self.stalled.append((canonical, dict(params)))
                    self._cond.notify_all()
                    return stall.until, stall.error
            return None

    def inject_outage(self, method: str, seconds: float, *, error_code: int = 502,
                      description: str = "Bad Gateway") -> None:
        """Every call of `method` fails with this error for the next `seconds` (a short
        Telegram outage; a 5xx is what clients see of one)."""
        with self._cond:
            canonical = self._canonical.get(method.lower(), method)
            self._faults.append(_Fault(canonical.lower(), None, 0, TelegramError(error_code, description),
                                       until=self._clock() + seconds))

    def add_diagnostic(self, name: str, provider: Callable[[], str]) -> None:
        """Text appended to every wait failure (e.g. the bot process log tail)."""
        self._diagnostics.append((name, provider))

    def remove_diagnostic(self, provider: Callable[[], str]) -> None:
        self._diagnostics = [(n, p) for n, p in self._diagnostics if p != provider]

    def notify(self) -> None:
        """Wake every waiter so it re-checks its condition (e.g. a watched process exited)."""
        with self._cond:
            self._cond.notify_all()

    def wait(self, probe: Callable[[], Any], timeout: float) -> Any:
        """Like wait_until, but returns None on timeout instead of failing."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = probe()
                if found:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)

    def wait_until(self, probe: Callable[[], Any], timeout: float,
                   describe: Callable[[], str] | str, chat: _Chat | None = None) -> Any:
        """Call `probe()` under the lock until it returns something truthy; event-driven."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = probe()
                if found:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    what = describe() if callable(describe) else describe
                    raise AssertionError(
                        f"{what} within {timeout:g} s\n" + self.report(chat))
                self._cond.wait(remaining)

    def report(self, chat: _Chat | None = None) -> str:
        """Human-readable state for failure messages: chat transcript, errors, diagnostics."""
        with self._cond:
            parts = []
            if chat is not None:
                parts.append(self._describe_chat(chat))
            errors = [c for c in self._calls if c.error is not None
                      and (chat is None or str(c.params.get("chat_id")) == str(chat.user_id)
                           or c.method in ("answerCallbackQuery", "getUpdates"))]
            if errors:
                parts.append("--- failed API calls (last 10) ---\n" +
                             "\n".join(f"  {c!r}" for c in errors[-10:]))
            for name, provider in self._diagnostics:
                try:
                    parts.append(f"--- {name} ---\n{provider()}")
                except Exception as e:  # noqa: BLE001 - diagnostics must not hide the failure
                    parts.append(f"--- {name} --- (failed: {e!r})")
            return "\n".join(parts)

    def _describe_chat(self, chat: _Chat) -> str:
        u = self._users[chat.user_id]
        head = f"--- chat {u.id} ({u.first_name}{' @' + u.username if u.username else ''})"
        if chat.blocked:
            head += " [bot blocked]"
        lines = [head + " transcript ---"]
        for msg in chat.order[-40:]:
            lines.append("  " + self._snapshot(chat, msg).describe())
        if len(chat.order) > 40:
            lines.insert(1, f"  … {len(chat.order) - 40} earlier messages")
        if not chat.order:
            lines.append("  (empty)")
        return "\n".join(lines)

    def close(self) -> None:
        """Wake every waiter; long polls return [] from now on."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    # ------------------------------------------------------------------ webhooks (webhook module below)

    def webhook_set_count(self, token: str | None = None) -> int:
        """How many times the bot called setWebhook with a URL."""
        with self._cond:
            return self._bot_for_token(token or self.default_token).webhook_set_count

    def webhook_attempts(self, token: str | None = None) -> list[tuple[int, str | None]]:
        """Every delivery to the webhook so far: (update_id, None if answered 2xx else the error)."""
        with self._cond:
            return list(self._bot_for_token(token or self.default_token).webhook_attempts)

    def next_webhook_delivery(self) -> tuple[_Bot, _Webhook, dict] | None:
        """Block until an update is due for some bot's webhook; None once closed."""
        return next_webhook_delivery(self)

    def webhook_delivered(self, bot: _Bot, hook: _Webhook, update: dict, error: str | None) -> None:
        webhook_delivered(self, bot, hook, update, error)


def _text_body(text: str) -> dict:
    """A typed text message as Telegram delivers it: a leading /command gets its entity."""
    body: dict = {"text": text}
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        body["entities"] = [{"type": "bot_command", "offset": 0,
                             "length": len(command.encode("utf-16-le")) // 2}]
    return body


class User:
    """A simulated Telegram user talking to a bot in a private chat. Thread-safe.

    "New" bot messages for `wait_for` are those sent (or edited) after this user's latest
    action (send / press / send_document / block / unblock) or after the previous match.
    """

    def __init__(self, tg: FakeTelegram, user_id: int, first_name: str, last_name: str | None,
                 username: str | None, language_code: str | None, bot_id: int) -> None:
        self._tg = tg
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.bot_id = bot_id
        self._cursor = 0  # seq of the last event already "seen" by wait_for

    def __repr__(self) -> str:
        handle = f" @{self.username}" if self.username else ""
        return f"<User {self.id} {self.first_name!r}{handle}>"

    @property
    def user_dict(self) -> dict:
        d = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            d["last_name"] = self.last_name
        if self.username:
            d["username"] = self.username
        if self.language_code:
            d["language_code"] = self.language_code
        return d

    @property
    def _chat(self) -> _Chat:
        return self._tg._chats[(self.bot_id, self.id)]

    @property
    def _bot(self) -> _Bot:
        return self._tg._bots[self.bot_id]

    def _mark_action(self) -> None:
        events = self._chat.events
        self._cursor = events[-1][0] if events else 0

    def _incoming(self, body: dict) -> _Message:
        chat = self._chat
        if chat.blocked:
            raise AssertionError(f"{self!r} has blocked the bot; call unblock() first")
        chat.started = True
        msg = self._tg._new_message(self._bot, chat, outgoing=False, body=body)
        msg.text = body.get("text", body.get("caption", ""))
        msg.html = msg.text
        self._mark_action()
        self._tg._push_update(self._bot, "message", msg.raw)
        return msg

    # -- actions

    def send(self, text: str) -> int:
        """Send a text message (commands like "/start payload" are just text).
        Returns the message_id of the user's message."""
        with self._tg._cond:
            body = _text_body(text)
            return self._incoming(body).message_id

    def send_document(self, file_name: str, data: bytes, mime_type: str | None = None, *,
                      caption: str | None = None) -> int:
        """Send a file; the bot can getFile + download it. Returns the message_id."""
        with self._tg._cond:
            mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
            f = self._tg._store_file(data, file_name, mime)
            document = {"file_name": file_name, "mime_type": mime, "file_id": f.file_id,
                        "file_unique_id": f.file_unique_id, "file_size": len(data)}
            body: dict = {"document": document}
            if caption:
                body["caption"] = caption
            return self._incoming(body).message_id

    def press(self, message: BotMessage | int | None = None, label: str | None = None, *,
              data: str | None = None) -> str:
        """Press an inline button on a bot message (by exact or unique partial text, or by
        callback data). `message` defaults to the latest bot message that has buttons.
        Returns the callback query id (see `wait_answer`)."""
        if isinstance(message, str) and label is None:  # press("Взять")
            message, label = None, message
        with self._tg._cond:
            chat = self._chat
            if chat.blocked:
                raise AssertionError(f"{self!r} has blocked the bot; call unblock() first")
            if message is None:
                candidates = [m for m in chat.order
                              if m.outgoing and not m.deleted and _norm_buttons(m.reply_markup)]
                if not candidates:
                    raise AssertionError(
                        "no bot message with inline buttons\n" + self._tg.report(chat))
                msg = candidates[-1]
            else:
                mid = message if isinstance(message, int) else message.message_id
                msg = chat.messages.get(mid)
                if msg is None or not msg.outgoing:
                    raise AssertionError(f"no bot message #{mid}\n" + self._tg.report(chat))
                if msg.deleted:
                    raise AssertionError(f"bot message #{mid} was deleted; cannot press\n"
                                         + self._tg.report(chat))
            snap = self._tg._snapshot(chat, msg)
            try:
                button = snap.find_button(label, data=data)
            except AssertionError as e:
                raise AssertionError(f"{e}\n{self._tg.report(chat)}") from None
            if button.callback_data is None:
                raise AssertionError(f"button {button.text!r} is not a callback button")
            qid = str(secrets.randbits(63))
            self._tg._callbacks[qid] = {"answered": False, "answer": None,
                                        "bot_id": self.bot_id}
            query = {"id": qid, "from": self.user_dict, "message": msg.raw,
                     "chat_instance": chat.chat_instance, "data": button.callback_data}
            self._mark_action()
            self._tg._push_update(self._bot, "callback_query", query)
            return qid

    def block(self) -> None:
        """Block the bot: every send to this user now fails with 403."""
        self._member_change("member", "kicked", blocked=True)

    def unblock(self) -> None:
        self._member_change("kicked", "member", blocked=False)

    def _member_change(self, old: str, new: str, *, blocked: bool) -> None:
        with self._tg._cond:
            chat = self._chat
            if chat.blocked == blocked:
                return
            chat.blocked = blocked
            bot_user = self._bot.user_dict
            old_m = {"status": old, "user": bot_user}
            new_m = {"status": new, "user": bot_user}
            if new == "kicked":
                new_m["until_date"] = 0
            if old == "kicked":
                old_m["until_date"] = 0
            self._mark_action()
            if chat.started:
                self._tg._push_update(self._bot, "my_chat_member", {
                    "chat": self._tg._chat_dict(chat), "from": self.user_dict,
                    "date": int(self._tg._wall()), "old_chat_member": old_m,
                    "new_chat_member": new_m})

    # -- what the user sees

    def messages(self, *, include_deleted: bool = False) -> list[BotMessage]:
        """Bot messages in this chat, current versions, oldest first."""
        with self._tg._cond:
            chat = self._chat
            return [self._tg._snapshot(chat, m) for m in chat.order
                    if m.outgoing and (include_deleted or not m.deleted)]

    def transcript(self) -> list[BotMessage]:
        """Every message both ways (deleted ones flagged), oldest first."""
        with self._tg._cond:
            chat = self._chat
            return [self._tg._snapshot(chat, m) for m in chat.order]

    def history(self, message: BotMessage | int) -> list[BotMessage]:
        """Earlier versions of an edited message, oldest first."""
        mid = message if isinstance(message, int) else message.message_id
        with self._tg._cond:
            return list(self._chat.messages[mid].history)

    def message(self, message: BotMessage | int) -> BotMessage:
        """Current version of one message."""
        mid = message if isinstance(message, int) else message.message_id
        with self._tg._cond:
            chat = self._chat
            return self._tg._snapshot(chat, chat.messages[mid])

    def last_message(self) -> BotMessage:
        msgs = self.messages()
        if not msgs:
            raise AssertionError(f"{self!r} has no messages from the bot\n"
                                 + self._tg.report(self._chat))
        return msgs[-1]

    def keyboard(self) -> tuple[tuple[str, ...], ...] | None:
        """The reply keyboard currently shown to the user (rows of button texts)."""
        with self._tg._cond:
            return self._chat.reply_keyboard

    @property
    def blocked(self) -> bool:
        return self._chat.blocked

    def report(self) -> str:
        return self._tg.report(self._chat)

    def wait_for(self, predicate: Callable[[BotMessage], bool] | str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, *, include_edits: bool = True) -> BotMessage:
        """Wait for a NEW bot message (or edit, unless include_edits=False) matching
        `predicate` (a callable on BotMessage, or a substring of its visible text; None:
        anything). Returns the snapshot as it was when sent/edited. timeout=0 checks once."""
        if isinstance(predicate, str):
            needle = predicate
            predicate = lambda m: needle in m.text  # noqa: E731
            what = f"a new bot message containing {needle!r}"
        else:
            what = "a new bot message matching the predicate"
        kinds = ("sent", "edited") if include_edits else ("sent",)

        def probe():
            events = self._chat.events
            start = bisect.bisect_right(events, self._cursor, key=lambda e: e[0])
            for seq, kind, snap in events[start:]:
                if kind not in kinds:
                    continue
                if predicate is None or predicate(snap):
                    self._cursor = seq
                    return snap
            return None

        return self._tg.wait_until(probe, timeout, f"{self!r} did not get {what}", self._chat)

    def wait_deleted(self, message: BotMessage | int,
                     timeout: float = DEFAULT_TIMEOUT) -> None:
        """Wait until a message (bot's or user's own) is deleted."""
        mid = message if isinstance(message, int) else message.message_id
        self._tg.wait_until(lambda: self._chat.messages[mid].deleted, timeout,
                            f"message #{mid} was not deleted", self._chat)

    def wait_answer(self, query_id: str, timeout: float = DEFAULT_TIMEOUT) -> dict:
        """Wait until the bot answered this callback query; returns {"text", "show_alert"}."""
        def probe():
            q = self._tg._callbacks[query_id]
            return q["answer"] if q["answered"] else None
        return self._tg.wait_until(probe, timeout,
                                   f"callback query {query_id} was not answered", self._chat)

    # -- raw update builders (for feeding a Dispatcher directly)

    def chat_dict(self) -> dict:
        with self._tg._cond:
            return self._tg._chat_dict(self._chat)



class Group:
    """A group, supergroup or channel with the bot in it: members write and press buttons
    there. Updates come with the group's chat, so the bot sees where they came from."""

    def __init__(self, tg: FakeTelegram, chat: _Chat) -> None:
        self._tg = tg
        self._chat = chat
        self.id = chat.user_id
        self.kind = chat.kind

    def send(self, user: User, text: str) -> int:
        """`user` writes `text` in the group (in a channel: a post); returns its message_id."""
        with self._tg._cond:
            body = _text_body(text)
            bot = self._tg._bots[self._chat.bot_id]
            msg = self._tg._new_message(bot, self._chat, outgoing=False, body=body,
                                        sender=user.user_dict)
            msg.text = msg.html = text
            kind = "channel_post" if self.kind == "channel" else "message"
            self._tg._push_update(bot, kind, msg.raw)
            return msg.message_id

    def bot_message(self, text: str, buttons: list[tuple[str, str]]) -> int:
        """A bot message with callback buttons already in the group (posted by an older
        version of the bot, say); returns its message_id. No API call is recorded."""
        with self._tg._cond:
            bot = self._tg._bots[self._chat.bot_id]
            markup = {"inline_keyboard": [[{"text": label, "callback_data": data}]
                                          for label, data in buttons]}
            msg = self._tg._new_message(bot, self._chat, outgoing=True,
                                        body={"text": text, "reply_markup": markup})
            msg.text, msg.html, msg.reply_markup = text, text, markup
            return msg.message_id

    def press(self, user: User, message_id: int, data: str) -> str:
        """`user` presses a button with callback `data` under bot message `message_id` in
        the group; returns the callback query id."""
        with self._tg._cond:
            msg = self._chat.messages[message_id]
            assert msg.outgoing, "only bot messages have inline buttons"
            qid = str(secrets.randbits(63))
            self._tg._callbacks[qid] = {"answered": False, "answer": None,
                                        "bot_id": self._chat.bot_id}
            query = {"id": qid, "from": user.user_dict, "message": msg.raw,
                     "chat_instance": self._chat.chat_instance, "data": data}
            self._tg._push_update(self._tg._bots[self._chat.bot_id], "callback_query", query)
            return qid

    def bot_messages(self) -> list[BotMessage]:
        """What the bot sent or edited in the group (every version), oldest first."""
        with self._tg._cond:
            return [snap for _, kind, snap in self._chat.events if kind in ("sent", "edited")]


# ---------------------------------------------------------------------- webhooks
# setWebhook / deleteWebhook / getWebhookInfo state and the delivery queue; the HTTP posting
# itself is in webhook.py (threads started by the server on the first setWebhook).

WEBHOOK_CONFLICT = ("Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first")
_WEBHOOK_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LOCAL_HTTP_RE = re.compile(r"^http://(127\.0\.0\.1|localhost)(:\d+)?(/|$)")
WEBHOOK_RETRY = (0.2, 2.0)  # first retry delay and the longest (Telegram's are longer)


@dataclass
class _Webhook:
    url: str
    secret: str | None
    max_connections: int
    in_flight: set[int] = field(default_factory=set)  # update ids being posted now
    retry_at: dict[int, float] = field(default_factory=dict)  # update id -> clock()
    failures: dict[int, int] = field(default_factory=dict)
    last_error_date: int | None = None
    last_error_message: str | None = None


def set_webhook(tg: FakeTelegram, bot: _Bot, p: dict) -> bool:
    url = str(p.get("url") or "")
    if not url:  # as Telegram: an empty URL removes the webhook
        bot.webhook = None
        return True
    # Telegram wants https; plain http is allowed here only to a local bot.
    if not re.match(r"^https://[^/\s]+", url) and not _LOCAL_HTTP_RE.match(url):
        raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get("secret_token")
    if secret not in (None, "") and not _WEBHOOK_SECRET_RE.match(str(secret)):
        raise _bad("secret token contains unallowed characters")
    try:
        max_connections = int(p.get("max_connections") or 40)
    except ValueError:
        raise _bad("bad max_connections") from None
    if p.get("allowed_updates") is not None:
        bot.allowed_updates = list(p["allowed_updates"])
    if p.get("drop_pending_updates"):
        bot.updates.clear()
    old = bot.webhook
    bot.webhook = _Webhook(url, str(secret) if secret else None, max(1, min(100, max_connections)))
    if old is not None:  # posts already under way stay in flight; the last error stays visible
        bot.webhook.in_flight = old.in_flight
        bot.webhook.last_error_date, bot.webhook.last_error_message = (
            old.last_error_date, old.last_error_message)
    bot.webhook_set_count += 1
    tg._cond.notify_all()  # a waiting long poll now gets 409
    listener = getattr(tg, "on_webhook", None)
    if listener is not None:
        listener()
    return True


def webhook_info(bot: _Bot) -> dict:
    hook = bot.webhook
    info: dict[str, Any] = {"url": hook.url if hook else "", "has_custom_certificate": False,
                            "pending_update_count": len(bot.updates)}
    if hook is not None:
        info["max_connections"] = hook.max_connections
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
        if bot.allowed_updates:
            info["allowed_updates"] = list(bot.allowed_updates)
    return info


def _sender(update: dict) -> Any:
    payload = next(v for k, v in update.items() if k != "update_id")
    person = payload.get("from") or payload.get("chat") or {}
    return person.get("id", ("update", update["update_id"]))


def next_webhook_delivery(tg: FakeTelegram) -> tuple[_Bot, _Webhook, dict] | None:
    """The next update to post: in order per sender (one in flight per person, as a chat's
    updates arrive in order), up to max_connections at once per bot, failed ones after a
    growing delay."""
    with tg._cond:
        while not tg._closed:
            now = tg._clock()
            wake: float | None = None
            for bot in tg._bots.values():
                hook = bot.webhook
                if hook is None or len(hook.in_flight) >= hook.max_connections:
                    continue
                bot.updates = [u for u in bot.updates if tg._allowed(bot, u)]
                busy: set = set()
                for update in bot.updates:
                    sender, update_id = _sender(update), update["update_id"]
                    if sender in busy:
                        continue
                    busy.add(sender)
                    if update_id in hook.in_flight:
                        continue
                    due = hook.retry_at.get(update_id, 0.0)
                    if due > now:
                        wake = due if wake is None else min(wake, due)
                        continue
                    hook.in_flight.add(update_id)
                    return bot, hook, dict(update)
            tg._cond.wait(None if wake is None else max(0.01, wake - now))
        return None


def webhook_delivered(tg: FakeTelegram, bot: _Bot, hook: _Webhook, update: dict,
                      error: str | None) -> None:
    """A post ended: 2xx confirms the update, anything else schedules it again."""
    update_id = update["update_id"]
    with tg._cond:
        hook.in_flight.discard(update_id)
        bot.webhook_attempts.append((update_id, error))
        if error is None:
            bot.updates = [u for u in bot.updates if u["update_id"] != update_id]
            bot.delivered_up_to = max(bot.delivered_up_to, update_id)
            hook.retry_at.pop(update_id, None)
            hook.failures.pop(update_id, None)
        else:
            failures = hook.failures[update_id] = hook.failures.get(update_id, 0) + 1
            hook.retry_at[update_id] = tg._clock() + min(
                WEBHOOK_RETRY[1], WEBHOOK_RETRY[0] * 2 ** (failures - 1))
            hook.last_error_date, hook.last_error_message = int(tg._wall()), error
            if bot.webhook is not hook and bot.webhook is not None:  # replaced meanwhile
                bot.webhook.last_error_date = hook.last_error_date
                bot.webhook.last_error_message = error
        tg._cond.notify_all()
