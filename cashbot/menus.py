"""Command menus per chat scope and language: staff see staff commands, admins also /add,
/users and /labels. Developers see nothing extra (their commands are hidden on purpose).

Telegram picks a menu by scope and by the client's language: the default scope has one menu
per language (`language_code`) plus one in the configured default for every other client.
A person whose chosen language (/language) differs, and every admin, gets a menu of their own
chat (`BotCommandScopeChat`) in their language."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

from cashbot.i18n import LANGUAGES, language_of, use_locale
from cashbot.texts import common as t

log = logging.getLogger(__name__)

STAFF_COMMANDS = ("all", "categories", "mine", "wishlist", "language", "help", "cancel")
ADMIN_COMMANDS = ("add", "users", "labels")


def _commands(names, language: str | None = None) -> list[BotCommand]:
    with use_locale(language):
        descriptions = t.COMMAND_DESCRIPTIONS
    return [BotCommand(command=c, description=descriptions[c]) for c in names]


async def set_person_menu(bot: Bot, chat_id: int, language: str | None, *, admin: bool) -> bool:
    """One person's own menu, in their language. Telegram refuses a chat scope until the
    person has started the bot; an admin's is retried when they do."""
    names = STAFF_COMMANDS + ADMIN_COMMANDS if admin else STAFF_COMMANDS
    try:
        await bot.set_my_commands(_commands(names, language), scope=BotCommandScopeChat(chat_id=chat_id))
        return True
    except TelegramAPIError as error:
        log.info("menu for %s not set yet: %s", chat_id, error.message)
        return False


async def set_admin_menu(bot: Bot, chat_id: int, language: str | None = None) -> bool:
    return await set_person_menu(bot, chat_id, language, admin=True)


async def set_menus(bot: Bot, admin_ids: list[int], languages: dict[int, str | None] | None = None) -> None:
    """At start: the staff menu for everyone (each language, and the default), then each admin's
    in their stored language (`languages`: telegram id -> people.language)."""
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands(_commands(STAFF_COMMANDS, language_of(None)), scope=scope)
    for language in LANGUAGES:
        await bot.set_my_commands(_commands(STAFF_COMMANDS, language), scope=scope, language_code=language)
    for admin_id in admin_ids:
        await set_admin_menu(bot, admin_id, (languages or {}).get(admin_id))
