"""Shared test helpers for the service and handler levels (e2e fixtures live in tests/double)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode

from cashbot.app import App, build_app, prepare_database
from cashbot.clock import FixedClock
from cashbot.config import Settings
from tests.double.core import FakeTelegram
from tests.double.recording_session import RecordingSession

TOKEN = "123456:TEST-abcdefghijklmnopqrstuvwxyz012345"
# A Friday 10:00 Moscow time: tests that care about weekdays move from here.
DEFAULT_NOW = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)


def make_settings(tmp_path: Path, **overrides) -> Settings:
    values = dict(
        telegram={"token": TOKEN},
        database={"path": str(tmp_path / "cashbot.sqlite3")},
        logging={"dir": str(tmp_path / "logs")},
    )
    values.update(overrides)
    return Settings(**values)


@dataclass
class HandlerEnv:
    """A real app (dispatcher, routers, database, FSM storage) around an in-process session."""

    app: App
    telegram: FakeTelegram
    session: RecordingSession
    clock: FixedClock

    def user(self, user_id: int, first_name: str = "User", **kwargs):
        return self.telegram.user(user_id, first_name, **kwargs)

    async def send(self, user, text: str):
        return await self.session.send_text(self.app.dispatcher, self.app.bot, user, text)

    async def press(self, user, *args, **kwargs):
        return await self.session.press(self.app.dispatcher, self.app.bot, user, *args, **kwargs)

    async def forge_press(self, user, data: str, message=None, *, inline: bool = False):
        """A press of a button the user was not shown (see `User.forge_press`)."""
        return await self.session.forge_press(self.app.dispatcher, self.app.bot, user, data, message, inline=inline)


def make_handler_env(tmp_path: Path, **settings_overrides) -> HandlerEnv:
    settings = make_settings(tmp_path, **settings_overrides)
    clock = FixedClock(ZoneInfo(settings.timezone), DEFAULT_NOW)
    telegram = FakeTelegram()
    session = RecordingSession(telegram)
    # The same defaults as the real bot (HTML parse mode): the double then parses and checks
    # every message's HTML, as Telegram would.
    bot = session.bot(TOKEN, default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True))
    database = prepare_database(settings, clock)
    app = build_app(settings, bot=bot, clock=clock, database=database)
    return HandlerEnv(app, telegram, session, clock)


def one_line(err: str) -> str:
    """The only line of a command's error output (a one-line error is the contract)."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# Every event the developer role writes to the journal (what the dev tests expect to find).
DEV_KINDS = (
    "dev_logs",
    "dev_export",
    "dev_backup",
    "dev_migrations",
    "dev_dump",
    "dev_delete_free",
    "dev_reset",
    "dev_code_wrong",
    "dev_code_ok",
)
