"""Inline mode in the Bot API double: inline queries, `answerInlineQuery`, choosing a result.

    qid = api.inline.query(alice, "49")                 # alice types "@bot 49" in some chat
    answer = api.inline.wait_answer(qid)                # what the bot answered (InlineAnswer)
    posted = api.inline.choose(alice, qid, answer.results[0]["id"], team)   # into a group

A query is pushed as an `inline_query` update (id, from, query, offset, chat_type). The bot
answers it once, within `QUERY_TTL` seconds of the double's clock; a late, repeated or unknown
answer gets Telegram's 400 "query is too old ...". The answer is validated as Telegram does
(at most 50 results, unique result ids of 1-64 bytes, next_offset of at most 64 bytes, the
message text of each result parsed with its parse_mode by the double's HTML checker and at
most 4096 characters, inline keyboards, the results button and its start_parameter) and kept
for the test to read. Choosing a result posts its message into a group (or the user's chat with the bot) as the
user's message `via_bot`, and delivers it to the bot, as Telegram delivers messages sent via
the bot.

Error descriptions follow Telegram's where known (RESULTS_TOO_MUCH, RESULT_ID_DUPLICATE,
RESULT_ID_INVALID, MESSAGE_EMPTY, MESSAGE_TOO_LONG, START_PARAM_INVALID, ...).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .html import HtmlParseError, parse_html
from .state import DEFAULT_TIMEOUT, MAX_TEXT, QUERY_TOO_OLD, TelegramError

if TYPE_CHECKING:
    from .core import FakeTelegram
    from .state import BotMessage
    from .users import Group, User

__all__ = ["InlineAnswer", "InlineMode", "MAX_RESULTS", "QUERY_TTL"]

MAX_RESULTS = 50
MAX_RESULT_ID = 64  # bytes
MAX_NEXT_OFFSET = 64  # bytes
MAX_QUERY = 256  # characters a person can type after the bot's name
QUERY_TTL = 15.0  # seconds Telegram waits for an answer (about 10-15 s)
_START_PARAMETER_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_CHAT_TYPES = {"sender", "private", "group", "supergroup", "channel"}
_RESULT_TYPES = {
    "article",
    "photo",
    "gif",
    "mpeg4_gif",
    "video",
    "audio",
    "voice",
    "document",
    "location",
    "venue",
    "contact",
    "game",
    "sticker",
}


@dataclass(frozen=True)
class InlineAnswer:
    """What the bot answered to one inline query (parameters as Telegram received them)."""

    results: list[dict]
    next_offset: str
    is_personal: bool
    cache_time: int | None
    button: dict | None

    @property
    def ids(self) -> list[str]:
        return [r["id"] for r in self.results]

    def result(self, result_id: str) -> dict:
        for r in self.results:
            if r["id"] == result_id:
                return r
        raise AssertionError(f"no result {result_id!r} among {self.ids}")


@dataclass
class _Query:
    qid: str
    bot_id: int
    user_id: int
    query: str
    offset: str
    asked_at: float
    answer: InlineAnswer | None = None


def _bad(description: str):

    return TelegramError(400, f"Bad Request: {description}")


class InlineMode:
    """Inline queries of one FakeTelegram (`tg.inline`); thread-safe under the core's lock."""

    def __init__(self, tg: FakeTelegram) -> None:
        self._tg = tg
        self._queries: dict[str, _Query] = {}
        self.posted: list[BotMessage] = []  # messages posted by choosing a result, in order

    # ------------------------------------------------------------------ test-facing

    def query(self, user: User, text: str, offset: str = "", *, chat_type: str = "supergroup") -> str:
        """`user` types `@bot text` in a chat of `chat_type` (Telegram scrolled to `offset`);
        returns the inline query id."""
        if chat_type not in _CHAT_TYPES:
            raise ValueError(f"chat_type must be one of {sorted(_CHAT_TYPES)}")
        text = text[:MAX_QUERY]  # the client cuts what is typed
        tg = self._tg
        with tg._cond:
            bot = tg._bots[user.bot_id]
            qid = str(secrets.randbits(63))
            self._queries[qid] = _Query(qid, bot.id, user.id, text, offset, tg._clock())
            tg._push_update(
                bot,
                "inline_query",
                {"id": qid, "from": user.user_dict, "query": text, "offset": offset, "chat_type": chat_type},
            )
            return qid

    def answer(self, qid: str) -> InlineAnswer | None:
        with self._tg._cond:
            return self._queries[qid].answer

    def forget(self, qid: str) -> InlineAnswer | None:
        """Drop a query and its answer (a long benchmark keeps the double's memory flat);
        returns the answer. The bot answering it later gets "query is too old"."""
        with self._tg._cond:
            query = self._queries.pop(qid, None)
            return query.answer if query else None

    def wait_answer(self, qid: str, timeout: float | None = None) -> InlineAnswer:

        return self._tg.wait_until(
            lambda: self._queries[qid].answer, timeout or DEFAULT_TIMEOUT, f"inline query {qid} was not answered"
        )

    def choose(self, user: User, qid: str, result_id: str, group: Group | None = None) -> BotMessage:
        """`user` picks result `result_id` of the answered query `qid` in `group` (None: in the
        user's private chat with the bot): its message appears there as the user's, `via_bot`;
        returns what the chat sees."""
        tg = self._tg
        with tg._cond:
            query = self._queries[qid]
            if query.answer is None:
                raise AssertionError(f"inline query {qid} has no answer to choose from")
            if query.user_id != user.id:
                raise AssertionError("only the person who typed the query sees its results")
            result = query.answer.result(result_id)
            content = result.get("input_message_content")
            if not content or "message_text" not in content:
                raise AssertionError(f"result {result_id!r} posts no text message")
            visible, entities = _parse(content["message_text"], content.get("parse_mode"))
            bot = tg._bots[query.bot_id]
            chat = tg._chats[(bot.id, group.id if group is not None else user.id)]
            chat.started = True
            body: dict[str, Any] = {"text": visible, "via_bot": bot.user_dict}
            if entities:
                body["entities"] = entities
            markup = result.get("reply_markup")
            if markup:
                body["reply_markup"] = markup
            msg = tg._new_message(bot, chat, outgoing=False, body=body, sender=user.user_dict)
            msg.text, msg.html, msg.entities, msg.reply_markup = (visible, content["message_text"], entities, markup)
            snapshot = tg._snapshot(chat, msg)
            self.posted.append(snapshot)
            tg._push_update(bot, "message", msg.raw)  # a bot gets the messages sent via it
            return snapshot

    # ------------------------------------------------------------------ bot-facing

    def answer_inline_query(self, bot: Any, p: dict) -> bool:
        """`answerInlineQuery`, validated like Telegram."""
        query = self._queries.get(str(p.get("inline_query_id") or ""))
        if (
            query is None
            or query.bot_id != bot.id
            or query.answer is not None
            or self._tg._clock() - query.asked_at > QUERY_TTL
        ):
            raise TelegramError(400, QUERY_TOO_OLD)
        results = p.get("results")
        if not isinstance(results, list):
            raise _bad("can't parse inline query results JSON object")
        if len(results) > MAX_RESULTS:
            raise _bad("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            _check_result(self._tg, result, seen)
        next_offset = str(p.get("next_offset") or "")
        if len(next_offset.encode("utf-8")) > MAX_NEXT_OFFSET:
            raise _bad("NEXT_OFFSET_INVALID")
        cache_time = p.get("cache_time")
        if cache_time is not None and (not isinstance(cache_time, int) or cache_time < 0):
            raise _bad("CACHE_TIME_INVALID")
        button = p.get("button")
        if button is not None:
            _check_button(button)
        query.answer = InlineAnswer(results, next_offset, bool(p.get("is_personal")), cache_time, button)
        self._tg._cond.notify_all()
        return True


def _parse(text: Any, parse_mode: Any) -> tuple[str, list]:
    text = "" if text is None else str(text)
    parse_mode = getattr(parse_mode, "value", parse_mode)
    if parse_mode and str(parse_mode).lower() == "html":
        try:
            visible, entities = parse_html(text)
        except HtmlParseError as error:
            raise _bad(f"can't parse entities: {error}") from None
    elif parse_mode and str(parse_mode).lower() not in ("markdown", "markdownv2"):
        raise _bad("unsupported parse_mode")
    else:
        visible, entities = text, []
    if not visible.strip():
        raise _bad("MESSAGE_EMPTY")
    if len(visible) > MAX_TEXT:
        raise _bad("MESSAGE_TOO_LONG")
    return visible, entities


def _check_result(tg: FakeTelegram, result: Any, seen: set[str]) -> None:
    if not isinstance(result, dict) or result.get("type") not in _RESULT_TYPES:
        raise _bad("RESULT_TYPE_INVALID")
    result_id = result.get("id")
    if not isinstance(result_id, str) or not 1 <= len(result_id.encode("utf-8")) <= MAX_RESULT_ID:
        raise _bad("RESULT_ID_INVALID")
    if result_id in seen:
        raise _bad("RESULT_ID_DUPLICATE")
    seen.add(result_id)
    content = result.get("input_message_content")
    if result["type"] == "article":
        if not str(result.get("title") or "").strip():
            raise _bad("RESULT_TITLE_EMPTY")
        if not isinstance(content, dict):
            raise _bad("can't parse InputMessageContent: message content must be an Object")
    if isinstance(content, dict) and "message_text" in content:
        _parse(content["message_text"], content.get("parse_mode"))
    markup = result.get("reply_markup")
    if markup is not None:
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            raise _bad("REPLY_MARKUP_INVALID")  # a result can carry an inline keyboard only
        tg._check_markup(markup)


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not str(button.get("text") or "").strip():
        raise _bad("BUTTON_TEXT_INVALID")
    has_start, has_app = "start_parameter" in button, "web_app" in button
    if has_start == has_app:  # exactly one of them
        raise _bad("BUTTON_TYPE_INVALID")
    if has_start and not _START_PARAMETER_RE.match(str(button["start_parameter"])):
        raise _bad("START_PARAM_INVALID")
