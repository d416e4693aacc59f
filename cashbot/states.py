"""FSM states of multi-step dialogs. Each flow owns its own StatesGroup."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class DevConfirm(StatesGroup):
    """A developer was asked for the confirmation code of a dangerous action (issue 6)."""

    code = State()


class AddDevice(StatesGroup):
    """/add → one device: one state per field, then the preview (issue 4)."""

    number = State()
    serial = State()
    name = State()
    category = State()
    firmware = State()
    registered_on = State()
    comment = State()
    holder = State()
    location = State()
    due_on = State()
    confirm = State()


class ImportCsv(StatesGroup):
    """/add → CSV file: waiting for the file, then its preview (issue 4)."""

    waiting_file = State()
    preview = State()
