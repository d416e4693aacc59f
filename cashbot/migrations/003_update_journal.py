"""Update journal: updates fetched from Telegram whose handling has not finished yet.

cashbot/polling.py writes each batch here before the next getUpdates confirms it to Telegram,
and deletes an update once its handler has finished; the next start handles again whatever
is left (a crash in the middle). The body is the update as Telegram sent it (JSON).
"""


def migrate(migrator, database, *, fake=False):
    migrator.sql("CREATE TABLE update_journal (update_id INTEGER PRIMARY KEY, body TEXT NOT NULL)")


def rollback(migrator, database, *, fake=False):
    migrator.sql("DROP TABLE IF EXISTS update_journal")
