"""Routers, in the order updates meet them. One router per flow."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cashbot.handlers import add_device, card, common, dev, import_csv, registration

if TYPE_CHECKING:
    from cashbot.app import App

ROUTERS = [
    common.errors_router,
    common.router,  # /help and /cancel work for everyone, in any state
    dev.router,  # developer routers (issue 6): above approval, so a developer need not register
    registration.approval_router,
    registration.router,  # everyone who is not an active person stops here
    # developer routers (issue 6) go above approval; admin routers (issue 4) here
    add_device.router,  # issue 4: /add menu and the one-device dialog
    import_csv.router,  # issue 4: CSV template, upload, preview, import
    card.router,
    # staff flow routers (issue 3) here; the search router (plain text) comes last of them
    common.fallback_router,
]


def register_jobs(app: "App") -> None:
    """Background jobs each flow contributes to the in-process loop."""
    app.loop.add("backup", lambda: dev.scheduled_backup(app.settings, app.db, app.clock))  # issue 6
