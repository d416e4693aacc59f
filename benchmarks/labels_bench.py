"""Benchmark: label sheets and stickers drawn the way the bot draws them (a worker thread).

Reports the time for a sheet of 1,000 labels (42 A4 pages, the default 3 × 8 grid), the
longest event-loop stall meanwhile (a ticker task measures how late each of its 1 ms sleeps
wakes up), and the time for one PNG sticker.

    python -m benchmarks.labels_bench
"""

from __future__ import annotations

import asyncio
import time

from benchmarks.loop_stall import longest_stall
from cashbot.config import LabelsSettings
from cashbot.printing import Label, sheet_pdf, sticker_png
from cashbot.views.links import device_link

LABELS = 1_000
BOT = "team_devices_bot"


def labels(count: int = LABELS) -> list[Label]:
    return [
        Label(n, f"Терминал эквайринга Ingenico iWL250 №{n}", device_link(BOT, n))
        for n in range(100_000, 100_000 + count)
    ]


async def _measure(items: list[Label]) -> tuple[float, float, int]:
    async with longest_stall() as stall:
        start = time.perf_counter()
        pdf = await asyncio.to_thread(sheet_pdf, items, LabelsSettings())
        elapsed = time.perf_counter() - start
    return elapsed, stall.seconds, len(pdf)


def run() -> dict:
    elapsed, stall, size = asyncio.run(_measure(labels()))
    start = time.perf_counter()
    for item in labels(20):
        sticker_png(item)
    sticker = (time.perf_counter() - start) / 20
    return {"sheet_seconds": elapsed, "loop_stall_ms": stall * 1000, "pdf_bytes": size, "sticker_ms": sticker * 1000}


if __name__ == "__main__":
    result = run()
    print(
        f"sheet of {LABELS} labels: {result['sheet_seconds']:.2f} s, {result['pdf_bytes'] / 1e6:.2f} MB, "
        f"longest loop stall {result['loop_stall_ms']:.1f} ms; one PNG sticker: {result['sticker_ms']:.0f} ms"
    )
