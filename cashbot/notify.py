"""Messages the bot sends on its own (queue turns, approvals, reminders), paced under
Telegram's limits and tolerant of failures: one person's problem never stops the others."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from enum import Enum
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import InlineKeyboardMarkup

from cashbot.clock import Clock
from cashbot.db.database import Db
from cashbot.services import people

log = logging.getLogger(__name__)


class Delivery(str, Enum):
    SENT = "sent"
    BLOCKED = "blocked"  # 403: the person blocked the bot; marked unreachable
    FAILED = "failed"


@dataclass
class Pacer:
    """At most `rate` sends per second overall and one per `per_chat` seconds per chat."""

    rate: float
    per_chat: float

    def __post_init__(self) -> None:
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}
        self._lock = asyncio.Lock()

    async def wait(self, chat_id: int) -> None:
        async with self._lock:
            now = time.monotonic()
            at = max(now, self._next_global, self._next_chat.get(chat_id, 0.0))
            self._next_global = at + 1.0 / self.rate
            self._next_chat[chat_id] = at + self.per_chat
            if len(self._next_chat) > 10_000:  # keep memory flat: forget chats long past
                self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
        if at > now:
            await asyncio.sleep(at - now)

    def hold(self, seconds: float) -> None:
        """After a 429, nobody sends until Telegram's retry_after has passed."""
        self._next_global = max(self._next_global, time.monotonic() + seconds)


class Notifier:
    def __init__(self, bot: Bot, db: Db, clock: Clock, *, rate: float = 25, per_chat: float = 1.0,
                 max_retries: int = 5):
        self.bot, self.db, self.clock = bot, db, clock
        self.pacer = Pacer(rate, per_chat)
        self.max_retries = max_retries
        self._tasks: set[asyncio.Task] = set()
        self.retry_after_count = 0  # 429s seen, for benchmarks and logs

    async def deliver(self, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None,
                      **kwargs: Any) -> Delivery:
        """Send one message now (paced); retries 429 after retry_after. Never raises."""
        for _ in range(self.max_retries):
            await self.pacer.wait(chat_id)
            try:
                await self.bot.send_message(chat_id, text, reply_markup=reply_markup, **kwargs)
                return Delivery.SENT
            except TelegramRetryAfter as error:
                self.retry_after_count += 1
                log.warning("429 for chat %s: waiting %s s", chat_id, error.retry_after)
                self.pacer.hold(error.retry_after)
            except TelegramForbiddenError:
                log.info("chat %s blocked the bot; marked unreachable", chat_id)
                await self.db.run(people.mark_unreachable, chat_id, self.clock.now())
                return Delivery.BLOCKED
            except TelegramBadRequest as error:
                log.warning("message to chat %s refused: %s", chat_id, error.message)
                return Delivery.FAILED
            except Exception:  # network trouble, 5xx: log it and move on to the next person
                log.exception("sending to chat %s failed", chat_id)
                return Delivery.FAILED
        log.error("giving up on chat %s after %s retries", chat_id, self.max_retries)
        return Delivery.FAILED

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
        task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout: float) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
