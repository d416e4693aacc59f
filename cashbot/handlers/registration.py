"""Access: a newcomer gives a work e-mail; admins approve; the first message gets its answer."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import Bot, Dispatcher, F
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from cashbot.callbacks import ApprovalCb
from cashbot.context import Context
from cashbot.db.models import PersonStatus
from cashbot.filters import Admin, Known, NotActive, OnLoop
from cashbot.i18n import language_from_telegram, use_locale
from cashbot.menus import set_admin_menu
from cashbot.notify import Notifier
from cashbot.routing import Blueprint
from cashbot.services import people
from cashbot.services.errors import EmailDomainNotAllowed, EmailTaken, InvalidEmail
from cashbot.services.people import PersonBrief, Viewer
from cashbot.texts import common as t
from cashbot.texts.common import esc
from cashbot.views.format import email_problem
from cashbot.views.keyboard import InlineKeyboardBuilder

router = Blueprint(name="registration")
# Everyone who is not an active person lands here; /help was answered before this router.
router.message.filter(NotActive())
router.callback_query.filter(NotActive())

# Names of texts, read in the asker's language when answering.
_STATUS_REPLY = {
    PersonStatus.PENDING: "STILL_WAITING",
    PersonStatus.REJECTED: "REJECTED",
    PersonStatus.BLOCKED: "BLOCKED",
}


@router.callback_query()
async def not_yet(callback: CallbackQuery, ctx: Context) -> None:
    viewer = ctx.viewer
    await callback.answer(
        getattr(t, _STATUS_REPLY.get(viewer.status if viewer else "", "ASK_EMAIL_AGAIN")), show_alert=True
    )


@router.message(Known())
async def known_but_inactive(message: Message, ctx: Context) -> None:
    viewer = ctx.me
    await message.answer(getattr(t, _STATUS_REPLY.get(viewer.status, "STILL_WAITING")))


@router.message(OnLoop(F.text.regexp(r"^\S*@\S*$")))
async def email_given(message: Message, state: FSMContext, bot: Bot, dispatcher: Dispatcher, ctx: Context) -> None:
    db, settings, clock, notifier = ctx.db, ctx.settings, ctx.clock, ctx.notifier
    user = message.from_user
    first = (await state.get_data()).get("first_message")
    try:
        result = await db.run(
            people.register,
            user.id,
            user.full_name,
            user.username,
            message.text,
            first,
            open_access=settings.access.mode == "open",
            admin_ids=settings.admins,
            allowed_domains=settings.access.email_domains,
            now=clock.now(),
            language=language_from_telegram(user.language_code),  # None: the configured default
        )
    except (InvalidEmail, EmailDomainNotAllowed, EmailTaken) as error:
        await message.answer(email_problem(error, t))
        return
    await state.set_data({})
    if not result.activated:
        await message.answer(t.WAITING_APPROVAL)
        languages = await db.run(people.languages, result.admin_telegram_ids)
        for admin_id in result.admin_telegram_ids:
            with use_locale(languages.get(admin_id)):  # each admin reads it in their language
                notifier.post(admin_id, *approval_request(result.viewer, result.linked_devices))
        return
    await message.answer(t.ACTIVATED)
    if result.viewer.is_admin:
        await set_admin_menu(bot, user.id, ctx.language)
    if result.linked_devices:
        await message.answer(t.LINKED_DEVICES.format(count=result.linked_devices))
    if first:  # after this handler releases the user's event lock
        notifier.run_later(replay(dispatcher, bot, result.viewer.telegram_id, result.viewer.full_name, first))


@router.message()
async def stranger(message: Message, state: FSMContext) -> None:
    """Anything else from a stranger: remember what they wanted, ask for the e-mail."""
    data = await state.get_data()
    if "first_message" not in data and message.text and message.text.strip() != "/start":
        await state.update_data(first_message=message.text)
    await message.answer(t.WELCOME_NEW if not data.get("welcomed") else t.ASK_EMAIL_AGAIN)
    await state.update_data(welcomed=True)


def approval_request(viewer: Viewer, linked_devices: int):
    text = t.ADMIN_NEW_REQUEST.format(
        name=esc(viewer.full_name),
        email=esc(viewer.email),
        username="@" + esc(viewer.username) if viewer.username else t.NO_USERNAME,
    )
    if linked_devices:
        text += t.ADMIN_REQUEST_HAS_DEVICES.format(count=linked_devices)
    kb = InlineKeyboardBuilder()
    kb.button(text=t.ADMIN_APPROVE, callback_data=ApprovalCb(person_id=viewer.person_id, approve=True))
    kb.button(text=t.ADMIN_REJECT, callback_data=ApprovalCb(person_id=viewer.person_id, approve=False))
    return text, kb.as_markup()


async def replay(dispatcher: Dispatcher, bot: Bot, telegram_id: int, full_name: str, text: str) -> None:
    """Answer the message that started registration as if it had just been sent."""
    message = Message(
        message_id=0,
        date=datetime.now(UTC),
        text=text,
        chat=Chat(id=telegram_id, type="private"),
        from_user=User(id=telegram_id, is_bot=False, first_name=full_name or "—"),
    )
    await dispatcher.feed_update(bot, Update(update_id=0, message=message))


approval_router = Blueprint(name="approval")
approval_router.callback_query.filter(Admin())


@approval_router.callback_query(ApprovalCb.filter())
async def decide(
    callback: CallbackQuery, callback_data: ApprovalCb, bot: Bot, dispatcher: Dispatcher, ctx: Context
) -> None:
    viewer, db, clock, notifier = ctx.me, ctx.db, ctx.clock, ctx.notifier
    person, first, changed = await db.run(
        people.decide, callback_data.person_id, callback_data.approve, viewer.person_id, clock.now()
    )
    if not changed:
        await callback.answer(t.ADMIN_ALREADY_DECIDED.format(status=person.status), show_alert=True)
        await callback.message.edit_reply_markup(reply_markup=None)
        return
    template = t.ADMIN_APPROVED if callback_data.approve else t.ADMIN_REJECTED
    await callback.message.edit_text(template.format(name=esc(person.full_name), admin=esc(viewer.full_name)))
    await callback.answer()
    await notify_decision(person, first, callback_data.approve, notifier, dispatcher, bot)


async def notify_decision(
    person: PersonBrief, first: str | None, approved: bool, notifier: Notifier, dispatcher: Dispatcher, bot: Bot
) -> None:
    with use_locale(person.language):  # the applicant's language, not the admin's
        rejected, approved_text = t.REJECTED, t.APPROVED
    if not approved:
        notifier.post(person.telegram_id, rejected)
        return

    async def welcome() -> None:
        await notifier.deliver(person.telegram_id, approved_text)
        if first:
            await replay(dispatcher, bot, person.telegram_id, person.full_name, first)

    notifier.run_later(welcome())
