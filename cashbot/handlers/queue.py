"""The queue: join and leave from the card, "your turn" take/pass.

When a device comes back and someone waits, the first in line gets "your turn" and the device
is reserved for them (`queue.hold_hours`). Passing, leaving or letting the time run out offers
it to the next; an empty queue leaves it free. Expiry is a background job (cashbot/jobs.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery

from cashbot.callbacks import DeviceAction, DeviceCb, OfferAction, OfferCb
from cashbot.clock import Clock
from cashbot.config import Settings
from cashbot.context import Context
from cashbot.filters import ActiveUser
from cashbot.handlers import card
from cashbot.handlers.loans import start_take
from cashbot.i18n import use_locale
from cashbot.routing import Blueprint
from cashbot.services import queue
from cashbot.services.errors import DomainError, NoOffer
from cashbot.texts import queue as t
from cashbot.texts.common import esc
from cashbot.turns import announce
from cashbot.views import queue as v

router = Blueprint(name="queue")
router.message.filter(ActiveUser())
router.callback_query.filter(ActiveUser())


def local_day_start(clock: Clock, settings: Settings) -> datetime:
    """Midnight of today in the team's time zone, in UTC ("tell the holder once a day")."""
    return datetime.combine(clock.today(), time(0), tzinfo=settings.tz).astimezone(UTC)


@router.callback_query(DeviceCb.filter(F.action == DeviceAction.JOIN_QUEUE))
async def join_pressed(callback: CallbackQuery, callback_data: DeviceCb, ctx: Context) -> None:
    device_id, me = callback_data.device_id, ctx.me
    try:
        result = await ctx.db.run(
            queue.join_queue,
            device_id,
            me.person_id,
            now=ctx.clock.now(),
            today_start=local_day_start(ctx.clock, ctx.settings),
        )
    except DomainError as error:
        note = v.refusal_note(error, ctx.settings.tz)
    else:
        note = t.QUEUED.format(position=result.position)
        if result.holder_to_notify is not None:
            with use_locale(result.holder_to_notify.language):
                ctx.notifier.post(
                    result.holder_to_notify.telegram_id,
                    t.HOLDER_SOMEONE_WAITS.format(name=esc(me.full_name), device=v.device_label(result.device)),
                    v.open_card_markup(device_id),
                )
    await card.show(ctx, callback.message, device_id, note, edit=True)
    await callback.answer()


@router.callback_query(DeviceCb.filter(F.action == DeviceAction.LEAVE_QUEUE))
async def leave_pressed(callback: CallbackQuery, callback_data: DeviceCb, ctx: Context) -> None:
    device_id = callback_data.device_id
    try:
        change = await ctx.db.run(
            queue.leave_queue,
            device_id,
            ctx.me.person_id,
            now=ctx.clock.now(),
            hold_hours=ctx.settings.queue.hold_hours,
        )
    except DomainError as error:
        note = v.refusal_note(error, ctx.settings.tz)
    else:
        note = t.LEFT_QUEUE
        if change is not None:  # I was offered it: the next gets their turn
            announce(change, ctx.notifier, ctx.db, ctx.settings, ctx.clock, timed_out=False)
    await card.show(ctx, callback.message, device_id, note, edit=True)
    await callback.answer()


@router.callback_query(OfferCb.filter(F.action == OfferAction.TAKE))
async def offer_take(callback: CallbackQuery, callback_data: OfferCb, state: FSMContext, ctx: Context) -> None:
    await start_take(callback, callback_data.device_id, state, ctx)


@router.callback_query(OfferCb.filter(F.action == OfferAction.PASS))
async def offer_pass(callback: CallbackQuery, callback_data: OfferCb, ctx: Context) -> None:
    try:
        change = await ctx.db.run(
            queue.pass_offer,
            callback_data.device_id,
            ctx.me.person_id,
            now=ctx.clock.now(),
            hold_hours=ctx.settings.queue.hold_hours,
        )
    except NoOffer:
        await card.safe_edit(callback.message, t.OFFER_GONE)
        await callback.answer()
        return
    await card.safe_edit(callback.message, t.PASSED.format(device=v.device_label(change.device)))
    await callback.answer()
    announce(change, ctx.notifier, ctx.db, ctx.settings, ctx.clock, timed_out=False)
