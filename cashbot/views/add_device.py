"""Views of /add: the menu, each dialog step, the preview (the CSV import: views/import_csv.py)."""

from __future__ import annotations

from datetime import date

from aiogram.types import InlineKeyboardMarkup

from cashbot.callbacks import AddAction, AddCb, CategoryAdminAction, CategoryAdminCb
from cashbot.services.catalog import CategoryCount
from cashbot.services.people import PersonBrief
from cashbot.texts import add_device as t
from cashbot.texts.common import esc
from cashbot.views.format import fmt_date
from cashbot.views.keyboard import InlineKeyboardBuilder

# The dialog, in order; "confirm" (the preview) comes after the last one.
STEPS = ("number", "serial", "name", "category", "firmware", "registered_on", "comment", "holder", "location", "due_on")
OPTIONAL = frozenset({"firmware", "registered_on", "comment", "holder", "location", "due_on"})
CONFIRM = len(STEPS)


def menu() -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.button(text=t.BTN_ONE, callback_data=AddCb(action=AddAction.ONE))
    kb.button(text=t.BTN_CSV, callback_data=AddCb(action=AddAction.CSV))
    kb.button(text=t.BTN_TEMPLATE, callback_data=AddCb(action=AddAction.TEMPLATE))
    kb.button(text=t.BTN_CATEGORIES, callback_data=CategoryAdminCb(action=CategoryAdminAction.LIST))
    kb.adjust(1)
    return t.MENU, kb.as_markup()


def _nav(kb: InlineKeyboardBuilder, step: int, optional: bool) -> None:
    row = []
    if optional:
        row.append((AddAction.SKIP, t.BTN_SKIP))
    row.append((AddAction.BACK, t.BTN_BACK))  # from the first step: back to the /add menu
    row.append((AddAction.CANCEL, t.BTN_CANCEL))
    for action, text in row:
        kb.button(text=text, callback_data=AddCb(action=action, step=step))


def step_prompt(
    name: str, categories: list[CategoryCount] = (), people: list[PersonBrief] = (), new_category: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    """The question of one step with its buttons (categories or found people first)."""
    step = STEPS.index(name)
    kb = InlineKeyboardBuilder()
    widths: list[int] = []
    for category in categories:
        kb.button(
            text=category.name, callback_data=AddCb(action=AddAction.CATEGORY, step=step, value=category.category_id)
        )
    if name == "category" and not new_category:
        kb.button(text=t.BTN_NEW_CATEGORY, callback_data=AddCb(action=AddAction.NEW_CATEGORY, step=step))
    widths += [2] * (-(-(len(categories) + (name == "category")) // 2))
    for person in people:
        kb.button(
            text=holder_label(person), callback_data=AddCb(action=AddAction.HOLDER, step=step, value=person.person_id)
        )
    widths += [1] * len(people)
    _nav(kb, step, name in OPTIONAL)
    kb.adjust(*widths, 3)
    question = t.ASK_NEW_CATEGORY if new_category else t.ASK[name]
    text = t.STEP.format(index=step + 1, total=len(STEPS)) + question + (t.OPTIONAL if name in OPTIONAL else "")
    return text, kb.as_markup()


def holder_label(person: PersonBrief) -> str:
    parts = [person.full_name or person.email or "—"]
    if person.username:
        parts.append("@" + person.username)
    if person.email and person.full_name:
        parts.append(person.email)
    if not person.telegram_id:
        parts.append(f"({t.NOT_REGISTERED})")
    return " · ".join(parts)[:60]


def preview(data: dict) -> tuple[str, InlineKeyboardMarkup]:
    """The device as it will be added, from the dialog's FSM data."""
    values = {
        "number": str(data["number"]),
        "serial": f"<code>{esc(data['serial'])}</code>",
        "name": esc(data["name"]),
        "category": esc(data["category_name"]) + (t.NEW_MARK if data.get("category_id") is None else ""),
        "firmware": esc(data.get("firmware") or ""),
        "registered_on": fmt_date(date.fromisoformat(data["registered_on"])) if data.get("registered_on") else "",
        "comment": esc(data.get("comment") or ""),
        "holder": esc(data.get("holder_label") or ""),
        "location": esc(data.get("location") or ""),
        "due_on": fmt_date(date.fromisoformat(data["due_on"])) if data.get("due_on") else "",
    }
    body = "\n".join(f"{t.FIELD_LABELS[k]}: {v}" for k, v in values.items() if v)
    kb = InlineKeyboardBuilder()
    kb.button(text=t.BTN_ADD, callback_data=AddCb(action=AddAction.SAVE, step=CONFIRM))
    _nav(kb, CONFIRM, optional=False)
    kb.adjust(1, 2)
    return t.PREVIEW.format(body=body), kb.as_markup()


def holder_notice(admin_name: str, number: int, name: str, due_on: date | None) -> str:
    due = t.HOLDER_NOTICE_DUE.format(due=fmt_date(due_on)) if due_on else ""
    return t.HOLDER_NOTICE.format(admin=esc(admin_name), number=number, name=esc(name), due=due)
