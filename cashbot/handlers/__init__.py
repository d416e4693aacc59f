"""Routers, in the order updates meet them. One router per flow.

Each flow module declares its routes on a `cashbot.routing.Blueprint`; `build_routers()`
turns them into fresh aiogram routers for one dispatcher (an aiogram router joins one
parent for good, and tests and benchmarks build many apps in one process)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Filter

from cashbot.filters import ActiveUser, Admin
from cashbot.handlers import (
    add_device,
    card,
    categories,
    common,
    dev,
    device_admin,
    handover,
    import_csv,
    inline,
    labels,
    language,
    lists,
    loans,
    queue,
    registration,
    search,
    users,
)


def _role_group(name: str, role: Filter, *flows: Router) -> Router:
    """One router per role around its flows: an update from someone without the role is
    turned away by one filter instead of by every flow's (each flow keeps its own check)."""
    group = Router(name=name)
    group.message.filter(role)
    group.callback_query.filter(role)
    group.include_routers(*flows)
    return group


def build_routers() -> list[Router]:
    """The whole tree, new on every call, ready for `Dispatcher.include_routers`."""
    # Admins (config ids and active): people, device administration, categories, /add, import,
    # stickers and label sheets.
    admin = _role_group(
        "admin",
        Admin(),
        users.router.build(),
        device_admin.router.build(),
        categories.router.build(),
        add_device.router.build(),
        import_csv.router.build(),
        labels.router.build(),
    )
    # Staff: the card and what can be done with it, most used first.
    staff = _role_group(
        "staff",
        ActiveUser(),
        search.first_router.build(),  # text outside a dialog, not a command: a search, answered at once
        card.router.build(),
        loans.router.build(),  # take / return / extend and the date dialog
        lists.router.build(),  # /all, /categories, /mine, /wishlist, pages, history
        queue.router.build(),
        handover.router.build(),
        search.router.build(),  # every text no router above wanted is a search: keep it last of the staff
    )
    return [
        common.errors_router.build(),
        common.router.build(),  # /help and /cancel work for everyone, in any state
        language.router.build(),  # /language: every registered person, in any state
        dev.router.build(),  # hidden developer role: config ids, no registration needed
        inline.router.build(),  # inline queries (no chat, no state): results for active people, else the register button
        registration.approval_router.build(),
        registration.router.build(),  # everyone who is not an active person stops here
        admin,
        staff,
        common.fallback_router.build(),
    ]
