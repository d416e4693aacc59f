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


# --- Admin management: people and device administration (issue 4, part 2) ---

class PersonAdminCb(CallbackData, prefix="au"):
    """/users. action: page | find | open | ok | no | email | comment | block | unblock | del | delok."""

    action: str
    person_id: int = 0
    page: int = 0


class DeviceAdminCb(CallbackData, prefix="ae"):
    """Admin row of a device card. action: edit | field | clear | cat | log | give | pick | skip |
    take | del | delok | card. `arg`: field index, category id, page or person id by action."""

    action: str
    device_id: int
    arg: int = 0
