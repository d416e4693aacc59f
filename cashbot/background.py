"""The in-process background loop: queue offers expire, daily jobs run. One asyncio task.

Each tick runs every job; a job that raises is logged and the next tick runs anyway."""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class BackgroundLoop:
    def __init__(self, tick_seconds: float):
        self.tick_seconds = tick_seconds
        self.jobs: list[tuple[str, Job]] = []
        self._task: asyncio.Task | None = None
        self._wake = asyncio.Event()

    def add(self, name: str, job: Job) -> None:
        self.jobs.append((name, job))

    async def tick(self) -> None:
        for name, job in self.jobs:
            try:
                await job()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("background job %s failed; it runs again next tick", name)

    async def _run(self) -> None:
        while True:
            await self.tick()
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.tick_seconds)
            except asyncio.TimeoutError:
                pass

    def wake(self) -> None:
        """Run a tick now (the test clock moved, a dev asked for a backup, ...)."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="background-loop")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
