"""Handler level: the CSV import's preview always fits a message and always ends in an answer."""

from datetime import timedelta

import pytest

from cashbot.db.models import Device, Loan, database_proxy
from cashbot.handlers import import_csv
from cashbot.texts import import_csv as ci
from tests.seed import device
from tests.support import DEFAULT_NOW

HEADER = "Номер;Название;Категория;Серийный номер;Email держателя;Дата возврата"


@pytest.fixture
def env(make_env):
    return make_env(admins=[101], access={"mode": "open"})


async def admin_of(env):
    admin = env.user(101, "Админ")
    await env.send(admin, "/start")
    await env.send(admin, "admin@example.ru")
    return admin


async def upload(env, user, name: str, text: str):
    return await env.session.send_document(env.app.dispatcher, env.app.bot, user, name, text.encode("utf-8"))


def final(replies, message_id):
    """The last state of one bot message among the recorded sends and edits."""
    return [r for r in replies if r.message_id == message_id][-1]


async def test_a_huge_preview_is_counted_and_the_full_lists_come_as_a_file(env):
    admin = await admin_of(env)
    extra = [f"Столбец {i}" for i in range(150)]
    rows = [f"{n};Касса {n};Категория {n};S{n};holder{n % 90}@example.ru;" + ";" * len(extra) for n in range(1, 801)]
    replies = await upload(env, admin, "big.csv", "\n".join([HEADER + ";" + ";".join(extra), *rows]))
    preview, document = replies[-2], replies[-1]
    assert len(preview.text) < 1500, preview.text
    assert "Будет добавлено: 800" in preview.text
    assert "Закрепить за людьми — устройств: 800, людей: 90" in preview.text
    assert "Новых категорий: 800" in preview.text and "Не распознано столбцов: 150" in preview.text
    assert preview.has_button("Импортировать")
    listing = document.document.text
    assert document.document.file_name == ci.DETAILS_FILE
    assert all(f"Категория {n}\n" in listing for n in range(1, 801))
    assert all(f"Столбец {i}\n" in listing for i in range(150))
    assert "holder89@example.ru — ещё не зарегистрирован: 8\n" in listing


async def test_a_short_preview_lists_everything_and_sends_no_file(env):
    admin = await admin_of(env)
    replies = await upload(
        env, admin, "small.csv", "\n".join([HEADER + ";Цвет", "1;Касса;Кофемашина;S1;olga@example.ru;;синий"])
    )
    preview = replies[-1]
    assert not preview.document
    assert "olga@example.ru — ещё не зарегистрирован: 1" in preview.text
    assert "Новые категории: Кофемашина" in preview.text and "«Цвет»" in preview.text


async def test_past_return_dates_are_imported_as_overdue_and_the_preview_says_so(env):
    admin = await admin_of(env)
    today = DEFAULT_NOW.date()
    past, future = today - timedelta(days=5), today + timedelta(days=5)
    replies = await upload(
        env,
        admin,
        "loans.csv",
        "\n".join(
            [
                HEADER,
                f"1;Касса;Весы;S1;olga@example.ru;{past:%d.%m.%Y}",
                f"2;Касса;Весы;S2;olga@example.ru;{future:%d.%m.%Y}",
            ]
        ),
    )
    preview = replies[-1]
    assert ci.OVERDUE.format(count=1) in preview.text
    done = (await env.press(admin, preview, "Импортировать"))[-1]
    assert "добавлено 2" in done.text
    dues = await env.app.db.run(lambda: sorted(l.due_on for l in Loan.select()))
    assert dues == [past, future]


async def test_an_internal_error_while_checking_ends_the_progress_message(env, monkeypatch):
    admin = await admin_of(env)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(import_csv, "plan_import", broken)
    replies = await upload(env, admin, "devices.csv", HEADER + "\n1;Касса;Весы;S1;;\n")
    progress = replies[0]
    assert progress.text.startswith("⏳ Проверяю файл")
    assert final(replies, progress.message_id).text == ci.CHECK_FAILED
    assert not list((env.app.settings.data_dir / "imports").glob("*.csv"))


async def test_an_internal_error_while_writing_says_nothing_was_written(env, monkeypatch):
    admin = await admin_of(env)
    preview = (await upload(env, admin, "devices.csv", HEADER + "\n1;Касса;Весы;S1;;\n"))[-1]

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(import_csv, "apply_import", broken)
    replies = await env.press(admin, preview, "Импортировать")
    assert replies[-1].message_id == preview.message_id and replies[-1].text == ci.WRITE_FAILED
    assert await env.app.db.run(lambda: Device.select().count()) == 0


async def test_a_register_changed_since_the_preview_shows_the_new_preview(env):
    admin = await admin_of(env)

    def seed():
        with database_proxy.atomic():
            device(1, "Старое", "Весы", serial="S1")

    await env.app.db.run(seed)
    preview = (await upload(env, admin, "devices.csv", HEADER + "\n1;Новое;Весы;S1;;\n2;Ещё;Весы;S2;;\n"))[-1]
    preview = (await env.press(admin, preview, "Обновлять существующие"))[-1]
    assert "Будет обновлено: 1" in preview.text

    def rename():  # another admin does the same edit meanwhile
        Device.update(name="Новое").where(Device.number == 1).execute()

    await env.app.db.run(rename)
    again = (await env.press(admin, preview, "Импортировать"))[-1]
    assert ci.CHANGED_SINCE_PREVIEW in again.text and "Будет обновлено: 0" in again.text
    assert await env.app.db.run(lambda: Device.select().count()) == 1
    done = (await env.press(admin, again, "Импортировать"))[-1]
    assert "добавлено 1, обновлено 0" in done.text
