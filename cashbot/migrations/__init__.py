"""The schema: peewee-migrate migrations, shipped inside the package (found with importlib.resources)."""
