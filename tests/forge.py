"""A forged callback query: a client can send any callback_data on any bot message in its
chat, whether or not the bot ever showed that button. The double's `press` only presses
real buttons, so this builds the update the way `User.press` does."""

from __future__ import annotations

import secrets

from tests.double.core import User


def forge_press(user: User, data: str) -> str:
    """`user` sends callback `data` on the latest bot message in their chat; returns the query id."""
    tg = user._tg
    with tg._cond:
        chat = user._chat
        mine = [m for m in chat.order if m.outgoing and not m.deleted]
        assert mine, "the forger needs at least one bot message in their chat"
        qid = str(secrets.randbits(63))
        tg._callbacks[qid] = {"answered": False, "answer": None, "bot_id": user.bot_id}
        query = {"id": qid, "from": user.user_dict, "message": mine[-1].raw,
                 "chat_instance": chat.chat_instance, "data": data}
        user._mark_action()
        tg._push_update(user._bot, "callback_query", query)
    return qid


def forge_inline_press(user: User, data: str) -> str:
    """`user` presses a button under an inline-mode message: the query has an
    inline_message_id and no message at all. Returns the query id."""
    tg = user._tg
    with tg._cond:
        qid = str(secrets.randbits(63))
        tg._callbacks[qid] = {"answered": False, "answer": None, "bot_id": user.bot_id}
        query = {"id": qid, "from": user.user_dict, "inline_message_id": "AQAAAC" + qid,
                 "chat_instance": user._chat.chat_instance, "data": data}
        user._mark_action()
        tg._push_update(user._bot, "callback_query", query)
    return qid
