"""Footprint of a bot process: peak resident memory and time to the first answered update.

Both are taken from the real processes the end-to-end benchmark runs (benchmarks/e2e.py):
- start: a message is waiting in the Bot API double before the process starts (as Telegram
  keeps updates for a bot that is down); the clock runs from spawning the process to the
  user seeing the answer. That is imports, config, migrations check, first getUpdates. The
  median of three starts per bot, alternating (e2e.py).
- peak RSS: VmHWM from /proc/<pid>/status after the load, before the process stops.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from tests.double.core import BotMessage, User
from tests.double.process import BotProcess

START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Footprint:
    startup_seconds: float
    peak_rss_kib: int | None = None


def vm_hwm_kib(pid: int) -> int | None:
    """Peak resident set size of a running process, in KiB (None if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except FileNotFoundError:
        return None
    return None


def timed_start(proc: BotProcess, user: User, text: str, answered) -> float:
    """Queue `text` from `user`, start the process, return seconds until the answer arrives."""
    user.send(text)
    started = time.perf_counter()
    proc.start(timeout=START_TIMEOUT)
    user.wait_for(answered, timeout=START_TIMEOUT)
    return time.perf_counter() - started


def rows(cash: Footprint, echo: Footprint) -> list[tuple]:
    """Summary rows: (benchmark, metric, cashbot, echo, ratio, target, ok)."""
    out = []
    if cash.peak_rss_kib and echo.peak_rss_kib:
        ratio = cash.peak_rss_kib / echo.peak_rss_kib
        out.append(
            (
                "footprint",
                "peak RSS (VmHWM) after the e2e load, MB",
                f"{cash.peak_rss_kib / 1024:.0f}",
                f"{echo.peak_rss_kib / 1024:.0f}",
                f"{ratio:.2f}",
                "≤ 1.25×",
                ratio <= 1.25,
            )
        )
    ratio = cash.startup_seconds / echo.startup_seconds
    out.append(
        (
            "footprint",
            "process start → first answered update, s",
            f"{cash.startup_seconds:.2f}",
            f"{echo.startup_seconds:.2f}",
            f"{ratio:.2f}",
            "≤ 1.5×",
            ratio <= 1.5,
        )
    )
    return out


def is_help(message: BotMessage) -> bool:
    return "/mine" in message.text
