"""Router-level filters: every flow checks who is asking itself, buttons or not."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject

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


class Known(Filter):
    async def __call__(self, event: TelegramObject, viewer: Viewer | None = None) -> bool:
        return viewer is not None
