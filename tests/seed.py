"""Seed a cashbot database file directly (before a bot process starts, or for service tests).

Uses the real migrations and models, so what it writes is exactly what the bot would."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cashbot.db.database import apply_migrations, open_database
from cashbot.db.models import Category, Device, Person, PersonStatus, database_proxy
from cashbot.services.common import fold

SEED_NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def migrated(path: str | Path):
    database = open_database(path)
    apply_migrations(database)
    return database


def category(name: str, now: datetime = SEED_NOW) -> Category:
    found = Category.get_or_none(Category.search_text == fold(name))
    return found or Category.create(name=name, search_text=fold(name), created_at=now)


def device(
    number: int,
    name: str,
    category_name: str = "Онлайн-касса",
    serial: str | None = None,
    now: datetime = SEED_NOW,
    **fields,
) -> Device:
    serial = serial or f"SN{number:08d}"
    cat = category(category_name, now)
    return Device.create(
        number=number,
        name=name,
        serial=serial,
        category=cat,
        search_text=fold(name, serial, cat.name),
        created_at=now,
        updated_at=now,
        **fields,
    )


def person(
    telegram_id: int | None,
    full_name: str,
    email: str,
    *,
    username: str | None = None,
    status: str = PersonStatus.ACTIVE,
    is_admin: bool = False,
    now: datetime = SEED_NOW,
) -> Person:
    return Person.create(
        telegram_id=telegram_id,
        full_name=full_name,
        email=email,
        username=username,
        status=status,
        is_admin=is_admin,
        created_at=now,
        updated_at=now,
        search_text=fold(full_name, username and "@" + username, email),
    )


def seed_file(path: str | Path, build) -> None:
    """Open `path`, migrate, run `build()` in one transaction, close. For e2e set-up."""
    database = migrated(path)
    with database_proxy.atomic():
        build()
    database.close()
