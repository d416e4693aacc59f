"""peewee models. The schema itself is owned by cashbot/migrations/ (SQL a person can read);
these classes mirror it, and tests/test_schema.py checks that they agree."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from peewee import (
    AutoField,
    BigIntegerField,
    BooleanField,
    DatabaseProxy,
    DateField,
    Field,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

database_proxy = DatabaseProxy()


class UtcDateTimeField(Field):
    """Aware UTC datetimes stored as sortable ISO text without offset ('2026-11-27 10:00:00.000000')."""

    field_type = "TEXT"

    def db_value(self, value: datetime | None) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC field; use the clock's aware time")
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def python_value(self, value: str | None) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value).replace(tzinfo=UTC)


class BaseModel(Model):
    # peewee adds attributes the type checker cannot see: the integer primary key `id` of
    # every model and, per foreign key `x`, `x_id` (the raw id, read without a query). The
    # `if TYPE_CHECKING` blocks declare them with the fields peewee uses; nothing runs.
    if TYPE_CHECKING:
        id = AutoField()

    class Meta:
        database = database_proxy
        legacy_table_names = False


class PersonStatus:
    INVITED = "invited"  # known only by e-mail (import, admin assignment); not registered yet
    PENDING = "pending"  # registered, waiting for an admin
    ACTIVE = "active"
    REJECTED = "rejected"
    BLOCKED = "blocked"
    DELETED = "deleted"


class Person(BaseModel):
    telegram_id = BigIntegerField(null=True)
    username = TextField(null=True)
    full_name = TextField(default="")
    email = TextField(null=True)
    status = TextField(default=PersonStatus.PENDING)
    is_admin = BooleanField(default=False)
    comment = TextField(null=True)
    # The message that started registration; answered once the person is active.
    first_message = TextField(null=True)
    # Set when Telegram answered 403 (the person blocked the bot); cleared when they write.
    unreachable_at = UtcDateTimeField(null=True)
    # "ru" or "en" (cashbot/i18n.py); NULL: the configured default language.
    language = TextField(null=True)
    search_text = TextField(default="")
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()

    class Meta:
        table_name = "people"


class Category(BaseModel):
    name = TextField()
    search_text = TextField(default="")
    created_at = UtcDateTimeField()

    class Meta:
        table_name = "categories"


class Device(BaseModel):
    number = IntegerField()
    serial = TextField()
    name = TextField()
    category = ForeignKeyField(Category, column_name="category_id", backref="devices")
    firmware = TextField(null=True)
    registered_on = DateField(null=True)
    comment = TextField(null=True)
    location = TextField(null=True)
    search_text = TextField(default="")
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()
    deleted_at = UtcDateTimeField(null=True)

    if TYPE_CHECKING:
        category_id = IntegerField()

    class Meta:
        table_name = "devices"


class Loan(BaseModel):
    device = ForeignKeyField(Device, column_name="device_id", backref="loans")
    person = ForeignKeyField(Person, column_name="person_id", backref="loans")
    taken_at = UtcDateTimeField()
    due_on = DateField(null=True)
    location = TextField(null=True)
    returned_at = UtcDateTimeField(null=True)
    # returned | handed_over | unassigned
    close_reason = TextField(null=True)

    if TYPE_CHECKING:
        device_id = IntegerField()
        person_id = IntegerField()

    class Meta:
        table_name = "loans"


class QueueEntry(BaseModel):
    device = ForeignKeyField(Device, column_name="device_id", backref="queue")
    person = ForeignKeyField(Person, column_name="person_id", backref="queue_entries")
    joined_at = UtcDateTimeField()
    # Set while the device is reserved for this person ("your turn"); at most one per device.
    offered_at = UtcDateTimeField(null=True)
    offer_expires_at = UtcDateTimeField(null=True)

    if TYPE_CHECKING:
        device_id = IntegerField()
        person_id = IntegerField()

    class Meta:
        table_name = "queue_entries"


class Handover(BaseModel):
    device = ForeignKeyField(Device, column_name="device_id")
    loan = ForeignKeyField(Loan, column_name="loan_id")
    from_person = ForeignKeyField(Person, column_name="from_person_id")
    to_person = ForeignKeyField(Person, column_name="to_person_id")
    created_at = UtcDateTimeField()
    resolved_at = UtcDateTimeField(null=True)
    # accepted | declined | cancelled
    outcome = TextField(null=True)

    if TYPE_CHECKING:
        device_id = IntegerField()
        loan_id = IntegerField()
        from_person_id = IntegerField()
        to_person_id = IntegerField()

    class Meta:
        table_name = "handovers"


class Event(BaseModel):
    """Append-only history. Names are copied in `details` so history reads well forever."""

    at = UtcDateTimeField()
    kind = TextField()
    actor = ForeignKeyField(Person, column_name="actor_id", null=True)
    device = ForeignKeyField(Device, column_name="device_id", null=True)
    person = ForeignKeyField(Person, column_name="person_id", null=True)
    details = TextField(default="{}")

    if TYPE_CHECKING:
        actor_id = IntegerField(null=True)
        device_id = IntegerField(null=True)
        person_id = IntegerField(null=True)

    class Meta:
        table_name = "events"


class ReminderDelivery(BaseModel):
    """One row per loan and local day: a reminder is never sent twice."""

    loan = ForeignKeyField(Loan, column_name="loan_id")
    person = ForeignKeyField(Person, column_name="person_id")
    device = ForeignKeyField(Device, column_name="device_id")
    day = DateField()
    kind = TextField()  # due_tomorrow | due_today | overdue
    sent_at = UtcDateTimeField(null=True)

    if TYPE_CHECKING:
        loan_id = IntegerField()
        person_id = IntegerField()
        device_id = IntegerField()

    class Meta:
        table_name = "reminder_deliveries"


class ScheduledRun(BaseModel):
    """A daily job (reminders, admin digest, backup) that ran for a local day."""

    job = TextField()
    day = DateField()
    started_at = UtcDateTimeField()
    finished_at = UtcDateTimeField(null=True)

    class Meta:
        table_name = "scheduled_runs"


ALL_MODELS = (Person, Category, Device, Loan, QueueEntry, Handover, Event, ReminderDelivery, ScheduledRun)
