"""`python -m cashbot` subcommands: exit codes, one-line errors, what each writes."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime

import pytest

from cashbot.services.device_csv import parse_devices
from tests.double.process import REPO_ROOT
from tests.double.server import BotApiDouble
from tests.seed import device, person, seed_file
from tests.support import TOKEN, one_line


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, "telegram.token is not set"),
        ({"CASHBOT_TELEGRAM__TOKEN": "12345"}, "malformed token"),
        ({"CASHBOT_TELEGRAM__TOKEN": TOKEN, "CASHBOT_TIMEZONE": "Mars/Olympus"}, "unknown time zone"),
        ({"CASHBOT_TELEGRAM__TOKEN": TOKEN, "CASHBOT_CONFIG": "missing.toml"}, "not found"),
    ],
)
def test_run_with_bad_config_says_what_to_fix_inone_line(cli, env, expected):
    code, out, err = cli("run", **env)
    assert code == 2 and expected in one_line(err)


def test_unknown_key_in_the_config_file(cli, tmp_path):
    (tmp_path / "cashbot.toml").write_text('timezone = "Europe/Moscow"\nadmin = [1]\n')
    code, _, err = cli("run", CASHBOT_TELEGRAM__TOKEN=TOKEN)
    assert code == 2 and "admin: unknown key" in one_line(err)


def test_migrate_applies_then_reports_status(cli):
    code, out, _ = cli("migrate")
    assert code == 0 and "001_initial" in out
    code, out, _ = cli("migrate")
    assert code == 0 and "up to date" in out
    code, out, _ = cli("migrate", "--status")
    assert code == 0 and "applied: 001_initial" in out and "pending: -" in out


def test_check_healthy_and_broken(cli, tmp_path):
    cli("migrate")
    code, out, _ = cli("check", CASHBOT_TELEGRAM__TOKEN=TOKEN)
    assert code == 0 and "integrity ok" in out and "devices: 0" in out
    (tmp_path / "data" / "cashbot.sqlite3").write_bytes(b"this is not a database" * 100)
    code, _, err = cli("check")
    assert code == 1 and "check failed" in one_line(err)


def test_check_without_a_token_fails(cli):
    cli("migrate")
    code, out, _ = cli("check")
    assert code == 1 and "token: MISSING" in out


def _seed_two_devices(path):
    def build():
        alice = person(101, "Алиса", "alice@example.ru")
        held = device(1, "MSPOS-N", "Онлайн-касса")
        device(2, "Эвотор 7.2", "Онлайн-касса")
        from cashbot.db.models import Loan

        Loan.create(device=held, person=alice, taken_at=datetime(2026, 11, 20, tzinfo=UTC), due_on=date(2026, 12, 20))

    seed_file(path, build)


def test_export_to_a_file_and_to_stdout(cli, tmp_path):
    _seed_two_devices(tmp_path / "data" / "cashbot.sqlite3")
    code, _, err = cli("export", str(tmp_path / "devices.csv"))
    assert code == 0 and "exported 2 device(s)" in err
    parsed = parse_devices((tmp_path / "devices.csv").read_bytes(), today=date(2026, 11, 27))
    assert parsed.ok and [(r.number, r.holder_email) for r in parsed.rows] == [(1, "alice@example.ru"), (2, None)]
    # stdout, from the real process: the bytes can be piped into a file as they are
    env = {k: v for k, v in os.environ.items() if k.startswith("CASHBOT_") or k == "PATH"}
    result = subprocess.run(
        [sys.executable, "-m", "cashbot", "export"], cwd=REPO_ROOT, env=env, capture_output=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout == (tmp_path / "devices.csv").read_bytes()


def test_export_header_language(cli, tmp_path):
    _seed_two_devices(tmp_path / "data" / "cashbot.sqlite3")
    for language, first in (("en", b"Number;Name;Category;"), ("ru", "Номер;Название;".encode())):
        target = tmp_path / f"devices-{language}.csv"
        code, _, err = cli("export", "--language", language, str(target))
        assert code == 0, err
        data = target.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf" + first)
        parsed = parse_devices(data, today=date(2026, 11, 27))
        assert parsed.ok and [(r.number, r.holder_email) for r in parsed.rows] == [(1, "alice@example.ru"), (2, None)]
    default = tmp_path / "devices.csv"
    assert cli("export", str(default))[0] == 0
    assert default.read_bytes() == (tmp_path / "devices-ru.csv").read_bytes()  # the config's language
    code, _, err = cli("export", "--language", "de")
    assert code == 2 and "ru or en" in err


def test_export_without_a_database_fails(cli, tmp_path):
    code, _, err = cli("export")
    assert code == 1 and "does not exist" in one_line(err)
    assert not (tmp_path / "data" / "cashbot.sqlite3").exists()


def test_backup_default_and_explicit_file_open_with_the_data(cli, tmp_path):
    _seed_two_devices(tmp_path / "data" / "cashbot.sqlite3")
    code, out, _ = cli("backup")
    assert code == 0
    made = list((tmp_path / "data" / "backups").glob("cashbot-*-manual.sqlite3"))
    assert len(made) == 1 and str(made[0]) in out
    code, out, _ = cli("backup", str(tmp_path / "copy.sqlite3"))
    assert code == 0
    for path in (made[0], tmp_path / "copy.sqlite3"):
        copy = sqlite3.connect(path)
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM devices").fetchone()[0] == 2
        assert copy.execute("SELECT count(*) FROM loans").fetchone()[0] == 1
        copy.close()


def test_backup_of_a_missing_database_fails(cli):
    code, _, err = cli("backup")
    assert code == 1 and "does not exist" in one_line(err)


def test_restore_procedure_stop_copy_start_brings_the_old_data_back(cli, tmp_path):
    """docs/operations.md: stop the bot, copy the backup over the database, start it."""
    db_path = tmp_path / "data" / "cashbot.sqlite3"
    _seed_two_devices(db_path)
    cli("backup", str(tmp_path / "good.sqlite3"))
    changed = sqlite3.connect(db_path)
    changed.execute("UPDATE devices SET name = 'испорчено'")
    changed.commit()
    changed.close()
    # restore: (bot stopped) remove the -wal/-shm leftovers, copy the backup in place
    for leftover in (db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    db_path.write_bytes((tmp_path / "good.sqlite3").read_bytes())
    code, out, _ = cli("check", CASHBOT_TELEGRAM__TOKEN=TOKEN)
    assert code == 0 and "devices: 2" in out
    code, out, _ = cli("export")
    assert "испорчено" not in out and "MSPOS-N" in out


@pytest.mark.parametrize("command", ["run", "migrate", "check", "export", "backup"])
def test_every_subcommand_has_help(command):
    result = subprocess.run(
        [sys.executable, "-m", "cashbot", command, "--help"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and f"python -m cashbot {command}" in result.stdout


@pytest.mark.e2e  # starts the bot process
def test_real_process_exit_code_for_a_bad_config(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASHBOT_")}
    env.update(CASHBOT_SECRETS_DIR=str(tmp_path), CASHBOT_TELEGRAM__TOKEN="nope", PYTHONPATH=str(REPO_ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "cashbot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "malformed token" in one_line(result.stderr)


# ------------------------------------------------------------------------------ import exit codes

IMPORT_HEADER = "Номер;Название;Категория;Серийный номер;Email держателя;Дата возврата\n"


@pytest.fixture
def import_cli(cli, tmp_path):
    (tmp_path / "clock").write_text("2026-11-27T10:00:00+03:00")

    def run(*argv: str):
        return cli("import", *argv, CASHBOT_CLOCK_FILE=str(tmp_path / "clock"))

    return run


def test_import_exit_codes_done_refused_usage(import_cli, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(IMPORT_HEADER + "1;Касса;Весы;S1;;\n", encoding="utf-8")
    bad.write_text(IMPORT_HEADER + "abc;Касса;Весы;S1;;\n", encoding="utf-8")
    assert import_cli(str(good))[0] == 0
    code, out, _ = import_cli(str(bad), "--apply")
    assert code == 1 and "Строка 2, «Номер»" in out
    code, _, err = import_cli(str(tmp_path / "missing.csv"))
    assert code == 2 and "no such file" in one_line(err)
    code, _, err = import_cli(str(tmp_path))  # a directory
    assert code == 2 and str(tmp_path) in one_line(err)


def test_import_broken_files_are_refused_not_crashed(import_cli, tmp_path):
    for name, data in {
        "inch.csv": (IMPORT_HEADER.rstrip("\n") + ';Экран 10"\n' + "1;К;Весы;S1;;;да\n").encode(),
        "sep.csv": b'sep="\n' + IMPORT_HEADER.encode() + "1;К;Весы;S1;;\n".encode(),
        "digits.csv": IMPORT_HEADER.encode() + b"9" * 5000 + ";К;Весы;S1;;\n".encode(),
        "bytes.csv": b"\xef\xbb\xbf" + IMPORT_HEADER.encode() + b"1;\xff\xfe;\xd0;S1;;\r\n",
    }.items():
        (tmp_path / name).write_bytes(data)
        code, out, err = import_cli(str(tmp_path / name))
        assert "Traceback" not in err
        assert code == (0 if name == "inch.csv" else 1), (name, out, err)


def test_import_internal_error_is_one_line_and_not_exit_1(import_cli, tmp_path, monkeypatch):
    from cashbot.services import import_csv

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(import_csv, "plan_import", broken)
    (tmp_path / "good.csv").write_text(IMPORT_HEADER + "1;Касса;Весы;S1;;\n", encoding="utf-8")
    code, _, err = import_cli(str(tmp_path / "good.csv"), "--apply")
    assert code == 3 and "internal error (RuntimeError: a bug)" in one_line(err)


def test_import_dry_run_prints_exactly_what_the_apply_then_does(import_cli, tmp_path):
    (tmp_path / "first.csv").write_text(IMPORT_HEADER + "1;Касса;Весы;S1;;\n2;Сканер;Весы;S2;;\n", encoding="utf-8")
    assert import_cli(str(tmp_path / "first.csv"), "--apply")[0] == 0
    (tmp_path / "second.csv").write_text(
        IMPORT_HEADER + "1;Касса;Весы;S1;;\n2;Новое имя;Новая;S2;a@example.ru;01.11.2026\n"
        "3;Ещё;Весы;S3;b@example.ru;01.12.2026\n",
        encoding="utf-8",
    )
    code, dry, _ = import_cli(str(tmp_path / "second.csv"), "--update-existing")
    assert code == 0
    planned = dict(line.split(": ", 1) for line in dry.splitlines() if not line.startswith(" "))
    code, out, _ = import_cli(str(tmp_path / "second.csv"), "--update-existing", "--apply")
    assert code == 0
    applied = out.splitlines()[-1]
    assert planned["overdue (return date already past)"] == "1"
    for dry_key, done_key in (
        ("to add", "added"),
        ("to update", "updated"),
        ("unchanged", "unchanged"),
        ("to assign", "assigned"),
        ("return dates to change", "return dates changed"),
        ("to invite", "invited"),
        ("new categories", "new categories"),
    ):
        assert f"{done_key} {planned[dry_key]}" in applied, (dry_key, dry, applied)
    assert "added 1, updated 1, unchanged 1, assigned 2" in applied


# ---------------------------------------------------------------- paths and --config


def test_config_works_before_and_after_the_command(cli, tmp_path):
    config = tmp_path / "elsewhere.toml"
    config.write_text('timezone = "Asia/Yekaterinburg"\n', encoding="utf-8")
    for argv in (("--config", str(config), "check"), ("check", "--config", str(config))):
        code, out, _ = cli(*argv, CASHBOT_TELEGRAM__TOKEN=TOKEN)
        assert code == 0 and "time zone Asia/Yekaterinburg" in out, argv
    code, _, err = cli("check", "--config", "missing.toml")
    assert code == 2 and "missing.toml" in one_line(err)


def test_read_only_commands_never_create_a_database(cli, tmp_path):
    db_path = tmp_path / "data" / "cashbot.sqlite3"
    code, out, _ = cli("migrate", "--status")
    assert code == 0 and "does not exist yet" in out and "pending: 001_initial" in out
    for argv in (("check",), ("export",), ("backup",)):
        cli(*argv, CASHBOT_TELEGRAM__TOKEN=TOKEN)
    assert not db_path.exists() and not db_path.parent.exists()
    cli("migrate")
    before = sqlite3.connect(db_path).execute("SELECT name FROM sqlite_master").fetchall()
    db_path.unlink()
    sqlite3.connect(db_path).close()  # an empty file: status must not add peewee-migrate's table
    code, out, _ = cli("migrate", "--status")
    assert code == 0 and "applied: -" in out
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    assert ("migratehistory",) in before


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda root: root.joinpath("data").mkdir(), "is a folder, not a file"),
        (lambda root: root.joinpath("file").write_text("x"), "is a file, not a folder"),
    ],
)
def test_database_path_problems_name_the_path_and_the_fix(cli, tmp_path, make, expected):
    make(tmp_path)
    target = tmp_path / ("data" if "folder, not" in expected else "file/cashbot.sqlite3")
    for command in ("migrate", "run", "check"):
        code, _, err = cli(command, CASHBOT_TELEGRAM__TOKEN=TOKEN, CASHBOT_DATABASE__PATH=str(target))
        line = one_line(err)
        assert code == 2 and str(target) in line and expected in line, command
        assert "CASHBOT_DATABASE__PATH" in line


def test_relative_paths_are_the_callers_with_the_run_script(tmp_path):
    """`./run` from another folder: the database and the backup land in the caller's folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASHBOT_")}
    env.update(CASHBOT_SECRETS_DIR=str(tmp_path / "no-secrets"), CASHBOT_DATABASE__PATH="db/bot.sqlite3")
    for argv in (["migrate"], ["backup", "copy.sqlite3"]):
        result = subprocess.run(
            [str(REPO_ROOT / "run"), *argv], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "db" / "bot.sqlite3").is_file() and (tmp_path / "copy.sqlite3").is_file()
    assert not (REPO_ROOT / "db").exists()


# ---------------------------------------------------------------- startup against Telegram


def _bot_env(tmp_path, api_base: str, token: str = TOKEN) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASHBOT_")}
    env.update(
        PYTHONUNBUFFERED="1",
        CASHBOT_SECRETS_DIR=str(tmp_path / "no-secrets"),
        CASHBOT_TELEGRAM__TOKEN=token,
        CASHBOT_TELEGRAM__API_BASE=api_base,
        CASHBOT_DATABASE__PATH=str(tmp_path / "cashbot.sqlite3"),
        CASHBOT_ACCESS__MODE="open",
    )
    return env


@pytest.mark.e2e  # starts the bot process
def test_a_refused_token_stops_with_one_line_exit_2_and_the_log_file_has_it(api, tmp_path):
    wrong = TOKEN.split(":")[0] + ":WRONG-abcdefghijklmnopqrstuvwxyz"  # the double's bot id, other secret
    result = subprocess.run(
        [sys.executable, "-m", "cashbot"],
        cwd=tmp_path,
        timeout=60,
        env=_bot_env(tmp_path, api.base_url, wrong),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("cashbot: Telegram refused the token") and "@BotFather" in last
    assert [line for line in result.stderr.splitlines() if "refused" in line] == [last]
    log_text = (tmp_path / "logs" / "cashbot.log").read_text(encoding="utf-8")
    assert "CRITICAL cashbot: Telegram refused the token" in log_text
    assert wrong.split(":")[1] not in result.stderr + log_text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_output(path, needle: str, count: int = 1, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        if text.count(needle) >= count:
            return text
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} x{count} not seen in {path}:\n{text}")


@contextlib.contextmanager
def _bot_running(tmp_path, api_base: str, output):
    """`python -m cashbot` in tmp_path, stdout and stderr into `output`; killed if still running."""
    with open(output, "wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cashbot"],
            cwd=tmp_path,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=_bot_env(tmp_path, api_base),
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.e2e  # starts the bot process
def test_an_unreachable_bot_api_at_start_is_retried_then_the_bot_answers(tmp_path):
    """A network blip at start: one log line per attempt, no traceback, no exit; once the Bot
    API is there the bot polls and answers."""
    port = _free_port()
    output = tmp_path / "output.log"
    with _bot_running(tmp_path, f"http://127.0.0.1:{port}", output) as proc:
        _wait_for_output(output, "not reachable (attempt", count=2)
        assert proc.poll() is None
        with BotApiDouble(port=port) as api:
            ivan = api.user(107, "Иван")
            ivan.send("/start")
            ivan.wait_for("рабочую почту")
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(30) == 0
    text = output.read_text(encoding="utf-8")
    assert "Traceback" not in text and "cashbot stopped" in text
    attempts = [line for line in text.splitlines() if "not reachable" in line]
    assert len(attempts) >= 2 and all(f"127.0.0.1:{port}" in line for line in attempts)
    assert "attempt 1:" in attempts[0] and "attempt 2:" in attempts[1]


@pytest.mark.e2e  # starts the bot process
def test_sigterm_while_waiting_for_the_bot_api_stops_cleanly(tmp_path):
    output = tmp_path / "output.log"
    with _bot_running(tmp_path, f"http://127.0.0.1:{_free_port()}", output) as proc:
        _wait_for_output(output, "not reachable (attempt 1")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    assert "Traceback" not in output.read_text(encoding="utf-8")
