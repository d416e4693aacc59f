"""Category management views (admins): the list with rename and delete buttons. Pure functions."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from cashbot.callbacks import CategoryAdminAction, CategoryAdminCb
from cashbot.services.catalog import CategoryCount
from cashbot.texts import categories as t
from cashbot.texts.common import esc
from cashbot.views.keyboard import InlineKeyboardBuilder, callback_button


def categories_list(categories: list[CategoryCount], note: str | None = None) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t.CATEGORIES_TITLE]
    lines += [t.CATEGORY_LINE.format(name=esc(c.name), count=c.devices) for c in categories] or [t.CATEGORIES_EMPTY]
    if note:
        lines += ["", f"<i>{note}</i>"]
    kb = InlineKeyboardBuilder()
    for c in categories:
        kb.row(
            callback_button(
                f"✏️ {c.name}"[:60], CategoryAdminCb(action=CategoryAdminAction.RENAME, category_id=c.category_id).pack()
            ),
            callback_button("🗑", CategoryAdminCb(action=CategoryAdminAction.DELETE, category_id=c.category_id).pack()),
        )
    kb.row(callback_button(t.BTN_ADD_CATEGORY, CategoryAdminCb(action=CategoryAdminAction.ADD).pack()))
    return "\n".join(lines), kb.as_markup()
