"""cashbot.views.keyboard: aiogram's builder without deep copies must build the same markup."""

from datetime import UTC

from aiogram.types import InlineKeyboardButton
from aiogram.utils.keyboard import InlineKeyboardBuilder as AiogramBuilder

from cashbot.callbacks import DeviceCb
from cashbot.views.keyboard import InlineKeyboardBuilder, callback_button


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


def test_callback_button_is_the_validated_button():
    button = callback_button("№12 · АТОЛ", "d:open:12")
    expected = InlineKeyboardButton(text="№12 · АТОЛ", callback_data="d:open:12")
    assert button == expected and type(button) is InlineKeyboardButton
    assert button.model_dump() == expected.model_dump()
    assert button.model_dump_json(exclude_none=True) == expected.model_dump_json(exclude_none=True)
    assert button.model_fields_set == expected.model_fields_set == {"text", "callback_data"}
    other = callback_button("B", "b")  # copies share nothing mutable with each other or the template
    assert (button.text, other.text, callback_button("", "").text) == ("№12 · АТОЛ", "B", "")
    other.model_fields_set.add("url")
    assert button.model_fields_set == {"text", "callback_data"}


def test_direct_card_and_due_keyboards_match_the_builder_layout():
    from dataclasses import replace
    from datetime import datetime

    from cashbot.services.card import DeviceCard, Holder
    from cashbot.views.card import card_keyboard
    from cashbot.views.device_admin import admin_rows
    from cashbot.views.loans import ask_location, due_keyboard

    free = DeviceCard(
        device_id=7,
        number=49,
        name="АТОЛ",
        category="ККТ",
        serial="S",
        firmware=None,
        registered_on=None,
        comment=None,
        location=None,
        holder=None,
        waiting=0,
        reserved_for=None,
        reserved_for_me=False,
        reserved_until=None,
        my_position=None,
        pending_handover_to=None,
        is_mine=False,
    )
    holder = Holder(1, "Иван", None, None, datetime(2026, 1, 1, tzinfo=UTC), None, None)
    states = {
        free: ["take", "hist", "refresh"],
        replace(free, holder=holder, is_mine=True): ["ret", "ext", "hand", "hist", "refresh"],
        replace(free, holder=holder): ["q", "hist", "refresh"],
        replace(free, holder=holder, my_position=2): ["unq", "hist", "refresh"],
    }
    for card, actions in states.items():
        for is_admin in (False, True):
            kb = AiogramBuilder()
            for action in actions:
                kb.button(text="?", callback_data=DeviceCb(action=action, device_id=7))
            kb.adjust(2)
            for row in admin_rows(card) if is_admin else []:
                kb.row(*row)
            got = card_keyboard(card, is_admin).inline_keyboard
            assert [[b.callback_data for b in row] for row in got] == [
                [b.callback_data for b in row] for row in kb.as_markup().inline_keyboard
            ]
    assert [[b.callback_data for b in row] for row in due_keyboard(7).inline_keyboard] == [
        ["tk:due:7:0", "tk:due:7:1"],
        ["tk:due:7:7", "tk:due:7:-1"],
        ["tk:cancel:7:-1"],
    ]
    assert [b.callback_data for b in ask_location(7)[1].inline_keyboard[0]] == ["tk:skip:7:-1", "tk:cancel:7:-1"]
