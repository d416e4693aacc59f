"""Middlewares: private chats only, who is asking (viewer and roles), in-flight tracking for
clean shutdown, and Bot API request middlewares (plain-text callback answers, cheap response
parsing)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery, Response, TelegramMethod
from aiogram.types import Chat, InaccessibleMessage, TelegramObject, Update, User
from aiogram.utils.i18n import I18nMiddleware

from cashbot.clock import Clock
from cashbot.config import Settings
from cashbot.context import Context
from cashbot.db.database import Db
from cashbot.i18n import i18n, language_from_telegram, language_of
from cashbot.notify import Notifier
from cashbot.services import people
from cashbot.texts import common
from cashbot.texts.common import plain_text


class InFlight(BaseMiddleware):
    """Outer update middleware: remembers running handlers so shutdown can let them finish."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task] = set()

    async def __call__(
        self, handler: Callable[[TelegramObject, dict], Awaitable[Any]], event: Update, data: dict[str, Any]
    ) -> Any:
        task = asyncio.current_task()
        if task is not None:
            self.tasks.add(task)
        try:
            return await handler(event, data)
        finally:
            self.tasks.discard(task)

    async def drain(self, timeout: float) -> None:
        current = {t for t in self.tasks if t is not asyncio.current_task()}
        if current:
            await asyncio.wait(current, timeout=timeout)


class PrivateChatsOnly(BaseMiddleware):
    """Outer update middleware: the bot talks to people one to one and nowhere else.

    Anything from a group, supergroup or channel (messages, edits, membership changes, a
    button pressed under a message there) is dropped before any flow sees it: no reply, no
    database work, so no card, list or e-mail is ever posted where others read it. A button
    pressed in a group only gets an empty answer so the client's spinner stops. A button with
    no usable message (an inline-mode message, or one Telegram no longer shows the bot) gets
    the ordinary stale-button answer: every flow edits or replies to the message it pressed.
    An inline query has no chat at all and passes: it is answered to its sender alone, and
    what a chosen result posts is built for shared chats (handlers/inline.py).
    """

    async def __call__(
        self, handler: Callable[[TelegramObject, dict], Awaitable[Any]], event: Update, data: dict[str, Any]
    ) -> Any:
        if event.inline_query is not None:
            return await handler(event, data)
        chat: Chat | None = data.get("event_chat")
        private = chat is not None and chat.type == ChatType.PRIVATE
        query = event.callback_query
        if query is not None and (query.message is None or isinstance(query.message, InaccessibleMessage)):
            await _answer_quietly(data["bot"], query.id, common.STALE_BUTTON if private or chat is None else None)
            return UNHANDLED
        if not private:
            if query is not None:
                await _answer_quietly(data["bot"], query.id, None)
            return UNHANDLED
        return await handler(event, data)


async def _answer_quietly(bot: Bot, query_id: str, text: str | None) -> None:
    try:
        await bot.answer_callback_query(query_id, text=text)
    except TelegramBadRequest:  # the query expired while the bot was down: nothing to stop
        pass


class ViewerMiddleware(BaseMiddleware):
    """Puts `ctx` (cashbot.context.Context) into handler data: the app-wide parts it was built
    with, and who is asking (viewer, is_admin, is_developer).

    Roles come from config (Telegram ids, never usernames). The viewer comes from an
    in-memory cache; name and @username are refreshed when Telegram shows new ones."""

    def __init__(self, db: Db, settings: Settings, clock: Clock, notifier: Notifier) -> None:
        self.db, self.settings, self.clock, self.notifier = db, settings, clock, notifier

    async def __call__(
        self, handler: Callable[[TelegramObject, dict], Awaitable[Any]], event: TelegramObject, data: dict[str, Any]
    ) -> Any:
        user: User | None = data.get("event_from_user")
        db, settings = self.db, self.settings
        viewer, is_admin, is_developer = None, False, False
        if user is not None and not user.is_bot:
            viewer = db.database.viewer_cache.get(user.id)  # no thread hop on a hit
            if viewer is None:
                viewer = await db.run(people.load_viewer, user.id)
            if viewer is not None and (
                viewer.full_name != user.full_name or viewer.username != user.username or viewer.unreachable
            ):  # they write: reachable again
                viewer = await db.run(people.touch_profile, user.id, user.full_name, user.username, self.clock.now())
            is_admin, is_developer = user.id in settings.admins, user.id in settings.developers
        bot: Bot | None = data.get("bot")
        username = (await bot.me()).username if bot is not None else None  # cached on the bot
        data["ctx"] = Context(db, settings, self.clock, self.notifier, viewer, is_admin, is_developer, username)
        return await handler(event, data)


class LocaleMiddleware(I18nMiddleware):
    """After ViewerMiddleware: every text of the update is read in the viewer's language (their
    stored choice, else the configured default); a stranger's comes from Telegram's
    language_code. `ctx.language` says which, for what is stored or sent on."""

    def __init__(self) -> None:
        super().__init__(i18n)

    async def __call__(
        self, handler: Callable[[TelegramObject, dict], Awaitable[Any]], event: TelegramObject, data: dict[str, Any]
    ) -> Any:
        ctx: Context | None = data.get("ctx")
        if ctx is not None:
            data["ctx"] = dataclasses.replace(ctx, language=self.language(ctx, data.get("event_from_user")))
        return await super().__call__(handler, event, data)

    @staticmethod
    def language(ctx: Context, user: User | None) -> str:
        if ctx.viewer is not None:
            return language_of(ctx.viewer.language)
        return language_of(language_from_telegram(user.language_code if user is not None else None))

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        ctx: Context | None = data.get("ctx")
        return ctx.language if ctx is not None else i18n.default_locale


class PlainCallbackAnswers(BaseRequestMiddleware):
    """Bot API request middleware: a callback answer (toast or alert) is shown by Telegram as
    plain text, so the HTML our texts share with messages is turned into what it would look
    like in a message. One place, so no flow can forget it."""

    async def __call__(self, make_request: NextRequestMiddlewareType, bot: Bot, method: TelegramMethod) -> Any:
        if isinstance(method, AnswerCallbackQuery) and method.text:
            method.text = plain_text(method.text)
        return await make_request(bot, method)


class PinResponseTypes(BaseRequestMiddleware):
    """Bot API request middleware: keeps a strong reference to `Response[T]` for every
    return type the bot has used.

    aiogram parses every API answer with `Response[method.__returning__]`; pydantic keeps
    parametrised generic classes only in a weak cache, so after a garbage collection the
    class is rebuilt, schema building included (see benchmarks/README.md, hot paths).
    Pinned, the lookup is a dict hit.
    """

    def __init__(self) -> None:
        self._pinned: dict[Any, type] = {}

    async def __call__(self, make_request: NextRequestMiddlewareType, bot: Bot, method: TelegramMethod) -> Any:
        returning = method.__returning__
        if returning not in self._pinned:
            self._pinned[returning] = Response[returning]  # type: ignore[index]
        return await make_request(bot, method)
