"""How long the event loop was kept from running while a benchmark worked.

A ticker task sleeps 1 ms at a time and records how late it woke up; the longest delay is the
longest stall anything in the loop (or holding the interpreter lock) caused meanwhile.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

TICK = 0.001


@dataclass
class LongestStall:
    seconds: float = 0.0

    @property
    def ms(self) -> float:
        return self.seconds * 1000


@asynccontextmanager
async def longest_stall() -> AsyncIterator[LongestStall]:
    """`async with longest_stall() as stall:` ... then `stall.ms`."""
    stall, done = LongestStall(), asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(TICK)
            stall.seconds = max(stall.seconds, time.perf_counter() - before - TICK)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)  # the ticker is running before the work starts
    try:
        yield stall
    finally:
        done.set()
        await task
