"""Commands for everyone: /help, /cancel; the last-resort hint; the error handler."""

from __future__ import annotations

import logging

from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ErrorEvent, Message

from cashbot.context import Context
from cashbot.handlers.dev import close_code_prompt
from cashbot.routing import Blueprint
from cashbot.states import DevConfirm
from cashbot.texts import common as t
from cashbot.texts import language as language_texts

log = logging.getLogger(__name__)
router = Blueprint(name="common")


@router.message(Command("help"))
async def show_help(message: Message, ctx: Context) -> None:
    viewer, is_admin = ctx.viewer, ctx.is_admin
    if viewer is None or not viewer.is_active:
        await message.answer(t.HELP_UNREGISTERED)
        return
    await message.answer(t.HELP_STAFF + (t.HELP_ADMIN if is_admin else "") + language_texts.HELP)


@router.message(Command("cancel"))
async def cancel(message: Message, state: FSMContext, ctx: Context) -> None:
    clock = ctx.clock
    current = await state.get_state()
    if current == DevConfirm.code.state:
        await close_code_prompt(state, clock)  # a code typed right after stays secret
    else:
        await state.clear()
    await message.answer(t.CANCELLED if current is not None else t.NOTHING_TO_CANCEL)


fallback_router = Blueprint(name="fallback")


@fallback_router.message()
async def not_understood(message: Message) -> None:
    await message.answer(t.NOT_UNDERSTOOD)


@fallback_router.callback_query()
async def stale_button(callback: CallbackQuery) -> None:
    await callback.answer(t.STALE_BUTTON)


errors_router = Blueprint(name="errors")


@errors_router.error()
async def on_error(event: ErrorEvent) -> None:
    update = event.update
    log.error("update %s failed", update.update_id, exc_info=event.exception)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t.ERROR, show_alert=True)
        elif update.message is not None:
            await update.message.answer(t.ERROR)
    except Exception:  # the apology itself failed (network, blocked): nothing more to do
        log.warning("could not apologise for update %s", update.update_id)
