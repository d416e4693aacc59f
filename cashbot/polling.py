"""Long polling that confirms an update to Telegram only once it has been handled.

aiogram's `start_polling` moves the getUpdates offset past a batch as soon as it asks for the
next one, while the batch's handlers may still be running as tasks: a process killed then
loses those updates (Telegram never sends them again). Here the offset never passes an update
whose handling has not finished: it is the lowest unfinished id, or one past the highest
fetched when nothing is running. After a crash Telegram therefore delivers again everything
that was not finished (and possibly a few that were: handlers are idempotent, see
docs/architecture.md).

Because the offset can stay behind, getUpdates returns updates that are still running;
those are skipped (only ids above the highest fetched are new), and when a batch brings
nothing new the poller waits for a handler to finish (or a short pause) before asking again,
so it never spins. Each update runs as its own task, as in aiogram; per-user serialisation
comes from the dispatcher's `SimpleEventIsolation`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

log = logging.getLogger(__name__)

BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)
# With only running updates in a batch, ask again after one finishes or after this long
# (new updates from other people may be waiting behind them).
RECHECK_SECONDS = 0.5


class ConfirmingPoller:
    def __init__(self, dispatcher: Dispatcher, bot: Bot, *, polling_timeout: int = 10,
                 allowed_updates: list[str] | None = None, grace: float = 10.0) -> None:
        self.dispatcher, self.bot = dispatcher, bot
        self.grace = grace  # how long running handlers may take to finish on stop
        self.polling_timeout = polling_timeout
        self.allowed_updates = allowed_updates
        self.running: set[int] = set()  # fetched, handling not finished
        self.fetched_up_to: int | None = None  # the highest update id handed to a handler
        self._tasks: set[asyncio.Task] = set()
        self._finished = asyncio.Event()
        self._stop = asyncio.Event()

    # ------------------------------------------------------------------ offset

    def offset(self) -> int | None:
        """What may be confirmed to Telegram: every update below this id has been handled."""
        if self.running:
            return min(self.running)
        return None if self.fetched_up_to is None else self.fetched_up_to + 1

    # ------------------------------------------------------------------ running

    def stop(self) -> None:
        self._stop.set()

    async def run(self, **workflow_data: Any) -> None:
        """Poll until `stop()` (or SIGTERM/SIGINT), then let running handlers finish (up to
        `grace`) before the dispatcher's shutdown closes the FSM storage; `confirm()` after."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, self._on_signal, sig)
        data = {"dispatcher": self.dispatcher, "bots": [self.bot], **self.dispatcher.workflow_data,
                **workflow_data}
        data.pop("bot", None)
        await self.dispatcher.emit_startup(bot=self.bot, **data)
        me = await self.bot.me()
        log.info("polling as @%s (id %s)", me.username, me.id)
        fetching = asyncio.create_task(self._fetch_forever(data), name="polling")
        stopping = asyncio.create_task(self._stop.wait())
        try:
            done, _ = await asyncio.wait({fetching, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if fetching in done:
                fetching.result()  # a bug in the loop itself: let it surface
        finally:
            for task in (fetching, stopping):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            log.info("polling stopped")
            await self.drain(self.grace)
            await self.dispatcher.emit_shutdown(bot=self.bot, **data)

    def _on_signal(self, sig: signal.Signals) -> None:
        log.warning("received %s: finishing what is running, then stopping", sig.name)
        self.stop()

    async def _fetch_forever(self, data: dict[str, Any]) -> None:
        backoff = Backoff(BACKOFF)
        kwargs = {}
        if self.bot.session.timeout:  # the long poll must not count as a slow request
            kwargs["request_timeout"] = int(self.bot.session.timeout + self.polling_timeout)
        while not self._stop.is_set():  # besides cancellation, which a wait_for may swallow
            self._finished.clear()  # before asking: a handler finishing meanwhile is not missed
            request = GetUpdates(offset=self.offset(), timeout=self.polling_timeout,
                                 allowed_updates=self.allowed_updates)
            try:
                updates = await self.bot(request, **kwargs)
            except Exception as error:  # noqa: BLE001 - Telegram or the network: try again
                log.error("getUpdates failed (%s: %s); again in %.1f s", type(error).__name__, error,
                          backoff.next_delay)
                await backoff.asleep()
                continue
            backoff.reset()
            new = [u for u in updates if self.fetched_up_to is None or u.update_id > self.fetched_up_to]
            for update in new:
                self._start(update, data)
            if updates and not new:  # only running ones came back: let them get on first
                finished = asyncio.ensure_future(self._finished.wait())
                try:  # asyncio.wait, not wait_for: on 3.11 wait_for can swallow a cancel
                    await asyncio.wait({finished}, timeout=RECHECK_SECONDS)
                finally:
                    finished.cancel()

    def _start(self, update: Update, data: dict[str, Any]) -> None:
        self.running.add(update.update_id)
        self.fetched_up_to = max(self.fetched_up_to or 0, update.update_id)
        task = asyncio.create_task(self._handle(update, data))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, update: Update, data: dict[str, Any]) -> None:
        try:
            response = await self.dispatcher.feed_update(self.bot, update, **data)
            if isinstance(response, TelegramMethod):
                await self.dispatcher.silent_call_request(self.bot, response)
        except Exception:  # noqa: BLE001 - handled, if badly: confirmed, never a poison loop
            log.exception("update %s failed", update.update_id)
        finally:
            self.running.discard(update.update_id)
            self._finished.set()

    # ------------------------------------------------------------------ stopping

    async def drain(self, timeout: float) -> None:
        """Let running handlers finish (those still running after `timeout` stay unconfirmed)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    async def confirm(self) -> None:
        """Tell Telegram what has been handled, so a restart does not see it again."""
        offset = self.offset()
        if offset is None:
            return
        try:
            await self.bot.get_updates(offset=offset, limit=1, timeout=0)
        except Exception as error:  # noqa: BLE001 - the next start gets them again, harmless
            log.warning("could not confirm handled updates: %s", error)
