"""Liveness for the container healthcheck: proof that updates can still arrive.

The running bot keeps `<database dir>/.heartbeat` (JSON) current:
- `updates_at`: the last successful getUpdates (polling), or the last webhook request with the
  right secret, or the last passing webhook self-check (see cashbot/webhook.py), since a quiet
  team may send nothing for hours;
- `loop_at`: the last tick of the background loop (reminders, queue offers, backups);
- `problem`: why the last webhook self-check failed, if it did.

`cashbot health` reads it (`check`) without touching the database or Telegram.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import GetUpdates, TelegramMethod

log = logging.getLogger(__name__)

HEARTBEAT_FILE = ".heartbeat"
WRITE_EVERY = 1.0  # seconds: a busy bot gets many updates a second, the file needs one


def heartbeat_path(data_dir: Path) -> Path:
    return data_dir / HEARTBEAT_FILE


class Heartbeat:
    """In-memory liveness marks, written to the heartbeat file at most once a second."""

    def __init__(self, path: Path, mode: str, clock=time.time):
        self.path = path
        self.clock = clock
        self.state: dict[str, Any] = {
            "mode": mode,
            "pid": os.getpid(),
            "started_at": clock(),
            "updates_at": None,
            "updates_via": None,
            "loop_at": None,
            "problem": None,
        }
        self.seen: dict[str, float] = {}  # via -> when, kept in memory only
        self._written = 0.0

    def updates(self, via: str) -> None:
        now = self.seen[via] = self.clock()
        self.state.update(updates_at=now, updates_via=via, problem=None)
        self._write()

    def loop(self) -> None:
        self.state["loop_at"] = self.clock()
        self._write(force=True)

    def problem(self, reason: str) -> None:
        changed = self.state["problem"] != reason
        self.state["problem"] = reason
        self._write(force=changed)

    def _write(self, force: bool = False) -> None:
        now = self.clock()
        if not force and now - self._written < WRITE_EVERY:
            return
        self._written = now
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_text(json.dumps(self.state), encoding="utf-8")
            os.replace(tmp, self.path)  # the health command never reads half a file
        except OSError as error:
            log.warning("could not write the heartbeat %s: %s", self.path, error)


class SeenGetUpdates(BaseRequestMiddleware):
    """Bot API request middleware: a getUpdates that returned (even with no updates) proves
    Telegram answers and the polling loop is alive."""

    def __init__(self, heartbeat: Heartbeat):
        self.heartbeat = heartbeat

    async def __call__(self, make_request: NextRequestMiddlewareType, bot: Bot, method: TelegramMethod) -> Any:
        result = await make_request(bot, method)
        if isinstance(method, GetUpdates):
            self.heartbeat.updates("getUpdates")
        return result


def check(path: Path, max_age: float, loop_max_age: float, now: float | None = None) -> tuple[bool, str]:
    """(healthy, one line saying why) from the heartbeat file alone."""
    now = time.time() if now is None else now
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        started = float(state["started_at"])
    except FileNotFoundError:
        return False, f"unhealthy: no heartbeat at {path}: the bot is not running with this database.path"
    except (OSError, ValueError, KeyError, TypeError) as error:
        return False, f"unhealthy: unreadable heartbeat {path}: {error}"
    via = {
        "getUpdates": "successful getUpdates",
        "webhook": "webhook request",
        "check": "passing webhook self-check",
    }.get(state.get("updates_via"), "update check")
    if state.get("updates_at") is None:
        age = now - started
        what = f"no successful getUpdates or webhook check since the start {age:.0f} s ago"
    else:
        age = now - float(state["updates_at"])
        what = f"last {via} {age:.0f} s ago"
    if age > max_age:
        problem = f"; last problem: {state['problem']}" if state.get("problem") else ""
        return False, f"unhealthy: {what} (limit {max_age:g} s){problem}"
    loop_age = now - float(state.get("loop_at") or started)
    if loop_age > loop_max_age:
        return False, f"unhealthy: the background loop last ran {loop_age:.0f} s ago (limit {loop_max_age:g} s)"
    return True, f"ok: {state.get('mode', '?')} mode, {what}"
