"""First-start work: seed categories once."""

from __future__ import annotations

from datetime import datetime

from cashbot.db.models import Category, Event, database_proxy
from cashbot.services.common import fold, record


def seed_categories(names: list[str], now: datetime) -> int:
    """Create the configured categories on the very first start only (deleting them later
    must not bring them back on the next restart)."""
    with database_proxy.atomic():
        if Event.select().where(Event.kind == "categories_seeded").exists():
            return 0
        created = 0
        for name in names:
            if not Category.select().where(Category.search_text == fold(name)).exists():
                Category.create(name=name.strip(), search_text=fold(name), created_at=now)
                created += 1
        record("categories_seeded", now, count=created)
    return created
