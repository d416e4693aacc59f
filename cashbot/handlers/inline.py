"""Inline mode: `@bot 49`, `@bot эвотор`, `@bot <serial>` in any chat answers with devices and
their live status; choosing one posts a compact card with a link that opens it in the bot.

Inline queries are the only updates without a chat: `PrivateChatsOnly` lets them through,
`ViewerMiddleware` resolves the person from `from`. Results are personal and cached briefly
(the status must be current); active people only, everyone else gets the register button.

A card posted via the bot reaches the bot too when it is posted in the bot's own chat (or
forwarded there): it is no search, and it is left unanswered."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Filter
from aiogram.types import InlineQuery, InlineQueryResultArticle, Message

from cashbot.context import Context
from cashbot.filters import ActiveUser
from cashbot.routing import Blueprint
from cashbot.services import inline as service
from cashbot.views import inline as views

log = logging.getLogger(__name__)
router = Blueprint(name="inline")

PAGE_SIZE = 20  # results per answer; Telegram asks for the next page with `offset`
CACHE_SECONDS = 5  # per person (is_personal): short, so a take shows up at once
MAX_PAGE_DIGITS = 4  # offsets are our own page numbers; anything else is not ours


def page_of(offset: str) -> int | None:
    """The page an offset asks for ('' is the first); None for an offset we never gave."""
    if not offset:
        return 0
    if offset.isascii() and offset.isdigit() and len(offset) <= MAX_PAGE_DIGITS:
        return int(offset)
    return None


@router.inline_query(ActiveUser())
async def find(query: InlineQuery, ctx: Context, bot: Bot) -> None:
    viewer = ctx.me
    page = page_of(query.offset)
    found = (
        await ctx.db.run(service.find, query.query, viewer.person_id, page, PAGE_SIZE)
        if page is not None
        else service.InlinePage([], None)
    )
    me = await bot.me()  # cached by aiogram after the first call
    results = views.results(found.items, viewer.person_id, me.username, ctx.settings.tz, ctx.clock.now())
    next_offset = str(found.next_page) if found.next_page is not None else ""
    await _answer(query, results, next_offset=next_offset)


@router.inline_query()
async def register_first(query: InlineQuery) -> None:
    """Strangers, pending, rejected and blocked people: no results, only the way in."""
    await _answer(query, [], button=views.register_button())


class SentViaMe(Filter):
    async def __call__(self, message: Message, bot: Bot) -> bool:
        return message.via_bot is not None and message.via_bot.id == bot.id


@router.message(SentViaMe())
async def posted_card(message: Message) -> None:
    """Our own posted card: nothing to answer (read as a search it would be «not found»)."""


async def _answer(query: InlineQuery, results: list[InlineQueryResultArticle], **kwargs) -> None:
    try:
        await query.answer(results, cache_time=CACHE_SECONDS, is_personal=True, **kwargs)
    except TelegramBadRequest as error:
        # Telegram waits about 10 s for an answer; a query handled again after a restart (the
        # update journal) or answered late is simply gone, the person has typed on.
        if "query is too old" not in error.message:
            raise
        log.info("inline query %s expired before it was answered", query.id)
