"""End to end: the security edges against the real process and the Bot API double."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest

from cashbot.texts.common import STALE_BUTTON
from tests.seed import device, seed_file

pytestmark = pytest.mark.e2e

ADMIN, CODE = 700, "k9-Lm2-Qx7"
NOW = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)


def _fleet():
    device(1, "MSPOS-N", "Онлайн-касса")
    device(2, "Verifone X990", "Терминал эквайринга")


def _register(user, email):
    user.send("/start")
    user.wait_for("рабочую почту")
    user.send(email)
    user.wait_for("зарегистрированы")


def test_a_group_gets_nothing_and_odd_buttons_get_the_stale_answer(bot_factory, api):
    bot = bot_factory(start=False, admins=[ADMIN], developers=[ADMIN], now=NOW, env={"CASHBOT_DEV_CODE": CODE})
    seed_file(bot.db_path, _fleet)
    bot.start()
    admin = api.user(ADMIN, "Админ")
    _register(admin, "admin@example.ru")
    group = api.group(-1009876543210, "Команда")
    for text in ("/users", "/dev", "/all", "1", "MSPOS", "/help"):
        group.send(admin, text)
    card = group.bot_message("Карточка №1", [("Взять", "d:take:1")])
    assert admin.wait_answer(group.press(admin, card, "d:take:1")) == {"text": None, "show_alert": False, "url": None}
    # In private: a button under an inline message, numbers past SQLite's, a date far away.
    admin.send("1")
    admin.wait_for("MSPOS-N")
    for data in (
        "d:open:1",
        "d:open:9223372036854775808",
        "pg:a:1:99999999999999999999",
        "tk:due:1:1000000",
        "ae:log:1:-5",
    ):
        if data == "d:open:1":
            answer = admin.wait_answer(admin.forge_inline_press(data))
        else:
            answer = admin.wait_answer(admin.forge_press(data))
        assert answer["text"] == STALE_BUTTON, data
    assert bot.stop() == 0  # every update handled to the end
    assert api.calls(chat_id=group.id) == []
    assert group.bot_messages() == []
    log = (bot.log_dir / "cashbot.log").read_text("utf-8")
    assert " ERROR " not in log and "failed" not in log


def test_the_code_after_a_cancelled_prompt_is_deleted_and_is_nowhere_on_disk(bot_factory, api):
    bot = bot_factory(start=False, developers=[ADMIN], now=NOW, env={"CASHBOT_DEV_CODE": CODE})
    seed_file(bot.db_path, _fleet)
    bot.start()
    dev = api.user(ADMIN, "Dev")
    dev.send("/dev")
    menu = dev.wait_for("Инструменты разработчика")
    dev.press(menu, "Полный дамп")
    dev.wait_for("код подтверждения")
    dev.send("/cancel")
    dev.wait_for("отменил")
    sent = dev.send(CODE[:-1])  # a mistyped code right after: deleted too
    dev.wait_deleted(sent)
    dev.wait_for("удалил")
    sent = dev.send(CODE)  # unregistered: this would have been kept as the first message
    dev.wait_deleted(sent)
    dev.wait_for("не спрашивал")

    dev.press(menu, "Полный дамп")
    dev.wait_for("код подтверждения")
    dev.send(CODE)
    dump = dev.wait_for(lambda m: m.document is not None).document.data
    sent = dev.send(CODE)  # twice in quick succession
    dev.wait_deleted(sent)
    dev.wait_for("не спрашивал")
    assert bot.stop() == 0

    assert not [m for m in dev.transcript() if m.outgoing and CODE[:-1] in m.text]
    with zipfile.ZipFile(io.BytesIO(dump)) as archive:
        stored = b"".join(archive.read(name) for name in archive.namelist())
    stored += b"".join(p.read_bytes() for p in bot.workdir.rglob("*") if p.is_file())
    assert CODE[:-1].encode() not in stored
    assert CODE[:-1] not in bot.output()
