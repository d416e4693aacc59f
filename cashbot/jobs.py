"""What the background loop runs besides answering updates: reservations that expire, the
daily reminders with the admin digest, and the daily backup.

Jobs take what they use (database, settings, clock, notifier, the loop's `stopping` flag) as
arguments, never the whole app and never a handler module: the reminder buttons are the
device card's own [Вернул]/[Продлить] callbacks, so nothing here needs a router.
`register` adds them to the loop in the order each tick runs them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import date

from cashbot.background import BackgroundLoop
from cashbot.clock import Clock
from cashbot.config import Settings
from cashbot.db.database import Db
from cashbot.health import Heartbeat
from cashbot.i18n import use_locale
from cashbot.notify import Delivery, Notifier
from cashbot.services import dev, people, queue, reminders
from cashbot.turns import announce
from cashbot.views.reminders import digest_messages, reminder_message

log = logging.getLogger(__name__)


def register(
    loop: BackgroundLoop, *, settings: Settings, clock: Clock, db: Db, notifier: Notifier, health: Heartbeat
) -> None:
    loop.add("heartbeat", lambda: heartbeat(health))
    loop.add("queue-offers", lambda: expire_offers(settings, clock, db, notifier))
    loop.add("daily reminders", DailyReminders(settings, clock, db, notifier, loop))
    loop.add("backup", lambda: scheduled_backup(settings, db, clock))


async def heartbeat(health: Heartbeat) -> None:
    """`cashbot health` checks that the loop (reminders, backups) still ticks."""
    health.loop()


async def expire_offers(settings: Settings, clock: Clock, db: Db, notifier: Notifier) -> None:
    """Move expired reservations down their queues and tell the people."""
    changes = await db.run(queue.expire_offers, clock.now(), settings.queue.hold_hours)
    for change in changes:
        announce(change, notifier, db, settings, clock, timed_out=True)


async def scheduled_backup(settings: Settings, db: Db, clock: Clock) -> None:
    """Once a local day, at or after backups.time, keep the last N."""
    if not dev.backup_due(clock.local_now(), settings.backups.time, settings.backups.enabled):
        return
    day, started = clock.today(), clock.now()
    if await db.run(dev.daily_run_done, dev.BACKUP_JOB, day):
        return
    path = await asyncio.to_thread(dev.backup_into_dir, settings.database.path, settings.backup_dir, started, "daily")
    pruned = await asyncio.to_thread(dev.prune_backups, settings.backup_dir, settings.backups.keep)
    await db.run(dev.record_daily_run, dev.BACKUP_JOB, day, started, clock.now(), file=path.name, pruned=len(pruned))
    log.info("daily backup %s written, %d old one(s) pruned", path.name, len(pruned))


# The daily reminder run.
#
# Every tick asks "is today's run due and unfinished?"; the answer is cached in memory once the
# day is done, so ticks cost nothing after that. What is sent, and at most once, is decided by
# services.reminders in the database.
#
# A run is a series of passes. The first pass goes over everyone due; a person whose message
# Telegram could not take for now (5xx, timeout, network) is released and tried again on a
# later tick, after a growing pause, until the day ends. The run finishes when nobody is left
# to retry. The admin digest goes out once nobody is waiting for a retry, or after
# DIGEST_AT_LATEST even if some still are (it then marks them as not reached).

RETRY_PAUSES = (5, 15, 30, 60, 120, 300, 600)  # seconds before the 1st, 2nd, ... retry; then the last
DIGEST_AT_LATEST = 30 * 60  # seconds after the run began


@dataclass
class _Day:
    """In-memory progress of one day's run (a restart simply retries everyone at once)."""

    day: date
    began: float = field(default_factory=time.monotonic)
    failures: dict[int, int] = field(default_factory=dict)  # person id -> temporary failures
    retry_at: dict[int, float] = field(default_factory=dict)  # person id -> monotonic time
    digest_done: bool = False


class DailyReminders:
    """The reminder job; `loop` is read for `stopping` only (a shutdown interrupts a run)."""

    def __init__(self, settings: Settings, clock: Clock, db: Db, notifier: Notifier, loop: BackgroundLoop):
        self.settings, self.clock, self.db, self.notifier, self.loop = settings, clock, db, notifier, loop
        self._done_day: date | None = None  # today's run finished (or today is not a run day)
        self._today: _Day | None = None

    async def __call__(self) -> None:
        settings = self.settings.reminders
        if not settings.enabled:
            return
        local_now = self.clock.local_now()
        today = local_now.date()
        if self._done_day == today:
            return
        if not reminders.is_run_day(today, settings.days):
            log.info("reminders: %s is not a run day", today)
            self._done_day = today
            return
        if not reminders.run_is_due(local_now, settings.send_time, settings.days):
            return
        db, now = self.db, self.clock.now()
        if not await db.run(reminders.begin_run, reminders.REMINDERS_JOB, today, now):
            log.info("reminders: the run for %s already finished", today)
            self._done_day = today
            return
        if self._today is None or self._today.day != today:
            self._today = _Day(today)
        state = self._today
        counts, waiting = await self.send_reminders(today, state)
        if self.loop.stopping:  # unfinished: the next start resumes it, skipping claims
            log.info("reminders: run for %s interrupted by shutdown after %s", today, counts)
            return
        if counts:
            log.info("reminders: pass for %s: %s", today, counts)
        if (
            settings.admin_digest
            and not state.digest_done
            and (not waiting or time.monotonic() - state.began >= DIGEST_AT_LATEST)
        ):
            await self.send_digest(today)
            state.digest_done = True
        if waiting:
            log.info("reminders: %s people to retry later today", waiting)
            return
        await db.run(reminders.finish_run, reminders.REMINDERS_JOB, today, self.clock.now())
        log.info("reminders: run for %s finished: %s", today, counts)
        self._done_day = today

    async def send_reminders(self, today: date, state: _Day) -> tuple[dict[str, int], int]:
        """One pass over everyone due and not yet claimed today whose retry pause is over.
        Returns the outcomes and how many people are left to retry."""
        horizon = reminders.next_run_day(today, self.settings.reminders.days)
        due = await self.db.run(reminders.recipients, today, horizon)
        now = time.monotonic()
        ready = [r for r in due if state.retry_at.get(r.person_id, 0.0) <= now]
        # Enough concurrent sends to keep the pacer busy even when each request is slow.
        gate = asyncio.Semaphore(max(1, int(self.settings.reminders.global_rate)))
        counts: dict[str, int] = {}

        async def remind(recipient: reminders.Recipient) -> None:
            async with gate:
                if self.loop.stopping:  # leave the rest to the resumed run, at once
                    return
                outcome = await self.remind_one(recipient, today, horizon)
                counts[outcome.value] = counts.get(outcome.value, 0) + 1
                if outcome is Delivery.UNAVAILABLE:
                    failures = state.failures[recipient.person_id] = state.failures.get(recipient.person_id, 0) + 1
                    pause = RETRY_PAUSES[min(failures, len(RETRY_PAUSES)) - 1]
                    state.retry_at[recipient.person_id] = time.monotonic() + pause

        await asyncio.gather(*(remind(r) for r in ready))
        waiting = len(due) - len(ready) + counts.get(Delivery.UNAVAILABLE.value, 0)
        return counts, waiting

    async def remind_one(self, recipient: reminders.Recipient, today: date, horizon: date) -> Delivery:
        db, clock, claimed = self.db, self.clock, None

        async def prepare():
            nonlocal claimed
            if self.loop.stopping:  # shutting down: leave this person for the resumed run
                return None
            claimed = await db.run(reminders.claim, recipient.person_id, today, horizon, clock.now())
            if not claimed:
                return None
            with use_locale(recipient.language):
                return reminder_message(claimed, today)

        outcome = await self.notifier.deliver(recipient.telegram_id, prepare=prepare, temporary_retries=0)
        loan_ids = [loan.loan_id for loan in claimed.loans] if claimed else []
        if outcome is Delivery.SENT:
            await db.run(reminders.mark_sent, recipient.person_id, loan_ids, today, clock.now())
        elif outcome is Delivery.UNAVAILABLE:  # Telegram did not take it: due again, later
            await db.run(reminders.release, recipient.person_id, loan_ids, today)
            log.info("reminder for person %s not delivered for now; will retry", recipient.person_id)
        elif outcome is not Delivery.SKIPPED:
            log.warning("reminder for person %s not delivered: %s", recipient.person_id, outcome.value)
        return outcome

    async def send_digest(self, today: date) -> None:
        db = self.db
        if not await db.run(reminders.claim_once, reminders.DIGEST_JOB, today, self.clock.now()):
            return
        overdue = await db.run(reminders.overdue_loans, today)
        if not overdue:  # nothing overdue: no digest at all
            return
        admin_ids = await db.run(reminders.digest_recipients)
        languages = await db.run(people.languages, admin_ids)
        for admin_id in admin_ids:
            with use_locale(languages.get(admin_id)):  # each admin reads it in their language
                messages = digest_messages(overdue, today)
            for text in messages:  # a long digest is several messages; stop at the first failure
                if await self.notifier.deliver(admin_id, text, temporary_retries=3) is not Delivery.SENT:
                    break
