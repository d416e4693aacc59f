"""Messages the bot sends on its own (queue turns, approvals, reminders), paced under
Telegram's limits and tolerant of failures: one person's problem never stops the others.

Rules: at most `rate` messages per second overall and one per `per_chat` seconds per chat; a
429 holds *every* send for `retry_after` and the message is retried; a 403 (blocked,
deactivated) marks the person unreachable; a temporary failure (5xx, timeout, network) is
reported as UNAVAILABLE so the caller may try again later; any other failure is FAILED.
`deliver` never raises, so a caller looping over people cannot be stopped by one.

Handlers' replies share the same budget through `ReplyPacing`, a Bot API request middleware:
they go before notifications, and a 429 on a reply is waited out and retried instead of
reaching the handler as an error.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import CopyMessage, ForwardMessage, SendDocument, SendMessage, SendPhoto, TelegramMethod
from aiogram.types import InlineKeyboardMarkup

from cashbot.clock import Clock
from cashbot.db.database import Db
from cashbot.services import people

log = logging.getLogger(__name__)

# Failures that say nothing about the message or the person: Telegram or the network was
# briefly unavailable (aiogram wraps timeouts and connection errors in TelegramNetworkError).
TEMPORARY_ERRORS = (TelegramServerError, TelegramNetworkError, asyncio.TimeoutError)

# The methods Telegram counts against its message limits (edits and callback answers are not).
PACED_METHODS = (SendMessage, SendDocument, SendPhoto, CopyMessage, ForwardMessage)

# Set while the notifier sends: its messages were paced already, `ReplyPacing` lets them by.
_notifying: contextvars.ContextVar[bool] = contextvars.ContextVar("cashbot_notifying", default=False)

# What `prepare` returns: the message to send, or None to send nothing after all.
Prepared = tuple[str, InlineKeyboardMarkup | None] | None


class Delivery(str, Enum):
    SENT = "sent"
    BLOCKED = "blocked"  # 403: the person blocked the bot; marked unreachable
    UNAVAILABLE = "unavailable"  # 5xx, timeout, network: may work a little later
    FAILED = "failed"  # refused for good (400 and the like)
    SKIPPED = "skipped"  # `prepare` decided there was nothing to send


# Replies may run ahead of the notifier's schedule by at most this much: while staff replies
# alone fill the budget the notifier waits, and it resumes soon after they stop.
MAX_REPLY_LEAD = 1.0


@dataclass
class Pacer:
    """At most `rate` sends per second overall and one per `per_chat` seconds per chat, shared
    by the notifier's messages (`wait`) and the handlers' replies (`reply`).

    Replies have priority: they never queue behind notifications, they only take their share
    of the budget, which pushes the notifier's next slot back. Notifications go one at a time,
    first come first served; a slot is granted only when the send can go out at once, so a
    reply or a 429 (`hold`) that comes in meanwhile is seen before it is used."""

    rate: float
    per_chat: float
    _next_global: float = field(default=0.0, init=False)
    _hold_until: float = field(default=0.0, init=False)
    _next_chat: dict[int, float] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self._turn = asyncio.Lock()  # FIFO: the head notification sleeps, the rest queue

    async def wait(self, chat_id: int) -> None:
        async with self._turn:
            while True:
                now = time.monotonic()
                at = max(now, self._next_global, self._hold_until, self._next_chat.get(chat_id, 0.0))
                if at <= now:
                    self._next_global = now + 1.0 / self.rate
                    self._next_chat[chat_id] = now + self.per_chat
                    if len(self._next_chat) > 10_000:  # keep memory flat: forget chats long past
                        self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
                    return
                await asyncio.sleep(at - now)  # then look again: a reply or a hold may have come

    async def reply(self) -> None:
        """A handler's reply: waits only for a 429 hold, then takes the next global slot."""
        while (delay := self._hold_until - time.monotonic()) > 0:
            await asyncio.sleep(delay)
        now = time.monotonic()
        pushed = max(self._next_global, now) + 1.0 / self.rate
        self._next_global = max(self._next_global, min(pushed, now + MAX_REPLY_LEAD))

    def hold(self, seconds: float) -> None:
        """After a 429, nobody sends until Telegram's retry_after has passed."""
        self._hold_until = max(self._hold_until, time.monotonic() + seconds)
        self._next_global = max(self._next_global, self._hold_until)


async def _ready(text: str, markup: InlineKeyboardMarkup | None) -> Prepared:
    return text, markup


class Notifier:
    def __init__(
        self, bot: Bot, db: Db, clock: Clock, *, rate: float = 25, per_chat: float = 1.0, max_retries: int = 5
    ):
        self.bot, self.db, self.clock = bot, db, clock
        self.pacer = Pacer(rate, per_chat)
        self.reply_pacing = ReplyPacing(self.pacer)  # app.build_app puts it on the bot session
        self.max_retries = max_retries
        self._tasks: set[asyncio.Task] = set()
        self.retry_after_count = 0  # 429s seen, for benchmarks and logs

    async def deliver(
        self,
        chat_id: int,
        text: str | None = None,
        reply_markup: InlineKeyboardMarkup | None = None,
        *,
        prepare: Callable[[], Awaitable[Prepared]] | None = None,
        temporary_retries: int = 2,
        **kwargs: Any,
    ) -> Delivery:
        """Send one message (paced); retries a 429 after retry_after. Never raises.

        `prepare`, when given, is awaited once, right after the first pacing wait and just
        before the first attempt: reminders claim their delivery rows there, so a crash can
        lose at most the messages already on the wire, never send one twice.

        A temporary failure is retried here `temporary_retries` times (1 s, 2 s, 4 s ... apart),
        then reported as UNAVAILABLE; the reminder run passes 0 and retries on later ticks."""
        if prepare is None:
            if text is None:
                raise TypeError("deliver() needs the text or a prepare function")
            prepare = lambda: _ready(text, reply_markup)  # noqa: E731
        prepared: Prepared = None
        throttled = unavailable = 0
        while True:
            await self.pacer.wait(chat_id)
            try:
                if prepared is None:
                    prepared = await prepare()
                    if prepared is None:
                        return Delivery.SKIPPED
                token = _notifying.set(True)
                try:
                    await self.bot.send_message(chat_id, prepared[0], reply_markup=prepared[1], **kwargs)
                finally:
                    _notifying.reset(token)
                return Delivery.SENT
            except TelegramRetryAfter as error:
                self.retry_after_count += 1
                throttled += 1
                log.warning("429 for chat %s: holding all sends for %s s", chat_id, error.retry_after)
                self.pacer.hold(error.retry_after)
                if throttled >= self.max_retries:
                    log.error("giving up on chat %s after %s attempts (429 each time)", chat_id, throttled)
                    return Delivery.FAILED
            except TelegramForbiddenError:
                log.info("chat %s blocked the bot; marked unreachable", chat_id)
                await self._mark_unreachable(chat_id)
                return Delivery.BLOCKED
            except TelegramBadRequest as error:
                log.warning("message to chat %s refused: %s", chat_id, error.message)
                return Delivery.FAILED
            except TEMPORARY_ERRORS as error:
                unavailable += 1
                log.warning("sending to chat %s failed for now: %s", chat_id, error)
                if unavailable > temporary_retries:
                    return Delivery.UNAVAILABLE
                await asyncio.sleep(min(2 ** (unavailable - 1), 30))
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug in prepare, an unexpected answer: log it, next person
                log.exception("sending to chat %s failed", chat_id)
                return Delivery.FAILED

    async def _mark_unreachable(self, chat_id: int) -> None:
        try:
            await self.db.run(people.mark_unreachable, chat_id, self.clock.now())
        except Exception:
            log.exception("could not mark chat %s unreachable", chat_id)

    def post(
        self, chat_id: int | None, text: str, reply_markup: InlineKeyboardMarkup | None = None, **kwargs: Any
    ) -> None:
        """Fire and forget: the handler answers its user at once; this one arrives paced."""
        if chat_id is None:
            return
        self.run_later(self.deliver(chat_id, text, reply_markup, temporary_retries=3, **kwargs))

    def run_later(self, coroutine) -> None:
        """Background work that must not block the current handler (tracked for shutdown)."""
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:  # else "never retrieved"
            log.error("background task failed", exc_info=task.exception())

    async def drain(self, timeout: float) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)


class ReplyPacing(BaseRequestMiddleware):
    """Bot API request middleware: every message a handler sends takes its share of the
    notifier's budget (so a reminder run yields to staff replies), and a 429 on it is waited
    out and the request repeated instead of failing the handler."""

    def __init__(self, pacer: Pacer, max_retries: int = 5) -> None:
        self.pacer = pacer
        self.max_retries = max_retries
        self.retry_after_count = 0

    async def __call__(self, make_request: NextRequestMiddlewareType, bot: Bot, method: TelegramMethod) -> Any:
        if _notifying.get() or not isinstance(method, PACED_METHODS):
            return await make_request(bot, method)
        for _ in range(self.max_retries - 1):
            await self.pacer.reply()
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                self.retry_after_count += 1
                log.warning("429 on a reply: holding all sends for %s s, then repeating it", error.retry_after)
                self.pacer.hold(error.retry_after)
        await self.pacer.reply()
        return await make_request(bot, method)  # the last attempt's error reaches the handler
