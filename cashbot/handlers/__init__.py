"""Routers, in the order updates meet them. One router per flow."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram import Router

from cashbot.filters import ActiveUser, Admin
from cashbot.handlers import (
    add_device, card, categories, common, dev, device_admin, handover, import_csv, labels, lists, loans,
    queue, registration, reminders, search, users,
)

if TYPE_CHECKING:
    from cashbot.app import App


def _role_group(name: str, role, *flows: Router) -> Router:
    """One router per role around its flows: an update from someone without the role is
    turned away by one filter instead of by every flow's (each flow keeps its own check)."""
    group = Router(name=name)
    group.message.filter(role)
    group.callback_query.filter(role)
    group.include_routers(*flows)
    return group


# Admins (config ids and active): people, device administration, categories, /add, import,
# stickers and label sheets.
admin_router = _role_group("admin", Admin(), users.router, device_admin.router, categories.router,
                           add_device.router, import_csv.router, labels.router)
# Staff: the card and what can be done with it, most used first.
staff_router = _role_group(
    "staff", ActiveUser(),
    search.first_router,  # text outside a dialog, not a command: a search, answered at once
    card.router,
    loans.router,  # take / return / extend and the date dialog
    lists.router,  # /all, /categories, /mine, /wishlist, pages, history
    queue.router,
    handover.router,
    search.router,  # every text no router above wanted is a search: keep it last of the staff
)

ROUTERS = [
    common.errors_router,
    common.router,  # /help and /cancel work for everyone, in any state
    dev.router,  # hidden developer role: config ids, no registration needed
    registration.approval_router,
    registration.router,  # everyone who is not an active person stops here
    admin_router,
    staff_router,
    common.fallback_router,
]


def register_jobs(app: "App") -> None:
    """Background jobs each flow contributes to the in-process loop."""
    app.loop.add("queue-offers", queue.expiry_job(app))  # reservations whose time ran out
    reminders.register(app)  # daily reminders and the admin digest
    app.loop.add("backup", lambda: dev.scheduled_backup(app.settings, app.db, app.clock))
