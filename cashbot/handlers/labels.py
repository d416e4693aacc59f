"""/labels: printable label sheets; the card's [🏷 Наклейка]: one PNG sticker (admins only).

Selecting devices runs on the database thread; drawing (segno, fpdf2, Pillow) on a worker
thread of its own (`asyncio.to_thread`): neither the loop nor the database waits for a sheet.
While a large sheet is drawn, its "⏳" message counts the labels done; it always ends in an
answer (the sheet, or a message that it failed).
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial

from aiogram import F
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from cashbot import printing
from cashbot.callbacks import LabelsAction, LabelsCb
from cashbot.context import Context
from cashbot.filters import TYPED, Admin
from cashbot.handlers.card import safe_edit
from cashbot.routing import Blueprint
from cashbot.services import catalog
from cashbot.services import labels as selection
from cashbot.services.labels import BadNumbers, LabelDevice
from cashbot.states import Labels
from cashbot.texts import card as card_texts
from cashbot.texts import labels as t
from cashbot.views import labels as views
from cashbot.views.links import device_link

log = logging.getLogger(__name__)

router = Blueprint(name="labels")
router.message.filter(Admin())
router.callback_query.filter(Admin())

PROGRESS_EVERY = 2.0  # seconds between "⏳ n of N" edits (Telegram: about one edit a second)
IMPORTED_KEY = "labels_imported"  # FSM data: the numbers an import just added, as [low, high] ranges


@router.message(Command("labels"))
async def labels_menu(message: Message, command: CommandObject, state: FSMContext, ctx: Context) -> None:
    """/labels: the choices; `/labels 1-200` makes that sheet at once."""
    if command.args:
        await sheet_for_numbers(message, command.args, state, ctx)
        return
    text, markup = views.menu(ctx.settings.labels)
    await message.answer(text, reply_markup=markup)


@router.message(StateFilter(Labels.numbers), TYPED)
async def numbers_typed(message: Message, state: FSMContext, ctx: Context) -> None:
    await sheet_for_numbers(message, message.text, state, ctx)


async def sheet_for_numbers(message: Message, text: str, state: FSMContext, ctx: Context) -> None:
    try:
        ranges = selection.parse_numbers(text)
    except BadNumbers as error:
        await state.set_state(Labels.numbers)
        await message.answer(views.bad_numbers(error.reason, error.part, selection.MAX_PARTS))
        return
    if await state.get_state() == Labels.numbers.state:
        await state.set_state(None)
    devices = await ctx.db.run(selection.select_devices, None, ranges)
    await send_sheet(message, devices, views.what_numbers(ranges), ctx)


@router.callback_query(
    LabelsCb.filter(F.action.in_({LabelsAction.MENU, LabelsAction.CATEGORIES, LabelsAction.NUMBERS}))
)
async def menu_button(callback: CallbackQuery, callback_data: LabelsCb, state: FSMContext, ctx: Context) -> None:
    await callback.answer()
    if callback_data.action == LabelsAction.MENU:
        await safe_edit(callback.message, *views.menu(ctx.settings.labels))
    elif callback_data.action == LabelsAction.CATEGORIES:
        await safe_edit(callback.message, *views.category_picker(await ctx.db.run(catalog.categories_with_counts)))
    else:
        await state.set_state(Labels.numbers)
        await callback.message.answer(t.ASK_NUMBERS)


@router.callback_query(LabelsCb.filter(F.action.in_({LabelsAction.ALL, LabelsAction.CATEGORY, LabelsAction.IMPORTED})))
async def sheet_button(callback: CallbackQuery, callback_data: LabelsCb, state: FSMContext, ctx: Context) -> None:
    db = ctx.db
    if callback_data.action == LabelsAction.ALL:
        devices, what = await db.run(selection.select_devices), views.what_all()
    elif callback_data.action == LabelsAction.CATEGORY:
        name = await db.run(catalog.category_name, callback_data.ref)
        if name is None:
            await callback.answer(t.STALE, show_alert=True)
            return
        devices, what = await db.run(selection.select_devices, callback_data.ref), views.what_category(name)
    else:
        imported = (await state.get_data()).get(IMPORTED_KEY)
        if not imported:
            await callback.answer(t.STALE, show_alert=True)
            return
        ranges = [(low, high) for low, high in imported]
        devices = await db.run(selection.select_devices, None, ranges)
        what = views.what_numbers(ranges, imported=True)
    await callback.answer()
    await send_sheet(callback.message, devices, what, ctx)


@router.callback_query(LabelsCb.filter(F.action == LabelsAction.STICKER))
async def sticker(callback: CallbackQuery, callback_data: LabelsCb, ctx: Context) -> None:
    """The card's [🏷 Наклейка]: the PNG goes as a file, so Telegram does not recompress it."""
    device = await ctx.db.run(selection.device_label, callback_data.ref)
    if device is None:
        await callback.answer(card_texts.DEVICE_GONE, show_alert=True)
        return
    await callback.answer()
    label = printing.labels_for([device], link_builder(ctx))[0]
    png = await asyncio.to_thread(printing.sticker_png, label)
    await callback.message.answer_document(
        BufferedInputFile(png, t.STICKER_NAME.format(number=device.number)),
        caption=views.sticker_caption(device.number, device.name),
    )


def link_builder(ctx: Context):
    """number -> the card's t.me link."""
    return partial(device_link, ctx.bot_username)


async def send_sheet(message: Message, devices: list[LabelDevice], what: str, ctx: Context) -> None:
    """Draw the sheet on a worker thread, counting the labels in the "⏳" message, then send it."""
    if not devices:
        await message.answer(t.NOTHING_SELECTED)
        return
    settings = ctx.settings
    labels = printing.labels_for(devices, link_builder(ctx))
    status = await message.answer(views.rendering(len(labels)))
    done = [0]
    drawing = asyncio.ensure_future(
        asyncio.to_thread(printing.sheet_pdf, labels, settings.labels, lambda count, _total: done.__setitem__(0, count))
    )
    shown = 0
    while not drawing.done():
        await asyncio.wait({drawing}, timeout=PROGRESS_EVERY)
        if not drawing.done() and done[0] != shown:
            shown = done[0]
            try:
                await safe_edit(status, views.progress(shown, len(labels)))
            except TelegramAPIError as error:  # a missed count is no reason to stop the sheet
                log.info("labels: progress not shown: %s", error.message)
    try:
        pdf = drawing.result()
    except Exception:
        log.exception("labels: drawing a sheet of %d failed", len(labels))
        await safe_edit(status, t.RENDER_FAILED)
        return
    per_page = settings.labels.columns * settings.labels.rows
    await safe_edit(status, views.ready(len(labels), -(-len(labels) // per_page)))
    await message.answer_document(BufferedInputFile(pdf, t.SHEET_NAME), caption=views.sheet_caption(what))


async def offer_after_import(state: FSMContext, added: list[int]) -> bool:
    """Keep the numbers an import added for their sheet's button; False: nothing was added."""
    if not added:
        return False
    await state.update_data({IMPORTED_KEY: [list(span) for span in selection.ranges_of(added)]})
    return True
