"""Drawing a device card (`build`, `show`: the only two ways), opening and refreshing it.
Actions on it live in their own flow modules."""

from __future__ import annotations

from aiogram import F
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from cashbot.callbacks import DeviceAction, DeviceCb
from cashbot.context import Context
from cashbot.filters import ActiveUser
from cashbot.routing import Blueprint
from cashbot.services import fields
from cashbot.services.card import DeviceCard, card_by_number, device_card
from cashbot.services.errors import DeviceNotFound
from cashbot.texts import card as t
from cashbot.views.card import card_keyboard, card_text
from cashbot.views.links import device_link

router = Blueprint(name="card")
router.message.filter(ActiveUser())
router.callback_query.filter(ActiveUser())


async def build(
    ctx: Context, device: int | DeviceCard | None, note: str | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Text and keyboard of a device card as this viewer sees it, with a note saying what
    happened. `device`: its id (read now), a card a service already read together with its
    action (`act_then_card`), or None: the device is gone."""
    if isinstance(device, int):
        try:
            device = await ctx.db.run(device_card, device, ctx.me.person_id)
        except DeviceNotFound:
            device = None
    if device is None:
        return t.DEVICE_GONE, None
    link = device_link(ctx.bot_username, device.number) if ctx.bot_username else None
    return card_text(device, ctx.settings.tz, ctx.clock.today(), note, link), card_keyboard(device, ctx.is_admin)


async def show(
    ctx: Context, message: Message, device: int | DeviceCard | None, note: str | None = None, *, edit: bool = False
) -> None:
    """The card (see `build`) edited into `message` in place, or sent as a new message."""
    text, markup = await build(ctx, device, note)
    if edit:
        await safe_edit(message, text, markup)
    else:
        await message.answer(text, reply_markup=markup)


async def safe_edit(message: Message, text: str, markup=None) -> None:
    """Edit a message; identical content ("message is not modified") is a no-op."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        if "message is not modified" not in error.message:
            raise


@router.callback_query(DeviceCb.filter(F.action.in_({DeviceAction.OPEN, DeviceAction.REFRESH})))
async def open_card(callback: CallbackQuery, callback_data: DeviceCb, ctx: Context) -> None:
    if callback_data.action == DeviceAction.OPEN:
        await show(ctx, callback.message, callback_data.device_id)
        await callback.answer()
        return
    await show(ctx, callback.message, callback_data.device_id, edit=True)  # a stale card is refreshed
    await callback.answer(t.REFRESHED)


@router.message(CommandStart(deep_link=True, magic=F.args.regexp(fields.DEEP_LINK)))
async def deep_link(message: Message, command: CommandObject, ctx: Context) -> None:
    """t.me/<bot>?start=d49 (printed on a sticker) opens device 49's card."""
    found = await ctx.db.run(card_by_number, int(command.args[1:]), ctx.me.person_id)
    if found is None:
        await message.answer(t.NO_SUCH_NUMBER.format(number=command.args[1:]))
        return
    await show(ctx, message, found)
