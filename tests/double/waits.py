"""Waits of the Bot API double: every test-side wait sleeps on the core's condition (notified
on each change), so it returns the moment its condition holds; a timeout fails with a report
(the chat transcript, failed calls and the diagnostics a harness added, e.g. a log tail).

`Waits` is a part of `core.FakeTelegram`; `User.wait_for` and friends build on `wait_until`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .state import DEFAULT_TIMEOUT, BotMessage, Call, _Bot, _Chat, _Message, call_matches

if TYPE_CHECKING:
    from .users import User


class Waits:
    """Event-driven waits and the failure report."""

    _cond: threading.Condition
    _calls: list[Call]
    _users: dict[int, User]
    default_token: str

    def _init_waits(self) -> None:
        self._diagnostics: list[tuple[str, Callable[[], str]]] = []

    def _bot_for_token(self, token: str) -> _Bot:
        raise NotImplementedError  # core.FakeTelegram

    def _snapshot(self, chat: _Chat, msg: _Message) -> BotMessage:
        raise NotImplementedError  # core.FakeTelegram

    def wait_call(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        chat_id: int | None = None,
        ok: bool | None = None,
        after: int = 0,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> Call:
        """Wait for a recorded call (index >= after) of `method` matching `predicate`."""

        def find():
            for c in self._calls[after:]:
                if call_matches(c, method, chat_id, ok) and (predicate is None or predicate(c)):
                    return c
            return None

        return self.wait_until(find, timeout, lambda: f"no {method} call matched")

    def wait_polling(self, token: str | None = None, timeout: float = DEFAULT_TIMEOUT, *, since: int = 0) -> None:
        """Wait until the bot has called getUpdates more than `since` times in total."""
        bot = self._bot_for_token(token or self.default_token)
        self.wait_until(
            lambda: bot.poll_count > since or None, timeout, lambda: f"bot {bot.id} did not call getUpdates"
        )

    def wait_updates_taken(self, token: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Wait until every update created so far was confirmed by the bot (offset moved on).
        Says the bot *received* them, not that its handlers have finished."""
        bot = self._bot_for_token(token or self.default_token)
        with self._cond:
            last = bot.next_update_id - 1
        self.wait_until(
            lambda: all(u["update_id"] > last for u in bot.updates) or None,
            timeout,
            lambda: f"bot did not confirm updates up to {last}",
        )

    def add_diagnostic(self, name: str, provider: Callable[[], str]) -> None:
        """Text appended to every wait failure (e.g. the bot process log tail)."""
        self._diagnostics.append((name, provider))

    def remove_diagnostic(self, provider: Callable[[], str]) -> None:
        self._diagnostics = [(n, p) for n, p in self._diagnostics if p != provider]

    def notify(self) -> None:
        """Wake every waiter so it re-checks its condition (e.g. a watched process exited)."""
        with self._cond:
            self._cond.notify_all()

    def wait(self, probe: Callable[[], Any], timeout: float) -> Any:
        """Like wait_until, but returns None on timeout instead of failing."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = probe()
                if found:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)

    def wait_until(
        self, probe: Callable[[], Any], timeout: float, describe: Callable[[], str] | str, chat: _Chat | None = None
    ) -> Any:
        """Call `probe()` under the lock until it returns something truthy; event-driven."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = probe()
                if found:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    what = describe() if callable(describe) else describe
                    raise AssertionError(f"{what} within {timeout:g} s\n" + self.report(chat))
                self._cond.wait(remaining)

    def report(self, chat: _Chat | None = None) -> str:
        """Human-readable state for failure messages: chat transcript, errors, diagnostics."""
        with self._cond:
            parts = []
            if chat is not None:
                parts.append(self._describe_chat(chat))
            errors = [
                c
                for c in self._calls
                if c.error is not None
                and (
                    chat is None
                    or str(c.params.get("chat_id")) == str(chat.user_id)
                    or c.method in ("answerCallbackQuery", "getUpdates")
                )
            ]
            if errors:
                parts.append("--- failed API calls (last 10) ---\n" + "\n".join(f"  {c!r}" for c in errors[-10:]))
            for name, provider in self._diagnostics:
                try:
                    parts.append(f"--- {name} ---\n{provider()}")
                except Exception as e:  # noqa: BLE001 - diagnostics must not hide the failure
                    parts.append(f"--- {name} --- (failed: {e!r})")
            return "\n".join(parts)

    def _describe_chat(self, chat: _Chat) -> str:
        u = self._users[chat.user_id]
        head = f"--- chat {u.id} ({u.first_name}{' @' + u.username if u.username else ''})"
        if chat.blocked:
            head += " [bot blocked]"
        lines = [head + " transcript ---"]
        for msg in chat.order[-40:]:
            lines.append("  " + self._snapshot(chat, msg).describe())
        if len(chat.order) > 40:
            lines.insert(1, f"  … {len(chat.order) - 40} earlier messages")
        if not chat.order:
            lines.append("  (empty)")
        return "\n".join(lines)
