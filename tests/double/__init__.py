"""A local Telegram Bot API double for cashbot's tests: core model (core.py), HTTP server
(server.py), process harness (process.py, fixtures.py), in-process aiogram session
(recording_session.py). Each module's docstring shows its use."""

from .core import (
    DEFAULT_TOKEN, BotMessage, Button, Call, FakeTelegram, SentDocument, TelegramError, User,
)
from .process import ECHO_BOT_COMMAND, BotProcess
from .recording_session import RecordingSession
from .server import BotApiDouble

__all__ = [
    "DEFAULT_TOKEN", "ECHO_BOT_COMMAND", "BotApiDouble", "BotMessage", "BotProcess", "Button",
    "Call", "FakeTelegram", "RecordingSession", "SentDocument", "TelegramError", "User",
]
