"""`python -m cashbot [--config FILE] [command]`: run the bot (default) or a maintenance command.

Exit codes: 0 done; 1 the command failed (a damaged database, ...); 2 fix the setup and start
again (the config, a token Telegram refused, a database path that cannot be used). Relative
paths (the config file, database.path, ...) are the caller's: taken from the current folder.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import sqlite3
import sys
from datetime import UTC
from pathlib import Path

from peewee import DatabaseError

from cashbot.config import ConfigError, Settings, load_settings
from cashbot.i18n import set_default_language


class PathProblem(ConfigError):
    """A database path that cannot be used; the message names it and what to fix (exit 2)."""


def check_database_path(path: Path, *, create: bool) -> None:
    """Fail with the path and the fix before SQLite says only "unable to open database file".
    With `create`, the folder is made when missing (the bot and `migrate` may create a database)."""
    where = f"database.path {path.absolute()}"
    fix = "set database.path (CASHBOT_DATABASE__PATH) to a file in a folder this user can write"
    if path.is_dir():
        raise PathProblem(f"{where} is a folder, not a file: {fix}, e.g. {path.absolute() / 'cashbot.sqlite3'}")
    folder = path.parent
    if create and not folder.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise PathProblem(
                f"{where}: cannot create the folder {folder.absolute()} ({error.strerror}): create it, or {fix}"
            ) from None
    if folder.exists() and not folder.is_dir():
        raise PathProblem(f"{where}: {folder.absolute()} is a file, not a folder: {fix}")
    writable = os.access(folder, os.W_OK | os.X_OK) if folder.is_dir() else True
    if (create or path.exists()) and not writable:
        raise PathProblem(
            f"{where}: the folder {folder.absolute()} is not writable by this user "
            f"(uid {os.getuid()}), and SQLite keeps its -wal and -shm files beside "
            f"the database: give this user write access (chown/chmod), or {fix}"
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise PathProblem(
            f"{where} is not readable and writable by this user (uid {os.getuid()}): "
            f"fix its owner or mode (chown/chmod), or {fix}"
        )


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from cashbot import app

    token = settings.require_token()
    check_database_path(settings.database.path, create=True)
    secrets = [token] + ([settings.dev_code.get_secret_value()] if settings.dev_code else [])
    if settings.telegram.webhook.secret:
        secrets.append(settings.telegram.webhook.secret.get_secret_value())
    app.setup_logging(settings, secrets)
    try:
        return asyncio.run(app.run(settings))
    except (ConfigError, OSError, sqlite3.Error, DatabaseError, KeyboardInterrupt):
        raise  # one line from main(), which also puts it into the log file
    except Exception:
        logging.getLogger("cashbot").exception("cashbot stopped on an unexpected error")
        return 1


def cmd_health(settings: Settings, args: argparse.Namespace) -> int:
    from cashbot.health import check, heartbeat_path

    # The loop ticks every tick_seconds; allow a slow tick (a reminder run) before failing.
    ok, line = check(
        heartbeat_path(settings.data_dir),
        settings.health.max_age,
        max(settings.health.max_age, 3 * settings.reminders.tick_seconds),
    )
    print(line, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from cashbot.db.database import apply_migrations, migration_names, migration_status, open_database

    if args.status:
        if not settings.database.path.exists():  # a status question never creates a database
            print(f"database {settings.database.path} does not exist yet")
            print("applied: -")
            print(f"pending: {', '.join(migration_names())}")
            return 0
        check_database_path(settings.database.path, create=False)
        applied, pending = migration_status(open_database(settings.database.path))
        print(f"applied: {', '.join(applied) or '-'}")
        print(f"pending: {', '.join(pending) or '-'}")
        return 0
    check_database_path(settings.database.path, create=True)
    database = open_database(settings.database.path)
    done = apply_migrations(database)
    print(f"applied: {', '.join(done)}" if done else "database is up to date")
    return 0


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    from cashbot.db.database import migration_status, open_database
    from cashbot.db.models import Device, Loan, Person, PersonStatus

    print(f"config: ok (time zone {settings.timezone}, access {settings.access.mode}, {len(settings.admins)} admin(s))")
    print(f"token: {'set' if settings.telegram.token else 'MISSING'}")
    check_database_path(settings.database.path, create=False)
    if not settings.database.path.exists():
        print(f"database: {settings.database.path} does not exist yet (created on first run)")
        return 0 if settings.telegram.token else 1
    database = open_database(settings.database.path)
    applied, pending = migration_status(database)
    integrity = database.execute_sql("PRAGMA quick_check").fetchone()[0]
    print(
        f"database: {settings.database.path}, integrity {integrity}, "
        f"migrations applied {len(applied)}, pending {len(pending)}"
    )
    if not pending and applied:
        print(
            f"devices: {Device.select().where(Device.deleted_at.is_null()).count()}, "
            f"people: {Person.select().where(Person.status == PersonStatus.ACTIVE).count()} active, "
            f"open loans: {Loan.select().where(Loan.returned_at.is_null()).count()}"
        )
    ok = integrity == "ok" and settings.telegram.token is not None
    return 0 if ok else 1


def _existing_database(settings: Settings):
    """The bot's database, opened only if it exists: maintenance never creates an empty one."""
    from cashbot.db.database import open_database

    if not settings.database.path.exists():
        print(f"cashbot: database {settings.database.path} does not exist", file=sys.stderr)
        return None
    check_database_path(settings.database.path, create=False)
    return open_database(settings.database.path)


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    from cashbot.db.database import migration_status
    from cashbot.services import dev
    from cashbot.services.device_csv import FILE_LANGUAGES

    language = args.language or settings.language
    if language not in FILE_LANGUAGES:
        print(f"cashbot: --language {language}: the CSV header is {' or '.join(FILE_LANGUAGES)}", file=sys.stderr)
        return 2
    database = _existing_database(settings)
    if database is None:
        return 1
    if migration_status(database)[1]:
        print("cashbot: the database has pending migrations; run `python -m cashbot migrate` first", file=sys.stderr)
        return 1
    data, count = dev.export_devices_csv(language)
    if args.file in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        Path(args.file).write_bytes(data)
    print(f"exported {count} device(s)" + (f" to {args.file}" if args.file not in (None, "-") else ""), file=sys.stderr)
    return 0


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import datetime

    from cashbot.services import dev

    source = settings.database.path
    if not source.exists():
        print(f"cashbot: database {source} does not exist", file=sys.stderr)
        return 1
    now = datetime.now(UTC)
    if args.file:
        target = dev.backup_to(source, Path(args.file))
    else:
        target = dev.backup_into_dir(source, settings.backup_dir, now, "manual")
    print(f"backup written to {target}")
    return 0


# `import` exit codes (docs/operations.md): 0 done (or a clean dry run), 1 the file was refused
# (or the register changed under the write), 2 usage or config (no such file, unreadable file,
# unusable database path), 3 an internal error, reported in one line (the traceback only with
# logging.level = "DEBUG").
IMPORT_DONE, IMPORT_REFUSED, IMPORT_USAGE, IMPORT_INTERNAL = 0, 1, 2, 3


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    """Dry run by default: the same plan and report the bot shows; --apply writes it."""
    from cashbot.clock import make_clock
    from cashbot.db.database import apply_migrations, open_database

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as error:  # missing, a directory, no permission
        reason = "no such file" if not path.exists() else error.strerror or "cannot read"
        print(f"cashbot: {reason}: {path}", file=sys.stderr)
        return IMPORT_USAGE
    check_database_path(settings.database.path, create=True)  # names the path and the fix (exit 2)
    try:
        database = open_database(settings.database.path)
        apply_migrations(database)
    except (OSError, sqlite3.Error, DatabaseError) as error:
        print(f"cashbot: cannot open the database {settings.database.path}: {error}", file=sys.stderr)
        return IMPORT_USAGE
    try:
        return _import(data, args, make_clock(settings.tz))
    except Exception as error:  # noqa: BLE001 - never exit 1 ("refused") with a traceback
        print(
            f"cashbot: import failed: internal error ({type(error).__name__}: {error}); nothing was written",
            file=sys.stderr,
        )
        if settings.logging.level == "DEBUG":
            import traceback

            traceback.print_exc()
        return IMPORT_INTERNAL
    finally:
        database.close()


def _import(data: bytes, args: argparse.Namespace, clock) -> int:
    from cashbot.services import import_csv
    from cashbot.views import import_csv as import_views

    update = args.update_existing
    plan = import_csv.plan_import(data, update_existing=update, today=clock.today())
    print(import_views.describe_plan(plan, update_existing=update))
    if not plan.ok:
        return IMPORT_REFUSED
    if not args.apply:
        return IMPORT_DONE
    result = import_csv.apply_import(
        data, update_existing=update, today=clock.today(), now=clock.now(), actor_id=None, expected=plan.fingerprint
    )
    if result.changed:
        print("the database changed while importing; nothing was written, run the command again", file=sys.stderr)
        return IMPORT_REFUSED
    if not result.applied:
        print(import_views.format_problems(result.plan.problems))
        return IMPORT_REFUSED
    print(import_views.describe_result(result))
    return IMPORT_DONE


# `labels` exit codes (docs/operations.md): 0 the sheet was written, 1 nothing to print (no
# database, pending migrations, no device in the selection), 2 usage (bad --numbers, unknown
# --category, an output that cannot be written, the bot's username unknown).
LABELS_DONE, LABELS_NOTHING, LABELS_USAGE = 0, 1, 2
_BOT_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


def cmd_labels(settings: Settings, args: argparse.Namespace) -> int:
    """An A4 PDF of stickers (QR code of the card's link, number, name), as /labels makes it."""
    from cashbot import printing
    from cashbot.db.database import migration_status
    from cashbot.services import labels as selection
    from cashbot.views.links import device_link

    ranges = None
    if args.numbers is not None:
        try:
            ranges = selection.parse_numbers(args.numbers)
        except selection.BadNumbers as error:
            print(
                f"cashbot: --numbers {args.numbers!r}: {LABELS_BAD_NUMBERS[error.reason].format(part=error.part)}",
                file=sys.stderr,
            )
            return LABELS_USAGE
    username = _bot_username(settings, args.bot)
    if username is None:
        return LABELS_USAGE
    database = _existing_database(settings)
    if database is None:
        return LABELS_NOTHING
    if migration_status(database)[1]:
        print("cashbot: the database has pending migrations; run `python -m cashbot migrate` first", file=sys.stderr)
        return LABELS_NOTHING
    category_id = None
    if args.category is not None:
        category_id = selection.category_id_by_name(args.category)
        if category_id is None:
            print(f"cashbot: no category {args.category!r} (names as /categories shows them)", file=sys.stderr)
            return LABELS_USAGE
    devices = selection.select_devices(category_id, ranges)
    database.close()
    if not devices:
        print("cashbot: no device matches; nothing was written", file=sys.stderr)
        return LABELS_NOTHING
    pdf = printing.sheet_pdf(printing.labels_for(devices, lambda n: device_link(username, n)), settings.labels)
    if args.output == "-":
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
    else:
        try:
            Path(args.output).write_bytes(pdf)
        except OSError as error:
            print(f"cashbot: cannot write {args.output}: {error.strerror or error}", file=sys.stderr)
            return LABELS_USAGE
    per_page = settings.labels.columns * settings.labels.rows
    print(
        f"{len(devices)} label(s) on {-(-len(devices) // per_page)} page(s) "
        f"({settings.labels.columns} x {settings.labels.rows}, {settings.labels.label_width:.1f} x "
        f"{settings.labels.label_height:.1f} mm)" + (f" written to {args.output}" if args.output != "-" else ""),
        file=sys.stderr,
    )
    return LABELS_DONE


LABELS_BAD_NUMBERS = {
    "empty": "no numbers given",
    "number": "{part!r} is not a sticker number (whole numbers 1 to 999999999)",
    "order": "{part!r} runs backwards (write it as low-high, e.g. 1-200)",
    "shape": "{part!r} is not a range (write it as low-high, e.g. 1-200)",
    "too_many": "{part} parts; join them into ranges (at most 50)",
}


def _bot_username(settings: Settings, given: str | None) -> str | None:
    """--bot, else the bot's own answer to getMe (the token and telegram.api_base of the config)."""
    if given is not None:
        name = given.strip().removeprefix("@")
        if not _BOT_USERNAME.match(name):
            print(f"cashbot: --bot {given!r} is not a bot username (5-32 Latin letters, digits, '_')", file=sys.stderr)
            return None
        return name
    from cashbot.app import build_bot

    async def ask() -> str | None:
        bot = build_bot(settings)
        try:
            return (await bot.me()).username
        finally:
            await bot.session.close()

    try:
        settings.require_token()
        username = asyncio.run(ask())
    except Exception as error:  # noqa: BLE001 - no network, a refused token, no token: one line
        print(
            f"cashbot: could not ask Telegram for the bot's username ({type(error).__name__}: "
            f"{' '.join(str(error).split())}); pass it with --bot USERNAME",
            file=sys.stderr,
        )
        return None
    return username


COMMANDS = {
    "run": (cmd_run, "run the bot (default)"),
    "migrate": (cmd_migrate, "apply database migrations, or show their status"),
    "check": (cmd_check, "validate the config and database, print a health summary"),
    "export": (cmd_export, "write the devices as CSV in the import format (stdout by default)"),
    "backup": (cmd_backup, "write a consistent copy of the database (safe while the bot runs)"),
    "import": (cmd_import, "import devices from a CSV file (dry run unless --apply)"),
    "labels": (cmd_labels, "write an A4 PDF of stickers (QR code, number, name) for printing"),
    "health": (
        cmd_health,
        "exit 0 if the running bot got updates (or passed its webhook check) within health.max_age seconds, else 1",
    ),
}


CONFIG_HELP = "config file (default: $CASHBOT_CONFIG or ./cashbot.toml)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cashbot",
        description="cashbot: where every shared device is.",
        epilog="exit codes: 0 done, 1 the command failed, 2 fix the configuration or setup and start again",
    )
    parser.add_argument("--config", help=CONFIG_HELP)
    sub = parser.add_subparsers(dest="command", metavar="command")
    for name, (_, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        # Also after the command; SUPPRESS keeps a value given before it.
        command.add_argument("--config", default=argparse.SUPPRESS, help=CONFIG_HELP)
        if name == "migrate":
            command.add_argument("--status", action="store_true", help="show applied and pending")
        elif name == "export":
            command.add_argument(
                "file", nargs="?", metavar="FILE", help="where to write the CSV (default or '-': standard output)"
            )
            command.add_argument(
                "--language",
                metavar="LANG",
                help="the header's language, ru or en (default: the config's language); both import back",
            )
        elif name == "backup":
            command.add_argument(
                "file",
                nargs="?",
                metavar="FILE",
                help="where to write the copy (default: a timestamped file in the backup directory)",
            )
        elif name == "import":
            command.add_argument(
                "file",
                help="CSV file (cp1251, UTF-8, UTF-16; , ; or tab); "
                "exit 0 done, 1 file refused, 2 usage, 3 internal error",
            )
            command.add_argument("--apply", action="store_true", help="write it (default: only check)")
            command.add_argument(
                "--update-existing", action="store_true", help="rows whose number exists update that device"
            )
        elif name == "labels":
            command.add_argument(
                "-o", "--output", required=True, metavar="FILE", help="the PDF to write ('-': standard output)"
            )
            command.add_argument("--category", metavar="NAME", help="only this category's devices")
            command.add_argument(
                "--numbers", metavar="RANGES", help="only these sticker numbers, e.g. 1-200 or '1-10, 15, 20-25'"
            )
            command.add_argument(
                "--bot", metavar="USERNAME", help="the bot's username for the links (default: ask Telegram getMe)"
            )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    settings = None
    try:
        settings = load_settings(args.config)
        set_default_language(settings.language)  # reports and sheets of the CLI too
        return COMMANDS[command][0](settings, args)
    except ConfigError as error:
        return _fatal(f"cashbot: {error}", 2)
    except KeyboardInterrupt:
        return 0
    except (OSError, sqlite3.Error, DatabaseError) as error:  # unreadable file, broken database
        text = " ".join(str(error).split())
        if settings is not None and "unable to open database file" in text:
            return _fatal(
                f"cashbot: {command} failed: database.path {settings.database.path.absolute()}: "
                f"{text}: check that the file and its folder exist and this user can "
                "write both (SQLite puts -wal and -shm files beside it)",
                2,
            )
        return _fatal(f"cashbot: {command} failed: {text}", 1)
    finally:
        _close_database()


def _fatal(message: str, code: int) -> int:
    """One line on stderr; in the log file too once `run` has set logging up (a container's
    stderr is gone after a restart, the log file stays)."""
    print(message, file=sys.stderr)
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler):
            handler.handle(
                logging.LogRecord(
                    "cashbot", logging.CRITICAL, __file__, 0, message.removeprefix("cashbot: "), None, None
                )
            )
    return code


def _close_database() -> None:
    """Maintenance commands leave no connection (and no -wal file) behind."""
    from cashbot.db.models import database_proxy

    if database_proxy.obj is not None:
        database_proxy.obj.close()


if __name__ == "__main__":
    sys.exit(main())
