"""FSM state groups, one class per dialog."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class DevConfirm(StatesGroup):
    """A developer was asked for the confirmation code of a dangerous action (issue 6)."""

    code = State()
