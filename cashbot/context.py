"""What a handler works with, as one typed object instead of loose keyword arguments.

`ViewerMiddleware` builds a `Context` for every message and button press from the app-wide
parts (`app.build_app` makes those once) and the person behind the update, and hands it to
filters and handlers as `ctx`. Handlers take `ctx` plus what aiogram gives per update
(`callback_data`, `state`, `command`, `bot`, ...) and pass helpers exactly the parts they use.
"""

from __future__ import annotations

from dataclasses import dataclass

from cashbot.clock import Clock
from cashbot.config import Settings
from cashbot.db.database import Db
from cashbot.notify import Notifier
from cashbot.services.people import Viewer


@dataclass(frozen=True, slots=True)
class Context:
    db: Db  # the database thread: `await ctx.db.run(service, ...)`
    settings: Settings
    clock: Clock
    notifier: Notifier  # messages the bot sends on its own (paced, never blocking a reply)
    viewer: Viewer | None  # None: a stranger the database does not know (or a bot)
    is_admin: bool  # by config (Telegram ids); the Admin filter also wants an active person
    is_developer: bool
    bot_username: str | None = None  # for links that open the bot (cards, stickers); getMe, cached
    language: str = "ru"  # what the viewer reads (LocaleMiddleware; cashbot/i18n.py)

    @property
    def me(self) -> Viewer:
        """The viewer, in flows whose router filter (ActiveUser, Admin) already made sure there
        is one; anywhere else that is a bug, not a stranger."""
        if self.viewer is None:
            raise LookupError("no viewer: this flow must sit behind ActiveUser or Admin")
        return self.viewer
