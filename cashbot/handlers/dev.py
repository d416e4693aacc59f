"""Developer tools (/dev): logs, export, dump, backups, migrations, bulk delete, reset.

Developers are Telegram ids from config and need not be registered people. The router filters
on Developer() at router level: for anyone else /dev and "dv" buttons fall through to what a
non-developer sees. Dangerous actions ask for the confirmation code (DevConfirm.code).

The code never lands anywhere: the message that carries it is deleted and compared, never
stored or searched. A developer's message equal to the code outside the prompt is deleted
too (pasted twice, after /cancel, after a lockout, in another dialog), and so is the first
text sent shortly after a prompt ended without the right code (a mistyped code is still
secret). Only developers get this: for anyone else a deleted message would tell them their
guess was the code.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from pathlib import Path

from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from cashbot.callbacks import DevAction, DevCb
from cashbot.clock import Clock
from cashbot.config import Settings
from cashbot.context import Context
from cashbot.db.database import Db, migration_status
from cashbot.filters import Developer
from cashbot.routing import Blueprint
from cashbot.services import dev
from cashbot.services.people import Viewer
from cashbot.states import DevConfirm
from cashbot.texts import dev as t
from cashbot.texts.common import esc
from cashbot.views import dev as view

log = logging.getLogger(__name__)
router = Blueprint(name="dev")
router.message.filter(Developer())
router.callback_query.filter(Developer())

TELEGRAM_UPLOAD_LIMIT = 50 * 1024 * 1024
# After a prompt ends without the right code, the next text within this time is deleted.
CLOSED_PROMPT_GRACE = timedelta(minutes=2)
_CLOSED_AT = "dev_code_closed_at"  # FSM data key (ISO time in UTC)


def _typed(message: Message) -> str | None:
    return message.text if message.text is not None else message.caption


class LooksLikeCode(Filter):
    """The message is the configured confirmation code (constant-time comparison)."""

    async def __call__(self, message: Message, ctx: Context) -> bool:
        typed, code = _typed(message), ctx.settings.dev_code
        return typed is not None and code is not None and dev.code_matches(typed, code.get_secret_value())


class JustAfterPrompt(Filter):
    """Text (not a command) sent soon after a code prompt ended without the right code."""

    async def __call__(self, message: Message, state: FSMContext, ctx: Context) -> bool:
        typed = _typed(message)
        if typed is None or typed.startswith("/"):
            return False
        closed = (await state.get_data()).get(_CLOSED_AT)
        return closed is not None and ctx.clock.now() - datetime.fromisoformat(closed) < CLOSED_PROMPT_GRACE


async def close_code_prompt(state: FSMContext, clock: Clock) -> None:
    """End a code prompt that did not get the right code; the next text stays secret too."""
    await state.clear()
    await state.set_data({_CLOSED_AT: clock.now().isoformat()})


async def _delete_secret(message: Message) -> None:
    try:  # the code must not stay in the chat
        await message.delete()
    except TelegramBadRequest as error:
        log.warning("could not delete a confirmation code message: %s", error.message)


def _actor(viewer: Viewer | None) -> int | None:
    return viewer.person_id if viewer is not None else None


async def _record(db: Db, clock: Clock, kind: str, user_id: int, viewer: Viewer | None, **details) -> None:
    await db.run(dev.record_action, kind, clock.now(), _actor(viewer), user_id, **details)


async def _send_file(bot: Bot, chat_id: int, data: bytes, name: str, caption: str) -> None:
    await bot.send_document(chat_id, BufferedInputFile(data, filename=name), caption=caption)


@router.message(Command("dev"))
async def dev_menu(message: Message, state: FSMContext, ctx: Context) -> None:
    clock = ctx.clock
    if await state.get_state() == DevConfirm.code.state:
        await close_code_prompt(state, clock)  # a fresh menu ends an unanswered code prompt
    else:
        await state.clear()
    text, markup = view.menu()
    await message.answer(text, reply_markup=markup)


@router.callback_query(DevCb.filter(F.action == DevAction.LOG_FILE))
async def log_file(callback: CallbackQuery, bot: Bot, ctx: Context) -> None:
    settings, db, clock, viewer = ctx.settings, ctx.db, ctx.clock, ctx.viewer
    await callback.answer()
    path = dev.current_log_file(settings.log_dir)
    await _record(db, clock, "dev_logs", callback.from_user.id, viewer, form="file")
    if path is None:
        await bot.send_message(callback.from_user.id, t.LOG_EMPTY.format(path=esc(str(settings.log_dir))))
        return
    data = await asyncio.to_thread(path.read_bytes)
    await _send_file(bot, callback.from_user.id, data, path.name, t.LOG_CAPTION.format(name=path.name))


@router.callback_query(DevCb.filter(F.action == DevAction.LOG_TAIL))
async def log_tail(callback: CallbackQuery, bot: Bot, ctx: Context) -> None:
    settings, db, clock, viewer = ctx.settings, ctx.db, ctx.clock, ctx.viewer
    await callback.answer()
    lines = await asyncio.to_thread(dev.log_tail, settings.log_dir)
    await _record(db, clock, "dev_logs", callback.from_user.id, viewer, form="tail")
    text = view.log_tail(lines) if lines else t.LOG_EMPTY.format(path=esc(str(settings.log_dir)))
    await bot.send_message(callback.from_user.id, text)


@router.callback_query(DevCb.filter(F.action == DevAction.EXPORT))
async def export_devices(callback: CallbackQuery, bot: Bot, ctx: Context) -> None:
    db, clock, viewer = ctx.db, ctx.clock, ctx.viewer
    await callback.answer()
    data, count = await db.run(dev.export_devices_csv, ctx.language)  # headers the developer reads
    await _record(db, clock, "dev_export", callback.from_user.id, viewer, devices=count)
    name = f"devices-{clock.local_now():%Y%m%d-%H%M}.csv"
    await _send_file(bot, callback.from_user.id, data, name, t.EXPORT_CAPTION.format(count=count))


@router.callback_query(DevCb.filter(F.action == DevAction.BACKUP))
async def backup(callback: CallbackQuery, bot: Bot, ctx: Context) -> None:
    settings, db, clock, viewer = ctx.settings, ctx.db, ctx.clock, ctx.viewer
    await callback.answer(t.BACKUP_WORKING)
    # Its own connection on a worker thread: the bot keeps serving while the copy is made.
    path = await asyncio.to_thread(
        dev.backup_into_dir, settings.database.path, settings.backup_dir, clock.now(), "manual"
    )
    await _record(db, clock, "dev_backup", callback.from_user.id, viewer, file=path.name)
    await _send_backup(bot, callback.from_user.id, path)


async def _send_backup(bot: Bot, chat_id: int, path: Path) -> None:
    if path.stat().st_size > TELEGRAM_UPLOAD_LIMIT:
        await bot.send_message(chat_id, t.BACKUP_TOO_BIG.format(path=esc(str(path))))
        return
    data = await asyncio.to_thread(path.read_bytes)
    await _send_file(bot, chat_id, data, path.name, t.BACKUP_CAPTION.format(name=path.name))


@router.callback_query(DevCb.filter(F.action == DevAction.MIGRATIONS))
async def migrations(callback: CallbackQuery, bot: Bot, ctx: Context) -> None:
    db, clock, viewer = ctx.db, ctx.clock, ctx.viewer
    await callback.answer()
    applied, pending = await db.run(migration_status, db.database)
    await _record(db, clock, "dev_migrations", callback.from_user.id, viewer)
    await bot.send_message(callback.from_user.id, view.migrations(applied, pending))


@router.callback_query(DevCb.filter(F.action.in_(view.DANGEROUS)))
async def ask_code(callback: CallbackQuery, callback_data: DevCb, bot: Bot, state: FSMContext, ctx: Context) -> None:
    settings, db, clock = ctx.settings, ctx.db, ctx.clock
    if settings.dev_code is None:
        await callback.answer(t.NO_CODE, show_alert=True)
        return
    until = await db.run(dev.locked_until, callback.from_user.id, clock.now())
    if until is not None:
        await callback.answer(t.LOCKED.format(until=view.until(until, settings.tz)), show_alert=True)
        return
    free = await db.run(dev.count_free_devices) if callback_data.action == DevAction.DELETE_FREE else 0
    await state.set_state(DevConfirm.code)
    await state.set_data({"action": callback_data.action})
    await callback.answer()
    await bot.send_message(callback.from_user.id, view.ask_code(callback_data.action, free))


@router.message(StateFilter(DevConfirm.code))
async def code_given(message: Message, state: FSMContext, bot: Bot, dispatcher: Dispatcher, ctx: Context) -> None:
    settings, db, clock, viewer = ctx.settings, ctx.db, ctx.clock, ctx.viewer
    await _delete_secret(message)
    action = (await state.get_data()).get("action")
    if settings.dev_code is None or action not in view.DANGEROUS:
        await state.clear()
        await message.answer(t.NO_CODE if settings.dev_code is None else t.CODE_AS_TEXT)
        return
    if not message.text:
        await message.answer(t.CODE_AS_TEXT)
        return
    check = await db.run(
        dev.check_code,
        message.text,
        settings.dev_code.get_secret_value(),
        message.from_user.id,
        action,
        clock.now(),
        _actor(viewer),
    )
    if not check.ok:
        if check.locked_until is not None:
            await close_code_prompt(state, clock)
            await message.answer(t.CODE_WRONG_LOCKED.format(until=view.until(check.locked_until, settings.tz)))
        else:
            await message.answer(t.CODE_WRONG.format(left=check.attempts_left))
        return
    await state.clear()
    await PERFORM[action](message.from_user.id, bot, settings, db, clock, viewer, dispatcher)


@router.message(LooksLikeCode())
async def code_not_asked(message: Message, state: FSMContext) -> None:
    """The code outside its prompt: deleted, not searched, not stored; a dialog that was open
    stays as it was."""
    await _delete_secret(message)
    data = await state.get_data()
    if _CLOSED_AT in data:
        await state.set_data({k: v for k, v in data.items() if k != _CLOSED_AT})
    await message.answer(t.CODE_NOT_ASKED)


@router.message(StateFilter(None), JustAfterPrompt())  # not an answer in a dialog opened since
async def text_after_prompt(message: Message, state: FSMContext) -> None:
    await _delete_secret(message)
    await state.set_data({k: v for k, v in (await state.get_data()).items() if k != _CLOSED_AT})
    await message.answer(t.TEXT_AFTER_PROMPT)


async def _dump(
    user_id: int, bot: Bot, settings: Settings, db: Db, clock: Clock, viewer: Viewer | None, dispatcher: Dispatcher
) -> None:
    data, counts = await db.run(dev.full_dump_zip, db.database, clock.now())
    await _record(db, clock, "dev_dump", user_id, viewer, tables=len(counts))
    name = f"cashbot-dump-{clock.local_now():%Y%m%d-%H%M}.zip"
    await _send_file(bot, user_id, data, name, view.dump_caption(counts))


async def _delete_free(
    user_id: int, bot: Bot, settings: Settings, db: Db, clock: Clock, viewer: Viewer | None, dispatcher: Dispatcher
) -> None:
    count = await db.run(dev.delete_free_devices, clock.now(), _actor(viewer), user_id)
    await bot.send_message(user_id, t.DELETED_FREE.format(count=count) if count else t.NOTHING_FREE)


async def _reset(
    user_id: int, bot: Bot, settings: Settings, db: Db, clock: Clock, viewer: Viewer | None, dispatcher: Dispatcher
) -> None:
    result = await db.run(
        dev.reset_database,
        db.database,
        settings.backup_dir,
        clock.now(),
        categories=settings.categories,
        admin_ids=settings.admins,
        actor_telegram_id=user_id,
    )
    # The FSM cache still holds dialogs of the old database; the table was recreated empty.
    dispatcher.storage.invalidate()
    await bot.send_message(user_id, t.RESET_DONE.format(categories=result.categories, backup=esc(str(result.backup))))


PERFORM = {"dump": _dump, "delfree": _delete_free, "reset": _reset}
