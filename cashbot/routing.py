"""Routers that can be built more than once.

An aiogram `Router` joins one parent for good, so a router made at import time serves one
dispatcher; tests and benchmarks build many apps in one process. A handler module therefore
declares its routes on a `Blueprint`, with aiogram's own API (`@router.message(...)`,
`@router.callback_query(...)`, `router.message.filter(...)`, `router.message.register(...)`,
`router.message.middleware(...)`),
and `build()` makes a fresh aiogram `Router` from them each time it is called
(`cashbot.handlers.build_routers`). The blueprint only records; aiogram checks the filters
and handlers when it builds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Router

CallbackType = Callable[..., Any]


class Routes:
    """What a flow registered for one update type, in order: router-level filters and handlers."""

    def __init__(self) -> None:
        self.filters: list[tuple[CallbackType, ...]] = []
        self.handlers: list[tuple[CallbackType, tuple[CallbackType, ...], dict[str, Any] | None, dict[str, Any]]] = []
        self.middlewares: list[CallbackType] = []
        self.outer_middlewares: list[CallbackType] = []

    def middleware(self, middleware: CallbackType) -> CallbackType:
        self.middlewares.append(middleware)
        return middleware

    def outer_middleware(self, middleware: CallbackType) -> CallbackType:
        self.outer_middlewares.append(middleware)
        return middleware

    def filter(self, *filters: CallbackType) -> None:
        self.filters.append(filters)

    def register(
        self, callback: CallbackType, *filters: CallbackType, flags: dict[str, Any] | None = None, **kwargs: Any
    ) -> CallbackType:
        self.handlers.append((callback, filters, flags, kwargs))
        return callback

    def __call__(
        self, *filters: CallbackType, flags: dict[str, Any] | None = None, **kwargs: Any
    ) -> Callable[[CallbackType], CallbackType]:
        def decorator(callback: CallbackType) -> CallbackType:
            return self.register(callback, *filters, flags=flags, **kwargs)

        return decorator


class Blueprint:
    """A flow's routes; `build()` returns a new aiogram Router with them on every call."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.message = Routes()
        self.edited_message = Routes()
        self.callback_query = Routes()
        self.inline_query = Routes()
        self.chosen_inline_result = Routes()
        self.my_chat_member = Routes()
        self.error = Routes()

    def build(self) -> Router:
        router = Router(name=self.name)
        for event, routes in vars(self).items():
            if not isinstance(routes, Routes):
                continue
            observer = router.observers[event]
            for filters in routes.filters:
                observer.filter(*filters)
            for middleware in routes.middlewares:
                observer.middleware(middleware)
            for middleware in routes.outer_middlewares:
                observer.outer_middleware(middleware)
            for callback, filters, flags, kwargs in routes.handlers:
                observer.register(callback, *filters, flags=flags, **kwargs)
        return router
