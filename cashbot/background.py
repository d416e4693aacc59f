"""The in-process background loop: queue offers expire, daily jobs run. One asyncio task.

Each tick runs every job in turn; a job that raises is logged and the next tick runs anyway,
so the loop never dies. Stopping is graceful: `stopping` turns true, long jobs (a reminder
run) check it between people and return, and `stop` waits a little for the current tick
before cancelling it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class BackgroundLoop:
    def __init__(self, tick_seconds: float):
        self.tick_seconds = tick_seconds
        self.jobs: list[tuple[str, Job]] = []
        self._task: asyncio.Task | None = None
        self._wake = asyncio.Event()
        self.stopping = False

    def add(self, name: str, job: Job) -> None:
        self.jobs.append((name, job))

    async def tick(self) -> None:
        for name, job in self.jobs:
            if self.stopping:
                return
            try:
                await job()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("background job %s failed; it runs again next tick", name)

    async def _run(self) -> None:
        while not self.stopping:
            self._wake.clear()  # before the tick: `stop` during the tick ends the pause at once
            await self.tick()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.tick_seconds)
            except TimeoutError:
                pass

    def start(self) -> None:
        self.stopping = False
        self._task = asyncio.create_task(self._run(), name="background-loop")

    async def stop(self, grace: float = 5.0) -> None:
        """Let the running tick wind down (jobs see `stopping`), then cancel what is left."""
        self.stopping = True
        self._wake.set()
        task = self._task
        if task is None:
            return
        done, _ = await asyncio.wait({task}, timeout=grace)
        if not done:
            task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
