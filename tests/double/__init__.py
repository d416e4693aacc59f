"""A local Telegram Bot API double for cashbot's tests (see tests/double/README section in
each module): core model, HTTP server, process harness, in-process aiogram session."""

from .core import DEFAULT_TOKEN, BotMessage, Button, Call, FakeTelegram, SentDocument, TelegramError, User
from .process import ECHO_BOT_COMMAND, BotProcess
from .recording_session import RecordingSession
from .server import BotApiDouble

__all__ = [
    "DEFAULT_TOKEN", "ECHO_BOT_COMMAND", "BotApiDouble", "BotMessage", "BotProcess", "Button",
    "Call", "FakeTelegram", "RecordingSession", "SentDocument", "TelegramError", "User",
]
