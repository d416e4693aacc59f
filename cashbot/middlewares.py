"""Middlewares: who is asking (viewer and roles), in-flight tracking for clean shutdown, and
one Bot API request middleware that keeps response parsing cheap."""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import Response, TelegramMethod
from aiogram.types import TelegramObject, Update, User

from cashbot.services import people


class InFlight(BaseMiddleware):
    """Outer update middleware: remembers running handlers so shutdown can let them finish,
    and the last finished update id so shutdown can confirm it to Telegram."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task] = set()
        self.last_update_id: int | None = None

    async def __call__(self, handler: Callable[[TelegramObject, dict], Awaitable[Any]],
                       event: Update, data: dict[str, Any]) -> Any:
        task = asyncio.current_task()
        if task is not None:
            self.tasks.add(task)
        try:
            return await handler(event, data)
        finally:
            self.tasks.discard(task)
            self.last_update_id = max(self.last_update_id or 0, event.update_id)

    async def drain(self, timeout: float) -> None:
        current = {t for t in self.tasks if t is not asyncio.current_task()}
        if current:
            await asyncio.wait(current, timeout=timeout)


class ViewerMiddleware(BaseMiddleware):
    """Puts `viewer` (Viewer | None), `is_admin` and `is_developer` into handler data.

    Roles come from config (Telegram ids, never usernames). The viewer comes from an
    in-memory cache; name and @username are refreshed when Telegram shows new ones."""

    async def __call__(self, handler: Callable[[TelegramObject, dict], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        viewer = None
        if user is not None and not user.is_bot:
            db, settings, clock = data["db"], data["settings"], data["clock"]
            viewer = db.database.viewer_cache.get(user.id)  # no thread hop on a hit
            if viewer is None:
                viewer = await db.run(people.load_viewer, user.id)
            if viewer is not None and (viewer.full_name != user.full_name or viewer.username != user.username
                                       or viewer.unreachable):  # they write: reachable again
                viewer = await db.run(people.touch_profile, user.id, user.full_name, user.username, clock.now())
            data["is_admin"] = user.id in settings.admins
            data["is_developer"] = user.id in settings.developers
        else:
            data["is_admin"] = data["is_developer"] = False
        data["viewer"] = viewer
        return await handler(event, data)


class PinResponseTypes(BaseRequestMiddleware):
    """Bot API request middleware: keeps a strong reference to `Response[T]` for every
    return type the bot has used.

    aiogram parses every API answer with `Response[method.__returning__]`; pydantic keeps
    parametrised generic classes only in a weak cache, so after a garbage collection the
    class is rebuilt (about 5 ms of schema building each time; in the benchmark one API
    call in ten paid it). Pinned, the lookup is a dict hit.
    """

    def __init__(self) -> None:
        self._pinned: dict[Any, type] = {}

    async def __call__(self, make_request: NextRequestMiddlewareType, bot: Bot, method: TelegramMethod) -> Any:
        returning = method.__returning__
        if returning not in self._pinned:
            self._pinned[returning] = Response[returning]  # type: ignore[index]
        return await make_request(bot, method)
