"""`cashbot labels`: the sheet the bot makes, from the command line; its exit codes."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pypdf
import zxingcpp

from cashbot.db.models import Device
from tests.double.process import REPO_ROOT
from tests.double.server import BotApiDouble
from tests.seed import device, seed_file
from tests.support import TOKEN, one_line


def seed(tmp_path, numbers=range(1, 31)) -> None:
    def build():
        for n in numbers:
            device(n, f"Сканер Атол {n}", "Сканер" if n % 3 == 0 else "Онлайн-касса")
        Device.update(deleted_at=Device.created_at).where(Device.number == 6).execute()

    seed_file(tmp_path / "data" / "cashbot.sqlite3", build)


def links(path) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return [code.text for page in reader.pages for image in page.images for code in zxingcpp.read_barcodes(image.image)]


def test_a_sheet_of_a_category_and_a_range(cli, tmp_path):
    seed(tmp_path)
    code, _, err = cli(
        "labels",
        "--bot",
        "@team_devices_bot",
        "--category",
        "СКАНЕР",
        "--numbers",
        "1-20",
        "-o",
        "scanners.pdf",
        CASHBOT_TELEGRAM__TOKEN=TOKEN,
    )
    assert code == 0, err
    assert "5 label(s) on 1 page(s) (3 x 8, 70.0 x 37.0 mm) written to scanners.pdf" in one_line(err)
    assert links(tmp_path / "scanners.pdf") == [
        f"https://t.me/team_devices_bot?start=d{n}" for n in (3, 9, 12, 15, 18)
    ]  # 6 is deleted


def test_the_bot_username_comes_from_getme_when_not_given(cli, tmp_path):
    seed(tmp_path, numbers=[7])
    with BotApiDouble() as api:
        code, _, err = cli(
            "labels", "-o", "one.pdf", CASHBOT_TELEGRAM__TOKEN=api.token, CASHBOT_TELEGRAM__API_BASE=api.base_url
        )
    assert code == 0, err
    assert links(tmp_path / "one.pdf") == ["https://t.me/cashbot_test_bot?start=d7"]


def test_exit_codes(cli, tmp_path):
    token = {"CASHBOT_TELEGRAM__TOKEN": TOKEN}
    code, _, err = cli("labels", "--bot", "team_devices_bot", "-o", "x.pdf", **token)
    assert code == 1 and "does not exist" in one_line(err)  # no database yet
    seed(tmp_path)
    code, _, err = cli("labels", "--bot", "team_devices_bot", "--numbers", "20-1", "-o", "x.pdf", **token)
    assert code == 2 and "'20-1' runs backwards" in one_line(err)
    code, _, err = cli("labels", "--bot", "team_devices_bot", "--numbers", "1-abc", "-o", "x.pdf", **token)
    assert code == 2 and "not a sticker number" in one_line(err)
    code, _, err = cli("labels", "--bot", "team_devices_bot", "--category", "Весы", "-o", "x.pdf", **token)
    assert code == 2 and "no category 'Весы'" in one_line(err)
    code, _, err = cli("labels", "--bot", "x!", "-o", "x.pdf", **token)
    assert code == 2 and "not a bot username" in one_line(err)
    code, _, err = cli("labels", "--bot", "team_devices_bot", "--numbers", "500-600", "-o", "x.pdf", **token)
    assert code == 1 and "no device matches" in one_line(err)
    code, _, err = cli("labels", "--bot", "team_devices_bot", "-o", str(tmp_path / "missing" / "x.pdf"), **token)
    assert code == 2 and "cannot write" in one_line(err)
    unreachable = {"CASHBOT_TELEGRAM__API_BASE": "http://127.0.0.1:9", **token}
    code, _, err = cli("labels", "-o", "x.pdf", **unreachable)
    assert code == 2 and "pass it with --bot USERNAME" in one_line(err)
    assert not (tmp_path / "x.pdf").exists()


def test_the_sheet_to_standard_output(cli, tmp_path):
    seed(tmp_path, numbers=[1, 2])
    env = {k: v for k, v in os.environ.items() if k.startswith("CASHBOT_") or k == "PATH"}
    result = subprocess.run(
        [sys.executable, "-m", "cashbot", "labels", "--bot", "team_devices_bot", "-o", "-"],
        cwd=REPO_ROOT,
        env={**env, "CASHBOT_TELEGRAM__TOKEN": TOKEN},
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"%PDF-") and b"2 label(s) on 1 page(s)" in result.stderr
