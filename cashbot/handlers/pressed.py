"""The message under a pressed inline button, typed for handlers.

aiogram types `CallbackQuery.message` as `Message | InaccessibleMessage | None` (no message
under an inline-mode message, an `InaccessibleMessage` for one Telegram no longer shows the
bot). `middlewares.PrivateChatsOnly` answers both as a stale button before any flow runs, so
in a handler the message is always a `Message`: `pressed_message(callback)` says so to the
type checker instead of an ignore at every use, and fails loudly if that guarantee breaks.
"""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message


def pressed_message(callback: CallbackQuery) -> Message:
    """`callback.message`, narrowed to the `Message` a handler can edit or reply to."""
    message = callback.message
    if not isinstance(message, Message):
        raise TypeError(
            f"callback {callback.id} reached a handler without an accessible message; "
            "middlewares.PrivateChatsOnly should have answered it as stale"
        )
    return message
