"""Router-level filters: every flow checks who is asking itself, buttons or not.

All are coroutines on purpose: aiogram runs a plain function, a bare `State` or a magic `F`
filter through `asyncio.to_thread`, a thread hop for every update that reaches it
(tests/test_router_tree.py keeps it so).
"""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.filters import Filter
from aiogram.types import TelegramObject
from magic_filter import MagicFilter

from cashbot.context import Context
from cashbot.db.models import PersonStatus


class ActiveUser(Filter):
    async def __call__(self, event: TelegramObject, ctx: Context | None = None) -> bool:
        return ctx is not None and ctx.viewer is not None and ctx.viewer.is_active


class Admin(Filter):
    """Config admin who is also a registered, active person."""

    async def __call__(self, event: TelegramObject, ctx: Context | None = None) -> bool:
        return ctx is not None and ctx.is_admin and ctx.viewer is not None and ctx.viewer.is_active


class Developer(Filter):
    async def __call__(self, event: TelegramObject, ctx: Context | None = None) -> bool:
        return ctx is not None and ctx.is_developer


class Registered(Filter):
    """A person the bot knows who may still use it: active, or waiting for approval."""

    async def __call__(self, event: TelegramObject, ctx: Context | None = None) -> bool:
        return (
            ctx is not None
            and ctx.viewer is not None
            and ctx.viewer.status in (PersonStatus.ACTIVE, PersonStatus.PENDING)
        )


class NotActive(Filter):
    """Strangers, pending, rejected and blocked people: registration and /help only."""

    async def __call__(self, event: TelegramObject, ctx: Context | None = None) -> bool:
        return ctx is None or ctx.viewer is None or not ctx.viewer.is_active


class Known(Filter):
    async def __call__(self, event: TelegramObject, ctx: Context | None = None) -> bool:
        return ctx is not None and ctx.viewer is not None


class OnLoop(Filter):
    """A magic filter (`F.text`, ...) checked on the event loop.

    aiogram runs a bare `F...` handler filter, a plain function, through `asyncio.to_thread`:
    a thread hop and two loop wake-ups per check, on the busiest handler there is (every
    search text). Wrapped in a Filter it is awaited in place."""

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self.magic.resolve(event)


TEXT = OnLoop(F.text)
TYPED = OnLoop(F.text & ~F.text.startswith("/"))  # a typed answer: commands keep working in dialogs
NOT_TEXT = OnLoop(~F.text)
