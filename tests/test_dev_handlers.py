"""Developer tools through Dispatcher.feed_update: menu, actions, the code dialog, and what
everybody else sees when they try."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from datetime import UTC

import pytest

from cashbot.db.models import Category, Device, Event, Loan, Person
from cashbot.services.device_csv import parse_devices
from tests.seed import device
from tests.support import DEV_KINDS

DEV, CODE = 900, "s3cret-42"


@pytest.fixture
def make_dev_env(make_env):
    """A handler env with a developer and a code (conftest's make_env closes it)."""

    def make(**overrides):
        return make_env(**{"developers": [DEV], "dev_code": CODE, "access": {"mode": "open"}, **overrides})

    return make


def _dev_events():
    return [e.kind for e in Event.select().where(Event.kind.in_(DEV_KINDS)).order_by(Event.id)]


async def _press_menu(env, user, label):
    await env.send(user, "/dev")
    return await env.press(user, label)


async def test_unregistered_developer_gets_menu_export_backup_migrations_and_logs(make_dev_env, tmp_path):
    env = make_dev_env()
    device(7, "MSPOS-N")
    dev = env.user(DEV, "Dev")
    replies = await env.send(dev, "/dev")
    assert "Инструменты разработчика" in replies[-1].text
    assert "Сбросить базу" in " ".join(replies[-1].button_texts)

    replies = await env.press(dev, "Устройства (CSV)")
    csv = replies[-1].document
    assert csv is not None and csv.file_name.endswith(".csv")
    assert [r.number for r in parse_devices(csv.data, today=env.clock.today()).rows] == [7]

    replies = await _press_menu(env, dev, "Резервная копия")
    backup = replies[-1].document
    assert backup.file_name.endswith("-manual.sqlite3")
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(backup.data)
    assert sqlite3.connect(copy).execute("SELECT name FROM devices").fetchall() == [("MSPOS-N",)]

    replies = await _press_menu(env, dev, "Миграции")
    assert "001_initial" in replies[-1].text and "Ожидают: —" in replies[-1].text

    replies = await _press_menu(env, dev, "Конец лога")
    assert "пуст" in replies[-1].text
    (tmp_path / "logs").mkdir(exist_ok=True)
    (tmp_path / "logs" / "cashbot.log").write_text("INFO started <script>\n", encoding="utf-8")
    replies = await _press_menu(env, dev, "Конец лога")
    assert "<pre>INFO started &lt;script&gt;</pre>" in replies[-1].html  # escaped
    replies = await _press_menu(env, dev, "Лог файлом")
    assert replies[-1].document.data == b"INFO started <script>\n"

    assert _dev_events() == ["dev_export", "dev_backup", "dev_migrations", "dev_logs", "dev_logs", "dev_logs"]
    details = Event.get(Event.kind == "dev_export").details
    assert f'"telegram_id": {DEV}' in details


async def test_reset_asks_for_the_code_deletes_it_and_locks_after_three_wrong(make_dev_env, tmp_path):
    env = make_dev_env()
    device(7, "MSPOS-N")
    dev = env.user(DEV, "Dev")
    replies = await _press_menu(env, dev, "Сбросить базу")
    assert "код подтверждения" in replies[-1].text

    replies = await env.send(dev, "wrong-1")
    assert "Осталось попыток: 2" in replies[-1].text
    code_messages = [m for m in dev.transcript() if not m.outgoing and m.text.startswith("wrong")]
    assert code_messages and all(m.deleted for m in code_messages)
    replies = await env.send(dev, "wrong-2")
    assert "Осталось попыток: 1" in replies[-1].text
    replies = await env.send(dev, "wrong-3")
    assert "заблокированы до 10:15" in replies[-1].text
    assert Device.select().count() == 1

    # Locked: the button refuses, and a code sent now is just text (no dialog is open).
    await env.send(dev, "/dev")
    await env.press(dev, "Сбросить базу")
    answer = env.telegram.callback_answer(env.session.last_query_id)
    assert "до 10:15" in answer["text"] and answer["show_alert"]

    env.clock.advance(minutes=15)
    await _press_menu(env, dev, "Сбросить базу")
    replies = await env.send(dev, CODE)
    assert "База сброшена" in replies[-1].text
    assert all(m.deleted for m in dev.transcript() if not m.outgoing and m.text == CODE)
    assert Device.select().count() == 0
    assert list(tmp_path.glob("backups/*before-reset.sqlite3"))
    assert _dev_events() == ["dev_reset"]  # the log restarts with the reset itself


async def test_delete_free_and_dump_after_the_code(make_dev_env, tmp_path):
    env = make_dev_env()
    device(7, "MSPOS-N")
    device(8, "Эвотор 7.2")
    dev = env.user(DEV, "Dev")
    replies = await _press_menu(env, dev, "Удалить свободные")
    assert "свободные устройства: 2" in replies[-1].text
    replies = await env.send(dev, CODE)
    assert "Удалено свободных устройств: 2" in replies[-1].text
    assert Device.select().where(Device.deleted_at.is_null()).count() == 0

    await _press_menu(env, dev, "Полный дамп")
    replies = await env.send(dev, CODE)
    dump = replies[-1].document
    assert dump.file_name.endswith(".zip") and "таблиц" in replies[-1].text
    assert _dev_events() == ["dev_code_ok", "dev_delete_free", "dev_code_ok", "dev_dump"]


async def test_without_a_configured_code_dangerous_actions_are_disabled(make_dev_env, tmp_path):
    env = make_dev_env(dev_code=None)
    dev = env.user(DEV, "Dev")
    await _press_menu(env, dev, "Сбросить базу")
    answer = env.telegram.callback_answer(env.session.last_query_id)
    assert "отключены" in answer["text"]
    replies = await env.send(dev, "anything")  # no dialog was opened: registration answers
    assert "почту" in replies[-1].text


async def test_cancel_or_a_new_menu_ends_the_code_dialog(make_dev_env, tmp_path):
    env = make_dev_env()
    dev = env.user(DEV, "Dev")
    await _press_menu(env, dev, "Сбросить базу")
    await env.send(dev, "/cancel")
    replies = await env.send(dev, CODE)  # the code after /cancel: deleted, nothing done
    assert "База сброшена" not in replies[-1].text and "не спрашивал" in replies[-1].text
    assert [m for m in dev.transcript() if not m.outgoing and m.text == CODE][0].deleted
    # A new /dev menu ends an open prompt too: later text is not taken for a code.
    await _press_menu(env, dev, "Полный дамп")
    await env.send(dev, "/dev")
    await env.send(dev, "49")
    assert _dev_events() == []


async def _user_texts(user):
    return [m for m in user.transcript() if not m.outgoing]


async def test_the_code_outside_its_prompt_is_deleted_never_searched_stored_or_echoed(make_dev_env, tmp_path):
    env = make_dev_env()
    device(7, "MSPOS-N")
    dev = env.user(DEV, "Dev")
    near = CODE[:-1]  # a mistyped code is a secret too

    replies = await env.send(dev, CODE)  # unregistered: would have been kept as the first message
    assert "не спрашивал" in replies[-1].text
    await env.send(dev, "/start")
    await env.send(dev, "dev@example.ru")  # now an active person: text is a search
    replies = await env.send(dev, CODE)
    assert "не спрашивал" in replies[-1].text

    # In another dialog: the code is deleted and the dialog goes on.
    await env.send(dev, "7")
    await env.press(dev, "Взять")
    await env.press(dev, "Без срока")
    replies = await env.send(dev, CODE)
    assert "не спрашивал" in replies[-1].text
    replies = await env.send(dev, "Склад")
    assert Loan.get().location == "Склад"

    # Right after /cancel or a lockout, any text is deleted: it may be a mistyped code.
    await _press_menu(env, dev, "Полный дамп")
    await env.send(dev, "/cancel")
    replies = await env.send(dev, near)
    assert "удалил" in replies[-1].text
    for wrong in ("w-1", "w-2", "w-3"):
        if wrong == "w-1":
            await _press_menu(env, dev, "Полный дамп")
        await env.send(dev, wrong)
    replies = await env.send(dev, near)
    assert "удалил" in replies[-1].text
    replies = await env.send(dev, CODE)  # locked out: the code is not checked, only deleted
    assert "не спрашивал" in replies[-1].text
    replies = await env.send(dev, "MSPOS")  # one text only: searches work again
    assert "MSPOS-N" in replies[-1].text
    env.clock.advance(minutes=16)
    # A dialog opened right after a /cancel gets its answer: the quiet window is for bare text.
    await _press_menu(env, dev, "Полный дамп")
    await env.send(dev, "/cancel")
    env.app.settings.admins.append(DEV)
    category = Category.get(Category.name == "Онлайн-касса")
    await env.forge_press(dev, f"ac:rename:{category.id}")
    replies = await env.send(dev, "Кассы")
    assert "удалил" not in replies[-1].text
    assert Category.get_by_id(category.id).name == "Кассы"
    env.app.settings.admins.remove(DEV)

    # The right code twice in quick succession: the first acts, the second is deleted.
    await _press_menu(env, dev, "Удалить свободные")
    await env.send(dev, CODE)
    replies = await env.send(dev, CODE)
    assert "не спрашивал" in replies[-1].text
    await _press_menu(env, dev, "Полный дамп")
    replies = await env.send(dev, CODE)
    dump = replies[-1].document.data

    secrets = {m.text for m in await _user_texts(dev)} & {CODE, near, "w-1", "w-2", "w-3"}
    assert secrets == {CODE, near, "w-1", "w-2", "w-3"}
    assert all(m.deleted for m in await _user_texts(dev) if m.text in secrets)
    assert not [m.text for m in dev.transcript() if m.outgoing and any(x in m.text for x in secrets)]
    assert _dev_events().count("dev_code_wrong") == 3
    # Nowhere on disk: the database and its WAL (FSM data, events), backups, the dump, logs.
    stored = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    with zipfile.ZipFile(io.BytesIO(dump)) as archive:
        stored += b"".join(archive.read(name) for name in archive.namelist())
    for secret in (CODE, near):
        assert secret.encode() not in stored


async def test_only_developers_have_their_code_like_text_deleted(make_dev_env, tmp_path):
    """For anyone else a deleted message would confirm a guess: their text is just text."""
    env = make_dev_env()
    staff = env.user(202, "Сотрудник")
    await env.send(staff, "/start")
    await env.send(staff, "staff@example.ru")
    replies = await env.send(staff, CODE)
    assert "ничего не нашлось" in replies[-1].text
    assert not [m for m in await _user_texts(staff) if m.deleted]


async def test_others_sending_dev_commands_or_forged_callbacks_get_nothing(make_dev_env, tmp_path):
    env = make_dev_env()
    device(7, "MSPOS-N")
    stranger, staff = env.user(201, "Чужой"), env.user(202, "Сотрудник")
    await env.send(staff, "/start")
    await env.send(staff, "staff@example.ru")
    admin_env_admin = env.user(203, "Админ")  # an admin is not a developer either
    env.app.settings.admins.append(203)
    await env.send(admin_env_admin, "/start")
    await env.send(admin_env_admin, "admin@example.ru")

    for user in (stranger, staff, admin_env_admin):
        replies = await env.send(user, "/dev")
        assert all("Инструменты разработчика" not in m.text for m in replies)
        for action in ("logfile", "logtail", "export", "backup", "migrations", "dump", "delfree", "reset"):
            replies = await env.forge_press(user, f"dv:{action}")
            assert all(m.document is None for m in replies)
            assert all("код подтверждения" not in m.text for m in replies)
        replies = await env.send(user, CODE)  # no code dialog was opened by the forgeries
        assert all("сброшена" not in m.text for m in replies)

    # Exactly what any unknown text gets (today the fallback hint, later a failed search).
    staff_replies = await env.send(staff, "/dev")
    unknown = await env.send(staff, "/qqq")
    assert staff_replies[-1].text == unknown[-1].text.replace("qqq", "dev")
    assert "рабочую почту" in (await env.send(stranger, "/dev"))[-1].text
    assert _dev_events() == []
    assert Device.select().where(Device.deleted_at.is_null()).count() == 1
    assert not list(tmp_path.glob("backups/*"))
    assert Person.select().count() == 2


async def test_scheduled_backup_runs_once_a_day_after_its_time_and_keeps_the_last_n(make_dev_env, tmp_path):
    from datetime import datetime

    from cashbot.jobs import scheduled_backup

    env = make_dev_env(backups={"time": "03:00:00", "keep": 2})
    app = env.app
    env.clock.value = datetime(2026, 11, 26, 23, 0, tzinfo=UTC)  # 02:00 in Moscow
    await app.loop.tick()
    assert not list(tmp_path.glob("backups/*"))
    env.clock.advance(hours=1)  # 03:00 local
    await app.loop.tick()
    await app.loop.tick()
    assert len(list(tmp_path.glob("backups/*-daily.sqlite3"))) == 1
    for _ in range(3):  # three more days
        env.clock.advance(days=1)
        await scheduled_backup(app.settings, app.db, app.clock)
    daily = sorted(p.name for p in tmp_path.glob("backups/*-daily.sqlite3"))
    assert daily == ["cashbot-20261129-000000Z-daily.sqlite3", "cashbot-20261130-000000Z-daily.sqlite3"]
    assert Event.select().where(Event.kind == "backup_done").count() == 4


async def test_scheduled_backup_can_be_switched_off(make_dev_env, tmp_path):
    env = make_dev_env(backups={"enabled": False})
    await env.app.loop.tick()
    assert not list(tmp_path.glob("backups/*"))
