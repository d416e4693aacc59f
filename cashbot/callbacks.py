"""Callback data factories. Each prefix is short and unique: callback_data is ≤ 64 bytes and
client-controlled, so buttons carry ids only and every handler re-checks who presses.

Every number is bounded here, where aiogram parses it (`Cls.filter()` unpacks into the model):
forged data outside the bounds fails to unpack, no handler matches, and the presser gets the
ordinary stale-button answer instead of an error (an id past SQLite's 64-bit integers, a date
thousands of years ahead).

Each class's action (or kind) strings are named once, in the StrEnum beside it: views build
buttons with the names and filters match them (`F.action == DeviceAction.TAKE`). The values
are the strings buttons already carry, so buttons sent before stay valid."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, Literal

import annotated_types
from aiogram.filters.callback_data import MAX_CALLBACK_LENGTH, CallbackData
from pydantic import Field
from pydantic_core import PydanticUndefined

SQLITE_MAX_INT = 2**63 - 1
MAX_PAGE = 100_000
MAX_DUE_DAYS = 366  # quick date buttons offer a week at most

Id = Annotated[int, Field(ge=0, le=SQLITE_MAX_INT)]  # a row id (0 = none, where a class says so)
Page = Annotated[int, Field(ge=0, le=MAX_PAGE)]


class LanguageCb(CallbackData, prefix="lg"):
    """/language: the language chosen (one of cashbot.i18n.LANGUAGES)."""

    language: Literal["ru", "en"]


class ApprovalCb(CallbackData, prefix="ap"):
    person_id: Id
    approve: bool


class DeviceAction(StrEnum):
    """DeviceCb.action: the device card's buttons. REMINDER_RETURN and REMINDER_EXTEND are
    "returned" and "extend" pressed in a reminder (a card they answer with comes as a new
    message: the reminder is never edited)."""

    OPEN = "open"
    REFRESH = "refresh"
    TAKE = "take"
    RETURN = "ret"
    EXTEND = "ext"
    JOIN_QUEUE = "q"
    LEAVE_QUEUE = "unq"
    HAND_OVER = "hand"
    HISTORY = "hist"
    REMINDER_RETURN = "rret"
    REMINDER_EXTEND = "rext"


class DeviceCb(CallbackData, prefix="d"):
    """Device card buttons; action: a DeviceAction."""

    action: str
    device_id: Id


class CategoryAdminAction(StrEnum):
    LIST = "list"
    ADD = "add"
    RENAME = "rename"
    DELETE = "delete"


class CategoryAdminCb(CallbackData, prefix="ac"):
    """Category management (admins); action: a CategoryAdminAction; category 0 = none."""

    action: str
    category_id: Id = 0


# --- Admin: people and device administration ---


class PersonAdminAction(StrEnum):
    PAGE = "page"
    FIND = "find"
    OPEN = "open"
    APPROVE = "ok"
    REJECT = "no"
    EMAIL = "email"
    COMMENT = "comment"
    BLOCK = "block"
    UNBLOCK = "unblock"
    DELETE = "del"
    CONFIRM_DELETE = "delok"


class PersonAdminCb(CallbackData, prefix="au"):
    """/users; action: a PersonAdminAction."""

    action: str
    person_id: Id = 0
    page: Annotated[int, Field(ge=-1, le=MAX_PAGE)] = 0  # -1: the whole list, the query forgotten


class DeviceAdminAction(StrEnum):
    EDIT = "edit"
    FIELD = "field"
    CLEAR = "clear"
    CATEGORY = "cat"
    JOURNAL = "log"
    GIVE = "give"
    PICK = "pick"
    SKIP = "skip"
    TAKE_BACK = "take"
    DELETE = "del"
    CONFIRM_DELETE = "delok"
    CARD = "card"


class DeviceAdminCb(CallbackData, prefix="ae"):
    """Admin row of a device card; action: a DeviceAdminAction. `arg`: field index, category
    id, page or person id by action."""

    action: str
    device_id: Id
    arg: Id = 0


# --- Staff: lists, pages, categories, history ---


class PageKind(StrEnum):
    """PageCb.kind: which list a page belongs to."""

    SEARCH = "s"
    ALL = "a"
    CATEGORY = "c"
    CATEGORIES = "g"
    MINE = "m"
    WISHLIST = "w"


class PageCb(CallbackData, prefix="pg"):
    """A page of a list. kind: a PageKind; ref is a list id or category id kept server-side:
    the query itself never travels in callback_data."""

    kind: str
    ref: Id
    page: Page


class HereCb(CallbackData, prefix="pgh"):
    """The current page's own button in any list: answered "you are here", nothing redrawn."""


HERE = HereCb().pack()


class CategoryCb(CallbackData, prefix="ct"):
    """A category's device list; 0 = back to the category overview."""

    category_id: Id


class MyHistoryCb(CallbackData, prefix="hs"):
    """My recent history (from /mine)."""


# --- Staff: the take/extend dialog, "your turn", hand-over ---


class DueAction(StrEnum):
    DUE = "due"  # `days` ahead; -1 = no date
    SKIP = "skip"  # no location
    CANCEL = "cancel"


class DueCb(CallbackData, prefix="tk"):
    """Take/extend dialog; action: a DueAction."""

    action: str
    device_id: Id
    days: Annotated[int, Field(ge=-1, le=MAX_DUE_DAYS)] = -1


class OfferAction(StrEnum):
    TAKE = "take"
    PASS = "pass"


class OfferCb(CallbackData, prefix="of"):
    """ "Your turn" message; action: an OfferAction."""

    action: str
    device_id: Id


class HandoverAction(StrEnum):
    TO = "to"  # the holder picks person `ref` for device `device_id`
    ACCEPT = "yes"  # `ref` is the hand-over id
    DECLINE = "no"  # `ref` is the hand-over id
    CANCEL = "cancel"


class HandoverCb(CallbackData, prefix="ho"):
    """Hand-over; action: a HandoverAction."""

    action: str
    ref: Id
    device_id: Id = 0


# --- Developer tools ---


class DevAction(StrEnum):
    LOG_FILE = "logfile"
    LOG_TAIL = "logtail"
    EXPORT = "export"
    BACKUP = "backup"
    MIGRATIONS = "migrations"
    DUMP = "dump"
    DELETE_FREE = "delfree"
    RESET = "reset"


class DevCb(CallbackData, prefix="dv"):
    """/dev menu; action: a DevAction."""

    action: str


# --- Admin: adding devices (/add, CSV import) ---


class AddAction(StrEnum):
    ONE = "one"
    CSV = "csv"
    TEMPLATE = "tpl"
    SKIP = "skip"
    BACK = "back"
    CANCEL = "cancel"
    CATEGORY = "cat"
    NEW_CATEGORY = "newcat"
    HOLDER = "holder"
    SAVE = "save"


class AddCb(CallbackData, prefix="aa"):
    """/add menu and dialog; action: an AddAction. `step` is the dialog step the button
    belongs to (stale buttons are refused); `value` a category or person id."""

    action: str
    step: Annotated[int, Field(ge=0, le=100)] = 0
    value: Id = 0


class ImportAction(StrEnum):
    IMPORT = "go"
    TOGGLE_UPDATE = "upd"
    CANCEL = "cancel"


class ImportCb(CallbackData, prefix="ai"):
    """CSV preview; action: an ImportAction; `token` names the server-side file (hex)."""

    action: str
    token: Annotated[str, Field(pattern=r"^[0-9a-f]{0,32}$")] = ""


# --- Packing without a model per button (hot views) ---


def packer(cls: type[CallbackData]) -> Callable[..., str]:
    """`packer(Cls)(**fields)` returns exactly `Cls(**fields).pack()`, without building a
    pydantic model: list keyboards pack ~16 buttons per message and the model was most of it.

    Only for classes whose fields are all `int` (bounded or not) or unconstrained `str`. The
    fast path takes values of exactly those types (no subclasses but the action StrEnums, whose
    text is their value; no coercion), ints within their bounds and str values without the
    separator; anything else (a missing or extra
    field, another type, out of bounds, the separator, data over 64 bytes) goes to
    `Cls(**fields).pack()`, which packs or raises exactly as aiogram does."""
    # kind is int or str; typed Any so the checks below stay identity tests (the hot path)
    fields: list[tuple[str, Any, Any, float, float]] = []
    for name, info in cls.model_fields.items():
        if info.annotation not in (int, str, "int", "str"):
            raise TypeError(f"{cls.__name__}.{name}: only int and str fields are packed here")
        kind = int if info.annotation in (int, "int") else str
        low, high = _bounds(cls, name, info.metadata)
        if kind is str and info.metadata:
            raise TypeError(f"{cls.__name__}.{name}: constrained str fields are not packed here")
        default = info.default
        if default is not PydanticUndefined and type(default) is not kind:
            raise TypeError(f"{cls.__name__}.{name}: default {default!r} is not {kind.__name__}")
        fields.append((name, kind, default, low, high))
    prefix, sep = cls.__prefix__, cls.__separator__
    count = len(fields)

    def pack(**values: Any) -> str:
        parts = [prefix]
        for name, kind, default, low, high in fields:
            value = values.get(name, default)
            if type(value) is not kind and not (kind is str and isinstance(value, StrEnum)):
                return cls(**values).pack()  # also: missing (undefined)
            if kind is str and sep in value:
                return cls(**values).pack()
            if kind is int and not low <= value <= high:
                return cls(**values).pack()
            parts.append(str(value) if kind is int else value)
        data = sep.join(parts)
        if len(values) > count or (len(data) > MAX_CALLBACK_LENGTH // 4 and len(data.encode()) > MAX_CALLBACK_LENGTH):
            return cls(**values).pack()
        return data

    pack.__qualname__ = pack.__name__ = f"pack_{cls.__name__}"
    return pack


def _bounds(cls: type, name: str, metadata: list) -> tuple[float, float]:
    low, high = float("-inf"), float("inf")
    for item in metadata:
        if isinstance(item, annotated_types.Ge) and isinstance(item.ge, (int, float)):
            low = item.ge
        elif isinstance(item, annotated_types.Le) and isinstance(item.le, (int, float)):
            high = item.le
        else:
            raise TypeError(f"{cls.__name__}.{name}: only ge/le bounds are packed here, not {item!r}")
    return low, high


pack_device = packer(DeviceCb)
pack_page = packer(PageCb)
pack_category = packer(CategoryCb)
pack_due = packer(DueCb)
pack_device_admin = packer(DeviceAdminCb)


# --- Admin: stickers and label sheets ---


class LabelsAction(StrEnum):
    ALL = "all"
    CATEGORIES = "cats"  # the category picker
    CATEGORY = "cat"  # `ref` a category id
    NUMBERS = "num"  # ask for numbers
    IMPORTED = "imp"  # the devices an import just added, kept in FSM data
    MENU = "menu"
    STICKER = "stk"  # `ref` a device id: its PNG sticker


class LabelsCb(CallbackData, prefix="lb"):
    """/labels and the card's sticker button; action: a LabelsAction."""

    action: str
    ref: Id = 0
