"""In-memory model of the Telegram Bot API as one or more bots see it.

`FakeTelegram.call(token, method, params)` is the whole bot-facing surface: it returns the
`result` of a successful call (JSON-able) or raises `TelegramError` with Telegram's own
error code and description. The HTTP front (`server.BotApiDouble`) and the in-process
front (`recording_session.RecordingSession`) both call it, so they behave identically.
Which methods exist is the `METHODS` table at the end of this module.

The test-facing surface is `FakeTelegram.user(...)` -> `User` (a simulated person) plus the
recorded calls, stored commands, flood control and error injection.

Everything is guarded by one re-entrant lock; `self._cond` (a Condition on that lock) is
notified on every change, which is what long polling and the test-side waits sleep on.

The double's modules:
- state.py     what Telegram stores and what a user sees (messages, chats, calls, errors)
- core.py      `FakeTelegram`: tokens, the method table and the methods' behaviour
- limits.py    flood control and injected faults (errors, outages, stalls)
- waits.py     event-driven waits and the failure report
- users.py     `User` and `Group`: people acting in chats, forged presses included
- webhook.py   setWebhook state and delivery to the bot's URL
- html.py      Telegram's HTML parse mode; server.py, recording_session.py: the two fronts;
  process.py, fixtures.py: the bot as a process under test
"""

from __future__ import annotations

import itertools
import mimetypes
import re
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from .html import HtmlParseError, parse_html
from .inline import InlineMode
from .limits import FLOOD_METHODS, LimitsAndFaults
from .state import (
    _CHAT_ACTIONS,
    _COMMAND_RE,
    _DEFAULT_EXCLUDED_UPDATES,
    _TOKEN_RE,
    CONFLICT,
    DEFAULT_TIMEOUT,
    DEFAULT_TOKEN,
    MAX_CALLBACK_DATA,
    MAX_CAPTION,
    MAX_DOWNLOAD,
    MAX_TEXT,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    BotMessage,
    Button,
    Call,
    InputFileData,
    SentDocument,
    TelegramError,
    _bad,
    _Bot,
    _Chat,
    _File,
    _Message,
    _norm_buttons,
    _norm_keyboard,
    _norm_params,
    call_matches,
)
from .users import Group, User
from .waits import Waits
from .webhook import (
    WEBHOOK_CONFLICT,
    _Webhook,
    get_webhook_info,
    next_webhook_delivery,
    set_webhook,
    webhook_delivered,
)

__all__ = [
    "CONFLICT",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOKEN",
    "METHODS",
    "NOT_MODIFIED",
    "QUERY_TOO_OLD",
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

# A Bot API method's behaviour: (the double, the calling bot, normalised params) -> result.
Method = Callable[["FakeTelegram", _Bot, dict], Any]


class FakeTelegram(LimitsAndFaults, Waits):
    """The Bot API double's state and behaviour. Thread-safe."""

    # Called after every setWebhook with a URL (the HTTP front starts its delivery workers).
    on_webhook: Callable[[], None] | None = None

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
        self._seq = itertools.count(1)
        self._ids = itertools.count(1)
        self._closed = False
        self._init_limits()
        self._init_waits()
        self.inline = InlineMode(self)
        self.register_bot(token, username=bot_username, first_name=bot_first_name)

    # ------------------------------------------------------------------ bots & tokens

    def register_bot(self, token: str, *, username: str | None = None, first_name: str | None = None) -> None:
        """Make a token valid (needed only with accept_any_token=False or to name the bot)."""
        m = _TOKEN_RE.match(token)
        if not m:
            raise ValueError(f"malformed bot token {token!r}")
        with self._cond:
            bot_id = int(m.group(1))
            bot = self._bots.get(bot_id)
            if bot is None:
                bot = _Bot(bot_id, token, username or self._username, first_name or self._first_name)
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
            canonical = self._canonical_name(method)
            try:
                bot = self._bot_for_token(token)
                handler = METHODS.get(canonical)
                if handler is None:
                    raise TelegramError(404, "Not Found")
                params = _norm_params(params)
                self._check_faults(canonical, params)
                if self._flood is not None and method.lower() in FLOOD_METHODS:
                    self._check_flood(bot, params)
                result = handler(self, bot, params)
            except TelegramError as e:
                self._record(Call(canonical, params, token, None, e, self._wall()))
                raise
            self._record(Call(canonical, params, token, result, None, self._wall()))
            return result

    def _canonical_name(self, method: str) -> str:
        """A method name as the table spells it (Telegram's names are case-insensitive)."""
        return _CANONICAL.get(method.lower(), method)

    def _record(self, call: Call) -> None:
        self._calls.append(call)
        self._cond.notify_all()

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

    def _parse_text(self, text: Any, parse_mode: Any, entities: Any, *, caption: bool = False) -> tuple[str, list]:
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
                raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
            for row in rows:
                for b in row:
                    if not isinstance(b, dict) or "text" not in b:
                        raise _bad("can't parse inline keyboard button: Text must be a String")
                    if "callback_data" in b:
                        data = b["callback_data"]
                        if not isinstance(data, str) or not data or len(data.encode("utf-8")) > MAX_CALLBACK_DATA:
                            raise _bad("BUTTON_DATA_INVALID")
                    elif "url" in b:
                        if not re.match(r"^(https?|tg)://\S+$", str(b["url"])):
                            raise _bad("BUTTON_URL_INVALID")
                    elif not any(
                        k in b
                        for k in (
                            "switch_inline_query",
                            "switch_inline_query_current_chat",
                            "web_app",
                            "login_url",
                            "pay",
                            "callback_game",
                            "copy_text",
                            "switch_inline_query_chosen_chat",
                        )
                    ):
                        raise _bad("text buttons are unallowed in the inline keyboard")
        elif "keyboard" in markup:
            if not isinstance(markup["keyboard"], list):
                raise _bad("can't parse reply keyboard markup JSON object")
        return markup

    def _new_message(
        self, bot: _Bot, chat: _Chat, *, outgoing: bool, body: dict, sender: dict | None = None
    ) -> _Message:
        mid = chat.next_message_id
        chat.next_message_id += 1
        date = int(self._wall())
        if sender is None:
            sender = bot.user_dict if outgoing else self._users[chat.user_id].user_dict
        raw = {"message_id": mid, "from": sender, "chat": self._chat_dict(chat), "date": date, **body}
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
            message_id=msg.message_id,
            chat_id=chat.user_id,
            outgoing=msg.outgoing,
            text=msg.text,
            html=msg.html,
            buttons=_norm_buttons(markup),
            reply_keyboard=_norm_keyboard(markup),
            remove_keyboard=bool(markup.get("remove_keyboard")),
            document=msg.document,
            edited=msg.edited,
            deleted=msg.deleted,
            date=msg.date,
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

    # -- methods (listed in METHODS below)

    def _m_getMe(self, bot: _Bot, p: dict) -> dict:
        return {
            **bot.user_dict,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

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
        if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
            key: tuple = (kind,)
        elif kind in ("chat", "chat_administrators", "chat_member"):
            try:
                chat_id = int(scope["chat_id"])
            except (KeyError, TypeError, ValueError):
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
        visible, entities = self._parse_text(p.get("text"), p.get("parse_mode"), p.get("entities"))
        markup = self._check_markup(p.get("reply_markup"))
        body: dict = {"text": visible}
        if entities:
            body["entities"] = entities
        if markup and "inline_keyboard" in markup:
            body["reply_markup"] = markup
        msg = self._new_message(bot, chat, outgoing=True, body=body)
        msg.text, msg.html, msg.entities, msg.reply_markup = (visible, str(p.get("text")), entities, markup)
        self._apply_keyboard(chat, markup)
        self._emit(chat, "sent", msg)
        return msg.raw

    def _edit(
        self,
        chat: _Chat,
        msg: _Message,
        *,
        text: str | None,
        html: str | None,
        entities: list | None,
        markup: dict | None,
        caption: bool = False,
    ) -> dict:
        if not msg.outgoing:
            raise _bad("message can't be edited")
        new_text = msg.text if text is None else text
        new_entities = msg.entities if entities is None else entities
        old_markup = msg.reply_markup if (msg.reply_markup or {}).get("inline_keyboard") else None
        if new_text == msg.text and new_entities == msg.entities and markup == old_markup:
            raise TelegramError(400, NOT_MODIFIED)
        msg.history.append(self._snapshot(chat, msg))
        msg.text, msg.entities, msg.reply_markup, msg.edited = (new_text, new_entities, markup, True)
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
        visible, entities = self._parse_text(p.get("text"), p.get("parse_mode"), p.get("entities"))
        markup = self._check_markup(p.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise _bad("inline keyboard expected")
        return self._edit(chat, msg, text=visible, html=str(p.get("text")), entities=entities, markup=markup)

    def _m_editMessageCaption(self, bot: _Bot, p: dict) -> dict:
        chat, msg = self._find_own_message(bot, p, what="edit")
        if msg.document is None:
            raise _bad("there is no caption in the message to edit")
        visible, entities = self._parse_text(
            p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
        )
        markup = self._check_markup(p.get("reply_markup"))
        return self._edit(chat, msg, text=visible, html=str(p.get("caption") or ""), entities=entities, markup=markup)

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
        query["answer"] = {"text": p.get("text"), "show_alert": bool(p.get("show_alert")), "url": p.get("url")}
        self._cond.notify_all()
        return True

    def _m_sendChatAction(self, bot: _Bot, p: dict) -> bool:
        self._chat_for_send(bot, p)
        if p.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _store_file(self, data: bytes, file_name: str | None, mime_type: str | None, kind: str = "documents") -> _File:
        n = next(self._ids)
        ext = ""
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1]
        f = _File(
            file_id="BQACAgIAAxkBAAI" + secrets.token_urlsafe(24),
            file_unique_id="AgAD" + secrets.token_urlsafe(8),
            file_path=f"{kind}/file_{n}{ext}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
        )
        self._files[f.file_id] = f
        self._files_by_path[f.file_path] = f
        return f

    def _m_sendDocument(self, bot: _Bot, p: dict) -> dict:
        chat = self._chat_for_send(bot, p)
        doc = p.get("document")
        f: _File | None
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
        visible, entities = self._parse_text(
            p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
        )
        markup = self._check_markup(p.get("reply_markup"))
        document = {"file_id": f.file_id, "file_unique_id": f.file_unique_id, "file_size": len(f.data)}
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
        msg.text, msg.html, msg.entities, msg.reply_markup = (visible, str(p.get("caption") or ""), entities, markup)
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
        return {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "file_size": len(f.data),
            "file_path": f.file_path,
        }

    def download(self, token: str, file_path: str) -> bytes:
        """Bytes behind `/file/bot<token>/<file_path>`; TelegramError 401/404 otherwise."""
        with self._cond:
            self._bot_for_token(token)
            f = self._files_by_path.get(file_path)
            if f is None:
                raise TelegramError(404, "Not Found")
            return f.data

    # ------------------------------------------------------------------ test-facing API

    def user(
        self,
        user_id: int,
        first_name: str = "User",
        last_name: str | None = None,
        *,
        username: str | None = None,
        language_code: str | None = "ru",
        token: str | None = None,
    ) -> User:
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

    def group(
        self, chat_id: int, title: str = "Команда", *, kind: str = "supergroup", token: str | None = None
    ) -> Group:
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

    def calls(self, method: str | None = None, *, chat_id: int | None = None, ok: bool | None = None) -> list[Call]:
        """Recorded calls, oldest first, optionally filtered."""
        with self._cond:
            return [c for c in self._calls if call_matches(c, method, chat_id, ok)]

    def clear_calls(self) -> None:
        with self._cond:
            self._calls.clear()

    def call_count(self) -> int:
        with self._cond:
            return len(self._calls)

    def commands(
        self, scope: str | dict | None = None, language_code: str = "", *, token: str | None = None
    ) -> list[dict]:
        """What setMyCommands stored for exactly this scope: [{"command", "description"}]."""
        if scope is None:
            scope = {"type": "default"}
        elif isinstance(scope, str):
            scope = {"type": scope}
        with self._cond:
            bot = self._bot_for_token(token or self.default_token)
            key = self._scope_key(bot, {"scope": scope, "language_code": language_code}, check_chat=False)
            return [dict(c) for c in bot.commands.get(key, [])]

    def all_commands(self, *, token: str | None = None) -> dict[tuple, list[dict]]:
        """Every stored command list keyed by (scope type, [chat_id,] language_code)."""
        with self._cond:
            bot = self._bot_for_token(token or self.default_token)
            return {k: [dict(c) for c in v] for k, v in bot.commands.items()}

    def poll_count(self, token: str | None = None) -> int:
        with self._cond:
            return self._bot_for_token(token or self.default_token).poll_count

    def pending_updates(self, token: str | None = None) -> list[dict]:
        """Updates not yet confirmed by the bot (a later getUpdates offset confirms them)."""
        with self._cond:
            return list(self._bot_for_token(token or self.default_token).updates)

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

    def close(self) -> None:
        """Wake every waiter; long polls return [] from now on."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    # ------------------------------------------------------------------ webhooks (state in webhook.py)

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


# The Bot API methods the double answers: Telegram's name -> behaviour. A method implemented
# in another module of the double joins here by name (as webhook.py's do).
METHODS: dict[str, Method] = {
    "answerInlineQuery": lambda tg, bot, p: tg.inline.answer_inline_query(bot, p),
    "getMe": FakeTelegram._m_getMe,
    "logOut": FakeTelegram._m_logOut,
    "close": FakeTelegram._m_close,
    "getChat": FakeTelegram._m_getChat,
    "getUpdates": FakeTelegram._m_getUpdates,
    "deleteWebhook": FakeTelegram._m_deleteWebhook,
    "setWebhook": set_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": FakeTelegram._m_setMyCommands,
    "getMyCommands": FakeTelegram._m_getMyCommands,
    "deleteMyCommands": FakeTelegram._m_deleteMyCommands,
    "sendMessage": FakeTelegram._m_sendMessage,
    "editMessageText": FakeTelegram._m_editMessageText,
    "editMessageCaption": FakeTelegram._m_editMessageCaption,
    "editMessageReplyMarkup": FakeTelegram._m_editMessageReplyMarkup,
    "deleteMessage": FakeTelegram._m_deleteMessage,
    "answerCallbackQuery": FakeTelegram._m_answerCallbackQuery,
    "sendChatAction": FakeTelegram._m_sendChatAction,
    "sendDocument": FakeTelegram._m_sendDocument,
    "getFile": FakeTelegram._m_getFile,
}
_CANONICAL = {name.lower(): name for name in METHODS}
