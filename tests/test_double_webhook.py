"""The Bot API double's webhook side: what Telegram does that the bot's webhook mode relies on."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.double import BotApiDouble, TelegramError
from tests.double.webhook import SECRET_HEADER


class Receiver:
    """A local webhook: records every post; answers 500 to the first `fail` posts."""

    def __init__(self, fail: int = 0):
        self.posts: list[tuple[str | None, dict, int]] = []
        self.fail = fail
        self.cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.cond:
                    status = 500 if receiver.fail > 0 else 200
                    receiver.fail -= 1
                    receiver.posts.append((self.headers.get(SECRET_HEADER), body, status))
                    receiver.cond.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count: int) -> list:
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.posts) >= count, 30), self.posts
            return list(self.posts)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


def test_get_updates_is_refused_while_a_webhook_is_set(api: BotApiDouble, receiver):
    api.telegram.call(api.token, "setWebhook", {"url": receiver.url, "secret_token": "s-1"})
    with pytest.raises(TelegramError) as error:
        api.telegram.call(api.token, "getUpdates", {})
    assert error.value.error_code == 409 and "webhook is active" in error.value.description
    info = api.telegram.call(api.token, "getWebhookInfo", {})
    assert info["url"] == receiver.url
    api.telegram.call(api.token, "deleteWebhook", {})
    assert api.telegram.call(api.token, "getUpdates", {}) == []
    assert api.telegram.call(api.token, "getWebhookInfo", {})["url"] == ""


@pytest.mark.parametrize(
    "params, message",
    [
        ({"url": "http://example.com/hook"}, "HTTPS URL must be provided"),
        ({"url": "https://example.com/hook", "secret_token": "no spaces"}, "unallowed characters"),
    ],
)
def test_set_webhook_checks_the_url_and_the_secret(api, params, message):
    with pytest.raises(TelegramError) as error:
        api.telegram.call(api.token, "setWebhook", params)
    assert error.value.error_code == 400 and message in error.value.description


def test_updates_are_posted_with_the_secret_and_retried_until_2xx(api):
    receiver = Receiver(fail=2)
    try:
        ann = api.user(1, "Аня")
        ann.send("first")
        ann.send("second")
        api.telegram.call(api.token, "setWebhook", {"url": receiver.url, "secret_token": "s-1"})
        posts = receiver.wait(4)
        # One person's updates one at a time, in order: "second" waits until "first" got 200.
        assert [(p[1]["message"]["text"], p[2]) for p in posts] == [
            ("first", 500),
            ("first", 500),
            ("first", 200),
            ("second", 200),
        ]
        assert {p[0] for p in posts} == {"s-1"}
        api.wait_updates_taken()
        info = api.telegram.call(api.token, "getWebhookInfo", {})
        assert info["pending_update_count"] == 0
        assert info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    finally:
        receiver.server.shutdown()
