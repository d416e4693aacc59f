"""/language: a registered person chooses Русский or English. The choice is stored
(people.language), answered in the new language, and the command menu follows it."""

from __future__ import annotations

from aiogram import Bot
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from cashbot.callbacks import LanguageCb
from cashbot.context import Context
from cashbot.filters import Registered
from cashbot.i18n import use_locale
from cashbot.menus import set_person_menu
from cashbot.routing import Blueprint
from cashbot.services import people
from cashbot.texts import language as t
from cashbot.views import language as v

router = Blueprint(name="language")
router.message.filter(Registered())
router.callback_query.filter(Registered())


@router.message(Command("language"))
async def ask_language(message: Message, ctx: Context) -> None:
    text, markup = v.choose(ctx.language)
    await message.answer(text, reply_markup=markup)


@router.callback_query(LanguageCb.filter())
async def language_chosen(callback: CallbackQuery, callback_data: LanguageCb, bot: Bot, ctx: Context) -> None:
    me, language = ctx.me, callback_data.language
    await ctx.db.run(people.set_language, me.telegram_id, language, ctx.clock.now())
    with use_locale(language):  # the answer already speaks the new language
        text = t.CHANGED
    await callback.message.edit_text(text)
    await callback.answer()
    await set_person_menu(bot, me.telegram_id, language, admin=ctx.is_admin and me.is_active)
