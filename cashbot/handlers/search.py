"""Plain text of active people: a search. The last staff router, it takes every text no
other router wanted — including "/add" from a non-admin, who then gets exactly the reply a
failed search gives, nothing that tells the command exists."""

from __future__ import annotations

import re

from aiogram import Router
from aiogram.filters import CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from cashbot.clock import Clock
from cashbot.config import Settings
from cashbot.db.database import Db
from cashbot.filters import ActiveUser, HasText
from cashbot.handlers.card import send_card
from cashbot.handlers.lists import remember_search
from cashbot.services import catalog
from cashbot.services.people import Viewer
from cashbot.texts import find as t
from cashbot.views import lists as views

router = Router(name="search")
router.message.filter(ActiveUser())

_STICKER = re.compile(r"^[№#]?\s*(\d{1,18})$")


def sticker_number(query: str) -> int | None:
    """'49', '№49', '#49' are sticker numbers; anything else is text."""
    match = _STICKER.match(query.strip())
    return int(match[1]) if match and match[1].isascii() else None


@router.message(CommandStart())
async def welcome(message: Message) -> None:
    """/start without a device link (those are answered by the card router)."""
    await message.answer(t.WELCOME_ACTIVE)


@router.message(HasText())  # not F.text: aiogram runs magic filters on a thread
async def search(message: Message, state: FSMContext, viewer: Viewer, is_admin: bool, db: Db,
                 settings: Settings, clock: Clock) -> None:
    query = message.text.strip()
    number = sticker_number(query)
    if number is not None:
        query = str(number)
    found = await db.run(catalog.search_devices, query, 0, settings.ui.page_size)
    if found.total == 0:
        await message.answer(views.not_found(query, number))
    elif found.total == 1:
        await send_card(message, found.items[0].device_id, viewer, is_admin, db, settings, clock)
    else:
        list_id = await remember_search(state, query)
        text, markup = views.search_results(query, found, list_id, clock.today())
        await message.answer(text, reply_markup=markup)
