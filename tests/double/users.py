"""The people of the Bot API double: `User` (a simulated person in a private chat with the
bot: sends, presses, blocks, and waits for what the bot shows) and `Group` (a group, supergroup
or channel with the bot in it). `FakeTelegram.user(...)` / `.group(...)` make them.

A press normally needs a real button; `User.forge_press` / `forge_inline_press` send any
callback data, as a modified client can.
"""

from __future__ import annotations

import bisect
import mimetypes
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .state import DEFAULT_TIMEOUT, BotMessage, _Bot, _Chat, _Message, _norm_buttons

if TYPE_CHECKING:
    from .core import FakeTelegram


def _text_body(text: str) -> dict:
    """A typed text message as Telegram delivers it: a leading /command gets its entity."""
    body: dict = {"text": text}
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}]
    return body


class User:
    """A simulated Telegram user talking to a bot in a private chat. Thread-safe.

    "New" bot messages for `wait_for` are those sent (or edited) after this user's latest
    action (send / press / send_document / block / unblock) or after the previous match.
    """

    def __init__(
        self,
        tg: FakeTelegram,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
        bot_id: int,
    ) -> None:
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

    def send_document(
        self, file_name: str, data: bytes, mime_type: str | None = None, *, caption: str | None = None
    ) -> int:
        """Send a file; the bot can getFile + download it. Returns the message_id."""
        with self._tg._cond:
            mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
            f = self._tg._store_file(data, file_name, mime)
            document = {
                "file_name": file_name,
                "mime_type": mime,
                "file_id": f.file_id,
                "file_unique_id": f.file_unique_id,
                "file_size": len(data),
            }
            body: dict = {"document": document}
            if caption:
                body["caption"] = caption
            return self._incoming(body).message_id

    def press(
        self, message: BotMessage | int | str | None = None, label: str | None = None, *, data: str | None = None
    ) -> str:
        """Press an inline button on a bot message (by exact or unique partial text, or by
        callback data). `message` defaults to the latest bot message that has buttons.
        Returns the callback query id (see `wait_answer`)."""
        if isinstance(message, str):  # press("Взять")
            if label is not None:
                raise TypeError("press(label) or press(message, label), not two labels")
            message, label = None, message
        with self._tg._cond:
            chat, msg = self._chat, self._pressed_message(message, forged=False)
            snap = self._tg._snapshot(chat, msg)
            try:
                button = snap.find_button(label, data=data)
            except AssertionError as e:
                raise AssertionError(f"{e}\n{self._tg.report(chat)}") from None
            if button.callback_data is None:
                raise AssertionError(f"button {button.text!r} is not a callback button")
            return self._push_callback(button.callback_data, message=msg.raw)

    def forge_press(self, data: str, message: BotMessage | int | None = None) -> str:
        """Send callback `data` on a bot message whether or not it has such a button: a client
        can send any callback_data on any bot message in its chat. `message` defaults to the
        latest bot message. Returns the callback query id (see `wait_answer`)."""
        with self._tg._cond:
            return self._push_callback(data, message=self._pressed_message(message, forged=True).raw)

    def _pressed_message(self, message: BotMessage | int | None, *, forged: bool) -> _Message:
        """The bot message a press lands on: `message`, else the latest bot message. A real
        press needs one with buttons that is not deleted; a forged one any bot message."""
        chat = self._chat
        if chat.blocked:
            raise AssertionError(f"{self!r} has blocked the bot; call unblock() first")
        if message is None:
            latest = [
                m for m in chat.order if m.outgoing and not m.deleted and (forged or _norm_buttons(m.reply_markup))
            ]
            if not latest:
                why = (
                    "a forged press needs a bot message in the chat" if forged else "no bot message with inline buttons"
                )
                raise AssertionError(why + "\n" + self._tg.report(chat))
            return latest[-1]
        mid = message if isinstance(message, int) else message.message_id
        msg = chat.messages.get(mid)
        if msg is None or not msg.outgoing:
            raise AssertionError(f"no bot message #{mid}\n" + self._tg.report(chat))
        if msg.deleted and not forged:
            raise AssertionError(f"bot message #{mid} was deleted; cannot press\n" + self._tg.report(chat))
        return msg

    def forge_inline_press(self, data: str) -> str:
        """Press a button under an inline-mode message: the query has an inline_message_id
        and no message at all. Returns the callback query id."""
        with self._tg._cond:
            return self._push_callback(data, message=None)

    def _push_callback(self, data: str, *, message: dict | None) -> str:
        """Push a callback query on `message` (raw), or on an inline-mode message if None."""
        qid = str(secrets.randbits(63))
        self._tg._callbacks[qid] = {"answered": False, "answer": None, "bot_id": self.bot_id}
        query: dict = {"id": qid, "from": self.user_dict}
        if message is not None:
            query["message"] = message
        else:
            query["inline_message_id"] = "AQAAAC" + qid
        query.update(chat_instance=self._chat.chat_instance, data=data)
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
            old_m: dict[str, Any] = {"status": old, "user": bot_user}
            new_m: dict[str, Any] = {"status": new, "user": bot_user}
            if new == "kicked":
                new_m["until_date"] = 0
            if old == "kicked":
                old_m["until_date"] = 0
            self._mark_action()
            if chat.started:
                self._tg._push_update(
                    self._bot,
                    "my_chat_member",
                    {
                        "chat": self._tg._chat_dict(chat),
                        "from": self.user_dict,
                        "date": int(self._tg._wall()),
                        "old_chat_member": old_m,
                        "new_chat_member": new_m,
                    },
                )

    # -- what the user sees

    def messages(self, *, include_deleted: bool = False) -> list[BotMessage]:
        """Bot messages in this chat, current versions, oldest first."""
        with self._tg._cond:
            chat = self._chat
            return [
                self._tg._snapshot(chat, m) for m in chat.order if m.outgoing and (include_deleted or not m.deleted)
            ]

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
            raise AssertionError(f"{self!r} has no messages from the bot\n" + self._tg.report(self._chat))
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

    def wait_for(
        self,
        predicate: Callable[[BotMessage], bool] | str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        include_edits: bool = True,
    ) -> BotMessage:
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

    def wait_deleted(self, message: BotMessage | int, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Wait until a message (bot's or user's own) is deleted."""
        mid = message if isinstance(message, int) else message.message_id
        self._tg.wait_until(
            lambda: self._chat.messages[mid].deleted, timeout, f"message #{mid} was not deleted", self._chat
        )

    def wait_answer(self, query_id: str, timeout: float = DEFAULT_TIMEOUT) -> dict:
        """Wait until the bot answered this callback query; returns {"text", "show_alert"}."""

        def probe():
            q = self._tg._callbacks[query_id]
            return q["answer"] if q["answered"] else None

        return self._tg.wait_until(probe, timeout, f"callback query {query_id} was not answered", self._chat)

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
            msg = self._tg._new_message(bot, self._chat, outgoing=False, body=body, sender=user.user_dict)
            msg.text = msg.html = text
            kind = "channel_post" if self.kind == "channel" else "message"
            self._tg._push_update(bot, kind, msg.raw)
            return msg.message_id

    def bot_message(self, text: str, buttons: list[tuple[str, str]]) -> int:
        """A bot message with callback buttons already in the group (posted by an older
        version of the bot, say); returns its message_id. No API call is recorded."""
        with self._tg._cond:
            bot = self._tg._bots[self._chat.bot_id]
            markup = {"inline_keyboard": [[{"text": label, "callback_data": data}] for label, data in buttons]}
            msg = self._tg._new_message(bot, self._chat, outgoing=True, body={"text": text, "reply_markup": markup})
            msg.text, msg.html, msg.reply_markup = text, text, markup
            return msg.message_id

    def press(self, user: User, message_id: int, data: str) -> str:
        """`user` presses a button with callback `data` under bot message `message_id` in
        the group; returns the callback query id."""
        with self._tg._cond:
            msg = self._chat.messages[message_id]
            assert msg.outgoing, "only bot messages have inline buttons"
            qid = str(secrets.randbits(63))
            self._tg._callbacks[qid] = {"answered": False, "answer": None, "bot_id": self._chat.bot_id}
            query = {
                "id": qid,
                "from": user.user_dict,
                "message": msg.raw,
                "chat_instance": self._chat.chat_instance,
                "data": data,
            }
            self._tg._push_update(self._tg._bots[self._chat.bot_id], "callback_query", query)
            return qid

    def bot_messages(self) -> list[BotMessage]:
        """What the bot sent or edited in the group (every version), oldest first."""
        with self._tg._cond:
            return [snap for _, kind, snap in self._chat.events if kind in ("sent", "edited")]


# ---------------------------------------------------------------------- webhooks
