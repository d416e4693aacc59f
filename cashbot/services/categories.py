"""Categories (admins): list with counts, add, rename, delete an empty one.

Names are unique case-insensitively (the `categories.search_text` unique index); a rename
refreshes the search text of the category's devices, since device search looks at it."""

from __future__ import annotations

from datetime import datetime

from peewee import IntegrityError

from cashbot.db.models import Category, Device, database_proxy
from cashbot.services import catalog, fields
from cashbot.services.catalog import CategoryCount
from cashbot.services.common import fold, record
from cashbot.services.errors import CategoryExists, CategoryNotEmpty, CategoryNotFound

MAX_NAME = fields.MAX_LENGTH["category"]


def list_categories() -> list[CategoryCount]:
    return catalog.categories_with_counts()


def _clean_name(raw: str) -> str:
    return fields.clean_text("category", raw, required=True)


def _existing(name: str, except_id: int = 0) -> Category | None:
    return Category.get_or_none((Category.search_text == fold(name)) & (Category.id != except_id))


def add_category(raw_name: str, *, actor_id: int, now: datetime) -> Category:
    name = _clean_name(raw_name)
    with database_proxy.atomic():
        if (other := _existing(name)) is not None:
            raise CategoryExists(other.name)
        category = Category.create(name=name, search_text=fold(name), created_at=now)
        record("category_added", now, actor_id=actor_id, name=name)
    return category


def rename_category(category_id: int, raw_name: str, *, actor_id: int, now: datetime) -> tuple[str, str]:
    """(old name, new name)."""
    name = _clean_name(raw_name)
    with database_proxy.atomic():
        category = Category.get_or_none(Category.id == category_id)
        if category is None:
            raise CategoryNotFound()
        if (other := _existing(name, except_id=category.id)) is not None:
            raise CategoryExists(other.name)
        old = category.name
        category.name, category.search_text = name, fold(name)
        try:
            category.save()
        except IntegrityError:
            raise CategoryExists(name) from None
        for device in Device.select().where(Device.category == category.id):
            device.search_text = fold(device.name, device.serial, name)
            device.save()
        record("category_renamed", now, actor_id=actor_id, old=old, new=name)
    return old, name


def delete_category(category_id: int, *, actor_id: int, now: datetime) -> str:
    """Only an empty category goes. Deleted devices keep pointing at their category (their
    history must still read well), so a category they use stays too: CategoryNotEmpty(0)."""
    with database_proxy.atomic():
        category = Category.get_or_none(Category.id == category_id)
        if category is None:
            raise CategoryNotFound()
        live = Device.select().where(Device.category == category.id, Device.deleted_at.is_null()).count()
        if live or Device.select().where(Device.category == category.id).exists():
            raise CategoryNotEmpty(live)
        category.delete_instance()
        record("category_deleted", now, actor_id=actor_id, name=category.name)
    return category.name
