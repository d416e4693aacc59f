import os

import pytest

from cashbot.db.database import apply_migrations, open_database
from tests.double.fixtures import *  # noqa: F401,F403  (api, bot, bot_factory, telegram_mode)
from tests.support import DEFAULT_NOW, HandlerEnv, make_handler_env

# The fixture behind every bot process (`bot` uses it too): a test that uses it is end to
# end wherever it lives.
PROCESS_FIXTURE = "bot_factory"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`make test-fast` (-m "not e2e") must never start a bot process, so a test using the
    process fixtures gets the e2e marker even if its file forgot it."""
    for item in items:
        if PROCESS_FIXTURE in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def database(tmp_path):
    """A migrated SQLite file with the models bound to it (service-level tests)."""
    db = open_database(tmp_path / "cashbot.sqlite3")
    apply_migrations(db)
    yield db
    db.close()


@pytest.fixture
def now():
    return DEFAULT_NOW


@pytest.fixture
async def make_env(tmp_path):
    """Handler level: `make_env(**settings)` is the real dispatcher, routers, database and FSM
    storage around the in-process Bot API double (tests/support.py), with these settings
    overriding the test defaults. Every env made is closed after the test, also a failed one
    (an open FSM connection thread would keep pytest from exiting): queued notifications get
    5 s to finish, then storage and database close. Envs of one test share tmp_path."""
    envs: list[HandlerEnv] = []

    def make(**settings_overrides) -> HandlerEnv:
        envs.append(make_handler_env(tmp_path, **settings_overrides))
        return envs[-1]

    yield make
    for env in envs:
        await env.app.notifier.drain(5)
        await env.app.dispatcher.storage.close()
        env.app.db.close()


@pytest.fixture
def handler_env(make_env) -> HandlerEnv:
    """`make_env()` with the test defaults."""
    return make_env()


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """`cli(*argv, **env)` runs `cashbot.__main__.main([...])` in a clean directory with only
    the CASHBOT_* variables a test sets; returns (exit code, stdout, stderr)."""
    from cashbot.__main__ import main

    for key in list(os.environ):
        if key.startswith("CASHBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CASHBOT_SECRETS_DIR", str(tmp_path / "no-secrets"))
    monkeypatch.setenv("CASHBOT_DATABASE__PATH", str(tmp_path / "data" / "cashbot.sqlite3"))

    def run(*argv: str, **env: str):
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run
