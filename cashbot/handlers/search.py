"""Plain text of active people: a search. The last staff router, it takes every text no
other router wanted — including "/add" from a non-admin, who then gets exactly the reply a
failed search gives, nothing that tells the command exists.

Text typed outside any dialog that is not a command can only be a search, and it is the
busiest update there is: `first_router` answers it before the other staff flows' filters
are checked (they all want a command, a button or a dialog state)."""

from __future__ import annotations

from aiogram.filters import CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from cashbot.context import Context
from cashbot.filters import TEXT, TYPED, ActiveUser
from cashbot.handlers import card
from cashbot.handlers.lists import remember_search
from cashbot.routing import Blueprint
from cashbot.services import catalog
from cashbot.texts import lists as t
from cashbot.views import lists as views

router = Blueprint(name="search")
router.message.filter(ActiveUser())
first_router = Blueprint(name="search-first")
first_router.message.filter(ActiveUser())


@router.message(CommandStart())
async def welcome(message: Message) -> None:
    """/start without a device link (those are answered by the card router)."""
    await message.answer(t.WELCOME_ACTIVE)


@router.message(TEXT)
async def search(message: Message, state: FSMContext, ctx: Context) -> None:
    query = message.text.strip()  # as typed: a serial's leading zeros stay in every answer
    found = await ctx.db.run(catalog.search_devices, query, 0, ctx.settings.ui.page_size)
    if found.total == 0:
        await message.answer(views.not_found(query))
    elif found.total == 1:
        await card.show(ctx, message, found.items[0].device_id)
    else:
        # Only page buttons carry the list id: a single page needs no FSM write (0 = not kept).
        list_id = await remember_search(state, query) if found.pages > 1 else 0
        text, markup = views.search_results(query, found, list_id, ctx.clock.today())
        await message.answer(text, reply_markup=markup)


first_router.message.register(search, StateFilter(None), TYPED)
