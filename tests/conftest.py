from tests.double.fixtures import *  # noqa: F401,F403  (api, bot, bot_factory, telegram_mode)

import pytest

from cashbot.db.database import apply_migrations, open_database
from tests.support import DEFAULT_NOW, make_handler_env


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
async def handler_env(tmp_path):
    """Handler-level: the real dispatcher fed in process; see tests/support.py."""
    env = make_handler_env(tmp_path)
    yield env
    await env.app.dispatcher.storage.close()
    env.app.db.close()
