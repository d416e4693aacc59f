"""/add: the admin menu and the guided dialog that adds one device.

Each field is one FSM state (AddDevice.<field>); answers are kept in FSM data as JSON values
(dates as ISO strings), so a restart mid-dialog continues where it stopped. Every button
carries the step it belongs to: a stale button from an earlier question is refused.
"""

from __future__ import annotations

from datetime import date

from aiogram import F
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from cashbot.callbacks import AddAction, AddCb
from cashbot.context import Context
from cashbot.db.database import Db
from cashbot.db.models import PersonStatus
from cashbot.filters import NOT_TEXT, TYPED, Admin
from cashbot.handlers import card as cards
from cashbot.i18n import use_locale
from cashbot.routing import Blueprint
from cashbot.services import add_device, catalog, fields, people
from cashbot.services.errors import (
    BadValue,
    CategoryNotFound,
    DuplicateNumber,
    DuplicateSerial,
    InvalidEmail,
    PersonNotFound,
)
from cashbot.states import AddDevice
from cashbot.texts import add_device as t
from cashbot.texts import fields as field_texts
from cashbot.texts.common import esc
from cashbot.views import add_device as views
from cashbot.views.add_device import CONFIRM, STEPS
from cashbot.views.format import field_problem
from cashbot.views.lists import QUERY_SHOWN, shorten

router = Blueprint(name="add_device")
router.message.filter(Admin())
router.callback_query.filter(Admin())

HOLDER_FIELDS = ("holder_id", "holder_email", "holder_label", "due_on")


class Invalid(Exception):
    """The answer can't be taken: `text` says why and what to do next."""

    def __init__(self, text: str):
        self.text = text


@router.message(Command("add"))
async def add_menu(message: Message, state: FSMContext) -> None:
    await state.clear()
    text, markup = views.menu()
    await message.answer(text, reply_markup=markup)


@router.callback_query(AddCb.filter(F.action == AddAction.ONE))
async def start_dialog(callback: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    await state.clear()
    await ask(callback.message, state, ctx.db, "number")
    await callback.answer()


async def ask(message: Message, state: FSMContext, db: Db, name: str, prefix: str = "", people_found=()) -> None:
    """Move the dialog to step `name` ("confirm": the preview) and ask its question."""
    if name == "confirm":
        await state.set_state(AddDevice.confirm)
        await state.update_data(resume_preview=False)
        text, markup = views.preview(await state.get_data())
    else:
        await state.set_state(getattr(AddDevice, name))
        data = await state.get_data()
        new_category = name == "category" and data.get("new_category_mode", False)
        categories = await db.run(catalog.categories_with_counts) if name == "category" and not new_category else []
        text, markup = views.step_prompt(name, categories, people_found, new_category)
    await message.answer(prefix + text, reply_markup=markup)


async def current_step(state: FSMContext) -> int | None:
    raw = await state.get_state()
    if not raw or not raw.startswith("AddDevice:"):
        return None
    name = raw.split(":", 1)[1]
    return CONFIRM if name == "confirm" else STEPS.index(name)


def step_after(index: int, data: dict) -> str:
    if data.get("resume_preview"):  # one answer fixed after a refused save: back to the preview
        return "confirm"
    following = STEPS[index + 1] if index + 1 < CONFIRM else "confirm"
    if following == "due_on" and not (data.get("holder_id") or data.get("holder_email")):
        return "confirm"
    return following


def step_before(index: int, data: dict) -> str:
    previous = STEPS[index - 1]
    if previous == "due_on" and not (data.get("holder_id") or data.get("holder_email")):
        return "location"
    return previous


@router.message(StateFilter(AddDevice), TYPED)
async def answer_step(message: Message, state: FSMContext, ctx: Context) -> None:
    index = await current_step(state)
    if index == CONFIRM:
        text, markup = views.preview(await state.get_data())
        await message.answer(text, reply_markup=markup)
        return
    name, data = STEPS[index], await state.get_data()
    try:
        values = await parse_answer(name, message.text.strip(), data, ctx)
    except Invalid as error:
        await message.answer(error.text)
        return
    if isinstance(values, list):  # people found for the holder step: pick one
        await ask(message, state, ctx.db, name, t.CHOOSE_HOLDER + "\n\n", people_found=values)
        return
    await state.update_data(values)
    await ask(message, state, ctx.db, step_after(index, {**data, **values}))


# Not for commands: /mine, /all, /help, /cancel answer as usual mid-dialog, which waits.
@router.message(StateFilter(AddDevice), NOT_TEXT)
async def not_text(message: Message) -> None:
    await message.answer(t.SEND_TEXT)


async def parse_answer(name: str, text: str, data: dict, ctx: Context) -> dict | list:
    """FSM data updates for this step's answer (or people to choose from); Invalid if unusable.
    Values are cleaned by services/fields.py, exactly as edit and CSV import clean them."""
    try:
        if not text:
            raise BadValue(name, "required")
        return await parse_value(name, text, data, ctx)
    except BadValue as error:
        # An empty (or invisible-only) answer: every step is answered or skipped by its button.
        raise Invalid(t.EMPTY if error.reason == "required" else esc(field_problem(error, text))) from None


async def parse_value(name: str, text: str, data: dict, ctx: Context) -> dict | list:
    db = ctx.db
    if name == "number":
        number = fields.clean_number(text)
        if (existing := await db.run(add_device.device_id_by_number, number)) is not None:
            card = await existing_card(existing, ctx)
            raise Invalid(t.NUMBER_TAKEN.format(number=number, card=card))
        return {"number": number}
    if name == "serial":
        serial = fields.clean_text("serial", text, required=True)
        if (existing := await db.run(add_device.device_id_by_serial, serial)) is not None:
            card = await existing_card(existing, ctx)
            raise Invalid(t.SERIAL_TAKEN.format(serial=esc(serial), card=card))
        return {"serial": serial}
    if name == "category":
        return await parse_category(fields.clean_text("category", text, required=True), data, db)
    if name == "registered_on":
        return {"registered_on": fields.clean_registered_on(text, ctx.clock.today()).isoformat()}
    if name == "due_on":
        return {"due_on": fields.clean_due_on(text, ctx.clock.today()).isoformat()}
    if name == "holder":
        return await parse_holder(text, db)
    # name, firmware, comment, location: only invisible characters in an optional one is a skip
    return {name: fields.clean_text(name, text, required=name not in views.OPTIONAL)}


async def parse_category(text: str, data: dict, db: Db) -> dict:
    found = await db.run(add_device.category_by_name, text)
    if found is not None:
        return {"category_id": found[0], "category_name": found[1], "new_category_mode": False}
    if data.get("new_category_mode"):  # created together with the device
        return {"category_id": None, "category_name": text, "new_category_mode": False}
    raise Invalid(t.CATEGORY_UNKNOWN.format(value=esc(text)))


async def parse_holder(text: str, db: Db) -> dict | list:
    if "@" in text and not text.startswith("@"):
        try:
            email = fields.clean_email(text)
        except InvalidEmail:
            raise Invalid(esc(field_texts.email_invalid(text))) from None
        found = [p for p in await db.run(add_device.holder_candidates, email) if p.email == email]
        if found:
            return holder_values(found[0])
        return {"holder_id": None, "holder_email": email, "holder_label": f"{email} ({t.NOT_REGISTERED})"}
    found = await db.run(add_device.holder_candidates, text)
    if not found:
        raise Invalid(t.NOBODY_FOUND.format(query=esc(shorten(text, QUERY_SHOWN))))
    return found


def holder_values(person) -> dict:
    return {"holder_id": person.person_id, "holder_email": None, "holder_label": views.holder_label(person)}


async def existing_card(device_id: int, ctx: Context) -> str:
    text, _ = await cards.build(ctx, device_id)
    return text


# ------------------------------------------------------------------------------ buttons


async def on_step(callback: CallbackQuery, callback_data: AddCb, state: FSMContext) -> bool:
    """True if the button belongs to the question being asked now; else say it's stale."""
    if await current_step(state) != callback_data.step:
        await callback.answer(t.STALE)
        return False
    try:  # the answered question loses its buttons: no double answers from it
        await callback.message.edit_reply_markup(reply_markup=None)
    except TelegramBadRequest:
        pass
    return True


@router.callback_query(AddCb.filter(F.action.in_({AddAction.SKIP, AddAction.BACK, AddAction.CANCEL})))
async def navigate(callback: CallbackQuery, callback_data: AddCb, state: FSMContext, ctx: Context) -> None:
    if not await on_step(callback, callback_data, state):
        return
    db = ctx.db
    await callback.answer()
    index, data = callback_data.step, await state.get_data()
    if callback_data.action == AddAction.CANCEL:
        await state.clear()
        await callback.message.answer(t.NOTHING_ADDED)
    elif callback_data.action == AddAction.BACK:
        await state.update_data(new_category_mode=False)
        if data.get("new_category_mode"):  # from typing a new category back to the list
            await ask(callback.message, state, db, "category")
        elif index == 0:
            await state.clear()
            text, markup = views.menu()
            await callback.message.answer(text, reply_markup=markup)
        else:
            await ask(callback.message, state, db, step_before(index, data))
    elif STEPS[index] in views.OPTIONAL:
        cleared = dict.fromkeys(HOLDER_FIELDS) if STEPS[index] == "holder" else {STEPS[index]: None}
        await state.update_data(cleared)
        await ask(callback.message, state, db, step_after(index, {**data, **cleared}))


@router.callback_query(AddCb.filter(F.action.in_({AddAction.CATEGORY, AddAction.NEW_CATEGORY})))
async def choose_category(callback: CallbackQuery, callback_data: AddCb, state: FSMContext, ctx: Context) -> None:
    if not await on_step(callback, callback_data, state):
        return
    db = ctx.db
    await callback.answer()
    if callback_data.action == AddAction.NEW_CATEGORY:
        await state.update_data(new_category_mode=True)
        await ask(callback.message, state, db, "category")
        return
    name = await db.run(catalog.category_name, callback_data.value)
    if name is None:
        await ask(callback.message, state, db, "category", t.CATEGORY_GONE + "\n\n")
        return
    await state.update_data(category_id=callback_data.value, category_name=name)
    await ask(callback.message, state, db, step_after(callback_data.step, await state.get_data()))


@router.callback_query(AddCb.filter(F.action == AddAction.HOLDER))
async def choose_holder(callback: CallbackQuery, callback_data: AddCb, state: FSMContext, ctx: Context) -> None:
    if not await on_step(callback, callback_data, state):
        return
    db = ctx.db
    await callback.answer()
    try:
        person = await db.run(people.get_brief, callback_data.value)
    except PersonNotFound:
        person = None
    if person is None or not fields.can_hold(person.status):
        await ask(callback.message, state, db, "holder", t.HOLDER_GONE + "\n\n")
        return
    await state.update_data(holder_values(person))
    await ask(callback.message, state, db, step_after(callback_data.step, await state.get_data()))


@router.callback_query(AddCb.filter(F.action == AddAction.SAVE))
async def save(callback: CallbackQuery, callback_data: AddCb, state: FSMContext, ctx: Context) -> None:
    if not await on_step(callback, callback_data, state):
        return
    await callback.answer()
    data, me = await state.get_data(), ctx.me
    try:
        created = await ctx.db.run(
            add_device.create_device,
            **device_fields(data),
            today=ctx.clock.today(),
            now=ctx.clock.now(),
            actor_id=me.person_id,
        )
    except (DuplicateNumber, DuplicateSerial, CategoryNotFound, PersonNotFound, BadValue, InvalidEmail) as error:
        step, prefix = await refusal(error, data, ctx)
        await state.update_data(resume_preview=True)
        await ask(callback.message, state, ctx.db, step, prefix + "\n\n")
        return
    await state.clear()
    await callback.message.answer(t.ADDED.format(number=created.number, name=esc(created.name)))
    await cards.show(ctx, callback.message, created.device_id)
    holder = created.holder
    if holder and holder.telegram_id and holder.status == PersonStatus.ACTIVE and holder.person_id != me.person_id:
        with use_locale(holder.language):
            notice = views.holder_notice(me.full_name, created.number, created.name, created.due_on)
        ctx.notifier.post(holder.telegram_id, notice)


def device_fields(data: dict) -> dict:
    """create_device arguments from the dialog's FSM data."""

    def day(key: str) -> date | None:
        return date.fromisoformat(data[key]) if data.get(key) else None

    return dict(
        number=data["number"],
        serial=data["serial"],
        name=data["name"],
        category_id=data.get("category_id"),
        new_category=data["category_name"] if data.get("category_id") is None else None,
        firmware=data.get("firmware"),
        registered_on=day("registered_on"),
        comment=data.get("comment"),
        location=data.get("location"),
        holder_person_id=data.get("holder_id"),
        holder_email=data.get("holder_email"),
        due_on=day("due_on"),
    )


async def refusal(error: Exception, data: dict, ctx: Context) -> tuple[str, str]:
    """(step to ask again, why) when the save was refused: the dialog goes on from there."""
    if isinstance(error, DuplicateNumber):
        card = await existing_card(error.device_id, ctx)
        return "number", t.NUMBER_TAKEN.format(number=data["number"], card=card)
    if isinstance(error, DuplicateSerial):
        card = await existing_card(error.device_id, ctx)
        return "serial", t.SERIAL_TAKEN.format(serial=esc(data["serial"]), card=card)
    if isinstance(error, CategoryNotFound):
        return "category", t.CATEGORY_GONE
    if isinstance(error, PersonNotFound):
        return "holder", t.HOLDER_GONE
    if isinstance(error, InvalidEmail):
        return "holder", esc(field_texts.email_invalid(error.email))
    return (error.field if error.field in STEPS else "number"), esc(field_problem(error))
