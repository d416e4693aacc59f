"""The Bot API double's data: what Telegram stores (bots, chats, messages, files), what a
user sees of it (`BotMessage`, `Button`, `SentDocument`), recorded calls and errors, and the
parameter rules every front shares. No behaviour beyond small helpers; `core.FakeTelegram`
owns and changes all of it under one lock.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .webhook import _Webhook

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
CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"

# Parameter coercion: form-encoded requests carry every value as a string.
_INT_PARAMS = {
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "user_id",
    "from_chat_id",
    "reply_to_message_id",
    "message_thread_id",
    "cache_time",
    "until_date",
}
_BOOL_PARAMS = {
    "disable_notification",
    "protect_content",
    "show_alert",
    "drop_pending_updates",
    "disable_web_page_preview",
    "allow_sending_without_reply",
    "disable_content_type_detection",
    "is_personal",
}
_JSON_PARAMS = {
    "reply_markup",
    "scope",
    "commands",
    "allowed_updates",
    "entities",
    "caption_entities",
    "link_preview_options",
    "reply_parameters",
    "message_ids",
    "media",
    "results",
    "button",
}
_CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
# Update types delivered when allowed_updates is empty / never set (Telegram's default).
_DEFAULT_EXCLUDED_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}


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
        outcome = "ok" if self.error is None else f"{self.error.error_code} {self.error.description}"
        shown = {k: (f"<{len(v.data)} bytes>" if isinstance(v, InputFileData) else v) for k, v in self.params.items()}
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
            found = [b for b in buttons if b.text == label] or [b for b in buttons if label.lower() in b.text.lower()]
        what = f"data={data!r}" if data is not None else repr(label)
        if not found:
            raise AssertionError(f"message #{self.message_id} has no button {what}; buttons: {self._rows()}")
        if len(found) > 1 and data is None:
            raise AssertionError(f"button {what} is ambiguous in message #{self.message_id}: {self._rows()}")
        return found[0]

    def has_button(self, label: str) -> bool:
        return any(label.lower() in t.lower() for t in self.button_texts)

    def _rows(self) -> str:
        return (
            " / ".join(" | ".join(f"{b.text!r}→{b.callback_data or b.url}" for b in row) for row in self.buttons)
            or "(none)"
        )

    def describe(self) -> str:
        flags = "".join(f" [{f}]" for f, on in (("edited", self.edited), ("deleted", self.deleted)) if on)
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
        return {"id": self.id, "is_bot": True, "first_name": self.first_name, "username": self.username}


@dataclass
class _File:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None
    mime_type: str | None


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
    return tuple(tuple(b if isinstance(b, str) else b.get("text", "") for b in row) for row in markup["keyboard"])


def call_matches(c: Call, method: str | None, chat_id: Any, ok: bool | None) -> bool:
    """The filter of `FakeTelegram.calls` and `wait_call`."""
    return (
        (method is None or c.method.lower() == method.lower())
        and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
        and (ok is None or c.ok == ok)
    )
