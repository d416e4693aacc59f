"""Webhook mode: Telegram posts updates to aiogram's aiohttp server inside this process.

The server runs on the same event loop as the dispatcher and the background loop. Each
update is handled before the bot answers 200 (`handle_in_background=False`): if the process
dies mid-update, Telegram never got its 200 and delivers the update again after the restart.
A request without the right X-Telegram-Bot-Api-Secret-Token gets 401 and reaches no handler.

Stopping (SIGTERM/SIGINT): stop accepting connections, let the running updates finish and
their 200s go out, then the usual shutdown. The webhook stays set at Telegram, so updates
sent during a restart wait there and arrive once the bot listens again.

Liveness: a quiet team may send nothing for hours, so besides real webhook requests a
self-check runs every third of `health.max_age`: the bot requests its own server over the
local socket, and getWebhookInfo must show our URL and no delivery error since our last
start or last request. Each pass refreshes the heartbeat; a failure is logged and written
there as the reason (cashbot/health.py).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
import time

import aiohttp
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from cashbot.health import Heartbeat

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def leave_webhook(bot: Bot) -> None:
    """Polling mode: Telegram refuses getUpdates (409) while a webhook is set, e.g. after a
    switch from webhook mode. Remove it, keeping the updates waiting at Telegram."""
    try:
        info = await bot.get_webhook_info()
    except TelegramAPIError as error:
        log.warning("could not check for a webhook before polling: %s", error)
        return
    if info.url:
        log.warning(
            "telegram.mode is polling but a webhook is set (%s): deleting it, pending updates are kept", info.url
        )
        await bot.delete_webhook(drop_pending_updates=False)


async def serve(app, heartbeat: Heartbeat, grace: float) -> int:
    """Listen, set the webhook, run until SIGTERM/SIGINT; the caller shuts the app down."""
    settings = app.settings.telegram.webhook
    secret = settings.secret.get_secret_value() if settings.secret else secrets.token_urlsafe(32)
    path = settings.local_path
    handler = SimpleRequestHandler(app.dispatcher, app.bot, handle_in_background=False, secret_token=secret)

    async def receive(request: web.Request) -> web.StreamResponse:
        if handler.verify_secret(request.headers.get(SECRET_HEADER, ""), app.bot):
            heartbeat.updates("webhook")
        return await handler.handle(request)  # answers 401 itself on a wrong secret

    async def ping(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    web_app = web.Application()
    # Not handler.register(): it would close the bot session when aiohttp shuts down, before
    # cashbot's own shutdown has sent the queued notifications.
    web_app.router.add_post(path, receive)
    web_app.router.add_get(path, ping)
    setup_application(web_app, app.dispatcher, bot=app.bot)
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=grace, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, settings.listen_host, settings.listen_port)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise  # the port is taken or not ours: `cashbot run` prints it in one line
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):  # kept to the end: a second signal
        loop.add_signal_handler(signum, stop.set)  # changes nothing, as in polling mode
    checker: asyncio.Task | None = None
    try:
        try:
            # Never drop_pending_updates: what people sent while the bot was down still counts.
            await app.bot.set_webhook(
                settings.url,
                secret_token=secret,
                allowed_updates=app.dispatcher.resolve_used_update_types(),
                drop_pending_updates=False,
            )
        except TelegramAPIError as error:
            log.error("Telegram refused the webhook %s: %s", settings.url, error)
            return 1
        log.info(
            "webhook set: Telegram posts to %s, listening on %s:%s%s",
            settings.url,
            settings.listen_host,
            settings.listen_port,
            path,
        )
        checker = asyncio.create_task(
            self_check(app.bot, heartbeat, settings, app.settings.health.max_age / 3), name="webhook-self-check"
        )
        await stop.wait()
        log.info("stopping: no new webhook requests, finishing the running ones")
        return 0
    finally:
        if checker is not None:
            checker.cancel()
        await site.stop()
        await app.in_flight.drain(grace)
        await runner.cleanup()  # the 200s of the finished updates go out here


async def self_check(bot: Bot, heartbeat: Heartbeat, settings, every: float) -> None:
    host = "127.0.0.1" if settings.listen_host in ("0.0.0.0", "", "::") else settings.listen_host
    local = f"http://{host}:{settings.listen_port}{settings.local_path}"
    since = time.time()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        while True:
            await asyncio.sleep(every)
            # A delivery error older than our start or the last request that got through
            # is history, not a problem now.
            problem = await _problem(bot, session, local, settings.url, max(since, heartbeat.seen.get("webhook", 0.0)))
            if problem is None:
                heartbeat.updates("check")
            else:
                if problem != heartbeat.state["problem"]:
                    log.warning("webhook self-check failed: %s", problem)
                heartbeat.problem(problem)


async def _problem(bot: Bot, session: aiohttp.ClientSession, local: str, url: str, since: float) -> str | None:
    """None if updates can arrive, else what stops them."""
    try:
        async with session.get(local) as response:
            if response.status != 200:
                return f"the webhook server answered {response.status} to {local}"
    except (TimeoutError, aiohttp.ClientError) as error:
        return f"the webhook server does not answer at {local}: {error or type(error).__name__}"
    try:
        info = await bot.get_webhook_info()
    except TelegramAPIError as error:
        return f"getWebhookInfo failed: {error}"
    if info.url != url:
        return f"Telegram has the webhook {info.url or '(none)'!r}, not {url!r}"
    if info.last_error_date is not None and info.last_error_date.timestamp() > since:
        return f"Telegram could not deliver to {url}: {info.last_error_message}"
    return None
