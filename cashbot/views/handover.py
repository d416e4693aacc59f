"""Hand-over: choosing the colleague, the request they answer."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from cashbot.callbacks import HandoverAction, HandoverCb
from cashbot.services.handover import HandoverRequest
from cashbot.services.inventory import DeviceRef
from cashbot.services.people import PersonBrief
from cashbot.texts import handover as t
from cashbot.texts.common import esc
from cashbot.views.format import fmt_date
from cashbot.views.keyboard import InlineKeyboardBuilder
from cashbot.views.loans import (  # noqa: F401  (what every card action shares; handlers use v.<name>)
    device_label,
    open_card_markup,
    refusal_note,
)


def handover_choices(device_id: int, people: list[PersonBrief]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for p in people:
        label = p.full_name or p.email or "—"
        if p.username:
            label += f" (@{p.username})"
        kb.button(text=label, callback_data=HandoverCb(action=HandoverAction.TO, ref=p.person_id, device_id=device_id))
    kb.button(text=t.BTN_CANCEL, callback_data=HandoverCb(action=HandoverAction.CANCEL, ref=0, device_id=device_id))
    kb.adjust(1)
    return kb.as_markup()


def ask_handover(device: DeviceRef, candidates: list[PersonBrief]) -> tuple[str, InlineKeyboardMarkup]:
    text = t.ASK_HANDOVER.format(device=device_label(device))
    if candidates:
        text += t.ASK_HANDOVER_QUEUE
    return text, handover_choices(device.device_id, candidates)


def handover_request(request: HandoverRequest) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.button(text=t.BTN_ACCEPT, callback_data=HandoverCb(action=HandoverAction.ACCEPT, ref=request.handover_id))
    kb.button(text=t.BTN_DECLINE, callback_data=HandoverCb(action=HandoverAction.DECLINE, ref=request.handover_id))
    due = t.HANDOVER_REQUEST_DUE.format(due=fmt_date(request.due_on)) if request.due_on else ""
    text = t.HANDOVER_REQUEST.format(
        name=esc(request.from_person.full_name), device=device_label(request.device), due=due
    )
    return text, kb.as_markup()
