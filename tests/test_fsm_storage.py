"""SQLiteStorage: MemoryStorage parity, persistence, isolation of keys, cache, concurrency."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import DataNotDictLikeError
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from aiogram.methods import GetMe, SendMessage, TelegramMethod
from aiogram.types import Chat, Message, Update, User

from cashbot.fsm_storage import SQLiteStorage, create_table_sql

REPO = Path(__file__).resolve().parent.parent
BOT_ID = 123456
KEY = StorageKey(bot_id=BOT_ID, chat_id=1, user_id=1)


class Form(StatesGroup):
    name = State()
    age = State()


def make_db(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute(create_table_sql)
    conn.close()
    return path


def rows(path: Path) -> dict[str, tuple[str | None, Any]]:
    """What is on disk, read by an independent connection."""
    conn = sqlite3.connect(path)
    try:
        return {k: (s, json.loads(d)) for k, s, d in conn.execute("SELECT key, state, data FROM fsm_state")}
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_db(tmp_path / "bot.sqlite3")


@pytest.fixture
async def storage(db: Path) -> AsyncIterator[SQLiteStorage]:
    s = SQLiteStorage(db)
    yield s
    await s.close()


# -- parity with MemoryStorage --------------------------------------------------

OTHER_KEYS = [
    StorageKey(bot_id=BOT_ID, chat_id=1, user_id=1, destiny="other"),
    StorageKey(bot_id=BOT_ID + 1, chat_id=1, user_id=1),
    StorageKey(bot_id=BOT_ID, chat_id=2, user_id=1),
    StorageKey(bot_id=BOT_ID, chat_id=1, user_id=2),
    StorageKey(bot_id=BOT_ID, chat_id=1, user_id=1, thread_id=7),
]


async def scenario(s: BaseStorage) -> list[Any]:
    """Every read result along a scenario that exercises each documented rule."""
    out: list[Any] = []

    async def snap(key: StorageKey = KEY) -> None:
        out.append((await s.get_state(key), await s.get_data(key)))

    await snap()  # nothing yet: (None, {})
    await s.set_data(KEY, {"a": 1})
    await snap()
    await s.set_state(KEY, Form.name)  # State object stored as its string
    await snap()
    await s.set_state(KEY, None)  # clears state, keeps data
    await snap()
    await s.set_state(KEY, "Form:age")  # plain string
    await s.set_data(KEY, {})  # clears data, keeps state
    await snap()
    out.append(await s.update_data(KEY, {"b": [1, 2], "c": "ккт"}))
    out.append(await s.update_data(KEY, {"b": 3}))
    out.append(await s.get_value(KEY, "b"))
    out.append(await s.get_value(KEY, "missing"))
    out.append(await s.get_value(KEY, "missing", 7))

    # Returned dicts are copies.
    got = await s.get_data(KEY)
    got["b"] = "mutated"
    got["new"] = 1
    returned = await s.update_data(KEY, {"d": {"x": 1}})
    returned["d"] = None
    await snap()
    source = {"e": 1}
    await s.set_data(KEY, source)
    source["e"] = 2  # mutating what was passed in does not reach storage
    await snap()
    value = await s.get_value(KEY, "e")
    out.append(value)

    # Every other key is independent of KEY and of each other.
    for i, other in enumerate(OTHER_KEYS):
        await snap(other)
        await s.set_state(other, f"S:{i}")
        await s.update_data(other, {"i": i})
    await snap()
    for other in OTHER_KEYS:
        await snap(other)

    # FSMContext.clear() on every key.
    for key in [KEY, *OTHER_KEYS]:
        await FSMContext(s, key).clear()
        await snap(key)

    with pytest.raises(DataNotDictLikeError):
        await s.set_data(KEY, [("a", 1)])  # type: ignore[arg-type]
    await snap()
    return out


async def test_same_results_as_memory_storage(storage: SQLiteStorage, db: Path) -> None:
    expected = await scenario(MemoryStorage())
    assert await scenario(storage) == expected
    # The reads were not all served from cache: a fresh instance sees the same final state.
    assert await scenario_state(SQLiteStorage(db)) == await scenario_state(storage)


async def scenario_state(s: SQLiteStorage) -> list[Any]:
    try:
        return [(await s.get_state(k), await s.get_data(k)) for k in [KEY, *OTHER_KEYS]]
    finally:
        await s.close()


async def test_every_key_component_is_a_separate_row(storage: SQLiteStorage, db: Path) -> None:
    for i, key in enumerate([KEY, *OTHER_KEYS]):
        await storage.set_state(key, f"S:{i}")
    on_disk = rows(db)
    assert len(on_disk) == 1 + len(OTHER_KEYS)
    assert on_disk[f"fsm:{BOT_ID}:1:1:default"] == ("S:0", {})
    assert on_disk[f"fsm:{BOT_ID}:1:1:other"] == ("S:1", {})


async def test_empty_rows_are_deleted(storage: SQLiteStorage, db: Path) -> None:
    await storage.set_state(KEY, Form.name)
    await storage.update_data(KEY, {"a": 1})
    await storage.set_state(KEY, None)
    assert len(rows(db)) == 1  # data still there
    await storage.set_data(KEY, {})
    assert rows(db) == {}
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}


async def test_nested_values_are_copies_too(storage: SQLiteStorage, db: Path) -> None:
    await storage.set_data(KEY, {"items": [1, 2], "m": {"k": "v"}})
    got = await storage.get_data(KEY)
    got["items"].append(3)
    got["m"]["k"] = "changed"
    (await storage.get_value(KEY, "items")).append(4)
    assert await storage.get_data(KEY) == {"items": [1, 2], "m": {"k": "v"}}
    assert rows(db)[storage.key_builder.build(KEY)][1] == {"items": [1, 2], "m": {"k": "v"}}


# -- persistence ------------------------------------------------------------------


async def test_new_instance_sees_what_the_previous_one_wrote(db: Path) -> None:
    first = SQLiteStorage(db)
    await first.set_state(KEY, Form.age)
    await first.update_data(KEY, {"name": "Аня", "n": 1.5, "ok": True, "none": None})
    await first.close()

    second = SQLiteStorage(db)
    try:
        assert await second.get_state(KEY) == Form.age.state
        assert await second.get_data(KEY) == {"name": "Аня", "n": 1.5, "ok": True, "none": None}
    finally:
        await second.close()


async def test_new_instance_sees_writes_of_one_never_closed(db: Path) -> None:
    first = SQLiteStorage(db)
    second = SQLiteStorage(db)
    try:
        await first.set_state(KEY, Form.name)
        await first.update_data(KEY, {"step": 1})
        assert await second.get_state(KEY) == Form.name.state
        assert await second.get_data(KEY) == {"step": 1}
    finally:
        await first.close()
        await second.close()


KILLED_WRITER = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from aiogram.fsm.storage.base import StorageKey
    from cashbot.fsm_storage import SQLiteStorage

    async def main():
        s = SQLiteStorage(sys.argv[1])
        key = StorageKey(bot_id=1, chat_id=5, user_id=5)
        await s.set_state(key, "Form:age")
        await s.update_data(key, {"name": "Boris"})
        os.kill(os.getpid(), signal.SIGKILL)  # no close, no checkpoint, no atexit

    asyncio.run(main())
    """
)


async def test_survives_kill_9(db: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(db)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert Path(f"{db}-wal").exists()  # the write lives only in the WAL so far

    after = SQLiteStorage(db)
    try:
        key = StorageKey(bot_id=1, chat_id=5, user_id=5)
        assert await after.get_state(key) == "Form:age"
        assert await after.get_data(key) == {"name": "Boris"}
    finally:
        await after.close()


async def test_missing_table_is_a_clear_error(tmp_path: Path) -> None:
    s = SQLiteStorage(tmp_path / "empty.sqlite3")
    with pytest.raises(RuntimeError, match="fsm_state"):
        await s.get_state(KEY)
    await s.close()


async def test_pragmas(storage: SQLiteStorage) -> None:
    await storage.open()
    conn = storage._conn
    assert conn is not None
    results = {}
    for name in ("journal_mode", "busy_timeout", "synchronous"):
        async with conn.execute(f"PRAGMA {name}") as cur:
            results[name] = (await cur.fetchone())[0]
    assert results == {"journal_mode": "wal", "busy_timeout": 5000, "synchronous": 1}


async def test_reopens_after_close(storage: SQLiteStorage) -> None:
    await storage.set_state(KEY, "A:b")
    await storage.close()
    assert await storage.get_state(KEY) == "A:b"


# -- data must be JSON ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"when": date(2024, 5, 1)}, r"'when'.*date.*isoformat"),
        ({"when": datetime(2024, 5, 1, tzinfo=UTC)}, r"'when'.*datetime.*isoformat"),
        ({"outer": {"inner": [1, {1, 2}]}}, r"\['outer'\]\['inner'\]\[1\].*set"),
        ({"pair": (1, 2)}, r"'pair'.*tuple.*list"),
        ({"by_id": {5: "x"}}, r"'by_id'.*non-string key 5"),
        ({7: "x"}, r"key 7"),
        ({"x": float("nan")}, r"'x'.*nan"),
        ({"obj": object()}, r"'obj'.*object"),
    ],
)
async def test_non_json_data_is_rejected_and_changes_nothing(
    storage: SQLiteStorage, db: Path, data: dict[Any, Any], message: str
) -> None:
    await storage.set_state(KEY, Form.name)
    await storage.set_data(KEY, {"keep": 1})
    with pytest.raises(TypeError, match=message):
        await storage.set_data(KEY, data)
    with pytest.raises(TypeError, match=message):
        await storage.update_data(KEY, data)
    assert await storage.get_data(KEY) == {"keep": 1}
    assert rows(db) == {storage.key_builder.build(KEY): (Form.name.state, {"keep": 1})}


async def test_circular_data_is_rejected(storage: SQLiteStorage) -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(TypeError, match="circular"):
        await storage.set_data(KEY, {"loop": loop})


async def test_state_must_be_a_string(storage: SQLiteStorage) -> None:
    with pytest.raises(TypeError):
        await storage.set_state(KEY, 5)  # type: ignore[arg-type]


# -- cache ------------------------------------------------------------------------


async def test_reads_come_from_cache_after_first_read(storage: SQLiteStorage, db: Path) -> None:
    await storage.set_state(KEY, Form.name)
    await storage.update_data(KEY, {"a": 1})
    assert await storage.get_state(KEY) == Form.name.state
    # Change the disk behind the storage's back: the cache still answers...
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM fsm_state")
    conn.commit()
    conn.close()
    assert await storage.get_state(KEY) == Form.name.state
    assert await storage.get_data(KEY) == {"a": 1}
    # ...until told to forget.
    storage.invalidate(KEY)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}


async def test_cache_is_bounded_and_evicted_keys_reload(db: Path) -> None:
    s = SQLiteStorage(db, cache_size=10)
    try:
        keys = [StorageKey(bot_id=BOT_ID, chat_id=i, user_id=i) for i in range(50)]
        for i, key in enumerate(keys):
            await s.set_state(key, f"S:{i}")
            await s.update_data(key, {"i": i})
            assert len(s._cache) <= 10
        for i, key in enumerate(keys):
            assert await s.get_state(key) == f"S:{i}"
            assert await s.get_data(key) == {"i": i}
            assert len(s._cache) <= 10
        # Unknown keys are cached as "empty" too, still within the bound.
        for i in range(100, 130):
            assert await s.get_state(StorageKey(bot_id=BOT_ID, chat_id=i, user_id=i)) is None
        assert len(s._cache) <= 10
    finally:
        await s.close()


async def test_cache_always_matches_disk(storage: SQLiteStorage, db: Path) -> None:
    keys = [StorageKey(bot_id=BOT_ID, chat_id=i, user_id=i) for i in range(20)]
    for step in range(5):
        for i, key in enumerate(keys):
            if (i + step) % 3 == 0:
                await FSMContext(storage, key).clear()
            elif (i + step) % 3 == 1:
                await storage.set_state(key, f"S:{step}")
            else:
                await storage.update_data(key, {str(step): i})
        on_disk = rows(db)
        for key in keys:
            k = storage.key_builder.build(key)
            cached_state, cached_data = storage._cache[k]
            assert on_disk.get(k, (None, {})) == (cached_state, json.loads(cached_data))


async def test_cancelled_write_does_not_leave_a_stale_cache(storage: SQLiteStorage) -> None:
    await storage.set_state(KEY, "A:old")
    task = asyncio.create_task(storage.set_state(KEY, "A:new"))
    await asyncio.sleep(0)  # let it reach the database call
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    fresh = SQLiteStorage(storage.path)
    try:
        # Whatever the disk ended up with, this instance reports the same.
        assert await storage.get_state(KEY) == await fresh.get_state(KEY)
    finally:
        await fresh.close()


async def test_purge_removes_old_dialogs(storage: SQLiteStorage, db: Path) -> None:
    old = StorageKey(bot_id=BOT_ID, chat_id=9, user_id=9)
    await storage.set_state(old, "A:old")
    await storage.set_state(KEY, "A:new")
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE fsm_state SET updated_at = '2000-01-01T00:00:00+00:00' WHERE key = ?",
        (storage.key_builder.build(old),),
    )
    conn.commit()
    conn.close()
    assert await storage.purge(timedelta(days=30)) == 1
    assert await storage.get_state(old) is None
    assert await storage.get_state(KEY) == "A:new"


# -- concurrency ------------------------------------------------------------------


async def test_100_tasks_writing_100_keys(storage: SQLiteStorage, db: Path) -> None:
    keys = [StorageKey(bot_id=BOT_ID, chat_id=i, user_id=i) for i in range(100)]

    async def dialog(i: int, key: StorageKey) -> None:
        await storage.set_state(key, Form.name)
        await storage.update_data(key, {"name": f"user{i}"})
        await asyncio.sleep(0)
        await storage.set_state(key, Form.age)
        await storage.update_data(key, {"age": i})
        await storage.set_data(key, {**await storage.get_data(key), "done": True})

    await asyncio.gather(*(dialog(i, key) for i, key in enumerate(keys)))

    expected = {
        storage.key_builder.build(key): (Form.age.state, {"name": f"user{i}", "age": i, "done": True})
        for i, key in enumerate(keys)
    }
    assert rows(db) == expected
    fresh = SQLiteStorage(db)
    try:
        for key in keys:
            assert (
                await storage.get_data(key) == await fresh.get_data(key) == expected[storage.key_builder.build(key)][1]
            )
    finally:
        await fresh.close()


async def test_concurrent_update_data_on_one_key_loses_nothing(storage: SQLiteStorage, db: Path) -> None:
    await asyncio.gather(*(storage.update_data(KEY, {f"t{i}": i}) for i in range(100)))
    expected = {f"t{i}": i for i in range(100)}
    assert await storage.get_data(KEY) == expected
    assert rows(db)[storage.key_builder.build(KEY)] == (None, expected)


async def test_waits_for_another_connections_write_lock(storage: SQLiteStorage, db: Path) -> None:
    await storage.open()
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # like a peewee write transaction on the db thread
    asyncio.get_running_loop().call_later(0.2, other.execute, "COMMIT")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    t = asyncio.create_task(ticker())
    try:
        await storage.set_state(KEY, Form.name)  # waits on busy_timeout off the loop
    finally:
        t.cancel()
        other.close()
    assert ticks > 1  # the event loop kept running while the write waited
    assert rows(db)[storage.key_builder.build(KEY)] == (Form.name.state, {})


# -- through a real Dispatcher --------------------------------------------------


class StubSession(BaseSession):
    """Answers sendMessage/getMe locally and records what the bot sent."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        if isinstance(method, SendMessage):
            self.sent.append(method.text)
            return Message(
                message_id=len(self.sent) + 1000,
                date=datetime.now(UTC),
                chat=Chat(id=int(method.chat_id), type="private"),
                text=method.text,
            )
        if isinstance(method, GetMe):
            return User(id=bot.id, is_bot=True, first_name="cashbot", username="cashbot")
        raise AssertionError(f"unexpected API call {type(method).__name__}")

    async def close(self) -> None:
        pass

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        raise AssertionError("no downloads expected")
        yield b""


def form_router() -> Router:
    router = Router()

    @router.message(Command("start"))
    async def start(message: Message, state: FSMContext) -> None:
        await state.set_state(Form.name)
        await message.answer("name?")

    @router.message(Form.name, F.text)
    async def got_name(message: Message, state: FSMContext) -> None:
        await state.update_data(name=message.text)
        await state.set_state(Form.age)
        await message.answer("age?")

    @router.message(Form.age, F.text)
    async def got_age(message: Message, state: FSMContext) -> None:
        data = await state.get_data()
        await state.clear()
        await message.answer(f"{data['name']} is {message.text}")

    return router


def text_update(update_id: int, user_id: int, text: str) -> Update:
    user = User(id=user_id, is_bot=False, first_name="U")
    return Update(
        update_id=update_id,
        message=Message(
            message_id=update_id,
            date=datetime.now(UTC),
            chat=Chat(id=user_id, type="private"),
            from_user=user,
            text=text,
        ),
    )


async def test_dialog_continues_in_a_new_dispatcher(db: Path) -> None:
    session = StubSession()
    bot = Bot(f"{BOT_ID}:TEST-token", session=session)

    first_storage = SQLiteStorage(db)
    dp1 = Dispatcher(storage=first_storage, events_isolation=SimpleEventIsolation())
    dp1.include_router(form_router())
    await dp1.feed_update(bot, text_update(1, 42, "/start"))
    await dp1.feed_update(bot, text_update(2, 42, "Аня"))
    assert session.sent == ["name?", "age?"]
    # dp1 is abandoned without shutdown, as after a crash.

    second_storage = SQLiteStorage(db)
    dp2 = Dispatcher(storage=second_storage, events_isolation=SimpleEventIsolation())
    dp2.include_router(form_router())
    try:
        key = StorageKey(bot_id=BOT_ID, chat_id=42, user_id=42)
        assert await second_storage.get_state(key) == Form.age.state
        await dp2.feed_update(bot, text_update(3, 42, "30"))
        assert session.sent == ["name?", "age?", "Аня is 30"]
        assert await second_storage.get_state(key) is None
        assert rows(db) == {}  # a finished dialog leaves no row behind
    finally:
        await first_storage.close()
        await dp2.emit_shutdown(bot=bot)  # closes second_storage, as polling shutdown does
        await bot.session.close()
    assert second_storage._conn is None
