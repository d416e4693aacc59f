"""The built wheel is the whole bot: migrations inside the package, the console script and
`python -m cashbot` work from any folder, with the source checkout nowhere on the path.

CI also installs the wheel with the locked dependencies into a clean venv
(scripts/check-install.sh); this test is the quick half of that, for every `make test`
(marked e2e: it builds and installs the wheel and runs `python -m cashbot` from it).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.double.process import REPO_ROOT
from tests.support import TOKEN

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # From a copy of what the Dockerfile copies: an in-tree build would reuse a stale build/.
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO_ROOT / name, source / name)
    shutil.copytree(REPO_ROOT / "cashbot", source / "cashbot", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("cashbot-*.whl")
    return built


def test_the_wheel_carries_the_migrations_and_no_tests(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    migrations = sorted(n for n in names if n.startswith("cashbot/migrations/0"))
    assert "cashbot/migrations/001_initial.py" in migrations
    assert migrations == sorted(
        f"cashbot/migrations/{p.name}" for p in (REPO_ROOT / "cashbot" / "migrations").glob("0*.py")
    )
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/"))]
    # Stickers and label sheets draw with the bundled font; its license goes with it.
    assert {
        "cashbot/assets/fonts/DejaVuSans.ttf",
        "cashbot/assets/fonts/DejaVuSans-Bold.ttf",
        "cashbot/assets/fonts/LICENSE",
    } <= set(names)
    # Every language's catalog: the compiled .mo the bot reads, the .po it comes from.
    catalogs = {
        f"cashbot/locales/{p.relative_to(REPO_ROOT / 'cashbot' / 'locales').as_posix()}"
        for p in (REPO_ROOT / "cashbot" / "locales").glob("*/LC_MESSAGES/cashbot.*")
    }
    assert {"cashbot/locales/en/LC_MESSAGES/cashbot.mo", "cashbot/locales/ru/LC_MESSAGES/cashbot.mo"} <= catalogs
    assert catalogs <= set(names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "cashbot = cashbot.__main__:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_migrates_and_checks_from_another_folder(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASHBOT_", "PYTHON"))}
    # The installed copy first; the venv's packages (dependencies) after it; the checkout nowhere.
    env.update(PYTHONPATH=str(site), CASHBOT_TELEGRAM__TOKEN=TOKEN, CASHBOT_SECRETS_DIR=str(tmp_path / "no-secrets"))

    def cashbot(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "cashbot", *argv],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    where = subprocess.run(
        [sys.executable, "-c", "import cashbot; print(cashbot.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(site)
    migrated = cashbot("migrate")
    assert migrated.returncode == 0 and "001_initial" in migrated.stdout, migrated.stderr
    checked = cashbot("check")
    assert checked.returncode == 0 and "integrity ok" in checked.stdout, checked.stdout + checked.stderr
    with sqlite3.connect(elsewhere / "data" / "cashbot.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM devices").fetchone()[0] == 0


def test_a_missing_migrations_folder_is_an_error_not_an_empty_database(tmp_path):
    """peewee-migrate alone creates the missing folder and reports nothing to do."""
    from cashbot.db.database import MigrationError, apply_migrations, open_database

    database = open_database(tmp_path / "cashbot.sqlite3")
    try:
        with pytest.raises(MigrationError, match="no migrations found"):
            apply_migrations(database, tmp_path / "migrations")
        assert not (tmp_path / "migrations").exists()
    finally:
        database.close()
