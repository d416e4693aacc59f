"""A minimal real aiogram 3 echo bot: the harness's self-test and the benchmark baseline.

    CASHBOT_TELEGRAM__TOKEN=... CASHBOT_TELEGRAM__API_BASE=http://127.0.0.1:PORT \
        python -m tests.double.echo_bot

Echoes every text message with one inline button; pressing it answers the callback query
and edits the message (appends " ✓").
"""

from __future__ import annotations

import asyncio
import logging
import os

from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

KEYBOARD = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Ещё", callback_data="again")]])

dp = Dispatcher()


@dp.message(F.text)
async def echo(message: Message) -> None:
    assert message.text is not None  # F.text
    await message.answer(message.text, reply_markup=KEYBOARD)


@dp.callback_query(F.data == "again")
async def again(query: CallbackQuery) -> None:
    await query.answer("ok")
    if isinstance(query.message, Message) and query.message.text is not None:
        await query.message.edit_text(query.message.text + " ✓", reply_markup=KEYBOARD)


async def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["CASHBOT_TELEGRAM__API_BASE"]))
    bot = Bot(os.environ["CASHBOT_TELEGRAM__TOKEN"], session=session)
    await dp.start_polling(bot)


if __name__ == "__main__":
    asyncio.run(main())
