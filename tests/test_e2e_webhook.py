"""End to end, webhook mode: the double posts updates to the bot's own server.

The shared scenarios (foundation, find, actions) run in both modes; these are the webhook's
own: the secret token, stopping and restarting with updates waiting at Telegram, switching
back to polling, and `cashbot health` in both modes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
import urllib.error
import urllib.request

import pytest

from cashbot.__main__ import main
from cashbot.health import HEARTBEAT_FILE, check
from tests.double.fixtures import MODES
from tests.double.process import REPO_ROOT
from tests.double.webhook import SECRET_HEADER

pytestmark = pytest.mark.e2e

WEBHOOK = {"mode": "webhook"}


def register(user, email):
    user.send("/start")
    user.wait_for("рабочую почту")
    user.send(email)
    user.wait_for("зарегистрированы")


def webhook_info(api) -> dict:
    return api.telegram.call(api.token, "getWebhookInfo", {})


def post(url: str, update: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    request = urllib.request.Request(url, json.dumps(update).encode(), headers, method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def rows(db_path) -> dict[str, list]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        return {
            table: db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("people", "events", "fsm_state")
        }


def test_a_request_without_the_right_secret_gets_401_and_changes_nothing(bot_factory, api):
    # No daily backup or reminder run writing events while the database is compared.
    bot = bot_factory(**WEBHOOK, env={"CASHBOT_BACKUPS__ENABLED": "false", "CASHBOT_REMINDERS__ENABLED": "false"})
    grisha = api.user(106, "Гриша")
    register(grisha, "grisha@example.ru")
    forged = {
        "update_id": 1,
        "message": {
            "message_id": 999,
            "date": int(time.time()),
            "chat": grisha.chat_dict(),
            "from": grisha.user_dict,
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }
    before = rows(bot.db_path)
    answers_before = [m for m in grisha.messages() if m.outgoing]
    assert post(bot.webhook_url, forged, None) == 401
    assert post(bot.webhook_url, forged, "wrong-secret") == 401
    assert post(bot.webhook_url, forged, bot.webhook_secret[:-1]) == 401
    # Гриша's own next message is handled after anything queued for him before it.
    grisha.send("/cancel")
    grisha.wait_for("Отменять нечего")
    assert rows(bot.db_path) == before
    answers = [m for m in grisha.messages() if m.outgoing]
    assert len(answers) == len(answers_before) + 1 and "/mine" not in answers[-1].text  # no help
    # The same request with the secret is an update like any other.
    assert post(bot.webhook_url, forged, bot.webhook_secret) == 200
    grisha.wait_for("/mine")
    assert bot.stop() == 0
    assert bot.webhook_secret not in bot.output()


def wait_output(bot, text: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while text not in bot.output():
        assert time.monotonic() < deadline, f"{text!r} not in the output\n{bot.tail()}"
        time.sleep(0.1)


def test_sigterm_finishes_the_running_update_keeps_the_webhook_and_gets_what_came_meanwhile(bot_factory, api):
    bot = bot_factory(**WEBHOOK)
    info = webhook_info(api)
    assert info["url"] == bot.webhook_url and "message" in info["allowed_updates"]
    olga = api.user(109, "Ольга")
    register(olga, "olga@example.ru")
    held = api.hold("sendMessage", chat_id=109)
    olga.send("/help")
    held.wait_reached()  # the handler is in flight, waiting on Telegram
    os.kill(bot.pid, signal.SIGTERM)
    wait_output(bot, "stopping: no new webhook requests")
    held.release()
    assert bot.stop() == 0
    olga.wait_for("/mine")
    api.wait_updates_taken()  # its 200 went out before the exit
    assert "cashbot stopped" in bot.output()
    assert webhook_info(api)["url"] == bot.webhook_url  # not deleted: Telegram keeps queueing
    olga.send("/cancel")
    # Telegram tries, fails (nobody listens) and keeps the update.
    api.wait_until(lambda: [e for _, e in api.webhook_attempts() if e], 30, "no failed delivery")
    assert webhook_info(api)["pending_update_count"] == 1
    bot.start()
    olga.wait_for("Отменять нечего")
    api.wait_updates_taken()
    assert bot.stop() == 0
    assert len([m for m in olga.messages() if "/mine" in m.text]) == 1
    assert "Conflict" not in bot.output() and "could not confirm" not in bot.output()
    assert f"Telegram posts to {bot.webhook_url}" in bot.output()


def test_back_to_polling_removes_the_webhook_and_loses_nothing(bot_factory, api):
    bot = bot_factory(**WEBHOOK)
    mira = api.user(108, "Мира")
    register(mira, "mira@example.ru")
    assert bot.stop() == 0
    mira.send("/help")  # waits at Telegram
    bot.mode = "polling"
    bot.start()
    mira.wait_for("/mine")
    assert webhook_info(api)["url"] == ""
    assert "but a webhook is set" in bot.output()
    assert bot.stop() == 0


@pytest.fixture
def health(monkeypatch, capsys):
    """`python -m cashbot health` with the bot's environment, run in this process."""

    def run(bot) -> tuple[int, str, str]:
        capsys.readouterr()
        with monkeypatch.context() as patch:
            patch.chdir(REPO_ROOT)
            for key, value in bot.environment().items():
                if key.startswith("CASHBOT_"):
                    patch.setenv(key, value)
            code = main(["health"])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def wait_verdict(bot, healthy: bool, timeout: float = 60) -> None:
    """Read the heartbeat as `cashbot health` does until the verdict is `healthy`."""
    deadline = time.monotonic() + timeout
    while check(bot.workdir / HEARTBEAT_FILE, MAX_AGE, 60)[0] is not healthy:
        assert time.monotonic() < deadline, f"health did not become {healthy}\n{bot.tail()}"
        time.sleep(0.2)


MAX_AGE = 3


@pytest.mark.parametrize("telegram_mode", MODES, indirect=True)
def test_health_says_ok_while_updates_can_arrive_and_why_not_once_they_cannot(bot_factory, api, telegram_mode, health):
    bot = bot_factory(env={"CASHBOT_TELEGRAM__POLLING_TIMEOUT": "1", "CASHBOT_HEALTH__MAX_AGE": str(MAX_AGE)})
    wait_verdict(bot, True)
    code, out, err = health(bot)
    assert code == 0, err
    assert out.startswith(f"ok: {telegram_mode} mode")
    assert (bot.workdir / ".heartbeat").is_file()  # beside the database
    if telegram_mode == "polling":
        api.inject_error("getUpdates", times=10**6, error_code=502)
    else:  # someone else took the webhook: Telegram no longer posts to this bot
        api.telegram.call(api.token, "setWebhook", {"url": "https://127.0.0.1:9/elsewhere"})
    wait_verdict(bot, False)
    code, out, err = health(bot)
    assert code == 1, out
    line = err.strip()
    assert "\n" not in line and line.startswith("unhealthy: ")
    if telegram_mode == "polling":
        assert "last successful getUpdates" in line
    else:
        assert "Telegram has the webhook 'https://127.0.0.1:9/elsewhere'" in line
    assert bot.stop() == 0
