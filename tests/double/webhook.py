"""Webhook delivery of the Bot API double: posts queued updates to the URL the bot set with
setWebhook, as Telegram does.

Each update is a JSON POST with `X-Telegram-Bot-Api-Secret-Token` (when the bot gave one).
A 2xx answer confirms it; anything else (an error status, a refused connection, a timeout)
leaves it queued and it is posted again after a growing delay, so a bot that was down gets
what was sent meanwhile. One person's updates go one at a time and in order; different
people's go in parallel, up to the webhook's max_connections. A method returned in the
response body (aiogram's "reply into webhook") is not executed: cashbot never returns one.

`BotApiDouble` starts the workers on the first setWebhook; they stop when it stops.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any

__all__ = ["SECRET_HEADER", "WebhookDelivery"]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

WORKERS = 8
POST_TIMEOUT = 60.0  # Telegram gives a webhook about a minute before it counts as failed
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy


class WebhookDelivery:
    def __init__(self, telegram: Any, workers: int = WORKERS) -> None:
        self.telegram = telegram
        self.workers = workers
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._threads:
                return
            for n in range(self.workers):
                thread = threading.Thread(target=self._work, name=f"bot-api-double-webhook-{n}",
                                          daemon=True)
                thread.start()
                self._threads.append(thread)

    def _work(self) -> None:
        while True:
            item = self.telegram.next_webhook_delivery()
            if item is None:  # the double was closed
                return
            bot, hook, update = item
            error: str | None = "Internal error of the double"
            try:
                error = post(hook.url, hook.secret, update)
            finally:
                self.telegram.webhook_delivered(bot, hook, update, error)


def post(url: str, secret: str | None, update: dict) -> str | None:
    """None if the bot answered 2xx, else the error as getWebhookInfo shows it."""
    headers = {"Content-Type": "application/json"}
    if secret:
        headers[SECRET_HEADER] = secret
    request = urllib.request.Request(url, data=json.dumps(update).encode(), headers=headers,
                                     method="POST")
    try:
        with _OPENER.open(request, timeout=POST_TIMEOUT) as response:
            response.read()
            return None
    except urllib.error.HTTPError as error:
        return f"Wrong response from the webhook: {error.code} {error.reason}"
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return f"Connection failed: {reason}"
