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
