"""Messages the bot sends on its own (queue turns, approvals, reminders), paced under
Telegram's limits and tolerant of failures: one person's problem never stops the others.

Rules (issue 5): at most `rate` messages per second overall and one per `per_chat` seconds per
chat; a 429 holds *every* send for `retry_after` and the message is retried; a 403 (blocked,
deactivated) marks the person unreachable; any other failure is logged and reported as
FAILED. `deliver` never raises, so a caller looping over people cannot be stopped by one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import InlineKeyboardMarkup

from cashbot.clock import Clock
from cashbot.db.database import Db
from cashbot.services import people

log = logging.getLogger(__name__)

# What `prepare` returns: the message to send, or None to send nothing after all.
Prepared = tuple[str, InlineKeyboardMarkup | None] | None


class Delivery(str, Enum):
    SENT = "sent"
    BLOCKED = "blocked"  # 403: the person blocked the bot; marked unreachable
    FAILED = "failed"
    SKIPPED = "skipped"  # `prepare` decided there was nothing to send


@dataclass
class Pacer:
    """At most `rate` sends per second overall and one per `per_chat` seconds per chat.

    A 429 (`hold`) stops everyone until retry_after has passed, including sends that had
    already been given a slot and are sleeping towards it: they queue again after the hold."""

    rate: float
    per_chat: float
    _next_global: float = field(default=0.0, init=False)
    _hold_until: float = field(default=0.0, init=False)
    _next_chat: dict[int, float] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self._lock = asyncio.Lock()

    async def wait(self, chat_id: int) -> None:
        while True:
            async with self._lock:
                now = time.monotonic()
                at = max(now, self._next_global, self._hold_until, self._next_chat.get(chat_id, 0.0))
                self._next_global = at + 1.0 / self.rate
                self._next_chat[chat_id] = at + self.per_chat
                if len(self._next_chat) > 10_000:  # keep memory flat: forget chats long past
                    self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
            if at > now:
                await asyncio.sleep(at - now)
            if time.monotonic() >= self._hold_until:
                return

    def hold(self, seconds: float) -> None:
        """After a 429, nobody sends until Telegram's retry_after has passed."""
        self._hold_until = max(self._hold_until, time.monotonic() + seconds)
        self._next_global = max(self._next_global, self._hold_until)


async def _ready(text: str, markup: InlineKeyboardMarkup | None) -> Prepared:
    return text, markup


class Notifier:
    def __init__(self, bot: Bot, db: Db, clock: Clock, *, rate: float = 25, per_chat: float = 1.0,
                 max_retries: int = 5):
        self.bot, self.db, self.clock = bot, db, clock
        self.pacer = Pacer(rate, per_chat)
        self.max_retries = max_retries
        self._tasks: set[asyncio.Task] = set()
        self.retry_after_count = 0  # 429s seen, for benchmarks and logs

    async def deliver(self, chat_id: int, text: str | None = None,
                      reply_markup: InlineKeyboardMarkup | None = None, *,
                      prepare: Callable[[], Awaitable[Prepared]] | None = None,
                      **kwargs: Any) -> Delivery:
        """Send one message (paced); retries a 429 after retry_after. Never raises.

        `prepare`, when given, is awaited once, right after the first pacing wait and just
        before the first attempt: reminders claim their delivery rows there, so a crash can
        lose at most the messages already on the wire, never send one twice."""
        if prepare is None:
            prepare = lambda: _ready(text, reply_markup)  # noqa: E731
        prepared: Prepared = None
        for attempt in range(self.max_retries):
            await self.pacer.wait(chat_id)
            try:
                if attempt == 0:
                    prepared = await prepare()
                    if prepared is None:
                        return Delivery.SKIPPED
                await self.bot.send_message(chat_id, prepared[0], reply_markup=prepared[1], **kwargs)
                return Delivery.SENT
            except TelegramRetryAfter as error:
                self.retry_after_count += 1
                log.warning("429 for chat %s: holding all sends for %s s", chat_id, error.retry_after)
                self.pacer.hold(error.retry_after)
            except TelegramForbiddenError:
                log.info("chat %s blocked the bot; marked unreachable", chat_id)
                await self._mark_unreachable(chat_id)
                return Delivery.BLOCKED
            except TelegramBadRequest as error:
                log.warning("message to chat %s refused: %s", chat_id, error.message)
                return Delivery.FAILED
            except asyncio.CancelledError:
                raise
            except Exception:  # network trouble, 5xx, a bug in prepare: log it, next person
                log.exception("sending to chat %s failed", chat_id)
                return Delivery.FAILED
        log.error("giving up on chat %s after %s attempts (429 each time)", chat_id, self.max_retries)
        return Delivery.FAILED

    async def _mark_unreachable(self, chat_id: int) -> None:
        try:
            await self.db.run(people.mark_unreachable, chat_id, self.clock.now())
        except Exception:
            log.exception("could not mark chat %s unreachable", chat_id)

    def post(self, chat_id: int | None, text: str, reply_markup: InlineKeyboardMarkup | None = None,
             **kwargs: Any) -> None:
        """Fire and forget: the handler answers its user at once; this one arrives paced."""
        if chat_id is None:
            return
        self.run_later(self.deliver(chat_id, text, reply_markup, **kwargs))

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
