"""Webhook settings, the heartbeat file and `cashbot health`'s verdict (no process, no network)."""

import asyncio
import json

import pytest
from aiogram.methods import GetMe, GetUpdates

from cashbot.config import ConfigError, load_settings
from cashbot.health import Heartbeat, SeenGetUpdates, check


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    import os

    for key in list(os.environ):
        if key.startswith("CASHBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CASHBOT_SECRETS_DIR", str(tmp_path / "no-secrets"))


def test_webhook_settings_from_environment_and_the_secret_from_a_secret_file(monkeypatch, tmp_path):
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "CASHBOT_TELEGRAM__WEBHOOK__SECRET").write_text("s3cret_Token-1\n")
    monkeypatch.setenv("CASHBOT_SECRETS_DIR", str(secrets))
    monkeypatch.setenv("CASHBOT_TELEGRAM__MODE", "webhook")
    monkeypatch.setenv("CASHBOT_TELEGRAM__WEBHOOK__URL", "https://bot.example.ru/tg/hook")
    settings = load_settings()
    hook = settings.telegram.webhook
    assert settings.telegram.mode == "webhook"
    assert hook.secret.get_secret_value() == "s3cret_Token-1"
    assert hook.local_path == "/tg/hook"  # the path of the URL unless path is set
    assert (hook.listen_host, hook.listen_port) == ("127.0.0.1", 8080)
    monkeypatch.setenv("CASHBOT_TELEGRAM__WEBHOOK__PATH", "/hook")
    assert load_settings().telegram.webhook.local_path == "/hook"


@pytest.mark.parametrize(
    "env, expected",
    [
        (
            {"CASHBOT_TELEGRAM__MODE": "webhook"},
            "bad configuration: telegram: mode is 'webhook' but webhook.url is not set",
        ),
        (
            {"CASHBOT_TELEGRAM__WEBHOOK__URL": "http://bot.example.ru/hook"},
            "bad configuration: telegram.webhook.url: webhook url must be an https:// URL",
        ),
        (
            {"CASHBOT_TELEGRAM__WEBHOOK__SECRET": "has spaces and /"},
            "bad configuration: telegram.webhook.secret: webhook secret must be 1-256 characters of "
            "A-Z, a-z, 0-9, _ and -",
        ),
        ({"CASHBOT_TELEGRAM__WEBHOOK__SECRET": "x" * 257}, "webhook secret must be 1-256 characters"),
        ({"CASHBOT_TELEGRAM__WEBHOOK__PATH": "hook"}, "webhook path must start with '/'"),
        ({"CASHBOT_HEALTH__MAX_AGE": "30"}, "health.max_age (30) must be longer than telegram.polling_timeout (30)"),
        ({"CASHBOT_TELEGRAM__MODE": "hook"}, "telegram.mode: Input should be 'polling' or 'webhook'"),
    ],
)
def test_bad_webhook_and_health_values_are_one_clear_line(monkeypatch, env, expected):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert expected in str(error.value) and "\n" not in str(error.value)


def test_a_local_http_url_is_allowed_for_a_bot_api_double(monkeypatch):
    monkeypatch.setenv("CASHBOT_TELEGRAM__MODE", "webhook")
    monkeypatch.setenv("CASHBOT_TELEGRAM__WEBHOOK__URL", "http://127.0.0.1:8443/hook")
    assert load_settings().telegram.webhook.url == "http://127.0.0.1:8443/hook"


def write(path, **state):
    base = {
        "mode": "polling",
        "started_at": 1000.0,
        "updates_at": None,
        "updates_via": None,
        "loop_at": None,
        "problem": None,
    }
    path.write_text(json.dumps({**base, **state}))


def test_health_verdicts(tmp_path):
    path = tmp_path / ".heartbeat"
    assert check(path, 120, 180, now=1000) == (
        False,
        f"unhealthy: no heartbeat at {path}: the bot is not running with this database.path",
    )
    write(path, updates_at=1100.0, updates_via="getUpdates", loop_at=1150.0)
    assert check(path, 120, 180, now=1200) == (True, "ok: polling mode, last successful getUpdates 100 s ago")
    assert check(path, 120, 180, now=1221) == (False, "unhealthy: last successful getUpdates 121 s ago (limit 120 s)")
    write(
        path,
        mode="webhook",
        updates_at=1100.0,
        updates_via="check",
        loop_at=1150.0,
        problem="Telegram has the webhook '', not 'https://x/hook'",
    )
    assert check(path, 60, 180, now=1200) == (
        False,
        "unhealthy: last passing webhook self-check 100 s ago (limit 60 s); last problem: "
        "Telegram has the webhook '', not 'https://x/hook'",
    )
    write(path, updates_at=1390.0, updates_via="webhook", loop_at=1100.0)
    assert check(path, 120, 180, now=1400) == (False, "unhealthy: the background loop last ran 300 s ago (limit 180 s)")
    write(path)  # just started: nothing seen yet, counted from the start
    assert check(path, 120, 180, now=1030)[0] is True
    assert check(path, 120, 180, now=1200) == (
        False,
        "unhealthy: no successful getUpdates or webhook check since the start 200 s ago (limit 120 s)",
    )
    path.write_text("{not json")
    assert check(path, 120, 180, now=1000)[1].startswith("unhealthy: unreadable heartbeat")


def test_only_a_successful_get_updates_counts_as_alive(tmp_path):
    now = [5000.0]
    heartbeat = Heartbeat(tmp_path / "data" / ".heartbeat", "polling", clock=lambda: now[0])
    middleware = SeenGetUpdates(heartbeat)

    async def ok(bot, method):
        return []

    async def fails(bot, method):
        raise RuntimeError("Telegram is down")

    async def scenario():
        await middleware(ok, None, GetMe())
        assert heartbeat.state["updates_at"] is None  # other methods prove nothing
        now[0] += 10
        with pytest.raises(RuntimeError):
            await middleware(fails, None, GetUpdates())
        assert heartbeat.state["updates_at"] is None
        now[0] += 10
        await middleware(ok, None, GetUpdates())

    asyncio.run(scenario())
    state = json.loads((tmp_path / "data" / ".heartbeat").read_text())
    assert (state["updates_at"], state["updates_via"]) == (5020.0, "getUpdates")
