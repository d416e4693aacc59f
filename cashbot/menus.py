"""Command menus per chat scope: staff see staff commands, admins also /add and /users.
Developers see nothing extra (their commands are hidden on purpose)."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

from cashbot.texts import common as t

log = logging.getLogger(__name__)

STAFF_COMMANDS = ("all", "categories", "mine", "wishlist", "help", "cancel")
ADMIN_COMMANDS = ("add", "users", "labels")


def _commands(names) -> list[BotCommand]:
    return [BotCommand(command=c, description=t.COMMAND_DESCRIPTIONS[c]) for c in names]


async def set_admin_menu(bot: Bot, chat_id: int) -> bool:
    """Telegram refuses a chat scope until the admin has started the bot; retried when they do."""
    try:
        await bot.set_my_commands(
            _commands(STAFF_COMMANDS + ADMIN_COMMANDS), scope=BotCommandScopeChat(chat_id=chat_id)
        )
        return True
    except TelegramAPIError as error:
        log.info("admin menu for %s not set yet: %s", chat_id, error.message)
        return False


async def set_menus(bot: Bot, admin_ids: list[int]) -> None:
    await bot.set_my_commands(_commands(STAFF_COMMANDS), scope=BotCommandScopeAllPrivateChats())
    for admin_id in admin_ids:
        await set_admin_menu(bot, admin_id)
