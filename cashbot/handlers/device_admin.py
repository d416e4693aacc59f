"""Device administration from the card (admins): edit, journal, give, take back, delete.

Dialog state (which device, which field, whom to give it) lives in FSM data, so it survives a
restart; every step re-checks the device through the services."""

from __future__ import annotations

from datetime import date

from aiogram import F
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from cashbot import turns
from cashbot.callbacks import DeviceAdminAction, DeviceAdminCb
from cashbot.context import Context
from cashbot.db.database import Db
from cashbot.filters import TYPED, Admin
from cashbot.handlers import card as cards
from cashbot.handlers.card import safe_edit
from cashbot.i18n import use_locale
from cashbot.routing import Blueprint
from cashbot.services import catalog, device_admin, fields, people
from cashbot.services.card import device_card
from cashbot.services.device_admin import FIELDS
from cashbot.services.errors import (
    BadDate,
    BadValue,
    CategoryNotFound,
    DeviceFree,
    DeviceHeld,
    DeviceNotFound,
    DeviceTaken,
    DomainError,
    DuplicateNumber,
    DuplicateSerial,
    EmailDomainNotAllowed,
    InvalidEmail,
    PersonNotFound,
    PersonUnavailable,
)
from cashbot.services.people import Viewer
from cashbot.states import AssignDevice, EditDevice
from cashbot.texts import card as card_texts
from cashbot.texts import device_admin as t
from cashbot.texts import fields as field_texts
from cashbot.texts.common import esc
from cashbot.views import device_admin as v
from cashbot.views.format import field_problem, fmt_date
from cashbot.views.lists import shorten
from cashbot.views.users import display_name

router = Blueprint(name="device_admin")
router.message.filter(Admin())
router.callback_query.filter(Admin())

MAX_CANDIDATES = 8
ASSIGNABLE = fields.HOLDER_STATUSES
NOTE_VALUE = 100  # old → new in the note under a card: the card itself shows the whole value


def _edit_refusal(error: DomainError, value: str | None = None) -> str:
    if isinstance(error, DuplicateNumber):
        return t.DUPLICATE_NUMBER.format(number=error.number)
    if isinstance(error, DuplicateSerial):
        return t.DUPLICATE_SERIAL.format(number=error.number)
    if isinstance(error, BadValue):
        return esc(field_problem(error, value)) + "\n" + t.SEND_OTHER
    if isinstance(error, CategoryNotFound):
        return t.CATEGORY_GONE
    return card_texts.DEVICE_GONE


def _saved_note(result: device_admin.EditResult) -> str:
    field = t.FIELD_NAMES[result.field]
    if not result.changed:
        return t.FIELD_SAME.format(field=field)

    def show(value: object) -> str:
        if isinstance(value, date):
            return fmt_date(value)
        return esc(shorten(str(value), NOTE_VALUE)) if value not in (None, "") else t.EMPTY_VALUE

    return t.FIELD_SAVED.format(field=field, old=show(result.old), new=show(result.new))


async def _device_card(callback: CallbackQuery, device_id: int, viewer: Viewer, db: Db):
    """The card data, or None after telling the admin the device is gone."""
    try:
        return await db.run(device_card, device_id, viewer.person_id)
    except DeviceNotFound:
        await callback.answer(card_texts.DEVICE_GONE, show_alert=True)
        return None


@router.callback_query(DeviceAdminCb.filter(F.action == DeviceAdminAction.CARD))
async def back_to_card(callback: CallbackQuery, callback_data: DeviceAdminCb, state: FSMContext, ctx: Context) -> None:
    if (await state.get_state() or "").startswith(("EditDevice", "AssignDevice")):
        await state.set_state(None)
    await cards.show(ctx, callback.message, callback_data.device_id, edit=True)
    await callback.answer()


@router.callback_query(DeviceAdminCb.filter(F.action == DeviceAdminAction.EDIT))
async def edit_menu(callback: CallbackQuery, callback_data: DeviceAdminCb, ctx: Context) -> None:
    viewer, db = ctx.me, ctx.db
    if card := await _device_card(callback, callback_data.device_id, viewer, db):
        await safe_edit(callback.message, *v.edit_menu(card))
        await callback.answer()


@router.callback_query(DeviceAdminCb.filter(F.action == DeviceAdminAction.FIELD))
async def ask_field(callback: CallbackQuery, callback_data: DeviceAdminCb, state: FSMContext, ctx: Context) -> None:
    viewer, db = ctx.me, ctx.db
    if not 0 <= callback_data.arg < len(FIELDS):
        await callback.answer(field_texts.REASONS["field"], show_alert=True)
        return
    if not (card := await _device_card(callback, callback_data.device_id, viewer, db)):
        return
    field = FIELDS[callback_data.arg]
    if field == "category":
        await safe_edit(callback.message, *v.category_picker(card, await db.run(catalog.categories_with_counts)))
    else:
        await state.set_state(EditDevice.value)
        await state.update_data(device_id=card.device_id, field=field)
        await safe_edit(callback.message, *v.ask_value(card, field))
    await callback.answer()


@router.callback_query(DeviceAdminCb.filter(F.action.in_({DeviceAdminAction.CLEAR, DeviceAdminAction.CATEGORY})))
async def set_by_button(callback: CallbackQuery, callback_data: DeviceAdminCb, state: FSMContext, ctx: Context) -> None:
    """[Clear] an optional field, or a category picked from the buttons."""
    viewer, db, clock = ctx.me, ctx.db, ctx.clock
    clearing = callback_data.action == DeviceAdminAction.CLEAR
    field = FIELDS[callback_data.arg] if clearing and 0 <= callback_data.arg < len(FIELDS) else "category"
    try:
        result = await db.run(
            device_admin.edit_device,
            callback_data.device_id,
            field,
            None if clearing else callback_data.arg,
            actor_id=viewer.person_id,
            now=clock.now(),
            today=clock.today(),
        )
    except (BadValue, CategoryNotFound, DeviceNotFound) as error:
        await callback.answer(_edit_refusal(error), show_alert=True)
        return
    await state.set_state(None)
    await cards.show(ctx, callback.message, callback_data.device_id, _saved_note(result), edit=True)
    await callback.answer()


@router.message(StateFilter(EditDevice.value), TYPED)
async def value_given(message: Message, state: FSMContext, ctx: Context) -> None:
    viewer, db, clock = ctx.me, ctx.db, ctx.clock
    data = await state.get_data()
    try:
        result = await db.run(
            device_admin.edit_device,
            data.get("device_id", 0),
            data.get("field", ""),
            message.text,
            actor_id=viewer.person_id,
            now=clock.now(),
            today=clock.today(),
        )
    except (BadValue, DuplicateNumber, DuplicateSerial) as error:
        await message.answer(_edit_refusal(error, message.text))  # the dialog waits for another value
        return
    except DeviceNotFound:
        await state.set_state(None)
        await message.answer(card_texts.DEVICE_GONE)
        return
    await state.set_state(None)
    await cards.show(ctx, message, result.device.device_id, _saved_note(result))


@router.callback_query(DeviceAdminCb.filter(F.action == DeviceAdminAction.JOURNAL))
async def journal(callback: CallbackQuery, callback_data: DeviceAdminCb, ctx: Context) -> None:
    db, settings = ctx.db, ctx.settings
    try:
        device, page = await db.run(
            device_admin.journal, callback_data.device_id, callback_data.arg, settings.ui.page_size
        )
    except DeviceNotFound:
        await callback.answer(card_texts.DEVICE_GONE, show_alert=True)
        return
    await safe_edit(callback.message, *v.journal(device, page, settings.tz))
    await callback.answer()


# --- giving a device to a person: who → until when → where → done


@router.callback_query(DeviceAdminCb.filter(F.action == DeviceAdminAction.GIVE))
async def ask_assignee(callback: CallbackQuery, callback_data: DeviceAdminCb, state: FSMContext, ctx: Context) -> None:
    viewer, db = ctx.me, ctx.db
    if not (card := await _device_card(callback, callback_data.device_id, viewer, db)):
        return
    if card.holder is not None:
        note = t.ASSIGN_TAKEN.format(name=esc(card.holder.full_name))
        await cards.show(ctx, callback.message, card.device_id, note, edit=True)
        await callback.answer()
        return
    await state.set_state(AssignDevice.person)
    await state.set_data({**await state.get_data(), "device_id": card.device_id})
    await callback.message.answer(
        t.ASK_ASSIGNEE.format(number=card.number, name=esc(card.name)), reply_markup=v.back_to_card(card.device_id)
    )
    await callback.answer()


@router.message(StateFilter(AssignDevice.person), TYPED)
async def assignee_given(message: Message, state: FSMContext, ctx: Context) -> None:
    viewer, db, settings, clock = ctx.me, ctx.db, ctx.settings, ctx.clock
    text, device_id = message.text.strip(), (await state.get_data()).get("device_id", 0)
    if "@" in text[1:]:  # an e-mail: someone registered with it, or invited by it now
        try:
            email = people.normalize_email(text, settings.access.email_domains)
        except (InvalidEmail, EmailDomainNotAllowed):
            await message.answer(t.ASSIGNEE_NONE.format(query=esc(text)))
            return
        candidates = [await db.run(device_admin.resolve_person, email, actor_id=viewer.person_id, now=clock.now())]
    else:
        candidates = await db.run(people.find_people, text, limit=MAX_CANDIDATES)
    if not candidates:
        await message.answer(t.ASSIGNEE_NONE.format(query=esc(text)))
    elif candidates[0].status not in ASSIGNABLE:  # say so now, not after two more questions
        await message.answer(
            t.ASSIGN_UNAVAILABLE.format(
                name=esc(display_name(candidates[0])), status=t.STATUS.get(candidates[0].status, "")
            )
            + "\n"
            + t.ASSIGNEE_OTHER
        )
    elif len(candidates) > 1:
        text, markup = v.assignee_choice(device_id, candidates)
        await message.answer(text, reply_markup=markup)
    else:
        await _ask_due(message, state, candidates[0].person_id, display_name(candidates[0]), device_id)


async def _ask_due(message: Message, state: FSMContext, person_id: int, name: str, device_id: int) -> None:
    await state.set_state(AssignDevice.due)
    await state.update_data(person_id=person_id)
    await message.answer(t.ASK_DUE.format(name=esc(name)), reply_markup=v.skip_keyboard(device_id))


@router.callback_query(StateFilter(AssignDevice.person), DeviceAdminCb.filter(F.action == DeviceAdminAction.PICK))
async def assignee_picked(
    callback: CallbackQuery, callback_data: DeviceAdminCb, state: FSMContext, ctx: Context
) -> None:
    db = ctx.db
    try:
        person = await db.run(people.get_brief, callback_data.arg)
    except PersonNotFound:
        await callback.answer(t.PERSON_GONE, show_alert=True)
        return
    await _ask_due(callback.message, state, person.person_id, display_name(person), callback_data.device_id)
    await callback.answer()


@router.message(StateFilter(AssignDevice.due), TYPED)
async def due_given(message: Message, state: FSMContext, ctx: Context) -> None:
    clock = ctx.clock
    try:
        due = fields.check_due_date(fields.parse_date(message.text, clock.today()), clock.today())
    except BadDate as error:
        await message.answer(t.BAD_DUE[error.reason])
        return
    await state.set_state(AssignDevice.location)
    await state.update_data(due_on=due.isoformat())
    await message.answer(t.ASK_LOCATION, reply_markup=v.skip_keyboard((await state.get_data())["device_id"]))


@router.callback_query(
    StateFilter(AssignDevice.due, AssignDevice.location), DeviceAdminCb.filter(F.action == DeviceAdminAction.SKIP)
)
async def skip(callback: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    await callback.answer()
    if await state.get_state() == AssignDevice.due.state:
        await state.set_state(AssignDevice.location)
        await state.update_data(due_on=None)
        await callback.message.answer(
            t.ASK_LOCATION, reply_markup=v.skip_keyboard((await state.get_data())["device_id"])
        )
        return
    await _assign(callback.message, state, None, ctx)


@router.message(StateFilter(AssignDevice.location), TYPED)
async def location_given(message: Message, state: FSMContext, ctx: Context) -> None:
    await _assign(message, state, message.text, ctx)


async def _assign(message: Message, state: FSMContext, location: str | None, ctx: Context) -> None:
    viewer, db, clock, notifier = ctx.me, ctx.db, ctx.clock, ctx.notifier
    data = await state.get_data()
    await state.set_state(None)
    due = date.fromisoformat(data["due_on"]) if data.get("due_on") else None
    try:
        result = await db.run(
            device_admin.assign,
            data.get("device_id", 0),
            data.get("person_id", 0),
            due_on=due,
            location=location,
            actor_id=viewer.person_id,
            today=clock.today(),
            now=clock.now(),
        )
    except DeviceTaken as error:
        note = t.ASSIGN_TAKEN.format(name=esc(error.holder_name))
    except PersonUnavailable as error:
        note = t.ASSIGN_UNAVAILABLE.format(name=esc(error.name), status=t.STATUS.get(error.status, error.status))
    except BadDate as error:
        note = t.BAD_DUE[error.reason]
    except BadValue as error:  # the typed location: ask for it again
        await state.set_state(AssignDevice.location)
        await message.answer(
            esc(field_problem(error)) + "\n" + t.SEND_OTHER, reply_markup=v.skip_keyboard(data.get("device_id", 0))
        )
        return
    except (DeviceNotFound, PersonNotFound):
        await message.answer(card_texts.DEVICE_GONE)
        return
    else:
        note = t.ASSIGNED.format(name=esc(display_name(result.person)))
        with use_locale(result.person.language):
            notifier.post(result.person.telegram_id, *v.told_assigned(result.device, viewer.full_name, result.due_on))
        if result.cancelled_offer is not None:
            with use_locale(result.cancelled_offer.language):
                notifier.post(result.cancelled_offer.telegram_id, *v.told_reservation_cancelled(result.device))
    await cards.show(ctx, message, data.get("device_id", 0), note)


@router.message(StateFilter(AssignDevice, EditDevice))
async def send_text_please(message: Message) -> None:
    await message.answer(t.SEND_TEXT)


# --- taking a device back, deleting it


@router.callback_query(DeviceAdminCb.filter(F.action == DeviceAdminAction.TAKE_BACK))
async def take_back(callback: CallbackQuery, callback_data: DeviceAdminCb, ctx: Context) -> None:
    viewer, db, settings, clock, notifier = ctx.me, ctx.db, ctx.settings, ctx.clock, ctx.notifier
    try:
        result = await db.run(
            device_admin.unassign,
            callback_data.device_id,
            actor_id=viewer.person_id,
            now=clock.now(),
            hold_hours=settings.queue.hold_hours,
        )
    except DeviceFree:
        note = t.NOT_HELD
    except DeviceNotFound:
        await callback.answer(card_texts.DEVICE_GONE, show_alert=True)
        return
    else:
        note = t.UNASSIGNED.format(name=esc(display_name(result.holder)))
        with use_locale(result.holder.language):
            notifier.post(result.holder.telegram_id, *v.told_unassigned(result.device, viewer.full_name))
        if result.offer is not None:
            turns.offer_turn(result.offer, notifier, db, settings, clock)
    await cards.show(ctx, callback.message, callback_data.device_id, note, edit=True)
    await callback.answer()


@router.callback_query(DeviceAdminCb.filter(F.action == DeviceAdminAction.DELETE))
async def ask_delete(callback: CallbackQuery, callback_data: DeviceAdminCb, ctx: Context) -> None:
    viewer, db = ctx.me, ctx.db
    if not (card := await _device_card(callback, callback_data.device_id, viewer, db)):
        return
    if card.holder is not None:
        note = t.DEVICE_HELD.format(name=esc(card.holder.full_name))
        await cards.show(ctx, callback.message, card.device_id, note, edit=True)
    else:
        await safe_edit(callback.message, *v.confirm_delete(card))
    await callback.answer()


@router.callback_query(DeviceAdminCb.filter(F.action == DeviceAdminAction.CONFIRM_DELETE))
async def delete(callback: CallbackQuery, callback_data: DeviceAdminCb, ctx: Context) -> None:
    viewer, db, clock = ctx.me, ctx.db, ctx.clock
    try:
        device = await db.run(
            device_admin.delete_device, callback_data.device_id, actor_id=viewer.person_id, now=clock.now()
        )
    except DeviceHeld as error:  # taken between the confirmation and the click
        note = t.DEVICE_HELD.format(name=esc(error.holder_name))
        await cards.show(ctx, callback.message, callback_data.device_id, note, edit=True)
        await callback.answer(note, show_alert=True)
        return
    except DeviceNotFound:
        await callback.answer(card_texts.DEVICE_GONE, show_alert=True)
        return
    await safe_edit(callback.message, t.DEVICE_DELETED.format(number=device.number, name=esc(device.name)))
    await callback.answer()
