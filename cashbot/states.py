"""FSM dialogs. Data stored with a state is JSON (it survives restarts): ids, ISO dates, text."""

from aiogram.fsm.state import State, StatesGroup


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
