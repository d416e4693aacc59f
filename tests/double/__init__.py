"""A local Telegram Bot API double for cashbot's tests. The model: state.py (what Telegram
stores), core.py (`FakeTelegram` and its method table), limits.py (flood control, injected
faults), waits.py (event-driven waits), users.py (`User`, `Group`, forged presses),
webhook.py (setWebhook and delivery). Fronts: server.py (HTTP), recording_session.py
(in-process aiogram session). The bot as a process: process.py, fixtures.py. Each module's
docstring shows its use."""

from .core import (
    DEFAULT_TOKEN,
    BotMessage,
    Button,
    Call,
    FakeTelegram,
    SentDocument,
    TelegramError,
)
from .process import ECHO_BOT_COMMAND, BotProcess
from .recording_session import RecordingSession
from .server import BotApiDouble
from .users import Group, User

__all__ = [
    "DEFAULT_TOKEN",
    "ECHO_BOT_COMMAND",
    "BotApiDouble",
    "BotMessage",
    "BotProcess",
    "Button",
    "Call",
    "FakeTelegram",
    "Group",
    "RecordingSession",
    "SentDocument",
    "TelegramError",
    "User",
]
