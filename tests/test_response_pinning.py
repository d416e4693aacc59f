"""PinResponseTypes: Response[T] classes the bot used survive garbage collection."""

import gc

from aiogram.methods import Response
from aiogram.types import Message

from cashbot.middlewares import PinResponseTypes


async def test_response_class_survives_gc_once_the_bot_used_it(handler_env):
    pins = [m for m in handler_env.app.bot.session.middleware._middlewares if isinstance(m, PinResponseTypes)]
    assert len(pins) == 1
    replies = await handler_env.send(handler_env.user(101, "Алиса"), "/help")
    assert replies, "the bot answered through the session"
    pinned = pins[0]._pinned[Message]
    gc.collect()
    assert Response[Message] is pinned  # a cache hit, not a rebuilt class
