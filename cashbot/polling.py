"""Long polling that loses no update to a crash: each batch is written to the update
journal before it is confirmed to Telegram, and leaves it when its handler has finished.

aiogram's `start_polling` confirms a batch (moves the getUpdates offset past it) as soon as it
asks for the next one, while the batch's handlers may still be running as tasks: a process
killed then loses those updates, Telegram never sends them again. Here the next getUpdates
(which confirms) is only made once the batch is in `update_journal` (migration 003), and an
update is deleted from it when its handler finishes; the next start handles again whatever
the journal still holds, before polling. A crash can therefore make an update be handled
twice (finished, not yet deleted), never not at all; handlers are idempotent
(docs/architecture.md).

Keeping the offset behind unfinished updates instead would have Telegram send every running
update again on each getUpdates, which aiogram parses each time: under load that cost more
than the journal's one small write per batch and one per finished handler (coalesced).

Each update runs as its own task, as in aiogram; per-user serialisation comes from the
dispatcher's `SimpleEventIsolation`, and replayed updates start first, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

from cashbot.db.database import Db
from cashbot.db.models import database_proxy

log = logging.getLogger(__name__)

BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)


# ------------------------------------------------------------------ the journal (database thread)


def journal_pending() -> list[tuple[int, str]]:
    """Updates fetched and not finished when the bot last stopped, oldest first."""
    return database_proxy.execute_sql("SELECT update_id, body FROM update_journal ORDER BY update_id").fetchall()


def journal_write(fetched: list[tuple[int, str]], finished: list[int]) -> None:
    with database_proxy.atomic():
        for update_id, body in fetched:
            database_proxy.execute_sql(
                "INSERT OR IGNORE INTO update_journal (update_id, body) VALUES (?, ?)", (update_id, body)
            )
        for start in range(0, len(finished), 500):  # SQLite's bound-parameter limit
            chunk = finished[start : start + 500]
            database_proxy.execute_sql(
                f"DELETE FROM update_journal WHERE update_id IN ({','.join('?' * len(chunk))})", chunk
            )


class ConfirmingPoller:
    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        db: Db,
        *,
        polling_timeout: int = 10,
        allowed_updates: list[str] | None = None,
        grace: float = 10.0,
        unjournaled: Callable[[Update], bool] | None = None,
    ) -> None:
        self.dispatcher, self.bot, self.db = dispatcher, bot, db
        # Updates that must never touch the disk (a developer's typed confirmation code): they
        # are handled but not journaled, so a crash while they run loses them.
        self.unjournaled = unjournaled or (lambda update: False)
        self.grace = grace  # how long running handlers may take to finish on stop
        self.polling_timeout = polling_timeout
        self.allowed_updates = allowed_updates
        self.running: set[int] = set()  # fetched, handling not finished
        self.fetched_up_to: int | None = None  # the highest update id handed to a handler
        self._tasks: set[asyncio.Task] = set()
        self._finished: list[int] = []  # to delete from the journal
        self._forgetting: asyncio.Task | None = None
        self._stop = asyncio.Event()

    def offset(self) -> int | None:
        """The next getUpdates offset: confirms everything fetched (it is in the journal)."""
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
        data = {"dispatcher": self.dispatcher, "bots": [self.bot], **self.dispatcher.workflow_data, **workflow_data}
        data.pop("bot", None)
        await self.dispatcher.emit_startup(bot=self.bot, **data)
        me = await self.bot.me()
        log.info("polling as @%s (id %s)", me.username, me.id)
        for update_id, body in await self.db.run(journal_pending):
            log.info("handling update %s again: it was not finished when the bot stopped", update_id)
            self._start(Update.model_validate_json(body, context={"bot": self.bot}), data)
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
            request = GetUpdates(
                offset=self.offset(), timeout=self.polling_timeout, allowed_updates=self.allowed_updates
            )
            try:
                updates = await self.bot(request, **kwargs)
            except Exception as error:  # noqa: BLE001 - Telegram or the network: try again
                log.error(
                    "getUpdates failed (%s: %s); again in %.1f s", type(error).__name__, error, backoff.next_delay
                )
                await backoff.asleep()
                continue
            backoff.reset()
            new = [u for u in updates if self.fetched_up_to is None or u.update_id > self.fetched_up_to]
            if not new:
                continue
            # In the journal before the next getUpdates confirms them to Telegram.
            fetched = [(u.update_id, u.model_dump_json(exclude_unset=True)) for u in new if not self.unjournaled(u)]
            try:
                await self.db.run(journal_write, fetched, [])
            except Exception:  # noqa: BLE001 - handle them anyway; only a crash could lose them
                log.exception("could not journal updates %s..%s", new[0].update_id, new[-1].update_id)
            for update in new:
                self._start(update, data)

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
        except Exception:  # noqa: BLE001 - handled, if badly: forgotten, never a poison loop
            log.exception("update %s failed", update.update_id)
        finally:
            self.running.discard(update.update_id)
            self._forget(update.update_id)

    def _forget(self, update_id: int) -> None:
        """Delete finished updates from the journal; those finishing meanwhile go together."""
        self._finished.append(update_id)
        if self._forgetting is None or self._forgetting.done():
            self._forgetting = asyncio.create_task(self._forget_finished())

    async def _forget_finished(self) -> None:
        while self._finished:
            finished, self._finished = self._finished, []
            try:
                await self.db.run(journal_write, [], finished)
            except Exception:  # noqa: BLE001 - they would be handled again after a restart
                log.exception("could not clear finished updates from the journal")

    # ------------------------------------------------------------------ stopping

    async def drain(self, timeout: float) -> None:
        """Let running handlers finish (those still running after `timeout` stay in the
        journal and run again at the next start)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
        if self._forgetting is not None:
            await self._forgetting

    async def confirm(self) -> None:
        """Tell Telegram that everything fetched is ours (it is handled or in the journal)."""
        offset = self.offset()
        if offset is None:
            return
        try:
            await self.bot.get_updates(offset=offset, limit=1, timeout=0)
        except Exception as error:  # noqa: BLE001 - the next start gets them again, harmless
            log.warning("could not confirm handled updates: %s", error)
