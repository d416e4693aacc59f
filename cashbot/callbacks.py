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


# Developer tools (issue 6)
class DevCb(CallbackData, prefix="dv"):
    """/dev menu. action: logfile | logtail | export | backup | migrations | dump | delfree | reset."""

    action: str


# --- adding devices (issue 4: /add and CSV import) -----------------------------------


class AddCb(CallbackData, prefix="aa"):
    """/add menu and dialog. action: one | csv | tpl | skip | back | cancel | cat | newcat |
    holder | save. `step` is the dialog step the button belongs to (stale buttons are
    refused); `value` a category or person id."""

    action: str
    step: int = 0
    value: int = 0


class ImportCb(CallbackData, prefix="ai"):
    """CSV preview. action: go | upd | cancel; `token` names the server-side file (hex)."""

    action: str
    token: str = ""
