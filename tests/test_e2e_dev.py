"""End to end: the developer role against the real process and the Bot API double."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from cashbot.db.models import Loan
from cashbot.services.device_csv import parse_devices
from tests.double.process import REPO_ROOT
from tests.seed import device, person, seed_file
from tests.support import DEV_KINDS

pytestmark = pytest.mark.e2e

DEV, CODE = 900, "k9-Lm2-Qx7"
NOW = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)  # 10:00 in Moscow


def _fleet():
    alice = person(101, "Алиса", "alice@example.ru")
    held = device(1, "MSPOS-N", "Онлайн-касса", firmware="5.1", comment="после ремонта", registered_on=date(2025, 3, 1))
    device(2, "Verifone X990", "Терминал эквайринга", location="Склад")
    device(3, "Сканер Honeywell", "Сканер")
    Loan.create(
        device=held, person=alice, taken_at=NOW - timedelta(days=2), due_on=date(2026, 12, 10), location="Офис клиента"
    )


def _fleet_and_tablets():
    _fleet()
    for number in range(10, 22):  # free devices the newcomers take while a backup runs
        device(number, f"Планшет {number}", "Планшет")


def _read(db_path, sql):
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def _cli(db_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASHBOT_")}
    env.update(
        CASHBOT_DATABASE__PATH=str(db_path),
        CASHBOT_SECRETS_DIR=str(db_path.parent / "no-secrets"),
        CASHBOT_CLOCK_FILE="/nonexistent",
    )
    return subprocess.run(
        [sys.executable, "-m", "cashbot", *args], cwd=REPO_ROOT, env=env, capture_output=True, timeout=60
    )


def _dev_events(db_path):
    kinds = ", ".join(f"'{k}'" for k in DEV_KINDS)
    return [row[0] for row in _read(db_path, f"SELECT kind FROM events WHERE kind IN ({kinds}) ORDER BY id")]


def _take(user, number):
    """The staff flow's three taps: Take, no return date, no place."""
    user.send(f"/start d{number}")
    user.press(user.wait_for(lambda m: m.text.startswith(f"№{number} · "), include_edits=False), "Взять")
    user.press(user.wait_for("До какого числа"), "Без срока")
    user.press(user.wait_for("Где будет"), "Пропустить")
    user.wait_for("У вас")


def test_developer_gets_logs_export_and_a_consistent_backup_while_people_take_devices(bot_factory, api):
    bot = bot_factory(start=False, developers=[DEV], now=NOW, env={"CASHBOT_DEV_CODE": CODE})
    seed_file(bot.db_path, _fleet_and_tablets)
    bot.start()
    dev = api.user(DEV, "Dev")
    dev.send("/dev")
    menu = dev.wait_for("Инструменты разработчика")

    dev.press(menu, "Конец лога")
    assert "cashbot started" in dev.wait_for("Последние строки лога").text
    dev.press(menu, "Лог файлом")
    log = dev.wait_for(lambda m: m.document is not None)
    assert log.document.file_name == "cashbot.log" and "cashbot started" in log.document.text

    dev.press(menu, "Устройства (CSV)")
    export = dev.wait_for(lambda m: m.document is not None).document
    rows = {r.number: r for r in parse_devices(export.data, today=NOW.date()).rows}
    assert sorted(rows) == [1, 2, 3, *range(10, 22)]
    assert (rows[1].holder_email, rows[1].due_date, rows[1].location) == (
        "alice@example.ru",
        date(2026, 12, 10),
        "Офис клиента",
    )
    assert rows[2].holder_email is None and rows[2].location == "Склад"
    # Re-import into an empty database with the self-hoster's CLI: the same file comes back.
    csv_path, empty = bot.workdir / "export.csv", bot.workdir / "empty" / "cashbot.sqlite3"
    csv_path.write_bytes(export.data)
    assert _cli(empty, "import", str(csv_path), "--apply").returncode == 0
    assert _cli(empty, "export").stdout == export.data
    assert _read(
        empty,
        "SELECT d.number, p.email, l.due_on FROM loans l JOIN devices d ON d.id = l.device_id "
        "JOIN people p ON p.id = l.person_id WHERE l.returned_at IS NULL",
    ) == [(1, "alice@example.ru", "2026-12-10")]

    # A backup while twelve people take devices at once (each take writes a loan and its event
    # in one transaction: a consistent copy has exactly one "take" event per new open loan).
    newcomers = [api.user(300 + i, f"Новичок {i}") for i in range(12)]
    for user in newcomers:
        user.send("/start")
    for i, user in enumerate(newcomers):
        user.wait_for("рабочую почту")
        user.send(f"new{i}@example.ru")
    for user in newcomers:
        user.wait_for("зарегистрированы")

    takers = [threading.Thread(target=_take, args=(user, 10 + i)) for i, user in enumerate(newcomers)]
    for thread in takers:
        thread.start()
    dev.press(menu, "Резервная копия")
    backup = dev.wait_for(lambda m: m.document is not None and "Резервная копия" in m.text).document
    for thread in takers:
        thread.join()
    copy = bot.workdir / "copy.sqlite3"
    copy.write_bytes(backup.data)
    assert _read(copy, "PRAGMA integrity_check") == [("ok",)]
    taken = _read(copy, "SELECT count(*) FROM events WHERE kind = 'take'")[0][0]
    assert _read(copy, "SELECT count(*) FROM loans WHERE returned_at IS NULL") == [(1 + taken,)]
    assert _read(bot.db_path, "SELECT count(*) FROM loans WHERE returned_at IS NULL") == [(13,)]

    dev.press(menu, "Миграции")
    assert "001_initial" in dev.wait_for("Миграции").text

    # The daily backup ran on the first tick (10:00 is after the default 03:00), once.
    daily = list((bot.workdir / "backups").glob("*-daily.sqlite3"))
    assert len(daily) == 1
    assert bot.stop() == 0
    assert _dev_events(bot.db_path) == ["dev_logs", "dev_logs", "dev_export", "dev_backup", "dev_migrations"]
    events = _read(bot.db_path, "SELECT details FROM events WHERE kind = 'dev_backup'")
    assert json.loads(events[0][0])["telegram_id"] == DEV


def test_reset_needs_the_right_code_deletes_it_and_locks_out_after_three_wrong(bot_factory, api):
    bot = bot_factory(start=False, developers=[DEV], now=NOW, env={"CASHBOT_DEV_CODE": CODE})
    seed_file(bot.db_path, _fleet)
    bot.start()
    dev = api.user(DEV, "Dev")
    dev.send("/dev")
    menu = dev.wait_for("Инструменты разработчика")
    dev.press(menu, "Сбросить базу")
    dev.wait_for("код подтверждения")
    for attempt in (1, 2, 3):
        sent = dev.send(f"guess-{attempt}")
        dev.wait_deleted(sent)
        dev.wait_for("Неверный код")
    assert "заблокированы до 10:15" in dev.last_message().text
    query = dev.press(menu, "Сбросить базу")
    assert "до 10:15" in dev.wait_answer(query)["text"]
    assert _read(bot.db_path, "SELECT count(*) FROM devices") == [(3,)]

    bot.set_now(NOW + timedelta(minutes=16))
    dev.press(menu, "Сбросить базу")
    dev.wait_for("код подтверждения")
    sent = dev.send(CODE)
    dev.wait_deleted(sent)
    done = dev.wait_for("База сброшена")
    assert "before-reset" in done.text
    assert _read(bot.db_path, "SELECT count(*) FROM devices") == [(0,)]
    assert _read(bot.db_path, "SELECT count(*) FROM people") == [(0,)]
    before = list((bot.workdir / "backups").glob("*-before-reset.sqlite3"))
    assert len(before) == 1 and _read(before[0], "SELECT count(*) FROM devices") == [(3,)]

    # The running bot works on the new database: Alice (known before) is a stranger now.
    alice = api.user(101, "Алиса")
    alice.send("/start")
    alice.wait_for("рабочую почту")
    alice.send("alice@example.ru")
    alice.wait_for("зарегистрированы")
    assert bot.stop() == 0
    assert CODE not in bot.output() and CODE not in (bot.log_dir / "cashbot.log").read_text("utf-8")


def test_non_developers_get_nothing_from_dev_commands_or_forged_callbacks(bot_factory, api):
    bot = bot_factory(start=False, developers=[DEV], admins=[700], now=NOW, env={"CASHBOT_DEV_CODE": CODE})
    seed_file(bot.db_path, _fleet)
    bot.start()
    staff, admin, stranger = api.user(101, "Алиса"), api.user(700, "Админ"), api.user(555, "Чужой")
    for user, email in ((staff, None), (admin, "admin@example.ru")):
        user.send("/start")
        user.wait_for(lambda m: True)
        if email:
            user.send(email)
            user.wait_for("зарегистрированы")
    stranger.send("/start")
    stranger.wait_for("рабочую почту")

    for user in (staff, admin, stranger):
        user.send("/qqq")
        unknown = user.wait_for(lambda m: True).text
        user.send("/dev")
        assert user.wait_for(lambda m: True).text == unknown.replace("qqq", "dev")
        if user is not stranger:  # active people: exactly the failed-search reply
            assert "По запросу «/dev» ничего не нашлось" in unknown.replace("qqq", "dev")
        for action in ("logfile", "logtail", "export", "backup", "migrations", "dump", "delfree", "reset"):
            answer = user.wait_answer(user.forge_press(f"dv:{action}"))
            assert "код" not in (answer["text"] or "")
        user.send(CODE)  # no code dialog was opened by the forgeries
        user.wait_for(lambda m: True)
        assert all(m.document is None for m in user.messages())
        assert not any("Инструменты" in m.text or "код подтверждения" in m.text for m in user.messages())
    assert bot.stop() == 0
    assert _dev_events(bot.db_path) == []
    assert _read(bot.db_path, "SELECT count(*) FROM devices WHERE deleted_at IS NULL") == [(3,)]
    assert not list((bot.workdir / "backups").glob("*-manual.sqlite3"))
