"""pytest fixtures for end-to-end tests: `from tests.double.fixtures import *` in conftest.

- `api`: a started BotApiDouble (stopped after the test).
- `bot_factory(**BotProcess kwargs, start=True)`: start a BotProcess (workdir under
  tmp_path); every process is stopped after the test.
- `bot`: `bot_factory()` with defaults — `python -m cashbot run`, no admins, open access.
- `telegram_mode`: "polling" unless a test is marked `@both_modes` (then it runs twice, as
  `[polling]` and `[webhook]`; the double posts to the bot's webhook in the second).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .process import BotProcess
from .server import BotApiDouble

__all__ = ["MODES", "api", "bot", "bot_factory", "both_modes", "telegram_mode"]

MODES = ["polling", "webhook"]
both_modes = pytest.mark.parametrize("telegram_mode", MODES, indirect=True)


@pytest.fixture
def telegram_mode(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "polling")


@pytest.fixture
def api() -> Iterator[BotApiDouble]:
    with BotApiDouble() as double:
        yield double


@pytest.fixture
def bot_factory(api: BotApiDouble, tmp_path: Any, telegram_mode: str) -> Iterator[Callable[..., BotProcess]]:
    processes: list[BotProcess] = []

    def make(*, start: bool = True, **kwargs: Any) -> BotProcess:
        workdir = tmp_path / ("bot" if not processes else f"bot{len(processes)}")
        kwargs.setdefault("mode", telegram_mode)
        proc = BotProcess(api, workdir, **kwargs)
        processes.append(proc)
        if start:
            proc.start()
        return proc

    yield make
    errors = []
    for proc in reversed(processes):
        try:
            proc.stop()
        except AssertionError as e:
            errors.append(str(e))
    if errors:
        pytest.fail("\n".join(errors))


@pytest.fixture
def bot(bot_factory: Callable[..., BotProcess]) -> BotProcess:
    return bot_factory()
