"""/users (admins): the people list and search, a person's card and its actions.

The search query lives in FSM data ("users_query"), never in callback_data; buttons carry ids."""

from __future__ import annotations

from aiogram import Bot, Dispatcher, F
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from cashbot import turns
from cashbot.callbacks import PersonAdminAction, PersonAdminCb
from cashbot.clock import Clock
from cashbot.config import Settings
from cashbot.context import Context
from cashbot.db.database import Db
from cashbot.filters import NOT_TEXT, TYPED, Admin
from cashbot.handlers.card import safe_edit
from cashbot.handlers.registration import notify_decision
from cashbot.i18n import use_locale
from cashbot.notify import Notifier
from cashbot.routing import Blueprint
from cashbot.services import people
from cashbot.services import users as users_service
from cashbot.services.errors import (
    BadValue,
    CannotChangeSelf,
    EmailDomainNotAllowed,
    EmailTaken,
    InvalidEmail,
    PersonHoldsDevices,
    PersonNotFound,
)
from cashbot.services.queue import OfferChange
from cashbot.states import EditPerson, UsersSearch
from cashbot.texts import users as t
from cashbot.texts.common import esc
from cashbot.views import users as v
from cashbot.views.format import email_problem, field_problem

router = Blueprint(name="users")
router.message.filter(Admin())
router.callback_query.filter(Admin())

QUERY_KEY = "users_query"


async def _list(db: Db, settings: Settings, state: FSMContext, page: int):
    query = (await state.get_data()).get(QUERY_KEY)
    result = await db.run(users_service.list_people, query, page, settings.ui.page_size)
    return v.people_list(result, query)


async def _card(person_id: int, db: Db, settings: Settings, note: str | None = None, page: int = 0):
    card = await db.run(users_service.person_card, person_id, settings.admins)
    return v.person_card(card, settings.tz, note, page)


def tell_offers(offers: list[OfferChange], notifier: Notifier, db: Db, settings: Settings, clock: Clock) -> None:
    """Reservations that moved on because someone lost their queue places."""
    for change in offers:
        turns.announce(change, notifier, db, settings, clock, timed_out=False)


@router.message(Command("users"))
async def users(message: Message, command: CommandObject, state: FSMContext, ctx: Context) -> None:
    db, settings = ctx.db, ctx.settings
    await state.set_state(None)
    await state.update_data({QUERY_KEY: (command.args or "").strip() or None})
    text, markup = await _list(db, settings, state, 0)
    await message.answer(text, reply_markup=markup)


@router.message(StateFilter(UsersSearch.query), TYPED)
async def search_text(message: Message, state: FSMContext, ctx: Context) -> None:
    db, settings = ctx.db, ctx.settings
    await state.set_state(None)
    await state.update_data({QUERY_KEY: message.text.strip()})
    text, markup = await _list(db, settings, state, 0)
    await message.answer(text, reply_markup=markup)


@router.callback_query(PersonAdminCb.filter(F.action == PersonAdminAction.PAGE))
async def page(callback: CallbackQuery, callback_data: PersonAdminCb, state: FSMContext, ctx: Context) -> None:
    db, settings = ctx.db, ctx.settings
    if callback_data.page < 0:  # "all": forget the query
        await state.update_data({QUERY_KEY: None})
    text, markup = await _list(db, settings, state, max(callback_data.page, 0))
    await safe_edit(callback.message, text, markup)
    await callback.answer()


@router.callback_query(PersonAdminCb.filter(F.action == PersonAdminAction.FIND))
async def find(callback: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(UsersSearch.query)
    await callback.message.answer(t.ASK_QUERY)
    await callback.answer()


@router.callback_query(PersonAdminCb.filter(F.action == PersonAdminAction.OPEN))
async def open_person(callback: CallbackQuery, callback_data: PersonAdminCb, ctx: Context) -> None:
    db, settings = ctx.db, ctx.settings
    try:
        text, markup = await _card(callback_data.person_id, db, settings, page=callback_data.page)
    except PersonNotFound:
        await callback.answer(t.PERSON_GONE, show_alert=True)
        return
    await safe_edit(callback.message, text, markup)
    await callback.answer()


@router.callback_query(PersonAdminCb.filter(F.action.in_({PersonAdminAction.APPROVE, PersonAdminAction.REJECT})))
async def decide(
    callback: CallbackQuery, callback_data: PersonAdminCb, bot: Bot, dispatcher: Dispatcher, ctx: Context
) -> None:
    viewer, db, clock, settings, notifier = ctx.me, ctx.db, ctx.clock, ctx.settings, ctx.notifier
    approve = callback_data.action == PersonAdminAction.APPROVE
    try:
        person, first, changed = await db.run(
            people.decide, callback_data.person_id, approve, viewer.person_id, clock.now()
        )
    except PersonNotFound:
        await callback.answer(t.PERSON_GONE, show_alert=True)
        return
    note = (t.APPROVED if approve else t.REJECTED) if changed else t.ALREADY_DECIDED
    await safe_edit(callback.message, *await _card(person.person_id, db, settings, note))
    await callback.answer(note)
    if changed:
        await notify_decision(person, first, approve, notifier, dispatcher, bot)


@router.callback_query(PersonAdminCb.filter(F.action.in_({PersonAdminAction.EMAIL, PersonAdminAction.COMMENT})))
async def ask_edit(callback: CallbackQuery, callback_data: PersonAdminCb, state: FSMContext, ctx: Context) -> None:
    db = ctx.db
    try:
        person = await db.run(people.get_brief, callback_data.person_id)
    except PersonNotFound:
        await callback.answer(t.PERSON_GONE, show_alert=True)
        return
    is_email = callback_data.action == PersonAdminAction.EMAIL
    await state.set_state(EditPerson.email if is_email else EditPerson.comment)
    await state.update_data(person_id=person.person_id)
    await callback.message.answer((t.ASK_EMAIL if is_email else t.ASK_COMMENT).format(name=esc(v.display_name(person))))
    await callback.answer()


@router.message(StateFilter(EditPerson.email), TYPED)
async def email_given(message: Message, state: FSMContext, ctx: Context) -> None:
    viewer, db, settings, clock = ctx.me, ctx.db, ctx.settings, ctx.clock
    person_id = (await state.get_data()).get("person_id", 0)
    try:
        await db.run(
            users_service.set_email,
            person_id,
            message.text,
            settings.access.email_domains,
            actor_id=viewer.person_id,
            now=clock.now(),
        )
    except (InvalidEmail, EmailDomainNotAllowed, EmailTaken) as error:
        await message.answer(email_problem(error, t))
        return
    except PersonNotFound:
        await state.set_state(None)
        await message.answer(t.PERSON_GONE)
        return
    await state.set_state(None)
    text, markup = await _card(person_id, db, settings, t.EMAIL_SAVED)
    await message.answer(text, reply_markup=markup)


@router.message(StateFilter(EditPerson.comment), TYPED)
async def comment_given(message: Message, state: FSMContext, ctx: Context) -> None:
    viewer, db, settings, clock = ctx.me, ctx.db, ctx.settings, ctx.clock
    person_id = (await state.get_data()).get("person_id", 0)
    comment = None if message.text.strip() == "-" else message.text
    try:
        await db.run(users_service.set_comment, person_id, comment, actor_id=viewer.person_id, now=clock.now())
    except BadValue as error:  # the dialog waits for another comment
        await message.answer(esc(field_problem(error)) + "\n" + t.SEND_OTHER)
        return
    except PersonNotFound:
        await state.set_state(None)
        await message.answer(t.PERSON_GONE)
        return
    await state.set_state(None)
    text, markup = await _card(person_id, db, settings, t.COMMENT_SAVED)
    await message.answer(text, reply_markup=markup)


@router.message(StateFilter(EditPerson.email, EditPerson.comment, UsersSearch.query), NOT_TEXT)
async def send_text_please(message: Message) -> None:
    """A photo or sticker mid-dialog: the dialog waits for text (commands answer as usual)."""
    await message.answer(t.SEND_TEXT)


@router.callback_query(PersonAdminCb.filter(F.action.in_({PersonAdminAction.BLOCK, PersonAdminAction.UNBLOCK})))
async def block(callback: CallbackQuery, callback_data: PersonAdminCb, ctx: Context) -> None:
    viewer, db, clock, settings, notifier = ctx.me, ctx.db, ctx.clock, ctx.settings, ctx.notifier
    blocking = callback_data.action == PersonAdminAction.BLOCK
    try:
        change = await db.run(
            users_service.set_blocked,
            callback_data.person_id,
            blocking,
            actor_id=viewer.person_id,
            now=clock.now(),
            hold_hours=settings.queue.hold_hours,
        )
    except (PersonNotFound, CannotChangeSelf) as error:
        await callback.answer(t.CANNOT_SELF if isinstance(error, CannotChangeSelf) else t.PERSON_GONE, show_alert=True)
        return
    note = (t.BLOCKED if blocking else t.UNBLOCKED) if change.changed else t.NOTHING_CHANGED
    await safe_edit(callback.message, *await _card(change.person.person_id, db, settings, note))
    await callback.answer(note)
    if change.changed:
        with use_locale(change.person.language):
            notifier.post(change.person.telegram_id, t.TOLD_BLOCKED if blocking else t.TOLD_UNBLOCKED)
        tell_offers(change.offers, notifier, db, settings, clock)


async def _refuse_delete(callback: CallbackQuery, error: Exception, person_id: int, db: Db, settings: Settings) -> None:
    """The same refusal before the confirmation and on it (things may change in between)."""
    if isinstance(error, PersonHoldsDevices):
        await safe_edit(callback.message, *await _card(person_id, db, settings, v.holds_devices(error.devices)))
        await callback.answer()
    else:
        await callback.answer(t.CANNOT_SELF if isinstance(error, CannotChangeSelf) else t.PERSON_GONE, show_alert=True)


@router.callback_query(PersonAdminCb.filter(F.action == PersonAdminAction.DELETE))
async def ask_delete(callback: CallbackQuery, callback_data: PersonAdminCb, ctx: Context) -> None:
    """Refusals come before the confirmation: asking "delete?" only to say "no" after is a trap."""
    viewer, db, settings = ctx.me, ctx.db, ctx.settings
    try:
        person = await db.run(users_service.deletion_target, callback_data.person_id, actor_id=viewer.person_id)
    except (PersonHoldsDevices, PersonNotFound, CannotChangeSelf) as error:
        await _refuse_delete(callback, error, callback_data.person_id, db, settings)
        return
    await safe_edit(callback.message, *v.confirm_delete(person))
    await callback.answer()


@router.callback_query(PersonAdminCb.filter(F.action == PersonAdminAction.CONFIRM_DELETE))
async def delete(callback: CallbackQuery, callback_data: PersonAdminCb, ctx: Context) -> None:
    viewer, db, clock, settings, notifier = ctx.me, ctx.db, ctx.clock, ctx.settings, ctx.notifier
    try:
        change = await db.run(
            users_service.delete_person,
            callback_data.person_id,
            actor_id=viewer.person_id,
            now=clock.now(),
            hold_hours=settings.queue.hold_hours,
        )
    except (PersonHoldsDevices, PersonNotFound, CannotChangeSelf) as error:
        await _refuse_delete(callback, error, callback_data.person_id, db, settings)
        return
    await safe_edit(
        callback.message, t.PERSON_DELETED.format(name=esc(v.display_name(change.person))), v.back_to_list()
    )
    await callback.answer()
    with use_locale(change.person.language):
        notifier.post(change.person.telegram_id, t.TOLD_DELETED)
    tell_offers(change.offers, notifier, db, settings, clock)
