"""A realistic register for benchmarks, written with bulk inserts through the models.

10,000 devices in the configured categories, 2,000 active people, 3,000 open loans (some
overdue), a few hundred queue entries and 50,000 history events. The first `staff` people
are the simulated users: their Telegram names match the database, so the viewer cache is
filled without a profile write. Each of them owns a private pool of free devices to take
and return, so take/return measures the flow, not a race between benchmark users.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from peewee import chunked

from cashbot.config import DEFAULT_CATEGORIES
from cashbot.db.database import apply_migrations, open_database
from cashbot.db.models import Category, Device, Event, Loan, Person, PersonStatus, QueueEntry, database_proxy
from cashbot.services import setup
from cashbot.services.common import fold

SEED_NOW = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
TELEGRAM_ID_BASE = 700_000_000
BATCH = 500  # rows per INSERT: well under SQLite's bound-variable limit

MODELS = {
    "Онлайн-касса": [
        "ККТ Атол 30Ф",
        "ККТ Атол Sigma 10",
        "Эвотор 7.2",
        "Эвотор 5i",
        "Меркурий 185Ф",
        "ККТ Штрих-М Лайт",
    ],
    "Фискальный регистратор": ["ФР Атол 22 v2", "ФР Штрих-М 02Ф", "ФР Пирит 2Ф"],
    "Терминал эквайринга": ["Ingenico Move/5000", "PAX S920", "Verifone VX520", "PAX A930"],
    "Весы": ["Весы Масса-К ВПМ", "Весы CAS PR-15"],
    "Принтер кухонный": ["Принтер Атол RP-326", "Принтер Xprinter XP-Q80"],
    "Планшет": ["Планшет Samsung Tab A8", "Планшет Lenovo M10"],
    "Сканер": ["Сканер Honeywell 1450g", "Сканер Атол SB2108"],
}
FIRST_NAMES = [
    "Анна",
    "Иван",
    "Мария",
    "Пётр",
    "Ольга",
    "Сергей",
    "Елена",
    "Дмитрий",
    "Наталья",
    "Алексей",
    "Татьяна",
    "Михаил",
    "Юлия",
    "Андрей",
    "Светлана",
    "Николай",
]
LAST_NAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
]
LOCATIONS = [None, None, "офис Екб", "склад", "дома", "ООО «Ромашка»", "ТЦ Мега, 2 этаж"]
# What staff type: model words (many hits, paginated), serial fragments (few), categories.
SEARCH_TERMS = [
    "атол",
    "эвотор",
    "pax",
    "ingenico",
    "весы",
    "сканер",
    "планшет",
    "ккт",
    "штрих",
    "принтер",
    "verifone",
    "меркурий",
    "honeywell",
    "lenovo",
]


@dataclass(frozen=True)
class StaffMember:
    telegram_id: int
    first_name: str  # Telegram shows the whole name as first_name, as many people set it
    username: str
    free_devices: tuple[int, ...]  # device numbers nobody holds, reserved for this user


@dataclass(frozen=True)
class Seeded:
    staff: list[StaffMember]
    device_numbers: list[int]
    held_numbers: list[int]
    search_terms: list[str]
    counts: dict[str, int]


def _person_name(i: int, rng: random.Random) -> str:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    if first.endswith("а") or first.endswith("я"):
        last += "а"
    return f"{first} {last}"


def seed(
    now: datetime = SEED_NOW,
    *,
    devices: int = 10_000,
    people: int = 2_000,
    loans: int = 3_000,
    events: int = 50_000,
    queue: int = 400,
    staff: int = 200,
    free_per_staff: int = 8,
    seed_value: int = 7,
) -> Seeded:
    """Fill the bound, migrated, empty database. Returns what the simulated users need."""
    rng = random.Random(seed_value)
    if Device.select().exists() or Person.select().exists():
        raise RuntimeError("benchmark seed expects an empty register")
    setup.seed_categories(DEFAULT_CATEGORIES, now)
    categories = {c.name: c.id for c in Category.select()}
    device_rows, numbers = [], list(range(1, devices + 1))
    for number in numbers:
        category = rng.choice(list(MODELS))
        name = rng.choice(MODELS[category])
        serial = f"{rng.choice('ABCDEFGHKMNPX')}{rng.randrange(10**9):09d}"
        device_rows.append(
            (
                number,
                number,
                serial,
                name,
                categories[category],
                rng.choice([None, "3.0.8", "5.8.1", "12.1"]),
                rng.choice([None, date(2024, rng.randint(1, 12), rng.randint(1, 28))]),
                rng.choice([None, None, None, "Без зарядки", "Поцарапан экран"]),
                rng.choice(LOCATIONS),
                fold(name, serial, category),
                now,
                now,
            )
        )
    person_rows, staff_members = [], []
    for i in range(1, people + 1):
        full_name, username = _person_name(i, rng), f"user{i}"
        email = f"user{i}@example.ru"
        person_rows.append(
            (
                i,
                TELEGRAM_ID_BASE + i,
                username,
                full_name,
                email,
                PersonStatus.ACTIVE,
                fold(full_name, "@" + username, email),
                now,
                now,
            )
        )
    held = rng.sample(numbers, loans)
    held_set = set(held)
    free = [n for n in numbers if n not in held_set]
    rng.shuffle(free)
    for i in range(1, staff + 1):
        pool = tuple(free[(i - 1) * free_per_staff : i * free_per_staff])
        staff_members.append(StaffMember(TELEGRAM_ID_BASE + i, person_rows[i - 1][3], f"user{i}", pool))
    loan_rows = []
    for loan_id, number in enumerate(held, 1):
        taken = now - timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 600))
        due = rng.choice([None, (now + timedelta(days=rng.randint(-10, 30))).date()])
        loan_rows.append((loan_id, number, rng.randint(1, people), taken, due, rng.choice(LOCATIONS)))
    queue_rows = {(rng.choice(held), rng.randint(1, people)) for _ in range(queue)}
    holder_of = {row[1]: row[2] for row in loan_rows}
    queue_rows = [
        (d, p, now - timedelta(hours=rng.randint(1, 200))) for d, p in sorted(queue_rows) if holder_of[d] != p
    ]
    event_rows = []
    start = now - timedelta(days=730)
    step = timedelta(days=730) / max(1, events)
    kinds = ["took", "returned", "extended", "queue_joined", "queue_left"]
    for i in range(events):
        actor = rng.randint(1, people)
        event_rows.append(
            (
                start + step * i,
                rng.choice(kinds),
                actor,
                rng.randint(1, devices),
                actor,
                json.dumps({"due_on": None, "note": "seed"}, ensure_ascii=False),
            )
        )
    with database_proxy.atomic():
        _insert(
            Device,
            [
                Device.id,
                Device.number,
                Device.serial,
                Device.name,
                Device.category,
                Device.firmware,
                Device.registered_on,
                Device.comment,
                Device.location,
                Device.search_text,
                Device.created_at,
                Device.updated_at,
            ],
            device_rows,
        )
        _insert(
            Person,
            [
                Person.id,
                Person.telegram_id,
                Person.username,
                Person.full_name,
                Person.email,
                Person.status,
                Person.search_text,
                Person.created_at,
                Person.updated_at,
            ],
            person_rows,
        )
        _insert(Loan, [Loan.id, Loan.device, Loan.person, Loan.taken_at, Loan.due_on, Loan.location], loan_rows)
        _insert(QueueEntry, [QueueEntry.device, QueueEntry.person, QueueEntry.joined_at], queue_rows)
        _insert(Event, [Event.at, Event.kind, Event.actor, Event.device, Event.person, Event.details], event_rows)
    database_proxy.obj.viewer_cache.clear()
    counts = {
        "devices": devices,
        "people": people,
        "open loans": loans,
        "queue entries": len(queue_rows),
        "events": events,
    }
    return Seeded(staff_members, numbers, held, list(SEARCH_TERMS), counts)


def _insert(model, fields, rows) -> None:
    for batch in chunked(rows, BATCH):
        model.insert_many(batch, fields=fields).execute()


def seed_file(path: str | Path, **kwargs) -> Seeded:
    """Create, migrate and seed a database file for a bot process to open (e2e)."""
    database = open_database(path)
    apply_migrations(database)
    try:
        return seed(**kwargs)
    finally:
        database.close()
