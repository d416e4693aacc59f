"""Webhook delivery of the Bot API double: posts queued updates to the URL the bot set with
setWebhook, as Telegram does.

Each update is a JSON POST with `X-Telegram-Bot-Api-Secret-Token` (when the bot gave one).
A 2xx answer confirms it; anything else (an error status, a refused connection, a timeout)
leaves it queued and it is posted again after a growing delay, so a bot that was down gets
what was sent meanwhile. One person's updates go one at a time and in order; different
people's go in parallel, up to the webhook's max_connections. A method returned in the
response body (aiogram's "reply into webhook") is not executed: cashbot never returns one.

`BotApiDouble` starts the workers on the first setWebhook; they stop when it stops.

The state half (below `post`): setWebhook / getWebhookInfo as Bot API methods of the core's
method table, and the delivery queue the workers take from.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .state import _bad, _Bot

if TYPE_CHECKING:
    from .core import FakeTelegram

__all__ = ["SECRET_HEADER", "WEBHOOK_CONFLICT", "WebhookDelivery"]

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
                thread = threading.Thread(target=self._work, name=f"bot-api-double-webhook-{n}", daemon=True)
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
    request = urllib.request.Request(url, data=json.dumps(update).encode(), headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=POST_TIMEOUT) as response:
            response.read()
            return None
    except urllib.error.HTTPError as error:
        return f"Wrong response from the webhook: {error.code} {error.reason}"
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return f"Connection failed: {reason}"


# itself is in webhook.py (threads started by the server on the first setWebhook).

WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
_WEBHOOK_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LOCAL_HTTP_RE = re.compile(r"^http://(127\.0\.0\.1|localhost)(:\d+)?(/|$)")
WEBHOOK_RETRY = (0.2, 2.0)  # first retry delay and the longest (Telegram's are longer)


@dataclass
class _Webhook:
    url: str
    secret: str | None
    max_connections: int
    in_flight: set[int] = field(default_factory=set)  # update ids being posted now
    retry_at: dict[int, float] = field(default_factory=dict)  # update id -> clock()
    failures: dict[int, int] = field(default_factory=dict)
    last_error_date: int | None = None
    last_error_message: str | None = None


def set_webhook(tg: FakeTelegram, bot: _Bot, p: dict) -> bool:
    url = str(p.get("url") or "")
    if not url:  # as Telegram: an empty URL removes the webhook
        bot.webhook = None
        return True
    # Telegram wants https; plain http is allowed here only to a local bot.
    if not re.match(r"^https://[^/\s]+", url) and not _LOCAL_HTTP_RE.match(url):
        raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get("secret_token")
    if secret not in (None, "") and not _WEBHOOK_SECRET_RE.match(str(secret)):
        raise _bad("secret token contains unallowed characters")
    try:
        max_connections = int(p.get("max_connections") or 40)
    except ValueError:
        raise _bad("bad max_connections") from None
    if p.get("allowed_updates") is not None:
        bot.allowed_updates = list(p["allowed_updates"])
    if p.get("drop_pending_updates"):
        bot.updates.clear()
    old = bot.webhook
    bot.webhook = _Webhook(url, str(secret) if secret else None, max(1, min(100, max_connections)))
    if old is not None:  # posts already under way stay in flight; the last error stays visible
        bot.webhook.in_flight = old.in_flight
        bot.webhook.last_error_date, bot.webhook.last_error_message = (old.last_error_date, old.last_error_message)
    bot.webhook_set_count += 1
    tg._cond.notify_all()  # a waiting long poll now gets 409
    if tg.on_webhook is not None:
        tg.on_webhook()
    return True


def get_webhook_info(tg: FakeTelegram, bot: _Bot, p: dict) -> dict:
    hook = bot.webhook
    info: dict[str, Any] = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(bot.updates),
    }
    if hook is not None:
        info["max_connections"] = hook.max_connections
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
        if bot.allowed_updates:
            info["allowed_updates"] = list(bot.allowed_updates)
    return info


def _sender(update: dict) -> Any:
    payload = next(v for k, v in update.items() if k != "update_id")
    person = payload.get("from") or payload.get("chat") or {}
    return person.get("id", ("update", update["update_id"]))


def next_webhook_delivery(tg: FakeTelegram) -> tuple[_Bot, _Webhook, dict] | None:
    """The next update to post: in order per sender (one in flight per person, as a chat's
    updates arrive in order), up to max_connections at once per bot, failed ones after a
    growing delay."""
    with tg._cond:
        while not tg._closed:
            now = tg._clock()
            wake: float | None = None
            for bot in tg._bots.values():
                hook = bot.webhook
                if hook is None or len(hook.in_flight) >= hook.max_connections:
                    continue
                bot.updates = [u for u in bot.updates if tg._allowed(bot, u)]
                busy: set = set()
                for update in bot.updates:
                    sender, update_id = _sender(update), update["update_id"]
                    if sender in busy:
                        continue
                    busy.add(sender)
                    if update_id in hook.in_flight:
                        continue
                    due = hook.retry_at.get(update_id, 0.0)
                    if due > now:
                        wake = due if wake is None else min(wake, due)
                        continue
                    hook.in_flight.add(update_id)
                    return bot, hook, dict(update)
            tg._cond.wait(None if wake is None else max(0.01, wake - now))
        return None


def webhook_delivered(tg: FakeTelegram, bot: _Bot, hook: _Webhook, update: dict, error: str | None) -> None:
    """A post ended: 2xx confirms the update, anything else schedules it again."""
    update_id = update["update_id"]
    with tg._cond:
        hook.in_flight.discard(update_id)
        bot.webhook_attempts.append((update_id, error))
        if error is None:
            bot.updates = [u for u in bot.updates if u["update_id"] != update_id]
            bot.delivered_up_to = max(bot.delivered_up_to, update_id)
            hook.retry_at.pop(update_id, None)
            hook.failures.pop(update_id, None)
        else:
            failures = hook.failures[update_id] = hook.failures.get(update_id, 0) + 1
            hook.retry_at[update_id] = tg._clock() + min(WEBHOOK_RETRY[1], WEBHOOK_RETRY[0] * 2 ** (failures - 1))
            hook.last_error_date, hook.last_error_message = int(tg._wall()), error
            if bot.webhook is not hook and bot.webhook is not None:  # replaced meanwhile
                bot.webhook.last_error_date = hook.last_error_date
                bot.webhook.last_error_message = error
        tg._cond.notify_all()
