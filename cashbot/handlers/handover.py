"""Hand over: the holder passes a device straight to a colleague, who accepts or declines.

The holder picks from the queue (first in line first) or types a name, @username or e-mail.
The colleague gets [✅ Принять] / [❌ Отказаться]; on accept the loan moves (the service closes
the old one, opens theirs and removes their queue place) and both are told.
"""

from __future__ import annotations

from aiogram import F
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from cashbot.callbacks import DeviceAction, DeviceCb, HandoverAction, HandoverCb
from cashbot.clock import Clock
from cashbot.context import Context
from cashbot.db.database import Db
from cashbot.filters import TYPED, ActiveUser
from cashbot.handlers import card
from cashbot.handlers.loans import cancel_dialog, pressed_again
from cashbot.i18n import use_locale
from cashbot.notify import Delivery, Notifier
from cashbot.routing import Blueprint
from cashbot.services import handover, loans, people
from cashbot.services.errors import (
    DomainError,
    HandoverNotPending,
    HandoverTargetUnavailable,
    HandoverToSelf,
)
from cashbot.services.handover import HandoverRequest
from cashbot.states import HandoverDialog
from cashbot.texts import handover as t
from cashbot.texts.common import esc
from cashbot.views import handover as v

router = Blueprint(name="handover")
router.message.filter(ActiveUser())
router.callback_query.filter(ActiveUser())

MAX_FOUND = 8


@router.callback_query(DeviceCb.filter(F.action == DeviceAction.HAND_OVER))
async def handover_pressed(callback: CallbackQuery, callback_data: DeviceCb, state: FSMContext, ctx: Context) -> None:
    device_id, me = callback_data.device_id, ctx.me
    if await pressed_again(callback, device_id, state, HandoverDialog.who):
        await callback.answer(t.HANDOVER_DIALOG_OPEN)  # one question is enough
        return
    try:
        check = await ctx.db.run(loans.check_holder, device_id, me.person_id)
        candidates = await ctx.db.run(handover.handover_candidates, device_id, me.person_id)
    except DomainError as error:
        await card.show(ctx, callback.message, device_id, v.refusal_note(error, ctx.settings.tz), edit=True)
        await callback.answer()
        return
    await state.set_state(HandoverDialog.who)
    await state.set_data({"device_id": device_id, "from_id": callback.message.message_id})
    text, markup = v.ask_handover(check.device, candidates)
    await callback.message.answer(text, reply_markup=markup)
    await callback.answer()


@router.message(StateFilter(HandoverDialog.who), TYPED)
async def colleague_typed(message: Message, state: FSMContext, ctx: Context) -> None:
    device_id, me = (await state.get_data())["device_id"], ctx.me
    try:
        check = await ctx.db.run(loans.check_holder, device_id, me.person_id)
    except DomainError as error:  # returned or handed over meanwhile
        await state.clear()
        await card.show(ctx, message, device_id, v.refusal_note(error, ctx.settings.tz))
        return
    query = message.text.strip()
    found = await ctx.db.run(people.find_people, query, limit=MAX_FOUND + 1)
    others = [p for p in found if p.person_id != me.person_id][:MAX_FOUND]
    if not others:
        template = t.HANDOVER_ONLY_YOU if found else t.HANDOVER_NOT_FOUND
        await message.answer(template.format(query=esc(query)))
        return
    await message.answer(
        t.HANDOVER_FOUND.format(device=v.device_label(check.device)), reply_markup=v.handover_choices(device_id, others)
    )


@router.callback_query(HandoverCb.filter(F.action == HandoverAction.TO))
async def colleague_chosen(callback: CallbackQuery, callback_data: HandoverCb, state: FSMContext, ctx: Context) -> None:
    device_id = callback_data.device_id
    try:
        request = await ctx.db.run(
            handover.request_handover, device_id, ctx.me.person_id, callback_data.ref, now=ctx.clock.now()
        )
    except HandoverToSelf:
        await callback.answer(t.HANDOVER_SELF, show_alert=True)
        return
    except HandoverTargetUnavailable as error:
        await callback.answer(t.HANDOVER_UNAVAILABLE.format(name=error.name or "—"), show_alert=True)
        return
    except DomainError as error:
        await state.clear()
        await card.show(ctx, callback.message, device_id, v.refusal_note(error, ctx.settings.tz), edit=True)
        await callback.answer()
        return
    await state.clear()
    await card.safe_edit(callback.message, t.HANDOVER_SENT.format(name=esc(request.to_person.full_name)))
    await callback.answer()
    ctx.notifier.run_later(send_request(request, callback.message.chat.id, ctx.notifier, ctx.db, ctx.clock))


async def send_request(request: HandoverRequest, holder_chat_id: int, notifier: Notifier, db: Db, clock: Clock) -> None:
    """Deliver the request; if it cannot reach the colleague (blocked the bot, never started
    it), close it and tell the holder, who keeps the device and can choose someone else."""
    with use_locale(request.to_person.language):  # the colleague's language, not the holder's
        message = v.handover_request(request)
    delivery = await notifier.deliver(request.to_person.telegram_id, *message)
    if delivery is Delivery.SENT:
        return
    if await db.run(handover.cancel_handover, request.handover_id, now=clock.now()):
        notifier.post(
            holder_chat_id,
            t.HANDOVER_UNDELIVERABLE.format(
                name=esc(request.to_person.full_name), device=v.device_label(request.device)
            ),
            v.open_card_markup(request.device.device_id),
        )


@router.callback_query(HandoverCb.filter(F.action == HandoverAction.CANCEL))
async def handover_cancelled(callback: CallbackQuery, callback_data: HandoverCb, state: FSMContext) -> None:
    await cancel_dialog(callback, state, callback_data.device_id, HandoverDialog.who)


@router.callback_query(HandoverCb.filter(F.action.in_({HandoverAction.ACCEPT, HandoverAction.DECLINE})))
async def handover_answered(callback: CallbackQuery, callback_data: HandoverCb, ctx: Context) -> None:
    accept, me, notifier = callback_data.action == HandoverAction.ACCEPT, ctx.me, ctx.notifier
    try:
        outcome = await ctx.db.run(
            handover.answer_handover, callback_data.ref, me.person_id, accept, now=ctx.clock.now()
        )
    except HandoverNotPending:
        await card.safe_edit(callback.message, t.HANDOVER_NOT_PENDING)
        await callback.answer()
        return
    device, name = v.device_label(outcome.device), esc(me.full_name)
    if accept:
        await card.show(
            ctx, callback.message, outcome.device.device_id, t.HANDOVER_ACCEPTED_YOU.format(device=device), edit=True
        )
        with use_locale(outcome.from_person.language):
            notifier.post(outcome.from_person.telegram_id, t.HANDOVER_ACCEPTED_GIVER.format(name=name, device=device))
    else:
        await card.safe_edit(callback.message, t.HANDOVER_DECLINED_YOU.format(device=device))
        with use_locale(outcome.from_person.language):
            notifier.post(
                outcome.from_person.telegram_id,
                t.HANDOVER_DECLINED_GIVER.format(name=name, device=device),
                v.open_card_markup(outcome.device.device_id),
            )
    await callback.answer()
