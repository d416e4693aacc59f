"""Handler level: the one `ctx` the viewer middleware hands every handler (cashbot/context.py)."""

import dataclasses

import pytest
from aiogram.types import Message

from cashbot.filters import TEXT
from tests.seed import person
from tests.support import make_handler_env

ADMIN_ID, DEVELOPER_ID, STAFF_ID, STRANGER_ID = 900, 950, 101, 555


@pytest.fixture
async def env(tmp_path):
    env = make_handler_env(tmp_path, admins=[ADMIN_ID], developers=[DEVELOPER_ID])
    yield env
    await env.app.dispatcher.storage.close()
    env.app.db.close()


def catch_context(env) -> list:
    """A probe ahead of every flow (the dispatcher's own handlers run before its routers) that
    keeps the ctx it was given and answers nothing else."""
    seen = []

    async def probe(message: Message, ctx) -> None:
        seen.append(ctx)

    env.app.dispatcher.message.register(probe, TEXT)
    return seen


async def test_ctx_carries_the_app_parts_and_who_is_asking(env):
    seen = catch_context(env)
    admin = person(ADMIN_ID, "Админ", "admin@example.ru", is_admin=True)
    staff = person(STAFF_ID, "Алиса", "alice@example.ru")
    for telegram_id, name in [(ADMIN_ID, "Админ"), (STAFF_ID, "Алиса"), (DEVELOPER_ID, "Dev"), (STRANGER_ID, "Кто-то")]:
        await env.send(env.user(telegram_id, name), "атол")
    as_admin, as_staff, as_developer, as_stranger = seen
    app = env.app
    for ctx in seen:
        assert (ctx.db, ctx.settings, ctx.clock, ctx.notifier) == (app.db, app.settings, app.clock, app.notifier)
    assert (as_admin.me.person_id, as_admin.is_admin, as_admin.is_developer) == (admin.id, True, False)
    assert (as_staff.me.person_id, as_staff.is_admin, as_staff.is_developer) == (staff.id, False, False)
    # The developer role needs no registration: no viewer, and `me` refuses to make one up.
    assert (as_developer.viewer, as_developer.is_admin, as_developer.is_developer) == (None, False, True)
    assert as_stranger.viewer is None and not as_stranger.is_admin and not as_stranger.is_developer
    with pytest.raises(LookupError):
        _ = as_stranger.me


async def test_ctx_cannot_be_changed_while_an_update_runs(env):
    seen = catch_context(env)
    person(STAFF_ID, "Алиса", "alice@example.ru")
    await env.send(env.user(STAFF_ID, "Алиса"), "атол")
    with pytest.raises(dataclasses.FrozenInstanceError):
        seen[0].is_admin = True
