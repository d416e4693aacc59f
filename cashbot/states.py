"""FSM dialogs, one StatesGroup each. Data stored with a state is JSON (it survives
restarts): ids, ISO dates, text."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup

# --- Admin: people and device administration ---


class UsersSearch(StatesGroup):
    query = State()  # the next text is a /users search


class EditPerson(StatesGroup):
    email = State()
    comment = State()


class EditDevice(StatesGroup):
    value = State()  # data: device_id, field


class AssignDevice(StatesGroup):
    person = State()  # data: device_id
    due = State()  # data: device_id, person_id
    location = State()  # data: device_id, person_id, due_on


class CategoryEdit(StatesGroup):
    name = State()  # data: category_id (0 = a new category)


# --- Staff: take, extend, hand-over ---


class TakeDialog(StatesGroup):
    """Take: return date, then an optional location note. Data: device_id, due (ISO or None)."""

    due = State()
    location = State()


class ExtendDialog(StatesGroup):
    """Extend: a new return date. Data: device_id."""

    due = State()


class HandoverDialog(StatesGroup):
    """Hand over: typing a colleague's name, @username or e-mail. Data: device_id."""

    who = State()


# --- Developer tools ---


class DevConfirm(StatesGroup):
    """A developer was asked for the confirmation code of a dangerous action."""

    code = State()


# --- Admin: adding devices ---


class AddDevice(StatesGroup):
    """/add → one device: one state per field, then the preview."""

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
    """/add → CSV file: waiting for the file, then its preview."""

    waiting_file = State()
    preview = State()


class Labels(StatesGroup):
    """/labels → "By numbers": waiting for the numbers typed."""

    numbers = State()
