"""Opening and refreshing a device card. Actions on it live in their own flow modules."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message

from cashbot.callbacks import DeviceCb
from cashbot.clock import Clock
from cashbot.config import Settings
from cashbot.db.database import Db
from cashbot.filters import ActiveUser
from cashbot.services import catalog, fields
from cashbot.services.catalog import DeviceCard
from cashbot.services.errors import DeviceNotFound
from cashbot.services.people import Viewer
from cashbot.texts import card as t
from cashbot.views.card import card_keyboard, card_text
from cashbot.views.links import device_link

router = Router(name="card")
router.message.filter(ActiveUser())
router.callback_query.filter(ActiveUser())


async def render(device_id: int, viewer: Viewer, is_admin: bool, db: Db, settings: Settings,
                 clock: Clock, note: str | None = None):
    """(text, keyboard) of a device card as this viewer sees it now; DeviceNotFound if gone."""
    card = await db.run(catalog.device_card, device_id, viewer.person_id)
    return screen(card, is_admin, settings, clock, note)


def screen(card: DeviceCard | None, is_admin: bool, settings: Settings, clock: Clock, note: str | None = None,
           link: str | None = None):
    """(text, keyboard) of a card a service already read; None: the device is gone."""
    if card is None:
        return t.DEVICE_GONE, None
    return card_text(card, settings.tz, clock.today(), note, link), card_keyboard(card, is_admin)


async def card_link(bot: Bot | None, card: DeviceCard | None) -> str | None:
    """The card's deep link, as its sticker's QR code carries it (getMe is cached on the bot:
    asked once, at start)."""
    if bot is None or card is None:
        return None
    username = (await bot.me()).username
    return device_link(username, card.number) if username else None


async def show_card(message: Message, device_id: int, note: str | None, *, edit: bool, viewer: Viewer,
                    is_admin: bool, db: Db, settings: Settings, clock: Clock, **_) -> None:
    """The card as it is now, with a note saying what happened (edited in place or sent)."""
    try:
        found = await db.run(catalog.device_card, device_id, viewer.person_id)
    except DeviceNotFound:
        found = None
    await put_card(message, found, note, edit=edit, is_admin=is_admin, settings=settings, clock=clock)


async def put_card(message: Message, found: DeviceCard | None, note: str | None, *, edit: bool,
                   is_admin: bool, settings: Settings, clock: Clock, **_) -> None:
    """Like show_card, for a card the service call already read (None: the device is gone)."""
    text, markup = screen(found, is_admin, settings, clock, note, await card_link(message.bot, found))
    if edit:
        await safe_edit(message, text, markup)
    else:
        await message.answer(text, reply_markup=markup)


async def send_card(message: Message, device_id: int, viewer: Viewer, is_admin: bool, db: Db,
                    settings: Settings, clock: Clock, note: str | None = None) -> None:
    await show_card(message, device_id, note, edit=False, viewer=viewer, is_admin=is_admin, db=db,
                    settings=settings, clock=clock)


async def edit_card(callback: CallbackQuery, device_id: int, viewer: Viewer, is_admin: bool, db: Db,
                    settings: Settings, clock: Clock, note: str | None = None) -> None:
    """Redraw the card in place (a stale card is refreshed, never acted on blindly)."""
    await show_card(callback.message, device_id, note, edit=True, viewer=viewer, is_admin=is_admin, db=db,
                    settings=settings, clock=clock)


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


@router.message(CommandStart(deep_link=True, magic=F.args.regexp(fields.DEEP_LINK)))
async def deep_link(message: Message, command: CommandObject, viewer: Viewer, is_admin: bool, db: Db,
                    settings: Settings, clock: Clock) -> None:
    """t.me/<bot>?start=d49 (printed on a sticker) opens device 49's card."""
    card = await db.run(catalog.card_by_number, int(command.args[1:]), viewer.person_id)
    if card is None:
        await message.answer(t.NO_SUCH_NUMBER.format(number=command.args[1:]))
        return
    text, markup = screen(card, is_admin, settings, clock, link=await card_link(message.bot, card))
    await message.answer(text, reply_markup=markup)
