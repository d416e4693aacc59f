"""Each person's language: "ru" or "en", chosen with /language or taken from
Telegram's language_code at registration. NULL: the configured default (`language`), so
people who registered before this migration keep reading what they read.
"""


def migrate(migrator, database, *, fake=False):
    migrator.sql("ALTER TABLE people ADD COLUMN language TEXT")


def rollback(migrator, database, *, fake=False):
    migrator.sql("ALTER TABLE people DROP COLUMN language")
