"""Lists: /all, /categories, /mine, /wishlist, page buttons, device and personal history.

A search's query is kept server-side in FSM data under its own destiny ("lists"), so /cancel
(which clears the default destiny) leaves page buttons working; buttons carry a list id."""

from __future__ import annotations

from dataclasses import replace

from aiogram import F
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from cashbot.callbacks import CategoryCb, DeviceAction, DeviceCb, HereCb, MyHistoryCb, PageCb
from cashbot.clock import Clock
from cashbot.config import Settings
from cashbot.context import Context
from cashbot.db.database import Db
from cashbot.filters import ActiveUser
from cashbot.handlers.card import safe_edit
from cashbot.routing import Blueprint
from cashbot.services import catalog
from cashbot.services.errors import DeviceNotFound
from cashbot.services.people import Viewer
from cashbot.texts import card as card_texts
from cashbot.texts import lists as t
from cashbot.views import lists as views
from cashbot.views.pagination import page_of

router = Blueprint(name="lists")
router.message.filter(ActiveUser())
router.callback_query.filter(ActiveUser())

LISTS_DESTINY = "lists"
KEEP_SEARCHES = 5  # older search lists' page buttons answer "outdated"
MY_KINDS = {"s", "a", "c", "g", "m", "w"}  # search, all, category, cateGories, mine, wishlist


def lists_state(state: FSMContext) -> FSMContext:
    return FSMContext(storage=state.storage, key=replace(state.key, destiny=LISTS_DESTINY))


async def remember_search(state: FSMContext, query: str) -> int:
    """Store the query server-side; returns the list id its page buttons carry (ids start at 1).
    Only lists of more than one page are stored (`search`): a single page has no page buttons,
    so the last KEEP_SEARCHES multi-page lists are the ones whose buttons still work."""
    lists = lists_state(state)
    data = await lists.get_data()
    list_id = data.get("next", 1)
    searches = {k: v for k, v in data.get("searches", {}).items() if int(k) > list_id - KEEP_SEARCHES}
    searches[str(list_id)] = query
    await lists.set_data({"next": list_id + 1, "searches": searches})
    return list_id


async def recall_search(state: FSMContext, list_id: int) -> str | None:
    return (await lists_state(state).get_data()).get("searches", {}).get(str(list_id))


async def search_screen(query: str, list_id: int, page: int, db: Db, settings: Settings, clock: Clock):
    found = await db.run(catalog.search_devices, query, page, settings.ui.page_size)
    return views.search_results(query, found, list_id, clock.today())


async def category_screen(category_id: int, page: int, db: Db, settings: Settings, clock: Clock):
    name = await db.run(catalog.category_name, category_id)
    if name is None:
        return None
    found = await db.run(catalog.list_devices, page, settings.ui.page_size, category_id)
    return views.category_devices(name, category_id, found, clock.today())


async def categories_screen(page: int, is_admin: bool, db: Db, settings: Settings):
    found = await db.run(catalog.categories_with_counts)
    return views.categories(page_of(found, page, settings.ui.page_size), is_admin)


async def all_screen(page: int, db: Db, settings: Settings, clock: Clock):
    return views.all_devices(await db.run(catalog.list_devices, page, settings.ui.page_size), clock.today())


async def mine_screen(page: int, viewer: Viewer, db: Db, settings: Settings, clock: Clock):
    loans = await db.run(catalog.my_loans, viewer.person_id)
    return views.mine(page_of(loans, page, settings.ui.page_size), clock.today(), settings.tz)


async def wishlist_screen(page: int, viewer: Viewer, db: Db, settings: Settings):
    places = await db.run(catalog.my_queue, viewer.person_id)
    return views.wishlist(page_of(places, page, settings.ui.page_size), settings.tz)


@router.message(Command("all"))
async def show_all(message: Message, ctx: Context) -> None:
    db, settings, clock = ctx.db, ctx.settings, ctx.clock
    text, markup = await all_screen(0, db, settings, clock)
    await message.answer(text, reply_markup=markup)


@router.message(Command("categories"))
async def show_categories(message: Message, ctx: Context) -> None:
    is_admin, db, settings = ctx.is_admin, ctx.db, ctx.settings
    text, markup = await categories_screen(0, is_admin, db, settings)
    await message.answer(text, reply_markup=markup)


@router.message(Command("mine"))
async def show_mine(message: Message, ctx: Context) -> None:
    viewer, db, settings, clock = ctx.me, ctx.db, ctx.settings, ctx.clock
    text, markup = await mine_screen(0, viewer, db, settings, clock)
    await message.answer(text, reply_markup=markup)


@router.message(Command("wishlist"))
async def show_wishlist(message: Message, ctx: Context) -> None:
    viewer, db, settings = ctx.me, ctx.db, ctx.settings
    text, markup = await wishlist_screen(0, viewer, db, settings)
    await message.answer(text, reply_markup=markup)


@router.callback_query(CategoryCb.filter())
async def open_category(callback: CallbackQuery, callback_data: CategoryCb, ctx: Context) -> None:
    is_admin, db, settings, clock = ctx.is_admin, ctx.db, ctx.settings, ctx.clock
    if callback_data.category_id == 0:  # back to the overview
        screen = await categories_screen(0, is_admin, db, settings)
    else:
        screen = await category_screen(callback_data.category_id, 0, db, settings, clock)
    if screen is None:
        await callback.answer(t.CATEGORY_GONE, show_alert=True)
        return
    await safe_edit(callback.message, *screen)
    await callback.answer()


@router.callback_query(HereCb.filter())
async def current_page(callback: CallbackQuery) -> None:
    """The current page's button (every list, /users too): nothing to redraw."""
    await callback.answer(t.CURRENT_PAGE)


@router.callback_query(PageCb.filter(F.kind.in_(MY_KINDS)))
async def turn_page(callback: CallbackQuery, callback_data: PageCb, state: FSMContext, ctx: Context) -> None:
    viewer, is_admin, db, settings, clock = ctx.me, ctx.is_admin, ctx.db, ctx.settings, ctx.clock
    kind, ref, page = callback_data.kind, callback_data.ref, callback_data.page
    if kind == "s":
        query = await recall_search(state, ref)
        screen = None if query is None else await search_screen(query, ref, page, db, settings, clock)
    elif kind == "c":
        screen = await category_screen(ref, page, db, settings, clock)
    elif kind == "a":
        screen = await all_screen(page, db, settings, clock)
    elif kind == "g":
        screen = await categories_screen(page, is_admin, db, settings)
    elif kind == "m":
        screen = await mine_screen(page, viewer, db, settings, clock)
    else:
        screen = await wishlist_screen(page, viewer, db, settings)
    if screen is None:
        await callback.answer(t.LIST_OUTDATED, show_alert=True)
        return
    await safe_edit(callback.message, *screen)
    await callback.answer()


@router.callback_query(DeviceCb.filter(F.action == DeviceAction.HISTORY))
async def device_history(callback: CallbackQuery, callback_data: DeviceCb, ctx: Context) -> None:
    db, settings = ctx.db, ctx.settings
    try:
        h = await db.run(catalog.device_history, callback_data.device_id)
    except DeviceNotFound:
        await callback.answer(card_texts.DEVICE_GONE, show_alert=True)
        return
    await safe_edit(
        callback.message, *views.device_history(h.number, h.name, h.device_id, h.holders, h.events, settings.tz)
    )
    await callback.answer()


@router.callback_query(MyHistoryCb.filter())
async def my_history(callback: CallbackQuery, ctx: Context) -> None:
    viewer, db, settings = ctx.me, ctx.db, ctx.settings
    events = await db.run(catalog.history, person_id=viewer.person_id, limit=15)
    await safe_edit(callback.message, *views.my_history(events, settings.tz))
    await callback.answer()
