"""The router tree as the dispatcher walks it.

Handlers and filters get the app-wide parts and who is asking as one `ctx`
(cashbot/context.py), never as loose keyword arguments.

aiogram awaits a filter or handler in place only when it is a coroutine function or a
`Filter`; anything else (a bare `F.text`, a `State` used as a filter, a plain function) it
runs through `asyncio.to_thread`: a thread hop and two event-loop wake-ups on every check.
The staff routers see every search text, so one such filter costs every update.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import Dispatcher, F, Router
from aiogram.types import Chat, Message

from cashbot.filters import TEXT, OnLoop
from cashbot.handlers import build_routers
from cashbot.routing import Blueprint
from cashbot.states import TakeDialog


def _routers(routers):
    for router in routers:
        yield router
        yield from _routers(router.sub_routers)


def _not_awaited(routers):
    """(router, event, handler, what) for every filter or handler aiogram would run in a thread."""
    found = []
    for router in _routers(routers):
        for event, observer in router.observers.items():
            for f in observer._handler.filters or []:
                if not f.awaitable:
                    found.append((router.name, event, "router filter", repr(f.callback)))
            for handler in observer.handlers:
                if not handler.awaitable:
                    found.append((router.name, event, handler.callback.__name__, "the handler itself"))
                for f in handler.filters or []:
                    if not f.awaitable:
                        found.append((router.name, event, handler.callback.__name__, repr(f.callback)))
    return found


# What the middleware used to put into handler data one by one; all of it lives in `ctx` now.
LOOSE = {"db", "settings", "clock", "notifier", "viewer", "is_admin", "is_developer", "app", "background"}


def _asking_loosely(routers):
    """(router, handler, what) for every handler or filter that asks for one of LOOSE or takes
    **kwargs (which hands it everything aiogram has)."""
    found = []
    for router in _routers(routers):
        for observer in router.observers.values():
            checks = [("router filter", f) for f in observer._handler.filters or []]
            for handler in observer.handlers:
                name = handler.callback.__name__
                checks += [(name, handler)] + [(name, f) for f in handler.filters or []]
            for name, callable_object in checks:
                if callable_object.varkw or callable_object.params & LOOSE:
                    found.append((router.name, name, sorted(callable_object.params & LOOSE) or "**kwargs"))
    return found


def test_handlers_and_filters_take_the_context_as_one_argument():
    assert _asking_loosely(build_routers()) == []


def test_the_context_check_finds_loose_arguments():
    router = Router(name="probe")

    @router.message()
    async def loose(message, db, viewer): ...

    @router.message()
    async def everything(message, **deps): ...

    @router.message()
    async def typed(message, ctx): ...

    assert _asking_loosely([router]) == [("probe", "loose", ["db", "viewer"]), ("probe", "everything", "**kwargs")]


def test_every_filter_and_handler_is_awaited_in_place():
    assert _not_awaited(build_routers()) == []


def _shape(routers):
    return [
        (router.name, event, [h.callback for h in observer.handlers], len(observer._handler.filters or []))
        for router in _routers(routers)
        for event, observer in router.observers.items()
    ]


def test_every_build_is_a_new_tree_with_the_same_handlers():
    """Tests and benchmarks build many apps in one process: each gets routers of its own."""
    first, second = build_routers(), build_routers()
    assert not {id(r) for r in _routers(first)} & {id(r) for r in _routers(second)}
    assert _shape(first) == _shape(second)
    assert sum(len(handlers) for _, _, handlers, _ in _shape(first)) > 50
    Dispatcher().include_routers(*first)
    Dispatcher().include_routers(*second)  # aiogram refuses a router that already has a parent


async def test_a_blueprint_builds_what_was_declared_on_it():
    blueprint = Blueprint(name="probe")
    only = OnLoop(F.text == "only")
    blueprint.message.filter(only)

    async def middleware(handler, event, data):
        return await handler(event, data)

    blueprint.callback_query.outer_middleware(middleware)

    @blueprint.message(TEXT, flags={"kind": "probe"})
    async def first(message): ...

    async def second(message): ...

    blueprint.message.register(second)
    router = blueprint.build()
    assert router.name == "probe" and router is not blueprint.build()
    assert [f.callback for f in router.message._handler.filters] == [only]
    assert [(h.callback, [f.callback for f in h.filters or []], h.flags) for h in router.message.handlers] == [
        (first, [TEXT], {"kind": "probe"}),
        (second, [], {}),
    ]
    assert list(router.callback_query.outer_middleware) == [middleware]
    assert not router.callback_query.handlers and not router.edited_message.handlers


def test_the_check_finds_what_aiogram_would_run_in_a_thread():
    router = Router(name="probe")

    @router.message(TakeDialog.location)
    async def state_as_filter(message): ...

    @router.message(F.text)
    async def bare_magic(message): ...

    @router.message(TEXT)
    async def wrapped(message): ...

    found = _not_awaited([router])
    assert [(name, handler) for name, _, handler, _ in found] == [("probe", "state_as_filter"), ("probe", "bare_magic")]


async def test_on_loop_answers_like_the_magic_filter():
    chat = Chat(id=1, type="private")
    text = Message(message_id=1, date=datetime.now(UTC), chat=chat, text="атол")
    command = Message(message_id=2, date=datetime.now(UTC), chat=chat, text="/mine")
    sticker = Message(message_id=3, date=datetime.now(UTC), chat=chat)
    typed = OnLoop(F.text & ~F.text.startswith("/"))
    assert await TEXT(text) and await TEXT(command) and not await TEXT(sticker)
    assert await typed(text) and not await typed(command) and not await typed(sticker)
