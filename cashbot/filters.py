"""Router-level filters: every flow checks who is asking itself, buttons or not.

All are coroutines on purpose: aiogram runs a plain function, a bare `State` or a magic `F`
filter through `asyncio.to_thread`, a thread hop for every update that reaches it.
"""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import Message, TelegramObject

from cashbot.services.people import Viewer


class ActiveUser(Filter):
    async def __call__(self, event: TelegramObject, viewer: Viewer | None = None) -> bool:
        return viewer is not None and viewer.is_active


class Admin(Filter):
    """Config admin who is also a registered, active person."""

    async def __call__(self, event: TelegramObject, viewer: Viewer | None = None,
                       is_admin: bool = False) -> bool:
        return is_admin and viewer is not None and viewer.is_active


class Developer(Filter):
    async def __call__(self, event: TelegramObject, is_developer: bool = False) -> bool:
        return is_developer


class NotActive(Filter):
    """Strangers, pending, rejected and blocked people: registration and /help only."""

    async def __call__(self, event: TelegramObject, viewer: Viewer | None = None) -> bool:
        return viewer is None or not viewer.is_active


class HasText(Filter):
    """A message with text: `F.text` without the thread hop."""

    async def __call__(self, message: Message) -> bool:
        return bool(message.text)


class Typed(Filter):
    """Typed text that is not a command (commands keep working inside a dialog); the same test
    as `F.text & ~F.text.startswith("/")`, without the thread hop."""

    async def __call__(self, message: Message) -> bool:
        return bool(message.text) and not message.text.startswith("/")


class Known(Filter):
    async def __call__(self, event: TelegramObject, viewer: Viewer | None = None) -> bool:
        return viewer is not None
