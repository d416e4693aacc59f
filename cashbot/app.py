"""Wiring: database, bot, dispatcher, routers, background loop, clean shutdown."""

from __future__ import annotations

import asyncio
import gc
import logging
import logging.handlers
import signal
import sys
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.strategy import FSMStrategy
from aiogram.types import Update

from cashbot import jobs, webhook
from cashbot.background import BackgroundLoop
from cashbot.clock import Clock, make_clock
from cashbot.config import ConfigError, Settings
from cashbot.db.database import CashbotDatabase, Db, apply_migrations, open_database
from cashbot.fsm_storage import SQLiteStorage
from cashbot.handlers import build_routers
from cashbot.health import Heartbeat, SeenGetUpdates, heartbeat_path
from cashbot.i18n import set_default_language
from cashbot.menus import set_menus
from cashbot.middlewares import (
    InFlight,
    LocaleMiddleware,
    PinResponseTypes,
    PlainCallbackAnswers,
    PrivateChatsOnly,
    ViewerMiddleware,
)
from cashbot.notify import Notifier
from cashbot.polling import ConfirmingPoller
from cashbot.services import people, setup

log = logging.getLogger("cashbot")

SHUTDOWN_GRACE_SECONDS = 10
# Backoff while the Bot API cannot be reached at start: 1, 2, 4, ... seconds, at most a minute.
CONNECT_FIRST_DELAY = 1.0
CONNECT_MAX_DELAY = 60.0


class StartupError(ConfigError):
    """Telegram refused to start the bot; one line saying what to fix (exit code 2)."""


class RedactToken(logging.Filter):
    """The token never reaches a log line, whoever formats it (aiohttp errors carry URLs)."""

    def __init__(self, secret: str):
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret and self.secret in message:
            record.msg, record.args = message.replace(self.secret, "<token>"), None
        return True


def setup_logging(settings: Settings, secrets: list[str]) -> None:
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = [
        logging.StreamHandler(sys.stderr),
        logging.handlers.RotatingFileHandler(
            settings.log_dir / "cashbot.log",
            maxBytes=settings.logging.max_bytes,
            backupCount=settings.logging.backup_count,
            encoding="utf-8",
        ),
    ]
    root = logging.getLogger()
    root.handlers.clear()
    for handler in handlers:
        handler.setFormatter(formatter)
        for secret in secrets:
            handler.addFilter(RedactToken(secret))
        root.addHandler(handler)
    root.setLevel(settings.logging.level)
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    logging.getLogger("peewee").setLevel(logging.WARNING)
    logging.getLogger("peewee_migrate").setLevel(logging.WARNING)


def prepare_database(settings: Settings, clock: Clock) -> CashbotDatabase:
    """Open, migrate, seed: everything the process needs before the first update."""
    database = open_database(settings.database.path)
    applied = apply_migrations(database)
    if applied:
        log.info("applied migrations: %s", ", ".join(applied))
    setup.seed_categories(settings.categories, clock.now())
    people.sync_admins(settings.admins, clock.now())
    return database


@dataclass
class App:
    settings: Settings
    clock: Clock
    db: Db
    bot: Bot
    dispatcher: Dispatcher
    notifier: Notifier
    loop: BackgroundLoop
    in_flight: InFlight
    health: Heartbeat | None = None


def build_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram.api_base))
    return Bot(
        settings.require_token(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def build_dispatcher(storage, viewer: ViewerMiddleware) -> tuple[Dispatcher, InFlight]:
    dispatcher = Dispatcher(
        storage=storage, events_isolation=SimpleEventIsolation(), fsm_strategy=FSMStrategy.USER_IN_CHAT
    )
    in_flight = InFlight()
    dispatcher.update.outer_middleware(in_flight)
    dispatcher.update.outer_middleware(PrivateChatsOnly())  # after InFlight: dropped updates count as done
    locale = LocaleMiddleware()  # after the viewer: it reads the viewer's language
    for observer in (dispatcher.message, dispatcher.callback_query, dispatcher.inline_query):
        observer.outer_middleware(viewer)
        observer.outer_middleware(locale)
    dispatcher.include_routers(*build_routers())  # fresh routers: tests build many apps
    return dispatcher, in_flight


def build_app(
    settings: Settings, bot: Bot | None = None, clock: Clock | None = None, database: CashbotDatabase | None = None
) -> App:
    """Everything but polling; tests and benchmarks build the same app around their own bot."""
    clock = clock or make_clock(settings.tz)
    set_default_language(settings.language)
    database = database or prepare_database(settings, clock)
    db = Db(database)
    bot = bot or build_bot(settings)
    bot.session.middleware(PlainCallbackAnswers())
    bot.session.middleware(PinResponseTypes())
    storage = SQLiteStorage(settings.database.path, key_builder=DefaultKeyBuilder(with_destiny=True, with_bot_id=True))
    notifier = Notifier(
        bot, db, clock, rate=settings.reminders.global_rate, per_chat=settings.reminders.per_chat_interval
    )
    bot.session.middleware(notifier.reply_pacing)  # replies share the notifier's budget, first
    # Handlers get these app-wide parts, and who is asking, as one `ctx` (cashbot/context.py).
    dispatcher, in_flight = build_dispatcher(storage, ViewerMiddleware(db, settings, clock, notifier))
    loop = BackgroundLoop(settings.reminders.tick_seconds)
    app = App(settings, clock, db, bot, dispatcher, notifier, loop, in_flight)
    app.health = health = Heartbeat(heartbeat_path(settings.data_dir), settings.telegram.mode)
    bot.session.middleware(SeenGetUpdates(health))
    jobs.register(loop, settings=settings, clock=clock, db=db, notifier=notifier, health=health)
    return app


async def connect(settings: Settings, database: CashbotDatabase) -> Bot | None:
    """The bot once Telegram has answered getMe; None if stopped (SIGTERM/SIGINT) meanwhile.

    A refused token is fatal: StartupError, one line, no retry (restarting cannot fix it).
    An unreachable or failing Bot API is retried with backoff, one log line per attempt, so a
    network blip at start never becomes a crash loop under `restart: unless-stopped`.
    """
    bot = build_bot(settings)
    waiting = asyncio.ensure_future(_get_me(bot, settings.telegram.api_base))
    loop = asyncio.get_running_loop()
    stop_signals = (signal.SIGTERM, signal.SIGINT)
    for signum in stop_signals:
        loop.add_signal_handler(signum, waiting.cancel)
    ok = False
    try:
        await waiting
        ok = True
        return bot
    except asyncio.CancelledError:
        log.info("stopped before Telegram answered")
        return None
    finally:
        for signum in stop_signals:
            loop.remove_signal_handler(signum)
        if not ok:
            await bot.session.close()
            database.close()


async def _get_me(bot: Bot, api_base: str) -> None:
    delay, attempt = CONNECT_FIRST_DELAY, 1
    while True:
        try:
            await bot.me()  # cached on the bot: polling does not ask again
            return
        except TelegramUnauthorizedError:
            raise StartupError(
                f"Telegram refused the token (401 Unauthorized from {api_base}): it was revoked or "
                "mistyped; copy the current one from @BotFather (/mybots → API Token) into "
                "CASHBOT_TELEGRAM__TOKEN"
            ) from None
        except TelegramNotFound:
            raise StartupError(
                f"{api_base} answered 404 Not Found to getMe: telegram.api_base must point at a "
                "Bot API server (default https://api.telegram.org) and the token must be the whole "
                "one from @BotFather"
            ) from None
        except TelegramRetryAfter as error:
            wait, why = max(delay, float(error.retry_after)), "flood control"
        except (TelegramNetworkError, TelegramServerError, ClientDecodeError) as error:
            wait, why = delay, str(getattr(error, "message", error))
        log.warning(
            "Telegram Bot API at %s not reachable (attempt %d: %s); retrying in %.0f s", api_base, attempt, why, wait
        )
        await asyncio.sleep(wait)
        delay, attempt = min(delay * 2, CONNECT_MAX_DELAY), attempt + 1


async def run(settings: Settings) -> int:
    clock = make_clock(settings.tz)
    database = prepare_database(settings, clock)  # a broken database fails before waiting
    bot = await connect(settings, database)
    if bot is None:
        return 0
    app = build_app(settings, bot=bot, clock=clock, database=database)
    await set_menus(app.bot, settings.admins, await app.db.run(people.languages, settings.admins))
    # Everything loaded so far (aiogram's models, the app) lives as long as the process: keep
    # it out of the garbage collector's full passes, which otherwise walk all of it and stall
    # the event loop under load (see benchmarks/README.md, hot paths).
    gc.freeze()
    app.loop.start()
    log.info("cashbot started: database %s, time zone %s", settings.database.path, settings.timezone)
    poller: ConfirmingPoller | None = None
    try:
        if settings.telegram.mode == "webhook":  # Telegram redelivers what was not answered 200
            return await webhook.serve(app, app.health, SHUTDOWN_GRACE_SECONDS)
        await webhook.leave_webhook(app.bot)
        # Pending updates are kept: people who wrote while the bot was down get answers. Updates
        # are journaled before Telegram forgets them, so a crash loses none (cashbot/polling.py).
        poller = ConfirmingPoller(
            app.dispatcher,
            app.bot,
            app.db,
            grace=SHUTDOWN_GRACE_SECONDS,
            polling_timeout=settings.telegram.polling_timeout,
            allowed_updates=app.dispatcher.resolve_used_update_types(),
            unjournaled=lambda update: from_developer(update, settings),
        )
        await poller.run()
    finally:
        await shutdown(app, poller)
    return 0


def from_developer(update: Update, settings: Settings) -> bool:
    """A developer's message may be the confirmation code, which must never reach the disk."""
    message = update.message or update.edited_message
    return message is not None and message.from_user is not None and message.from_user.id in settings.developers


async def shutdown(app: App, poller: ConfirmingPoller | None = None) -> None:
    """Let in-flight updates and queued notifications finish, confirm what was handled to
    Telegram, then close the database."""
    await app.loop.stop()
    await app.in_flight.drain(SHUTDOWN_GRACE_SECONDS)
    await app.notifier.drain(SHUTDOWN_GRACE_SECONDS)
    if poller is not None:  # without this, Telegram would deliver the last batch again
        await poller.confirm()
    await app.bot.session.close()
    await app.dispatcher.storage.close()
    app.db.close()
    log.info("cashbot stopped")
