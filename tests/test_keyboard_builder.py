"""cashbot.views.keyboard: aiogram's builder without deep copies must build the same markup."""

from aiogram.utils.keyboard import InlineKeyboardBuilder as AiogramBuilder

from cashbot.callbacks import DeviceCb
from cashbot.views.keyboard import InlineKeyboardBuilder


def build(builder_class):
    kb = builder_class()
    for text, action in (("Взять", "take"), ("История", "hist"), ("Обновить", "refresh")):
        kb.button(text=text, callback_data=DeviceCb(action=action, device_id=7))
    kb.adjust(2)
    kb.row(*builder_class().button(text="Ещё", callback_data="more").buttons)
    return kb.as_markup()


def test_same_markup_as_aiogram_builder():
    markup = build(InlineKeyboardBuilder)
    assert markup == build(AiogramBuilder)
    assert [len(row) for row in markup.inline_keyboard] == [2, 1, 1]
    assert markup.inline_keyboard[0][0].callback_data == "d:take:7"


def test_exported_rows_do_not_alias_the_builder():
    kb = InlineKeyboardBuilder()
    kb.button(text="A", callback_data="a")
    rows = kb.export()
    rows[0].append(rows[0][0])
    rows.append([])
    assert [len(row) for row in kb.export()] == [1]
