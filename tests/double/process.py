"""Run a bot as a real subprocess against a BotApiDouble.

    proc = BotProcess(api, tmp_path, admins=[1], access_mode="approval")
    proc.start()          # returns once this process has called getUpdates
    ...
    proc.restart(); proc.stop()

Environment contract for `python -m cashbot run` (inherited CASHBOT_* are removed first):
CASHBOT_TELEGRAM__TOKEN, CASHBOT_TELEGRAM__API_BASE, CASHBOT_DATABASE__PATH,
CASHBOT_LOGGING__DIR, CASHBOT_ADMINS / CASHBOT_DEVELOPERS (JSON lists of ints),
CASHBOT_ACCESS__MODE, CASHBOT_CLOCK_FILE (always set; the file exists only after
set_now()/now=, an absent file means the real clock), CASHBOT_CONFIG (optional).
With mode="webhook": CASHBOT_TELEGRAM__MODE and CASHBOT_TELEGRAM__WEBHOOK__{URL, LISTEN_HOST,
LISTEN_PORT, SECRET} (a free local port, kept across restarts); the double posts to it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["ECHO_BOT_COMMAND", "REPO_ROOT", "BotProcess"]

REPO_ROOT = Path(__file__).resolve().parents[2]
CASHBOT_COMMAND = (sys.executable, "-m", "cashbot", "run")
ECHO_BOT_COMMAND = (sys.executable, "-m", "tests.double.echo_bot")


class BotProcess:
    """One bot process (by default `python -m cashbot run`) talking to `api`."""

    def __init__(
        self,
        api: Any,  # BotApiDouble
        workdir: str | os.PathLike,
        *,
        token: str | None = None,
        admins: Iterable[int] = (),
        developers: Iterable[int] = (),
        access_mode: str = "open",
        config: str | os.PathLike | None = None,
        env: Mapping[str, str] | None = None,
        command: Sequence[str] | None = None,
        now: dt.datetime | None = None,
        start_timeout: float = 40.0,
        mode: str = "polling",
    ) -> None:
        self.api = api
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.token = token or api.token
        self.admins = list(admins)
        self.developers = list(developers)
        self.access_mode = access_mode
        self.config = Path(config) if config is not None else None
        self.extra_env = dict(env or {})
        self.command = list(command or CASHBOT_COMMAND)
        self.start_timeout = start_timeout
        self.mode = mode
        self.webhook_port = _free_port() if mode == "webhook" else None
        self.webhook_secret = secrets.token_urlsafe(24)
        self.db_path = self.workdir / "cashbot.sqlite3"
        self.log_dir = self.workdir / "logs"
        self.clock_file = self.workdir / "clock.txt"
        self.log_path = self.workdir / "process.log"
        self._proc: subprocess.Popen | None = None
        self._starts = 0
        if now is not None:
            self.set_now(now)
        api.add_diagnostic(f"bot process log tail ({self.log_path})", self.tail)

    # ---------------------------------------------------------------- configuration

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CASHBOT_")}
        env.update(
            {
                "PYTHONUNBUFFERED": "1",
                "CASHBOT_TELEGRAM__TOKEN": self.token,
                "CASHBOT_TELEGRAM__API_BASE": self.api.base_url,
                "CASHBOT_DATABASE__PATH": str(self.db_path),
                "CASHBOT_LOGGING__DIR": str(self.log_dir),
                "CASHBOT_ADMINS": json.dumps(self.admins),
                "CASHBOT_DEVELOPERS": json.dumps(self.developers),
                "CASHBOT_ACCESS__MODE": self.access_mode,
                "CASHBOT_CLOCK_FILE": str(self.clock_file),
            }
        )
        if self.config is not None:
            env["CASHBOT_CONFIG"] = str(self.config)
        if self.mode == "webhook":
            env.update(
                {
                    "CASHBOT_TELEGRAM__MODE": "webhook",
                    "CASHBOT_TELEGRAM__WEBHOOK__URL": self.webhook_url,
                    "CASHBOT_TELEGRAM__WEBHOOK__LISTEN_HOST": "127.0.0.1",
                    "CASHBOT_TELEGRAM__WEBHOOK__LISTEN_PORT": str(self.webhook_port),
                    "CASHBOT_TELEGRAM__WEBHOOK__SECRET": self.webhook_secret,
                }
            )
        env.update(self.extra_env)
        return env

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.webhook_port}/telegram/webhook"

    def set_now(self, now: dt.datetime) -> None:
        """Write the process's "now" (ISO-8601) to the clock file, atomically."""
        tmp = self.clock_file.with_suffix(".tmp")
        tmp.write_text(now.isoformat(), encoding="utf-8")
        os.replace(tmp, self.clock_file)

    # ---------------------------------------------------------------- lifecycle

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def returncode(self) -> int | None:
        return self._proc.returncode if self._proc else None

    def start(self, timeout: float | None = None) -> BotProcess:
        """Start and return once the double has seen this process call getUpdates (or
        setWebhook, in webhook mode)."""
        if self.running:
            raise RuntimeError("bot process is already running")
        timeout = self.start_timeout if timeout is None else timeout
        since = self.api.poll_count(self.token)
        hooks_since = self.api.webhook_set_count(self.token)
        self._starts += 1
        with open(self.log_path, "ab") as log:
            log.write(f"=== start #{self._starts}: {' '.join(self.command)}\n".encode())
            log.flush()
            proc = subprocess.Popen(
                self.command,
                cwd=REPO_ROOT,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._proc = proc
        telegram = self.api.telegram if hasattr(self.api, "telegram") else self.api

        def watch() -> None:  # wakes waiters when the process exits
            proc.wait()
            telegram.notify()

        threading.Thread(target=watch, name=f"watch-bot-{proc.pid}", daemon=True).start()
        started = telegram.wait(
            lambda: (
                "polling"
                if (telegram.poll_count(self.token) > since or telegram.webhook_set_count(self.token) > hooks_since)
                else ("exited" if proc.poll() is not None else None)
            ),
            timeout,
        )
        if started != "polling":
            what = (
                f"exited with code {proc.returncode}"
                if started == "exited"
                else f"did not call getUpdates or setWebhook within {timeout:g} s"
            )
            if started != "exited":
                self.kill()
            raise AssertionError(f"bot process {what}: {' '.join(self.command)}\n--- output ---\n{self.tail()}")
        return self

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM and wait; returns the exit code (None if never started).
        Fails (after SIGKILL) if the process ignores SIGTERM for `timeout` seconds."""
        proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                raise AssertionError(
                    f"bot process did not exit within {timeout:g} s of SIGTERM\n{self.tail()}"
                ) from None
        return proc.returncode

    def kill(self) -> int | None:
        """SIGKILL (a crash: no shutdown code runs); returns the exit code."""
        proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None:
            proc.kill()
        return proc.wait()

    def restart(self, timeout: float | None = None) -> BotProcess:
        self.stop()
        return self.start(timeout)

    # ---------------------------------------------------------------- output

    def output(self) -> str:
        """Everything the process(es) wrote to stdout/stderr so far."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output().splitlines()[-lines:]) or "(no output)"

    def __enter__(self) -> BotProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else f"exit={self.returncode}"
        return f"<BotProcess pid={self.pid} {state} {self.workdir}>"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
