"""Device search index: an FTS5 trigram index over the live devices' `search_text`.

`catalog.search_devices` counted the hits of every search and page flip with
`instr(search_text, ?)` over every row (a full scan); for a needle of three characters or
more the index answers the count and the page from its postings instead (docs/architecture.md,
Device search).

`devices_fts` holds exactly {devices.number: devices.search_text for live devices}:
- keyed by the sticker number, not the id: live numbers are unique (`devices_number`) and
  lists are ordered by number, so the index hands out a page of hits already in list order
  (`ORDER BY rowid LIMIT ? OFFSET ?`) and the page joins back only its own rows;
- its own copy of the text (not `content='devices'`): a delete is by rowid, so it can never
  disagree with what was indexed, `SELECT rowid, search_text FROM devices_fts` shows what is
  in it, and FTS5's 'rebuild' (which would read deleted devices from an external content
  table) is never needed: to refill, DELETE FROM it and run FILL again;
- `case_sensitive 1`: `search_text` and the needle are both folded in Python already
  (services.common.fold), so the index compares bytes exactly as `instr` does;
- three triggers keep it right for every writer: insert of a live device, delete of a live
  device, and any update that changes the number, the text or whether the device is live
  (soft delete, restore, edits, category renames). A deleted device never touches the index,
  even when a live device has its old number; an update of other columns does no index work.

Sharp edge: a future migration that rebuilds `devices` (new table, copy, DROP, RENAME) drops
these triggers with the old table: it must create them again (TRIGGERS below) and refill.
"""

TABLE = "CREATE VIRTUAL TABLE devices_fts USING fts5(search_text, tokenize = 'trigram case_sensitive 1')"

FILL = "INSERT INTO devices_fts (rowid, search_text) SELECT number, search_text FROM devices WHERE deleted_at IS NULL"

TRIGGERS = [
    """
    CREATE TRIGGER devices_fts_insert AFTER INSERT ON devices WHEN NEW.deleted_at IS NULL
    BEGIN
        INSERT INTO devices_fts (rowid, search_text) VALUES (NEW.number, NEW.search_text);
    END
    """,
    """
    CREATE TRIGGER devices_fts_delete AFTER DELETE ON devices WHEN OLD.deleted_at IS NULL
    BEGIN
        DELETE FROM devices_fts WHERE rowid = OLD.number;
    END
    """,
    """
    CREATE TRIGGER devices_fts_update AFTER UPDATE OF number, search_text, deleted_at ON devices
    WHEN OLD.number != NEW.number OR OLD.search_text IS NOT NEW.search_text
         OR (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
    BEGIN
        DELETE FROM devices_fts WHERE rowid = OLD.number AND OLD.deleted_at IS NULL;
        INSERT INTO devices_fts (rowid, search_text)
            SELECT NEW.number, NEW.search_text WHERE NEW.deleted_at IS NULL;
    END
    """,
]


def migrate(migrator, database, *, fake=False):
    migrator.sql(TABLE)
    migrator.sql(FILL)
    for statement in TRIGGERS:
        migrator.sql(statement)


def rollback(migrator, database, *, fake=False):
    for trigger in ("devices_fts_update", "devices_fts_delete", "devices_fts_insert"):
        migrator.sql(f"DROP TRIGGER IF EXISTS {trigger}")
    migrator.sql("DROP TABLE IF EXISTS devices_fts")  # its shadow tables go with it
