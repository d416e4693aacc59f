"""/language: the choice, one button per language."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from cashbot.callbacks import LanguageCb
from cashbot.i18n import LANGUAGES
from cashbot.texts import language as t
from cashbot.views.keyboard import InlineKeyboardBuilder


def choose(current: str) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for language in LANGUAGES:
        mark = "✓ " if language == current else ""
        kb.button(text=mark + t.NAMES[language], callback_data=LanguageCb(language=language))
    kb.adjust(len(LANGUAGES))
    return t.ASK.format(current=t.NAMES[current]), kb.as_markup()
