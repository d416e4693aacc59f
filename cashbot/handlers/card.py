"""Opening and refreshing a device card. Actions on it live in their own flow modules."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message

from cashbot.callbacks import DeviceCb
from cashbot.clock import Clock
from cashbot.config import Settings
from cashbot.db.database import Db
from cashbot.filters import ActiveUser
from cashbot.services import catalog
from cashbot.services.catalog import DeviceCard
from cashbot.services.errors import DeviceNotFound
from cashbot.services.people import Viewer
from cashbot.texts import card as t
from cashbot.views.card import card_keyboard, card_text

router = Router(name="card")
router.message.filter(ActiveUser())
router.callback_query.filter(ActiveUser())


async def render(device_id: int, viewer: Viewer, is_admin: bool, db: Db, settings: Settings,
                 clock: Clock, note: str | None = None):
    """(text, keyboard) of a device card as this viewer sees it now; DeviceNotFound if gone."""
    card = await db.run(catalog.device_card, device_id, viewer.person_id)
    return screen(card, is_admin, settings, clock, note)


def screen(card: DeviceCard | None, is_admin: bool, settings: Settings, clock: Clock, note: str | None = None):
    """(text, keyboard) of a card a service already read; None: the device is gone."""
    if card is None:
        return t.DEVICE_GONE, None
    return card_text(card, settings.tz, clock.today(), note), card_keyboard(card, is_admin)


async def send_card(message: Message, device_id: int, viewer: Viewer, is_admin: bool, db: Db,
                    settings: Settings, clock: Clock, note: str | None = None) -> None:
    try:
        text, markup = await render(device_id, viewer, is_admin, db, settings, clock, note)
    except DeviceNotFound:
        await message.answer(t.DEVICE_GONE)
        return
    await message.answer(text, reply_markup=markup)


async def edit_card(callback: CallbackQuery, device_id: int, viewer: Viewer, is_admin: bool, db: Db,
                    settings: Settings, clock: Clock, note: str | None = None) -> None:
    """Redraw the card in place (a stale card is refreshed, never acted on blindly)."""
    try:
        text, markup = await render(device_id, viewer, is_admin, db, settings, clock, note)
    except DeviceNotFound:
        await safe_edit(callback.message, t.DEVICE_GONE)
        return
    await safe_edit(callback.message, text, markup)


async def safe_edit(message: Message, text: str, markup=None) -> None:
    """Edit a message; identical content ("message is not modified") is a no-op."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        if "message is not modified" not in error.message:
            raise


@router.callback_query(DeviceCb.filter(F.action.in_({"open", "refresh"})))
async def open_card(callback: CallbackQuery, callback_data: DeviceCb, viewer: Viewer, is_admin: bool,
                    db: Db, settings: Settings, clock: Clock) -> None:
    if callback_data.action == "open":
        await send_card(callback.message, callback_data.device_id, viewer, is_admin, db, settings, clock)
        await callback.answer()
        return
    await edit_card(callback, callback_data.device_id, viewer, is_admin, db, settings, clock)
    await callback.answer(t.REFRESHED)


@router.message(CommandStart(deep_link=True, magic=F.args.regexp(r"^d\d{1,9}$")))
async def deep_link(message: Message, command: CommandObject, viewer: Viewer, is_admin: bool, db: Db,
                    settings: Settings, clock: Clock) -> None:
    """t.me/<bot>?start=d49 (printed on a sticker) opens device 49's card."""
    card = await db.run(catalog.card_by_number, int(command.args[1:]), viewer.person_id)
    if card is None:
        await message.answer(t.NO_SUCH_NUMBER.format(number=command.args[1:]))
        return
    text, markup = screen(card, is_admin, settings, clock)
    await message.answer(text, reply_markup=markup)
