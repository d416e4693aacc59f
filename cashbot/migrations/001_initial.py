"""Initial schema: the whole product.

Written as SQL on purpose: partial unique indexes and CHECK constraints are where the
invariants live, and a person reading the database with `sqlite3` sees these names.
Soft deletes (`deleted_at`, status 'deleted') keep history intact; unique keys apply to
live rows only.
"""

SCHEMA = [
    """
    CREATE TABLE people (
        id             INTEGER PRIMARY KEY,
        telegram_id    INTEGER,
        username       TEXT,
        full_name      TEXT NOT NULL DEFAULT '',
        email          TEXT,
        status         TEXT NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('invited', 'pending', 'active', 'rejected', 'blocked', 'deleted')),
        is_admin       INTEGER NOT NULL DEFAULT 0,
        comment        TEXT,
        first_message  TEXT,
        unreachable_at TEXT,
        search_text    TEXT NOT NULL DEFAULT '',
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
    )
    """,
    "CREATE UNIQUE INDEX people_telegram_id ON people (telegram_id) WHERE status != 'deleted'",
    "CREATE UNIQUE INDEX people_email ON people (email) WHERE status != 'deleted'",
    """
    CREATE TABLE categories (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        search_text TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL
    )
    """,
    "CREATE UNIQUE INDEX categories_search_text ON categories (search_text)",
    """
    CREATE TABLE devices (
        id            INTEGER PRIMARY KEY,
        number        INTEGER NOT NULL CHECK (number > 0),
        serial        TEXT NOT NULL,
        name          TEXT NOT NULL,
        category_id   INTEGER NOT NULL REFERENCES categories (id),
        firmware      TEXT,
        registered_on TEXT,
        comment       TEXT,
        location      TEXT,
        search_text   TEXT NOT NULL DEFAULT '',
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        deleted_at    TEXT
    )
    """,
    "CREATE UNIQUE INDEX devices_number ON devices (number) WHERE deleted_at IS NULL",
    "CREATE UNIQUE INDEX devices_serial ON devices (serial) WHERE deleted_at IS NULL",
    "CREATE INDEX devices_category ON devices (category_id)",
    """
    CREATE TABLE loans (
        id           INTEGER PRIMARY KEY,
        device_id    INTEGER NOT NULL REFERENCES devices (id),
        person_id    INTEGER NOT NULL REFERENCES people (id),
        taken_at     TEXT NOT NULL,
        due_on       TEXT,
        location     TEXT,
        returned_at  TEXT,
        close_reason TEXT CHECK (close_reason IN ('returned', 'handed_over', 'unassigned'))
    )
    """,
    # The invariant behind every take race: one open loan per device, enforced by SQLite.
    "CREATE UNIQUE INDEX loans_one_open_per_device ON loans (device_id) WHERE returned_at IS NULL",
    "CREATE INDEX loans_open_by_person ON loans (person_id) WHERE returned_at IS NULL",
    "CREATE INDEX loans_open_by_due ON loans (due_on) WHERE returned_at IS NULL",
    """
    CREATE TABLE queue_entries (
        id               INTEGER PRIMARY KEY,
        device_id        INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
        person_id        INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
        joined_at        TEXT NOT NULL,
        offered_at       TEXT,
        offer_expires_at TEXT,
        UNIQUE (device_id, person_id)
    )
    """,
    "CREATE UNIQUE INDEX queue_one_offer_per_device ON queue_entries (device_id) WHERE offered_at IS NOT NULL",
    "CREATE INDEX queue_by_person ON queue_entries (person_id)",
    """
    CREATE TABLE handovers (
        id             INTEGER PRIMARY KEY,
        device_id      INTEGER NOT NULL REFERENCES devices (id),
        loan_id        INTEGER NOT NULL REFERENCES loans (id),
        from_person_id INTEGER NOT NULL REFERENCES people (id),
        to_person_id   INTEGER NOT NULL REFERENCES people (id),
        created_at     TEXT NOT NULL,
        resolved_at    TEXT,
        outcome        TEXT CHECK (outcome IN ('accepted', 'declined', 'cancelled'))
    )
    """,
    "CREATE UNIQUE INDEX handovers_one_open_per_device ON handovers (device_id) WHERE resolved_at IS NULL",
    """
    CREATE TABLE events (
        id        INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        kind      TEXT NOT NULL,
        actor_id  INTEGER REFERENCES people (id),
        device_id INTEGER REFERENCES devices (id),
        person_id INTEGER REFERENCES people (id),
        details   TEXT NOT NULL DEFAULT '{}'
    )
    """,
    "CREATE INDEX events_by_device ON events (device_id, id)",
    "CREATE INDEX events_by_person ON events (person_id, id)",
    "CREATE INDEX events_by_actor ON events (actor_id, id)",
    # History is append-only: the database refuses edits and deletes of events.
    """
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
    """,
    """
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
    """,
    """
    CREATE TABLE reminder_deliveries (
        id        INTEGER PRIMARY KEY,
        loan_id   INTEGER NOT NULL REFERENCES loans (id) ON DELETE CASCADE,
        person_id INTEGER NOT NULL REFERENCES people (id),
        device_id INTEGER NOT NULL REFERENCES devices (id),
        day       TEXT NOT NULL,
        kind      TEXT NOT NULL,
        sent_at   TEXT,
        UNIQUE (loan_id, day)
    )
    """,
    """
    CREATE TABLE scheduled_runs (
        id          INTEGER PRIMARY KEY,
        job         TEXT NOT NULL,
        day         TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        UNIQUE (job, day)
    )
    """,
    """
    CREATE TABLE fsm_state (
        key        TEXT PRIMARY KEY,
        state      TEXT,
        data       TEXT NOT NULL DEFAULT '{}',
        updated_at TEXT NOT NULL
    )
    """,
]


def migrate(migrator, database, *, fake=False):
    for statement in SCHEMA:
        migrator.sql(statement)


def rollback(migrator, database, *, fake=False):
    for table in (
        "fsm_state",
        "scheduled_runs",
        "reminder_deliveries",
        "events",
        "handovers",
        "queue_entries",
        "loans",
        "devices",
        "categories",
        "people",
    ):
        migrator.sql(f"DROP TABLE IF EXISTS {table}")
