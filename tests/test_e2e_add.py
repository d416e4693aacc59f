"""End to end: /add (one device, CSV import) through the real process and the Bot API double."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.seed import device, seed_file

pytestmark = pytest.mark.e2e

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 11, 27, 7, tzinfo=UTC)
STALE = "Эта кнопка устарела."


def register(api, user_id, name, email, **kwargs):
    user = api.user(user_id, name, **kwargs)
    user.send("/start")
    user.wait_for("рабочую почту")
    user.send(email)
    user.wait_for("зарегистрированы")
    return user


def test_one_device_dialog_back_skip_duplicate_serial_restart_and_cancel(bot_factory, api):
    bot = bot_factory(admins=[101], now=NOW, start=False)
    seed_file(bot.db_path, lambda: device(7, "Старая касса", serial="DUP-1"))
    bot.start()
    admin = register(api, 101, "Админ", "admin@example.ru")

    admin.send("/add")
    admin.press(admin.wait_for("Что добавить"), "Одно устройство")
    admin.wait_for("Номер с наклейки")
    admin.send("49")
    admin.wait_for("Серийный номер")
    admin.send("DUP-1")  # taken: the existing card is shown, the dialog stays
    taken = admin.wait_for("уже есть у устройства")
    assert "№7 · Старая касса" in taken.text
    admin.send("0049")
    admin.press(admin.wait_for("Название"), "Назад")
    admin.wait_for("Серийный номер")
    admin.send("0049")
    admin.wait_for("Название")
    admin.send("MSPOS-N")
    admin.press(admin.wait_for("Категория"), "Онлайн-касса")
    admin.press(admin.wait_for("прошивки"), "Пропустить")
    admin.wait_for("Дата регистрации")
    admin.send("18.05.2024")
    admin.press(admin.wait_for("Комментарий"), "Пропустить")
    admin.press(admin.wait_for("У кого устройство"), "Пропустить")
    admin.wait_for("Где устройство")
    admin.send("офис Екб")
    preview = admin.wait_for("Проверьте устройство")
    assert "Серийный номер: 0049" in preview.text and "Вернуть до" not in preview.text
    admin.press(preview, "Назад")  # no holder: back from the preview is the location
    admin.wait_for("Где устройство")
    admin.send("склад")
    admin.press(admin.wait_for("Проверьте устройство"), "Добавить")
    admin.wait_for("добавлено")
    card = admin.wait_for("Категория:")
    assert (
        "№49 · MSPOS-N" in card.text
        and "Онлайн-касса" in card.text
        and "18.05.2024" in card.text
        and "склад" in card.text
    )

    # A second dialog survives a restart, then is cancelled: nothing is added.
    admin.send("/add")
    admin.press(admin.wait_for("Что добавить"), "Одно устройство")
    admin.wait_for("Номер с наклейки")
    admin.send("50")
    admin.wait_for("Серийный номер")
    bot.restart()
    admin.send("SN-50")
    admin.press(admin.wait_for("Название"), "Отмена")
    admin.wait_for("ничего не добавлено")
    admin.send("/start d50")
    admin.wait_for("нет в учёте")
    admin.send("/start d49")
    assert "0049" in admin.wait_for("MSPOS-N").text
    assert bot.stop() == 0


def reimport_unchanged(admin, name, data, count):
    """Send a file of devices already stored as they are, switch "update existing" on: the
    preview says nothing would change and offers no import."""
    admin.send_document(name, data)
    refused = admin.wait_for("уже есть в базе")
    assert f"Ошибок: {count}" in refused.text
    admin.press(refused, "Обновлять существующие")
    preview = admin.wait_for(f"останутся как есть: {count}")
    assert "Будет обновлено: 0" in preview.text and "нет ни новых устройств, ни изменений" in preview.text
    assert not preview.has_button("Импортировать"), name
    admin.press(preview, "Отмена")
    admin.wait_for("Импорт отменён")


def test_csv_in_cp1251_utf8_bom_and_utf16_give_identical_devices(bot_factory, api):
    bot = bot_factory(admins=[101], now=NOW)
    admin = register(api, 101, "Админ", "admin@example.ru")
    ivanova = register(api, 103, "Иванова", "ivanova@example.ru")
    admin.send("/add")
    admin.press(admin.wait_for("Что добавить"), "Загрузить CSV")
    admin.wait_for("Пришлите CSV")
    cp1251 = (DATA / "devices_cp1251_semicolon.csv").read_bytes()
    admin.send_document("devices.csv", cp1251)
    preview = admin.wait_for("Будет добавлено: 8")
    assert "Иванова (ivanova@example.ru): 1" in preview.text
    assert "petrov@example.ru — ещё не зарегистрирован: 1" in preview.text
    admin.press(preview, "Импортировать")
    done = admin.wait_for("Готово")
    assert "добавлено 8" in done.text and "закреплено за людьми 2" in done.text
    assert any("Записываю устройства: 8" in m.text for m in admin.history(done))  # progress, one message
    assert "№50 · Эвотор 7.3" in ivanova.wait_for("закреплены устройства").text

    # The same devices in other encodings: every row matches what is stored, byte for byte.
    text = cp1251.decode("cp1251")
    for name, data in (
        ("utf8-bom.csv", text.encode("utf-8-sig")),
        ("utf16.csv", text.encode("utf-16")),
        ("utf16le-no-bom.csv", text.encode("utf-16-le")),
    ):
        reimport_unchanged(admin, name, data, 8)
    # The original bot's format (other headers, commas, short rows) reads as the same devices.
    reimport_unchanged(admin, "original.csv", (DATA / "devices_original_format_utf8.csv").read_bytes(), 5)
    admin.send("/start d52")
    card = admin.wait_for("PAX S300")
    assert "клиент «Ромашка»" in card.text and "petrov@example.ru" in card.text and "01.12.2026" in card.text
    assert bot.stop() == 0


def test_five_errors_in_one_answer_and_nothing_written(bot_factory, api):
    bot = bot_factory(admins=[101], now=NOW)
    admin = register(api, 101, "Админ", "admin@example.ru")
    rows = [
        "Номер;Название;Категория;Серийный номер;Дата регистрации;Email держателя;Дата возврата",
        "61;Годная касса;Онлайн-касса;S61;;;",
        "abc;Касса;Онлайн-касса;S62;;;",
        "63;Касса;Онлайн-касса;S63;31.02.2024;;",
        "64;Касса;Онлайн-касса;S64;;;01.12.2026",  # a return date without a holder
        "65;Касса;Онлайн-касса;S65;;не-почта;",
        "61;Касса;Онлайн-касса;S66;;;",
    ]
    admin.send_document("broken.csv", "\n".join(rows).encode("cp1251"))
    report = admin.wait_for("Ошибок: 5")
    for expected in (
        "Строка 3, «Номер»",
        "Строка 4, «Дата регистрации»",
        "Строка 5, «Дата возврата»",
        "Строка 6, «Email держателя»",
        "Строка 7, «Номер»: Номер 61 уже встречался в строке 2",
    ):
        assert expected in report.text, expected
    assert not report.has_button("Импортировать")
    admin.press(report, "Отмена")
    admin.wait_for("ничего не записано")
    admin.send("/start d61")
    admin.wait_for("нет в учёте")
    assert bot.stop() == 0


def test_non_admin_commands_and_forged_admin_callbacks_do_nothing(bot_factory, api):
    bot = bot_factory(admins=[101], now=NOW)
    register(api, 101, "Админ", "admin@example.ru")
    staff = register(api, 102, "Сотрудник", "staff@example.ru")
    staff.send("/zzz")
    failed_search = staff.wait_for(None).text
    for command in ("/add", "/users"):
        staff.send(command)
        reply = staff.wait_for(None)
        assert reply.text == failed_search.replace("/zzz", command) and not reply.buttons
    for data in ("aa:one:0:0", "aa:csv:0:0", "aa:tpl:0:0", "aa:save:10:0", "ai:go:deadbeef", "ai:upd:deadbeef"):
        query = staff.forge_press(data)
        assert staff.wait_answer(query)["text"] == STALE
    staff.send_document("devices.csv", (DATA / "devices_cp1251_semicolon.csv").read_bytes())
    reply = staff.wait_for(None)
    assert "Будет добавлено" not in reply.text and not reply.buttons
    assert api.calls(method="getFile") == [] and api.calls(method="sendDocument") == []
    staff.send("/start d49")
    staff.wait_for("нет в учёте")
    assert bot.stop() == 0
