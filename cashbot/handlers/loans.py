"""Take, return and extend from the device card, with the return-date / location dialog.

Take is three taps in the common case: [✋ Взять] → a quick date → [Пропустить]. The take itself
happens at the last step, in one transaction that re-checks the device: whoever finishes first
gets it, the others see who did. The dialog lives in the FSM (it survives restarts).

Each step makes at most one trip to the database thread (an action and the card after it are
one service call, services/card.act_then_card) and writes the FSM only when something changed:
every trip and every FSM write (an aiosqlite round trip) wakes the event loop.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

from aiogram import F
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from cashbot import turns
from cashbot.callbacks import DeviceAction, DeviceCb, DueAction, DueCb
from cashbot.context import Context
from cashbot.filters import NOT_TEXT, TYPED, ActiveUser
from cashbot.handlers import card
from cashbot.i18n import use_locale
from cashbot.routing import Blueprint
from cashbot.services import loans
from cashbot.services.card import act_or_card, act_then_card
from cashbot.services.errors import BadDate, BadValue
from cashbot.services.fields import check_due_date, clean_text, parse_date
from cashbot.states import ExtendDialog, TakeDialog
from cashbot.texts import common
from cashbot.texts import loans as t
from cashbot.texts.common import esc
from cashbot.views import loans as v
from cashbot.views.format import field_problem

router = Blueprint(name="loans")
router.message.filter(ActiveUser())
router.callback_query.filter(ActiveUser())


async def retire_prompt(message: Message, state: FSMContext) -> None:
    """A typed answer moved the dialog on: take the buttons off the question it answered, so
    no stale button is left behind (they would only say "устарела" anyway)."""
    prompt_id = (await state.get_data()).get("prompt_id")
    if prompt_id is None or prompt_id == message.message_id:
        return
    try:
        await message.bot.edit_message_reply_markup(chat_id=message.chat.id, message_id=prompt_id, reply_markup=None)
    except TelegramBadRequest:  # deleted, too old, already without buttons: nothing to tidy
        pass


async def dialog_data(state: FSMContext, device_id: int, *states) -> dict | None:
    """The open dialog's data if it is in one of `states` and about `device_id`."""
    if await state.get_state() not in {s.state for s in states}:
        return None
    data = await state.get_data()
    return data if data.get("device_id") == device_id else None


async def dialog_device(state: FSMContext, device_id: int, *states) -> int | None:
    """The device of the open dialog if it is in one of `states` and about `device_id`."""
    data = await dialog_data(state, device_id, *states)
    return None if data is None else device_id


async def open_dialog(
    callback: CallbackQuery, state: FSMContext, first_state, device_id: int, text: str, markup
) -> None:
    """Ask a dialog's first question; remember the card that started it (double clicks) and
    the question (its buttons are retired once answered)."""
    prompt = await callback.message.answer(text, reply_markup=markup)
    await state.set_state(first_state)
    await state.set_data(
        {"device_id": device_id, "prompt_id": prompt.message_id, "from_id": callback.message.message_id}
    )
    await callback.answer()


async def cancel_dialog(callback: CallbackQuery, state: FSMContext, device_id: int, *states) -> None:
    """[Отмена] in a dialog about `device_id`; a button of a dialog no longer open is stale."""
    if await dialog_device(state, device_id, *states) is None:
        await callback.answer(common.STALE_BUTTON)
        return
    await state.clear()
    await card.safe_edit(callback.message, t.DIALOG_CANCELLED)
    await callback.answer()


async def pressed_again(callback: CallbackQuery, device_id: int, state: FSMContext, *states) -> bool:
    """The same button on the same message started the open dialog: a double click. (A press on
    another card starts afresh, so a dialog abandoned long ago never gets in the way.)"""
    data = await dialog_data(state, device_id, *states)
    return data is not None and data.get("from_id") == callback.message.message_id


async def start_take(callback: CallbackQuery, device_id: int, state: FSMContext, ctx: Context) -> None:
    """Shared by the card's [✋ Взять] and "your turn" [✋ Взять]."""
    if await pressed_again(callback, device_id, state, TakeDialog.due, TakeDialog.location):
        await callback.answer(t.DIALOG_OPEN)  # one dialog is enough
        return
    checked = await ctx.db.run(act_or_card, loans.ensure_can_take, device_id, ctx.me.person_id)
    if checked.error is not None:
        await card.show(ctx, callback.message, checked.card, v.refusal_note(checked.error, ctx.settings.tz), edit=True)
        await callback.answer()
        return
    await open_dialog(callback, state, TakeDialog.due, device_id, *v.ask_due_take(checked.result))


@router.callback_query(DeviceCb.filter(F.action == DeviceAction.TAKE))
async def take_pressed(callback: CallbackQuery, callback_data: DeviceCb, state: FSMContext, ctx: Context) -> None:
    await start_take(callback, callback_data.device_id, state, ctx)


@router.callback_query(DueCb.filter(F.action == DueAction.DUE))
async def due_button(callback: CallbackQuery, callback_data: DueCb, state: FSMContext, ctx: Context) -> None:
    device_id = await dialog_device(state, callback_data.device_id, TakeDialog.due, ExtendDialog.due)
    if device_id is None:
        await callback.answer(common.STALE_BUTTON)
        return
    days = callback_data.days
    due = ctx.clock.today() + timedelta(days=days) if days >= 0 else None
    await callback.answer()
    await date_chosen(callback.message, due, state, ctx, edit=True)


@router.message(StateFilter(TakeDialog.due, ExtendDialog.due), TYPED)
async def due_typed(message: Message, state: FSMContext, ctx: Context) -> None:
    today = ctx.clock.today()
    try:
        due = check_due_date(parse_date(message.text, today), today)
    except BadDate as error:
        await message.answer(v.bad_date(error))  # the dialog stays where it was
        return
    await date_chosen(message, due, state, ctx, edit=False)


async def date_chosen(message: Message, due: date | None, state: FSMContext, ctx: Context, *, edit: bool) -> None:
    if await state.get_state() == ExtendDialog.due.state:
        await finish_extend(message, due, state, ctx, edit=edit)
        return
    data = await state.get_data()
    due_iso = due.isoformat() if due else None
    text, markup = v.ask_location(data["device_id"])
    if edit:
        await state.set_state(TakeDialog.location)
        if data.get("due") != due_iso:  # no date (the usual case) is what the dialog holds already
            await state.update_data(due=due_iso)
        await card.safe_edit(message, text, markup)
        return
    await retire_prompt(message, state)
    prompt = await message.answer(text, reply_markup=markup)
    # The dialog moves on once its next question is out: one data write for the date and it.
    await state.set_state(TakeDialog.location)
    await state.update_data(due=due_iso, prompt_id=prompt.message_id)


@router.callback_query(DueCb.filter(F.action == DueAction.SKIP))
async def location_skipped(callback: CallbackQuery, callback_data: DueCb, state: FSMContext, ctx: Context) -> None:
    if await dialog_device(state, callback_data.device_id, TakeDialog.location) is None:
        await callback.answer(common.STALE_BUTTON)
        return
    await callback.answer()
    await finish_take(callback.message, None, state, ctx, edit=True)


@router.message(StateFilter(TakeDialog.location), TYPED)
async def location_typed(message: Message, state: FSMContext, ctx: Context) -> None:
    try:  # the device's location: the same rule as /add, edit and CSV
        location = clean_text("location", message.text)
    except BadValue as error:
        await message.answer(esc(field_problem(error)) + "\n" + t.LOCATION_AGAIN)
        return
    await finish_take(message, location, state, ctx, edit=False)


@router.message(StateFilter(TakeDialog.due, ExtendDialog.due, TakeDialog.location), NOT_TEXT)
async def not_text_in_dialog(message: Message, raw_state: str | None) -> None:
    """A sticker or a photo inside the dialog: say what is expected; the dialog stays."""
    await message.answer(t.LOCATION_NOT_TEXT if raw_state == TakeDialog.location.state else t.DATE_NOT_TEXT)


async def finish_take(message: Message, location: str | None, state: FSMContext, ctx: Context, *, edit: bool) -> None:
    data = await state.get_data()
    device_id, due = data["device_id"], date.fromisoformat(data["due"]) if data.get("due") else None
    take = partial(loans.take, due_on=due, location=location, today=ctx.clock.today(), now=ctx.clock.now())
    done = await ctx.db.run(act_then_card, take, device_id, ctx.me.person_id)
    if isinstance(done.error, BadDate):  # the chosen day passed while the dialog was open
        await state.set_state(TakeDialog.due)
        await message.answer(v.bad_date(done.error), reply_markup=v.due_keyboard(device_id))
        return
    note = v.refusal_note(done.error, ctx.settings.tz) if done.error else v.taken_note(done.result.due_on)
    if not edit:
        await retire_prompt(message, state)
    await state.clear()
    await card.show(ctx, message, done.card, note, edit=edit)


@router.callback_query(DueCb.filter(F.action == DueAction.CANCEL))
async def dialog_cancelled(callback: CallbackQuery, callback_data: DueCb, state: FSMContext) -> None:
    await cancel_dialog(callback, state, callback_data.device_id, TakeDialog.due, TakeDialog.location, ExtendDialog.due)


@router.callback_query(DeviceCb.filter(F.action.in_({DeviceAction.RETURN, DeviceAction.REMINDER_RETURN})))
async def return_pressed(callback: CallbackQuery, callback_data: DeviceCb, ctx: Context) -> None:
    give_back = partial(loans.return_device, now=ctx.clock.now(), hold_hours=ctx.settings.queue.hold_hours)
    done = await ctx.db.run(act_then_card, give_back, callback_data.device_id, ctx.me.person_id)
    if done.error is not None:
        note = v.refusal_note(done.error, ctx.settings.tz)
    elif done.result.offer is None:
        note = t.RETURNED
    else:
        note = t.RETURNED_OFFERED.format(name=esc(done.result.offer.person.full_name))
        turns.offer_turn(done.result.offer, ctx.notifier, ctx.db, ctx.settings, ctx.clock)
    # From a reminder ("rret") the card comes as a new message: the reminder keeps the
    # buttons of the holder's other devices.
    await card.show(ctx, callback.message, done.card, note, edit=callback_data.action == DeviceAction.RETURN)
    await callback.answer()


@router.callback_query(DeviceCb.filter(F.action.in_({DeviceAction.EXTEND, DeviceAction.REMINDER_EXTEND})))
async def extend_pressed(callback: CallbackQuery, callback_data: DeviceCb, state: FSMContext, ctx: Context) -> None:
    device_id = callback_data.device_id
    if await pressed_again(callback, device_id, state, ExtendDialog.due):
        await callback.answer(t.DIALOG_OPEN)
        return
    checked = await ctx.db.run(act_or_card, loans.check_holder, device_id, ctx.me.person_id)
    if checked.error is not None:
        # Refused from a reminder ("rext"): the card comes as a new message, like [Вернул]'s,
        # so the reminder keeps the buttons of the holder's other devices.
        await card.show(
            ctx,
            callback.message,
            checked.card,
            v.refusal_note(checked.error, ctx.settings.tz),
            edit=callback_data.action == DeviceAction.EXTEND,
        )
        await callback.answer()
        return
    await open_dialog(callback, state, ExtendDialog.due, device_id, *v.ask_due_extend(checked.result))


async def finish_extend(message: Message, due: date | None, state: FSMContext, ctx: Context, *, edit: bool) -> None:
    device_id, me = (await state.get_data())["device_id"], ctx.me
    extend = partial(loans.extend, due_on=due, today=ctx.clock.today(), now=ctx.clock.now())
    done = await ctx.db.run(act_then_card, extend, device_id, me.person_id)
    if done.error is not None:
        note = v.refusal_note(done.error, ctx.settings.tz)
    else:
        result = done.result
        note = v.extended_note(result.due_on)
        for person in result.waiting:
            with use_locale(person.language):
                ctx.notifier.post(
                    person.telegram_id,
                    v.waiting_new_due(result.device, me.full_name, result.due_on),
                    v.open_card_markup(device_id),
                )
    if not edit:
        await retire_prompt(message, state)
    await state.clear()
    await card.show(ctx, message, done.card, note, edit=edit)
