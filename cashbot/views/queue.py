"""The queue: "your turn" with its take / pass buttons."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup

from cashbot.callbacks import OfferAction, OfferCb
from cashbot.services.queue import Offer
from cashbot.texts import queue as t
from cashbot.views.format import fmt_datetime
from cashbot.views.keyboard import InlineKeyboardBuilder
from cashbot.views.loans import (  # noqa: F401  (what every card action shares; handlers use v.<name>)
    device_label,
    open_card_markup,
    refusal_note,
)


def your_turn(offer: Offer, tz: ZoneInfo) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.button(text=t.BTN_OFFER_TAKE, callback_data=OfferCb(action=OfferAction.TAKE, device_id=offer.device.device_id))
    kb.button(text=t.BTN_OFFER_PASS, callback_data=OfferCb(action=OfferAction.PASS, device_id=offer.device.device_id))
    text = t.YOUR_TURN.format(device=device_label(offer.device), until=fmt_datetime(offer.expires_at, tz))
    return text, kb.as_markup()
