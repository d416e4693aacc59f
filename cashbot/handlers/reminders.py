"""The daily reminder run and the admin digest as a background-loop job (no router: the
reminder buttons are the device card's own [Вернул]/[Продлить] callbacks).

Every tick asks "is today's run due and unfinished?"; the answer is cached in memory once the
day is done, so ticks cost nothing after that. What is sent, and at most once, is decided by
services.reminders in the database."""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from typing import TYPE_CHECKING

from cashbot.notify import Delivery
from cashbot.services import reminders
from cashbot.views.reminders import digest_messages, reminder_message

if TYPE_CHECKING:
    from cashbot.app import App

log = logging.getLogger(__name__)


class DailyReminders:
    def __init__(self, app: "App"):
        self.app = app
        self._done_day: date | None = None  # today's run finished (or today is not a run day)

    async def __call__(self) -> None:
        settings = self.app.settings.reminders
        if not settings.enabled:
            return
        local_now = self.app.clock.local_now()
        today = local_now.date()
        if self._done_day == today:
            return
        if not reminders.is_run_day(today, settings.days):
            log.info("reminders: %s is not a run day", today)
            self._done_day = today
            return
        if not reminders.run_is_due(local_now, settings.send_time, settings.days):
            return
        db, now = self.app.db, self.app.clock.now()
        if not await db.run(reminders.begin_run, reminders.REMINDERS_JOB, today, now):
            log.info("reminders: the run for %s already finished", today)
            self._done_day = today
            return
        counts = await self.send_reminders(today)
        if self.app.loop.stopping:  # unfinished: the next start resumes it, skipping claims
            log.info("reminders: run for %s interrupted by shutdown after %s", today, counts)
            return
        if settings.admin_digest:
            await self.send_digest(today)
        await db.run(reminders.finish_run, reminders.REMINDERS_JOB, today, self.app.clock.now())
        log.info("reminders: run for %s finished: %s", today, counts)
        self._done_day = today

    async def send_reminders(self, today: date) -> dict[str, int]:
        horizon = reminders.next_run_day(today, self.app.settings.reminders.days)
        people = await self.app.db.run(reminders.recipients, today, horizon)
        # Enough concurrent sends to keep the pacer busy even when each request is slow.
        gate = asyncio.Semaphore(max(1, int(self.app.settings.reminders.global_rate)))
        counts: dict[str, int] = {}

        async def remind(recipient: reminders.Recipient) -> None:
            async with gate:
                if self.app.loop.stopping:  # leave the rest to the resumed run, at once
                    return
                outcome = await self.remind_one(recipient, today, horizon)
                counts[outcome.value] = counts.get(outcome.value, 0) + 1

        await asyncio.gather(*(remind(r) for r in people))
        return counts

    async def remind_one(self, recipient: reminders.Recipient, today: date, horizon: date) -> Delivery:
        db, clock, claimed = self.app.db, self.app.clock, None

        async def prepare():
            nonlocal claimed
            if self.app.loop.stopping:  # shutting down: leave this person for the resumed run
                return None
            claimed = await db.run(reminders.claim, recipient.person_id, today, horizon, clock.now())
            return reminder_message(claimed, today) if claimed else None

        outcome = await self.app.notifier.deliver(recipient.telegram_id, prepare=prepare)
        if outcome is Delivery.SENT:
            await db.run(reminders.mark_sent, recipient.person_id,
                         [loan.loan_id for loan in claimed.loans], today, clock.now())
        elif outcome is not Delivery.SKIPPED:
            log.warning("reminder for person %s not delivered: %s", recipient.person_id, outcome.value)
        return outcome

    async def send_digest(self, today: date) -> None:
        db = self.app.db
        if not await db.run(reminders.claim_once, reminders.DIGEST_JOB, today, self.app.clock.now()):
            return
        messages = digest_messages(await db.run(reminders.overdue_loans, today), today)
        if not messages:  # nothing overdue: no digest at all
            return
        for admin_id in await db.run(reminders.digest_recipients):
            for text in messages:  # a long digest is several messages; stop at the first failure
                if await self.app.notifier.deliver(admin_id, text) is not Delivery.SENT:
                    break


def register(app: "App") -> None:
    app.loop.add("daily reminders", DailyReminders(app))
