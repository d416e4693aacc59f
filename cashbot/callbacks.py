"""Callback data factories. Each prefix is short and unique: callback_data is ≤ 64 bytes and
client-controlled, so buttons carry ids only and every handler re-checks who presses."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.filters.callback_data import MAX_CALLBACK_LENGTH, CallbackData
from pydantic_core import PydanticUndefined


class ApprovalCb(CallbackData, prefix="ap"):
    person_id: int
    approve: bool


class DeviceCb(CallbackData, prefix="d"):
    """Device card buttons. action: open | refresh | take | ret | ext | q | unq | hand | hist;
    rret and rext are "returned" and "extend" pressed in a reminder (a card they answer with
    comes as a new message: the reminder is never edited)."""

    action: str
    device_id: int


class CategoryAdminCb(CallbackData, prefix="ac"):
    """Category management (admins). action: list | add | rename | delete; 0 = none."""

    action: str
    category_id: int = 0


# --- Admin: people and device administration ---

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


# --- Staff: lists, pages, categories, history ---

class PageCb(CallbackData, prefix="pg"):
    """A page of a list. kind names the list (s search, a all, c category, g categories,
    m mine, w wishlist; other flows add theirs, e.g. u users); ref is a list id or category id kept
    server-side: the query itself never travels in callback_data."""

    kind: str
    ref: int
    page: int


class HereCb(CallbackData, prefix="pgh"):
    """The current page's own button in any list: answered "you are here", nothing redrawn."""


HERE = HereCb().pack()


class CategoryCb(CallbackData, prefix="ct"):
    """A category's device list; 0 = back to the category overview."""

    category_id: int


class MyHistoryCb(CallbackData, prefix="hs"):
    """My recent history (from /mine)."""


# --- Staff: the take/extend dialog, "your turn", hand-over ---

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


# --- Developer tools ---

class DevCb(CallbackData, prefix="dv"):
    """/dev menu. action: logfile | logtail | export | backup | migrations | dump | delfree | reset."""

    action: str


# --- Admin: adding devices (/add, CSV import) ---

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


# --- Packing without a model per button (hot views) ---

def packer(cls: type[CallbackData]) -> Callable[..., str]:
    """`packer(Cls)(**fields)` returns exactly `Cls(**fields).pack()`, without building a
    pydantic model: list keyboards pack ~16 buttons per message and the model was most of it.

    Only for classes whose fields are all `int` or `str`. The fast path takes values of exactly
    those types (no subclasses, no coercion) and str values without the separator; anything
    else (a missing or extra field, another type, the separator, data over 64 bytes) goes to
    `Cls(**fields).pack()`, which packs or raises exactly as aiogram does."""
    fields = []
    for name, info in cls.model_fields.items():
        if info.annotation not in (int, str, "int", "str"):
            raise TypeError(f"{cls.__name__}.{name}: only int and str fields are packed here")
        kind = int if info.annotation in (int, "int") else str
        default = info.default
        if default is not PydanticUndefined and type(default) is not kind:
            raise TypeError(f"{cls.__name__}.{name}: default {default!r} is not {kind.__name__}")
        fields.append((name, kind, default))
    prefix, sep = cls.__prefix__, cls.__separator__
    count = len(fields)

    def pack(**values: object) -> str:
        parts = [prefix]
        for name, kind, default in fields:
            value = values.get(name, default)
            if type(value) is not kind or (kind is str and sep in value):  # also: missing (undefined)
                return cls(**values).pack()
            parts.append(str(value) if kind is int else value)
        data = sep.join(parts)
        if len(values) > count or (len(data) > MAX_CALLBACK_LENGTH // 4
                                   and len(data.encode()) > MAX_CALLBACK_LENGTH):
            return cls(**values).pack()
        return data

    pack.__qualname__ = pack.__name__ = f"pack_{cls.__name__}"
    return pack


pack_device = packer(DeviceCb)
pack_page = packer(PageCb)
pack_category = packer(CategoryCb)
pack_due = packer(DueCb)
