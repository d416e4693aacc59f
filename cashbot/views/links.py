"""Links that open the bot on a screen: printed on stickers, posted by inline results."""

from __future__ import annotations

from cashbot.services.fields import deep_link_payload


def device_link(bot_username: str, number: int) -> str:
    """t.me link that opens device `number`'s card in a private chat with the bot."""
    return f"https://t.me/{bot_username}?start={deep_link_payload(number)}"
