"""FSM states. One StatesGroup per dialog; flows add their own classes."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


# --- Admin management (issue 4, part 2) ---

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
