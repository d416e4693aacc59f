"""/add → CSV: template, upload, preview, import (admins only).

The uploaded bytes stay on disk under <data dir>/imports/<token>.csv between the preview and
the import; FSM data holds only the token, the file name, the update choice and the preview's
fingerprint, and buttons carry the token (never the file). Planning and writing run on the
database thread. A "⏳" message always ends in an answer: an internal error edits it into one
that says nothing was written (and is logged), instead of leaving it spinning.
"""

from __future__ import annotations

import logging
import secrets
import time
from io import BytesIO
from pathlib import Path

from aiogram import Bot, F
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from cashbot.callbacks import AddAction, AddCb, ImportAction, ImportCb
from cashbot.clock import Clock
from cashbot.config import Settings
from cashbot.context import Context
from cashbot.db.database import Db
from cashbot.filters import Admin, OnLoop
from cashbot.handlers import labels
from cashbot.handlers.card import safe_edit
from cashbot.i18n import use_locale
from cashbot.notify import Notifier
from cashbot.routing import Blueprint
from cashbot.services import device_csv
from cashbot.services.import_csv import ImportPlan, ImportResult, apply_import, plan_import
from cashbot.services.people import Viewer
from cashbot.states import ImportCsv
from cashbot.texts import import_csv as ci
from cashbot.texts import import_csv as t
from cashbot.texts.common import esc
from cashbot.views import import_csv as views
from cashbot.views import labels as labels_views

log = logging.getLogger(__name__)

router = Blueprint(name="import_csv")
router.message.filter(Admin())
router.callback_query.filter(Admin())

MAX_BYTES = 2_000_000  # the parser's default limit; checked before downloading
STALE_UPLOAD_SECONDS = 24 * 3600


def upload_dir(settings: Settings) -> Path:
    return settings.data_dir / "imports"


def upload_path(settings: Settings, token: str) -> Path:
    return upload_dir(settings) / f"{token}.csv"


def limit_text() -> str:
    return t.SIZE_MB.format(value=MAX_BYTES // 1_000_000)


@router.callback_query(AddCb.filter(F.action == AddAction.TEMPLATE))
async def send_template(callback: CallbackQuery, ctx: Context) -> None:
    data = device_csv.template_file(ctx.clock.today(), language=ctx.language)  # headers the admin reads
    await callback.message.answer_document(BufferedInputFile(data, t.TEMPLATE_NAME), caption=t.TEMPLATE_CAPTION)
    await callback.answer()


@router.callback_query(AddCb.filter(F.action == AddAction.CSV))
async def ask_file(callback: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    settings = ctx.settings
    await forget_upload(state, settings)
    await state.set_state(ImportCsv.waiting_file)
    await callback.message.answer(t.ASK_FILE.format(limit=limit_text()))
    await callback.answer()


@router.message(StateFilter(None, ImportCsv.waiting_file, ImportCsv.preview), OnLoop(F.document))
async def receive_file(message: Message, state: FSMContext, bot: Bot, ctx: Context) -> None:
    db, clock, settings = ctx.db, ctx.clock, ctx.settings
    document = message.document
    if document.file_size and document.file_size > MAX_BYTES:
        size = t.SIZE_MB.format(value=f"{document.file_size / 1_000_000:.1f}".replace(".", ","))
        await message.answer(t.FILE_TOO_BIG.format(size=size, limit=limit_text()))
        return
    progress = await message.answer(t.CHECKING.format(name=esc(document.file_name or "")))
    try:
        data = (await bot.download(document, destination=BytesIO())).getvalue()
        await forget_upload(state, settings)
        token = secrets.token_hex(4)
        await db.run(store_upload, upload_dir(settings), token, data)
    except Exception:
        log.exception("import: could not fetch or store %r", document.file_name)
        await safe_edit(progress, ci.CHECK_FAILED)
        return
    await state.set_state(ImportCsv.preview)
    await state.update_data(import_token=token, import_name=document.file_name or "file.csv", import_update=False)
    await show_preview(progress, state, db, clock, settings)


@router.message(StateFilter(ImportCsv.waiting_file), OnLoop(~F.text.startswith("/")))
async def not_a_file(message: Message) -> None:
    """Anything but a file (commands pass on to their own handlers)."""
    await message.answer(t.ASK_FILE.format(limit=limit_text()))


async def show_preview(
    target: Message, state: FSMContext, db: Db, clock: Clock, settings: Settings, note: str | None = None
) -> None:
    """Plan the stored upload and draw the preview into `target` (edited in place)."""
    data = await state.get_data()
    token = data["import_token"]
    try:
        plan = await db.run(plan_stored, upload_path(settings, token), data["import_update"], clock.today())
        if plan is None:
            await state.clear()
            await safe_edit(target, t.FILE_GONE)
            return
        await state.update_data(import_count=plan.to_add + plan.to_update, import_plan=plan.fingerprint)
        text, markup, attachment = views.import_preview(plan, data["import_name"], data["import_update"], token, note)
        await safe_edit(target, text, markup)
    except Exception:
        log.exception("import: checking %r failed", data.get("import_name"))
        await forget_upload(state, settings)
        await state.clear()
        await safe_edit(target, ci.CHECK_FAILED)
        return
    if attachment:
        await target.answer_document(BufferedInputFile(attachment.text.encode("utf-8"), attachment.name))


@router.callback_query(ImportCb.filter())
async def preview_button(callback: CallbackQuery, callback_data: ImportCb, state: FSMContext, ctx: Context) -> None:
    db, clock, settings, viewer, notifier = ctx.db, ctx.clock, ctx.settings, ctx.me, ctx.notifier
    data = await state.get_data()
    if await state.get_state() != ImportCsv.preview.state or data.get("import_token") != callback_data.token:
        if callback_data.action == ImportAction.CANCEL and await state.get_state() == ImportCsv.waiting_file.state:
            await state.clear()
        await callback.answer(t.STALE)
        return
    await callback.answer()
    if callback_data.action == ImportAction.TOGGLE_UPDATE:
        await state.update_data(import_update=not data["import_update"])
        await show_preview(callback.message, state, db, clock, settings)
    elif callback_data.action == ImportAction.CANCEL:
        await forget_upload(state, settings)
        await state.clear()
        await safe_edit(callback.message, t.IMPORT_CANCELLED)
    elif callback_data.action == ImportAction.IMPORT:
        await run_import(callback.message, state, data, db, clock, settings, viewer, notifier)


async def run_import(
    message: Message,
    state: FSMContext,
    data: dict,
    db: Db,
    clock: Clock,
    settings: Settings,
    viewer: Viewer,
    notifier: Notifier,
) -> None:
    path = upload_path(settings, data["import_token"])
    await safe_edit(message, t.WRITING.format(count=data.get("import_count", "")))
    try:
        result = await db.run(
            apply_stored,
            path,
            data["import_update"],
            clock.today(),
            clock.now(),
            viewer.person_id,
            data.get("import_plan"),
        )
    except Exception:  # the write is one transaction: nothing was written
        log.exception("import: writing %r failed", data.get("import_name"))
        await forget_upload(state, settings)
        await state.clear()
        await safe_edit(message, ci.WRITE_FAILED)
        return
    if result is None or not result.applied:  # the register changed since the preview
        if result is None:
            await state.clear()
            await safe_edit(message, t.FILE_GONE)
            return
        await show_preview(message, state, db, clock, settings, ci.CHANGED_SINCE_PREVIEW)
        return
    await forget_upload(state, settings)
    await state.clear()
    offer = await labels.offer_after_import(state, [row.number for row in result.plan.add_rows])
    await safe_edit(message, views.import_done(result), labels_views.after_import() if offer else None)
    for notice in result.notices:
        if notice.telegram_id != viewer.telegram_id:
            with use_locale(notice.language):
                notifier.post(notice.telegram_id, views.import_notice(notice.devices))


async def forget_upload(state: FSMContext, settings: Settings) -> None:
    token = (await state.get_data()).get("import_token")
    if token:
        upload_path(settings, token).unlink(missing_ok=True)
        await state.update_data(import_token=None)


# ------------------------------------------------------------------------------ on the db thread


def store_upload(directory: Path, token: str, data: bytes) -> None:
    """Write the upload; files abandoned for a day (a preview nobody answered) are removed."""
    directory.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STALE_UPLOAD_SECONDS
    for old in directory.glob("*.csv"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    (directory / f"{token}.csv").write_bytes(data)


def plan_stored(path: Path, update_existing: bool, today) -> ImportPlan | None:
    if not path.exists():
        return None
    return plan_import(path.read_bytes(), update_existing=update_existing, today=today)


def apply_stored(
    path: Path, update_existing: bool, today, now, actor_id: int, expected: str | None
) -> ImportResult | None:
    if not path.exists():
        return None
    return apply_import(
        path.read_bytes(), update_existing=update_existing, today=today, now=now, actor_id=actor_id, expected=expected
    )
