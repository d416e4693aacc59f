"""Callback data factories. Each prefix is short and unique: callback_data is ≤ 64 bytes and
client-controlled, so buttons carry ids only and every handler re-checks who presses."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class ApprovalCb(CallbackData, prefix="ap"):
    person_id: int
    approve: bool


class DeviceCb(CallbackData, prefix="d"):
    """Device card buttons. action: open | refresh | take | ret | ext | q | unq | hand | hist."""

    action: str
    device_id: int


class CategoryAdminCb(CallbackData, prefix="ac"):
    """Category management (admins). action: list | add | rename | delete; 0 = none."""

    action: str
    category_id: int = 0


# Staff actions (issue 3, part 2): the date/location dialog, "your turn", hand-over.
class DueCb(CallbackData, prefix="tk"):
    """Take/extend dialog. action: due (days ahead; -1 = no date) | skip (no location) | cancel."""

    action: str
    device_id: int
    days: int = -1


class OfferCb(CallbackData, prefix="of"):
    """"Your turn" message. action: take | pass."""

    action: str
    device_id: int


class HandoverCb(CallbackData, prefix="ho"):
    """action: to (holder picks person `ref` for device `device_id`) | yes | no (`ref` is the
    hand-over id) | cancel."""

    action: str
    ref: int
    device_id: int = 0
