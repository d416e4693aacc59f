"""aiogram FSM storage kept in the bot's SQLite file.

Dialogs (FSM state + data) survive a restart or a ``kill -9``: every write goes
to disk before the call returns. Reads are served from a bounded in-memory
write-through cache, which is correct because this process is the only writer
of the ``fsm_state`` table.

Semantics mirror :class:`aiogram.fsm.storage.memory.MemoryStorage`, with one
deliberate difference: data must survive a JSON round trip unchanged.
Allowed values are ``dict`` (``str`` keys only), ``list``, ``str``, ``int``,
finite ``float``, ``bool`` and ``None``. Anything else -- ``datetime``/``date``
(store ``.isoformat()`` strings), ``Decimal``, ``set``, ``tuple`` (would come
back as a list), dicts with non-string keys (would come back with string keys),
NaN/inf -- raises :class:`TypeError` naming the offending key, instead of being
silently changed on disk.

``get_data``/``get_value`` return fresh objects: mutating them never changes
storage (deeper than MemoryStorage's shallow copy, so the cache cannot drift
from the disk).

Sharp edge: the cache trusts that nobody else writes ``fsm_state``. Code that
changes the table through another connection (a maintenance command, a
migration) must call :meth:`SQLiteStorage.invalidate` afterwards.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections import OrderedDict
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite
from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)

__all__ = ["SQLiteStorage", "create_table_sql", "TABLE"]

TABLE = "fsm_state"

# The table as migration 001 creates it, for tests that use the storage without migrating
# (the migration has its own copy: a migration stays as written when the code changes).
create_table_sql = """\
CREATE TABLE IF NOT EXISTS fsm_state (
    key        TEXT PRIMARY KEY,
    state      TEXT,
    data       TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
)"""

_EMPTY = "{}"
DEFAULT_CACHE_SIZE = 10_000

# (state, data as canonical JSON text). Keeping the text, not the dict, means
# every read decodes a fresh object and the cache always equals the disk.
_Record = tuple[str | None, str]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _check_json(value: Any, path: str, seen: set[int]) -> None:
    """Raise TypeError unless ``value`` survives json.dumps/loads unchanged."""
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError(f"FSM data {path} is {value!r}: NaN/inf are not JSON")
        return
    if isinstance(value, (dict, list)):
        if id(value) in seen:
            raise TypeError(f"FSM data {path} contains a circular reference")
        seen.add(id(value))
        if isinstance(value, dict):
            for k, v in value.items():
                if not isinstance(k, str):
                    raise TypeError(
                        f"FSM data {path} has non-string key {k!r} "
                        f"({type(k).__name__}); JSON would turn it into a string"
                    )
                _check_json(v, f"{path}[{k!r}]", seen)
        else:
            for i, v in enumerate(value):
                _check_json(v, f"{path}[{i}]", seen)
        seen.discard(id(value))
        return
    hint = ""
    if hasattr(value, "isoformat"):
        hint = "; store value.isoformat() and parse it back in the handler"
    elif isinstance(value, tuple):
        hint = "; it would come back as a list, store a list"
    raise TypeError(f"FSM data {path} is not JSON-serialisable: {type(value).__name__} {value!r}{hint}")


def _encode(data: Mapping[str, Any]) -> str:
    for k, v in data.items():
        if not isinstance(k, str):
            raise TypeError(
                f"FSM data key {k!r} ({type(k).__name__}) is not a string; JSON would turn it into a string"
            )
        _check_json(v, f"[{k!r}]", set())
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class SQLiteStorage(BaseStorage):
    """FSM storage in a SQLite table (see :data:`create_table_sql`).

    :param path: the SQLite database file (shared with the peewee data layer).
    :param key_builder: turns a :class:`StorageKey` into the row key; defaults
        to ``DefaultKeyBuilder(with_destiny=True, with_bot_id=True)``.
    :param cache_size: how many keys the LRU read cache keeps.
    """

    def __init__(
        self,
        path: str | Path,
        key_builder: KeyBuilder | None = None,
        *,
        cache_size: int = DEFAULT_CACHE_SIZE,
    ) -> None:
        if cache_size < 1:
            raise ValueError("cache_size must be at least 1")
        self.path = Path(path)
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True, with_bot_id=True)
        self.cache_size = cache_size
        self._cache: OrderedDict[str, _Record] = OrderedDict()
        self._conn: aiosqlite.Connection | None = None
        self._open_lock = asyncio.Lock()
        # Serialises writes and cache-miss loads, so a slow load can never put
        # a stale row into the cache over a newer write. Cache hits skip it.
        self._lock = asyncio.Lock()

    # -- connection ----------------------------------------------------------

    async def open(self) -> None:
        """Open the connection now (otherwise it opens on first use)."""
        await self._connection()

    async def _connection(self) -> aiosqlite.Connection:
        if self._conn is not None:
            return self._conn
        async with self._open_lock:
            if self._conn is None:
                # isolation_level=None: autocommit, every statement is its own
                # short transaction; no lock is ever held between awaits.
                conn = await aiosqlite.connect(self.path, isolation_level=None)
                try:
                    await conn.execute("PRAGMA busy_timeout=5000")
                    await conn.execute("PRAGMA journal_mode=WAL")
                    await conn.execute("PRAGMA synchronous=NORMAL")
                    async with conn.execute(
                        "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (TABLE,)
                    ) as cur:
                        if await cur.fetchone() is None:
                            raise RuntimeError(
                                f"table {TABLE!r} is missing in {self.path}: "
                                "run the migrations (or execute create_table_sql) first"
                            )
                except BaseException:
                    await conn.close()
                    raise
                self._conn = conn
        return self._conn

    async def close(self) -> None:
        """Close the connection and drop the cache. Using the storage again reopens it."""
        async with self._lock, self._open_lock:
            conn, self._conn = self._conn, None
            self._cache.clear()
            if conn is not None:
                await conn.close()

    def invalidate(self, key: StorageKey | None = None) -> None:
        """Forget cached rows (one key, or all) after someone else changed the table."""
        if key is None:
            self._cache.clear()
        else:
            self._cache.pop(self._key(key), None)

    # -- cache + disk --------------------------------------------------------

    def _key(self, key: StorageKey) -> str:
        return self.key_builder.build(key)

    def _remember(self, k: str, record: _Record) -> None:
        self._cache[k] = record
        self._cache.move_to_end(k)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    async def _load_locked(self, k: str) -> _Record:
        """Cached record for ``k``, reading the disk on a miss. Caller holds ``_lock``."""
        record = self._cache.get(k)
        if record is None:
            conn = await self._connection()
            rows = list(await conn.execute_fetchall(f"SELECT state, data FROM {TABLE} WHERE key = ?", (k,)))
            record = (rows[0][0], rows[0][1]) if rows else (None, _EMPTY)
        self._remember(k, record)
        return record

    async def _read(self, k: str) -> _Record:
        record = self._cache.get(k)
        if record is not None:
            self._cache.move_to_end(k)
            return record
        async with self._lock:
            return await self._load_locked(k)

    async def _write_locked(self, k: str, record: _Record) -> None:
        """Write the row to disk, then to the cache. Caller holds ``_lock``."""
        if self._cache.get(k) == record:
            return
        conn = await self._connection()
        state, data = record
        params: tuple[str | None, ...]
        try:
            if state is None and data == _EMPTY:
                sql, params = f"DELETE FROM {TABLE} WHERE key = ?", (k,)
            else:
                sql, params = (
                    f"INSERT INTO {TABLE} (key, state, data, updated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET state = excluded.state, "
                    "data = excluded.data, updated_at = excluded.updated_at",
                    (k, state, data, _now()),
                )
            # One trip to aiosqlite's thread; `async with conn.execute()` would take a second
            # one to close the cursor, and each trip wakes the event loop.
            await conn.execute_fetchall(sql, params)
        except BaseException:
            # Cancelled or failed: the worker thread may or may not have applied
            # the statement, so the cached row is no longer known to match the
            # disk. Forget it; the next read reloads.
            self._cache.pop(k, None)
            raise
        # Only after the disk accepted it: a failed write leaves the cache as the disk is.
        self._remember(k, record)

    # -- BaseStorage ---------------------------------------------------------

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        if value is not None and not isinstance(value, str):
            raise TypeError(f"FSM state must be a State, str or None, got {type(value).__name__}")
        k = self._key(key)
        async with self._lock:
            _, data = await self._load_locked(k)
            await self._write_locked(k, (value, data))

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._read(self._key(key)))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
            raise DataNotDictLikeError(msg)
        text = _encode(data)  # before any I/O: a bad value changes nothing
        k = self._key(key)
        async with self._lock:
            state, _ = await self._load_locked(k)
            await self._write_locked(k, (state, text))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return json.loads((await self._read(self._key(key)))[1])

    async def get_value(
        self,
        storage_key: StorageKey,
        dict_key: str,
        default: Any | None = None,
    ) -> Any | None:
        return (await self.get_data(storage_key)).get(dict_key, default)

    async def update_data(self, key: StorageKey, data: Mapping[str, Any]) -> dict[str, Any]:
        """Like ``dict.update``; atomic for the key even without event isolation."""
        k = self._key(key)
        async with self._lock:
            state, text = await self._load_locked(k)
            current = json.loads(text)
            current.update(data)
            new_text = _encode(current)
            await self._write_locked(k, (state, new_text))
        return json.loads(new_text)

    # -- maintenance ---------------------------------------------------------

    async def purge(self, older_than: timedelta) -> int:
        """Delete dialogs untouched for ``older_than``; return how many rows went."""
        cutoff = (datetime.now(UTC) - older_than).isoformat(timespec="seconds")
        async with self._lock:
            conn = await self._connection()
            rows = list(
                await conn.execute_fetchall(f"DELETE FROM {TABLE} WHERE updated_at < ? RETURNING key", (cutoff,))
            )
            for (k,) in rows:
                self._cache.pop(k, None)
        return len(rows)
