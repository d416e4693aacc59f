"""Routers, in the order updates meet them. One router per flow."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cashbot.handlers import (
    add_device, card, categories, common, device_admin, handover, import_csv, lists, loans, queue,
    registration, reminders, search, users,
)

if TYPE_CHECKING:
    from cashbot.app import App

ROUTERS = [
    common.errors_router,
    common.router,  # /help and /cancel work for everyone, in any state
    registration.approval_router,
    registration.router,  # everyone who is not an active person stops here
    # developer routers (issue 6) go above approval; admin routers (issue 4) here
    users.router,
    device_admin.router,
    categories.router,
    add_device.router,  # /add menu and the one-device dialog
    import_csv.router,  # CSV template, upload, preview, import
    card.router,
    loans.router,  # take / return / extend and the date dialog (issue 3, actions)
    queue.router,
    handover.router,
    # staff flow routers (issue 3) here; the search router (plain text) comes last of them
    lists.router,
    search.router,  # every text no router above wanted: a search (keep it last of the staff)
    common.fallback_router,
]


def register_jobs(app: "App") -> None:
    """Background jobs each flow contributes to the in-process loop."""
    app.loop.add("queue-offers", queue.expiry_job(app))  # reservations whose time ran out
    reminders.register(app)  # issue 5: daily reminders and the admin digest
