"""Where "now" comes from. Services take `now` as an argument; handlers and loops ask a Clock.

`FileClock` exists for end-to-end tests of the real process: when CASHBOT_CLOCK_FILE names a
file holding an ISO-8601 datetime, that is "now" (re-read when the file changes); otherwise
real time. It is a test hook at the edge, documented in README.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo


class Clock:
    def __init__(self, tz: ZoneInfo):
        self.tz = tz

    def now(self) -> datetime:
        """Aware UTC."""
        return datetime.now(UTC)

    def local_now(self) -> datetime:
        return self.now().astimezone(self.tz)

    def today(self) -> date:
        return self.local_now().date()


class FileClock(Clock):
    def __init__(self, tz: ZoneInfo, path: str | os.PathLike):
        super().__init__(tz)
        self.path = Path(path)
        self._cached: tuple[float, datetime] | None = None

    def now(self) -> datetime:
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return datetime.now(UTC)
        if self._cached is None or self._cached[0] != mtime:
            value = datetime.fromisoformat(self.path.read_text().strip())
            if value.tzinfo is None:
                value = value.replace(tzinfo=self.tz)
            self._cached = (mtime, value.astimezone(UTC))
        return self._cached[1]


class FixedClock(Clock):
    """For service and handler tests: time moves only when the test says so."""

    def __init__(self, tz: ZoneInfo, now: datetime):
        super().__init__(tz)
        self.value = now

    def now(self) -> datetime:
        return self.value

    def advance(self, **delta) -> None:
        from datetime import timedelta

        self.value += timedelta(**delta)


def make_clock(tz: ZoneInfo) -> Clock:
    path = os.environ.get("CASHBOT_CLOCK_FILE")
    return FileClock(tz, path) if path else Clock(tz)
