"""Limits and faults of the Bot API double: Telegram-like flood control (429 with
retry_after, per chat and per bot) and injected trouble (errors, outages, stalled requests).

`LimitsAndFaults` is a part of `core.FakeTelegram`; `call()` asks `_check_faults` and
`_check_flood` before it runs a method.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .state import CONFLICT, TelegramError, _Bot

# Methods that count against flood control (lower case, as call() compares them).
FLOOD_METHODS = {"sendmessage", "senddocument", "copymessage", "forwardmessage", "sendphoto"}


@dataclass
class _Fault:
    method: str
    chat_id: Any
    remaining: int
    error: TelegramError
    until: float | None = None  # an outage: every matching call fails until then (double clock)


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float
    stamp: float

    def take(self, now: float) -> float:
        """Consume one token; return 0 on success or seconds to wait."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


class LimitsAndFaults:
    """Flood control and fault injection (test-facing), and the checks `call()` runs."""

    _cond: threading.Condition
    _clock: Callable[[], float]

    def _init_limits(self) -> None:
        self._faults: list[_Fault] = []
        self._stalls: list[_Fault] = []  # HTTP front only: hold the request, then fail it
        self.stalled: list[tuple[str, dict]] = []  # (method, params) of requests held so far
        self._flood: tuple[tuple[float, float], tuple[float, float]] | None = None
        self._buckets: dict[Any, _Bucket] = {}

    def _canonical_name(self, method: str) -> str:
        raise NotImplementedError  # core.FakeTelegram: the method table's spelling

    def _check_faults(self, method: str, params: dict) -> None:
        for fault in list(self._faults):
            if fault.method != method.lower():
                continue
            if fault.chat_id is not None and str(params.get("chat_id")) != str(fault.chat_id):
                continue
            if fault.until is not None:
                if self._clock() >= fault.until:
                    self._faults.remove(fault)
                    continue
                raise fault.error
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            raise fault.error

    def _check_flood(self, bot: _Bot, params: dict) -> None:
        assert self._flood is not None  # call() checks only while flood control is on
        (chat_rate, chat_burst), (glob_rate, glob_burst) = self._flood
        now = self._clock()
        keys = [
            ((bot.id, "chat", str(params.get("chat_id"))), chat_rate, chat_burst),
            ((bot.id, "global"), glob_rate, glob_burst),
        ]
        for key, rate, burst in keys:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(rate, burst, burst, now)
            wait = bucket.take(now)
            if wait > 0:
                retry = max(1, math.ceil(wait))
                raise TelegramError(429, f"Too Many Requests: retry after {retry}", retry)

    def set_flood_control(
        self,
        enabled: bool = True,
        *,
        per_chat: tuple[float, float] = (1.0, 3),
        global_: tuple[float, float] = (30.0, 30),
    ) -> None:
        """Turn Telegram-like flood limits on: (rate per second, burst) per chat and per bot."""
        with self._cond:
            self._flood = (per_chat, global_) if enabled else None
            self._buckets.clear()

    def inject_error(
        self,
        method: str,
        *,
        chat_id: int | None = None,
        times: int = 1,
        error_code: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """The next `times` calls of `method` (to `chat_id`, if given) fail with this error."""
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after or 1}",
                500: "Internal Server Error",
                502: "Bad Gateway",
                400: "Bad Request",
                403: "Forbidden",
                409: CONFLICT,
            }.get(error_code, "Error")
        if error_code == 429 and retry_after is None:
            retry_after = 1
        with self._cond:
            canonical = self._canonical_name(method)
            self._faults.append(
                _Fault(canonical.lower(), chat_id, times, TelegramError(error_code, description, retry_after))
            )

    def inject_stall(self, method: str, seconds: float, *, chat_id: int | None = None) -> None:
        """The next call of `method` (to `chat_id`, if given) hangs for `seconds` and then fails
        with 504 without taking effect: a request in flight when the bot is killed. Only the
        HTTP front (BotApiDouble) honours it."""
        with self._cond:
            canonical = self._canonical_name(method)
            self._stalls.append(
                _Fault(canonical.lower(), chat_id, 1, TelegramError(504, "Gateway Timeout"), until=seconds)
            )

    def take_stall(self, method: str, params: dict) -> tuple[float, TelegramError] | None:
        """For the HTTP front: how long to hold this request, and the error to answer then."""
        with self._cond:
            canonical = self._canonical_name(method).lower()
            for stall in self._stalls:
                if stall.method == canonical and (
                    stall.chat_id is None or str(params.get("chat_id")) == str(stall.chat_id)
                ):
                    self._stalls.remove(stall)
                    self.stalled.append((canonical, dict(params)))
                    self._cond.notify_all()
                    assert stall.until is not None  # a stall's `until` is how long it holds
                    return stall.until, stall.error
            return None

    def inject_outage(
        self, method: str, seconds: float, *, error_code: int = 502, description: str = "Bad Gateway"
    ) -> None:
        """Every call of `method` fails with this error for the next `seconds` (a short
        Telegram outage; a 5xx is what clients see of one)."""
        with self._cond:
            canonical = self._canonical_name(method)
            self._faults.append(
                _Fault(
                    canonical.lower(), None, 0, TelegramError(error_code, description), until=self._clock() + seconds
                )
            )
