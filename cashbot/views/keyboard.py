"""aiogram's InlineKeyboardBuilder without its deep copies.

aiogram's builder deep-copies every button on every `add()` and again on `as_markup()`
(pydantic `__deepcopy__` per button): for a six-button card that was most of the CPU an
update cost (benchmarks/README.md). Rows are copied here, buttons are shared: nothing in the
builder mutates a button, and views build a fresh builder per message.
"""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton
from aiogram.utils import keyboard


class InlineKeyboardBuilder(keyboard.InlineKeyboardBuilder):
    """Drop-in replacement: same API, `export()` copies rows instead of deep-copying buttons."""

    def export(self) -> list[list[InlineKeyboardButton]]:
        return [list(row) for row in self._markup]


_CALLBACK_BUTTON = InlineKeyboardButton(text="", callback_data="")


def callback_button(text: str, callback_data: str) -> InlineKeyboardButton:
    """`InlineKeyboardButton(text=text, callback_data=callback_data)`, equal to it, at about half
    the cost: a copy of a validated template instead of a validation per button (list views
    make ~16). Both values must already be `str` (packed callback data); nothing checks them."""
    return _CALLBACK_BUTTON.model_copy(update={"text": text, "callback_data": callback_data})
