"""In-process front of the Bot API double: an aiogram session with no network.

    tg = FakeTelegram()
    session = RecordingSession(tg)
    bot = session.bot()                        # aiogram Bot on the default test token
    alice = tg.user(101, "Алиса", username="alice")
    replies = await session.send_text(dp, bot, alice, "/start")   # handlers ran to completion
    assert "Привет" in replies[-1].text
    await session.press(dp, bot, alice, "Взять")

Requests are serialised exactly as aiogram's AiohttpSession serialises them (same
`prepare_value`, same "skip empty values" rule) and go through the same `FakeTelegram.call`
as the HTTP front; results are parsed into the method's return type and errors raise
aiogram's own exceptions via `BaseSession.check_response`.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncGenerator
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InputFile, Update

from .core import BotMessage, FakeTelegram, InputFileData, TelegramError, User

__all__ = ["RecordingSession"]

_FAKE_BASE = "http://bot-api-double.invalid"
_FILE_URL_RE = re.compile(r"/file/bot([^/]+)/(.+)$")


class RecordingSession(BaseSession):
    """aiogram session that executes methods against a FakeTelegram, in process."""

    def __init__(self, telegram: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("api", TelegramAPIServer.from_base(_FAKE_BASE))
        super().__init__(**kwargs)
        if telegram is None:
            telegram = FakeTelegram()
        # accept a BotApiDouble too: share its core
        self.telegram: FakeTelegram = getattr(telegram, "telegram", telegram)

    def bot(self, token: str | None = None, **bot_kwargs: Any) -> Bot:
        """An aiogram Bot using this session (token defaults to the double's)."""
        return Bot(token or self.telegram.default_token, session=self, **bot_kwargs)

    async def close(self) -> None:
        pass

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        files: dict[str, InputFile] = {}
        params: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            # Native values (no JSON round trip): after FakeTelegram's normalisation they
            # equal what the HTTP front gets from AiohttpSession's form encoding.
            value = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if value is None or value == "":  # AiohttpSession drops these as well
                continue
            params[key] = value
        if files:
            for key, value in list(params.items()):
                if isinstance(value, str) and value.startswith("attach://"):
                    f = files[value[len("attach://") :]]
                    data = b"".join([chunk async for chunk in f.read(bot)])
                    params[key] = InputFileData(f.filename or key, data, None)
        api_method = method.__api_method__
        try:
            if api_method == "getUpdates" and params.get("timeout"):
                result = await asyncio.to_thread(self.telegram.call, bot.token, api_method, params)
            else:
                result = self.telegram.call(bot.token, api_method, params)
        except TelegramError as e:
            # raises TelegramBadRequest / TelegramForbiddenError / TelegramRetryAfter / ...
            self.check_response(bot=bot, method=method, status_code=e.error_code, content=json.dumps(e.to_response()))
            raise  # not reached
        response = Response[method.__returning__].model_validate(  # type: ignore[name-defined]
            {"ok": True, "result": result}, context={"bot": bot}
        )
        return response.result  # type: ignore[return-value]

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        m = _FILE_URL_RE.search(url)
        if not m:
            raise FileNotFoundError(url)
        try:
            data = self.telegram.download(m.group(1), m.group(2))
        except TelegramError as e:
            raise FileNotFoundError(f"{url}: {e.description}") from None
        for i in range(0, len(data), chunk_size):
            yield data[i : i + chunk_size]

    # ---------------------------------------------------------------- feeding a Dispatcher

    async def feed_pending(self, dp: Dispatcher, bot: Bot, **kwargs: Any) -> int:
        """Take every pending update of `bot` and feed it to `dp`, one after another, like
        polling does (a handler returning a method object gets it executed). Exceptions
        from handlers propagate. Returns the number of updates fed."""
        count = 0
        while updates := self.telegram.take_updates(bot.token):
            for raw in updates:
                update = Update.model_validate(raw, context={"bot": bot})
                response = await dp.feed_update(bot, update, **kwargs)
                if isinstance(response, TelegramMethod):
                    await bot(response)
                count += 1
        return count

    async def _act(self, dp: Dispatcher, bot: Bot, user: User, action: Any, **kwargs: Any) -> list[BotMessage]:
        with self.telegram._cond:
            chat = user._chat
            before = chat.events[-1][0] if chat.events else 0
        action()
        await self.feed_pending(dp, bot, **kwargs)
        with self.telegram._cond:
            return [snap for seq, kind, snap in chat.events if seq > before and kind in ("sent", "edited")]

    async def send_text(self, dp: Dispatcher, bot: Bot, user: User, text: str, **kwargs: Any) -> list[BotMessage]:
        """`user` sends `text`, handlers run to completion; returns the bot messages sent or
        edited in that user's chat meanwhile (oldest first)."""
        return await self._act(dp, bot, user, lambda: user.send(text), **kwargs)

    async def press(
        self,
        dp: Dispatcher,
        bot: Bot,
        user: User,
        message: BotMessage | int | str | None = None,
        label: str | None = None,
        *,
        data: str | None = None,
        **kwargs: Any,
    ) -> list[BotMessage]:
        """`user` presses an inline button (see `User.press`); returns new/edited bot
        messages. The callback answer is at `session.telegram.callback_answer(qid)` /
        `session.last_query_id`."""

        def action() -> None:
            self.last_query_id = user.press(message, label, data=data)

        return await self._act(dp, bot, user, action, **kwargs)

    async def forge_press(
        self,
        dp: Dispatcher,
        bot: Bot,
        user: User,
        data: str,
        message: BotMessage | int | None = None,
        *,
        inline: bool = False,
        **kwargs: Any,
    ) -> list[BotMessage]:
        """`user` sends callback `data` that no button has to carry (see `User.forge_press`;
        inline=True: under an inline-mode message); handlers run to completion; returns
        new/edited bot messages. The query id is `session.last_query_id`."""

        def action() -> None:
            self.last_query_id = user.forge_inline_press(data) if inline else user.forge_press(data, message)

        return await self._act(dp, bot, user, action, **kwargs)

    async def send_document(
        self,
        dp: Dispatcher,
        bot: Bot,
        user: User,
        file_name: str,
        data: bytes,
        mime_type: str | None = None,
        *,
        caption: str | None = None,
        **kwargs: Any,
    ) -> list[BotMessage]:
        return await self._act(
            dp, bot, user, lambda: user.send_document(file_name, data, mime_type, caption=caption), **kwargs
        )

    last_query_id: str | None = None
