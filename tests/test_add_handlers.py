"""Handler level: /add dialog and CSV import through Dispatcher.feed_update."""

from pathlib import Path

import pytest

from cashbot.db.models import Device, Event, Loan, Person, database_proxy
from tests.seed import device

DATA = Path(__file__).parent / "data"


@pytest.fixture
def env(make_env):
    return make_env(admins=[101], access={"mode": "open"})


async def register(env, user_id, name, email, **kw):
    user = env.user(user_id, name, **kw)
    await env.send(user, "/start")
    await env.send(user, email)
    return user


async def seed(env, fn):
    def run():
        with database_proxy.atomic():
            return fn()

    return await env.app.db.run(run)


async def test_full_dialog_with_back_skip_duplicate_and_a_holder(env):
    admin = await register(env, 101, "Админ", "admin@example.ru")
    olga = await register(env, 102, "Ольга", "olga@example.ru", username="olga")
    await seed(env, lambda: device(7, "Старая касса", serial="DUP-1"))

    menu = (await env.send(admin, "/add"))[-1]
    assert menu.button_texts == ["➕ Одно устройство", "📄 Загрузить CSV", "📋 Шаблон CSV", "⚙️ Категории"]
    first = (await env.press(admin, menu, "Одно устройство"))[-1]
    assert "Номер с наклейки" in first.text
    menu = (await env.press(admin, first, "Назад"))[-1]  # the first step goes back to the menu
    assert "Что добавить" in menu.text
    assert "Номер с наклейки" in (await env.press(admin, menu, "Одно устройство"))[-1].text
    assert "«49а»: Номер — целое число" in (await env.send(admin, "49а"))[-1].text
    assert "уже занят" in (await env.send(admin, "7"))[-1].text
    await env.send(admin, "49")
    reply = (await env.send(admin, "DUP-1"))[-1]
    assert "уже есть у устройства" in reply.text and "Старая касса" in reply.text  # existing card
    await env.send(admin, "0049-SN")
    prompt = (await env.send(admin, "MSPOS-N"))[-1]
    assert "Категория" in prompt.text and "Онлайн-касса" in prompt.button_texts
    # Back to the name, then forward again.
    assert "Название" in (await env.press(admin, prompt, "Назад"))[-1].text
    prompt = (await env.send(admin, "MSPOS-N Lite"))[-1]
    assert "Категории «Нет такой» нет" in (await env.send(admin, "Нет такой"))[-1].text
    prompt = (await env.press(admin, prompt, "Новая категория"))[-1]
    assert "название новой категории" in prompt.text
    prompt = (await env.press(admin, prompt, "Назад"))[-1]  # back to the category buttons
    assert "Онлайн-касса" in prompt.button_texts
    prompt = (await env.press(admin, prompt, "Новая категория"))[-1]
    prompt = (await env.send(admin, "Кассы-мини"))[-1]
    assert "прошивки" in prompt.text
    prompt = (await env.press(admin, prompt, "Пропустить"))[-1]  # firmware
    assert "не наступила" in (await env.send(admin, "01.01.2030"))[-1].text
    await env.send(admin, "01.03.2024")
    await env.send(admin, "<b>как новая</b>")
    found = (await env.send(admin, "ольга"))[-1]
    assert "Ольга" in found.button_texts[0]
    assert "Где устройство" in (await env.press(admin, found, "Ольга"))[-1].text
    await env.send(admin, "офис")
    assert "Не понял дату" in (await env.send(admin, "когда-нибудь"))[-1].text
    preview = (await env.send(admin, "10.12.2026"))[-1]
    assert "Кассы-мини (новая)" in preview.text and "&lt;b&gt;как новая" in preview.html
    assert "10.12.2026" in preview.text and "Ольга" in preview.text

    replies = await env.press(admin, preview, "Добавить")
    assert "добавлено" in replies[-2].text and "№49 · MSPOS-N Lite" in replies[-1].text
    await env.app.notifier.drain(5)
    assert "закрепил за вами устройство" in olga.last_message().text

    def check():
        d = Device.get(Device.number == 49)
        loan = Loan.get(Loan.device == d)
        return (
            d.serial,
            d.category.name,
            d.firmware,
            loan.person.email,
            str(loan.due_on),
            Event.select().where(Event.kind == "device_added", Event.device == d).count(),
        )

    assert await env.app.db.run(check) == ("0049-SN", "Кассы-мини", None, "olga@example.ru", "2026-12-10", 1)
    # A double click on the old preview adds nothing more.
    await forge(env, admin, preview.all_buttons[0].callback_data, preview.message_id)
    assert env.telegram.callback_answer(env.session.last_query_id)["text"] == "Эта кнопка устарела."
    assert await env.app.db.run(lambda: Device.select().count()) == 2


async def test_cancel_and_stale_buttons_add_nothing(env):
    admin = await register(env, 101, "Админ", "admin@example.ru")
    menu = (await env.send(admin, "/add"))[-1]
    first = (await env.press(admin, menu, "Одно устройство"))[-1]
    second = (await env.send(admin, "12"))[-1]
    await env.press(admin, first.message_id, data=first.all_buttons[-1].callback_data)  # stale cancel
    assert env.telegram.callback_answer(env.session.last_query_id)["text"] == "Эта кнопка устарела."
    assert "Название" in (await env.send(admin, "SN-12"))[-1].text
    reply = (await env.press(admin, "Отмена"))[-1]
    assert "ничего не добавлено" in reply.text
    assert await env.app.db.run(lambda: Device.select().count()) == 0
    assert "Серийный номер" in second.text  # the dialog had moved on before the stale cancel


async def test_invited_holder_by_email(env):
    admin = await register(env, 101, "Админ", "admin@example.ru")
    # "Сканер" is one of the default categories seeded at start.
    await env.press(admin, (await env.send(admin, "/add"))[-1], "Одно устройство")
    for answer in ("5", "SN5", "Honeywell"):
        await env.send(admin, answer)
    await env.send(admin, "сканер")  # typed name of an existing category
    for _ in range(3):  # firmware, registration date, comment
        await env.press(admin, "Пропустить")
    await env.send(admin, "New.Person@Example.ru")
    await env.press(admin, "Пропустить")  # location
    preview = (await env.press(admin, "Пропустить"))[-1]  # return date
    assert "new.person@example.ru (ещё не зарегистрирован)" in preview.text
    await env.press(admin, preview, "Добавить")
    invited = await env.app.db.run(lambda: Person.get(Person.email == "new.person@example.ru").status)
    assert invited == "invited"


async def test_csv_preview_toggle_and_import(env):
    admin = await register(env, 101, "Админ", "admin@example.ru")
    petrov = await register(env, 103, "Пётр", "petrov@example.ru")
    await seed(env, lambda: device(49, "Старое имя", serial="4894892299"))
    await env.press(admin, (await env.send(admin, "/add"))[-1], "Загрузить CSV")
    data = (DATA / "devices_cp1251_semicolon.csv").read_bytes()
    replies = await env.session.send_document(env.app.dispatcher, env.app.bot, admin, "devices.csv", data)
    preview = replies[-1]
    assert "уже есть в базе" in preview.text and "Импортировать" not in " ".join(preview.button_texts)
    preview = (await env.press(admin, preview, "Обновлять существующие"))[-1]
    assert "Будет добавлено: 7" in preview.text and "Будет обновлено: 1" in preview.text
    assert "Пётр (petrov@example.ru): 1" in preview.text
    assert "ivanova@example.ru — ещё не зарегистрирован: 1" in preview.text
    done = (await env.press(admin, preview, "Импортировать"))[-1]
    assert "добавлено 7, обновлено 1, закреплено за людьми 2" in done.text
    await env.app.notifier.drain(5)
    assert "№52 · PAX S300" in petrov.last_message().text
    assert await env.app.db.run(lambda: Device.get(Device.number == 49).name) == "MSPOS-N"
    assert not list((env.app.settings.data_dir / "imports").glob("*.csv"))  # temp file gone


async def test_template_and_too_big_file(env):
    admin = await register(env, 101, "Админ", "admin@example.ru")
    replies = await env.press(admin, (await env.send(admin, "/add"))[-1], "Шаблон CSV")
    assert replies[-1].document.text.startswith("Номер;Название;Категория")
    big = b"x" * 2_000_001
    reply = (await env.session.send_document(env.app.dispatcher, env.app.bot, admin, "big.csv", big))[-1]
    assert "слишком большой" in reply.text
    assert env.telegram.calls(method="getFile") == []  # refused before downloading


async def test_non_admin_gets_no_menu_and_forged_callbacks_do_nothing(env):
    await register(env, 101, "Админ", "admin@example.ru")
    staff = await register(env, 102, "Сотрудник", "staff@example.ru")
    replies = await env.send(staff, "/add")
    assert replies and not any(r.button_texts for r in replies)
    # Exactly what a failed search gives (a search reply may quote the query).
    assert replies[-1].text == (await env.send(staff, "/zzz"))[-1].text.replace("/zzz", "/add")
    for data in ("aa:one:0:0", "aa:save:10:0", "aa:tpl:0:0", "ai:go:deadbeef", "ai:upd:deadbeef"):
        replies = await forge(env, staff, data)
        assert not any("Номер с наклейки" in r.text or r.document for r in replies)
        assert env.telegram.callback_answer(env.session.last_query_id)["text"] == "Эта кнопка устарела."
    assert await env.app.db.run(lambda: Device.select().count()) == 0


async def forge(env, user, data, message_id=None):
    """Press a button the user was not shown (forged, or already removed by the bot)."""
    return await env.forge_press(user, data, message_id)


async def test_number_taken_while_the_dialog_was_open_returns_to_that_step(env):
    admin = await register(env, 101, "Админ", "admin@example.ru")
    await env.press(admin, (await env.send(admin, "/add"))[-1], "Одно устройство")
    for answer in ("60", "SN-60", "Касса"):
        await env.send(admin, answer)
    await env.press(admin, "Онлайн-касса")
    for _ in range(5):  # firmware, registration date, comment, holder, location
        await env.press(admin, "Пропустить")
    preview = admin.last_message()
    await seed(env, lambda: device(60, "Чужая касса", serial="OTHER"))  # another admin was faster
    reply = (await env.press(admin, preview, "Добавить"))[-1]
    assert "Номер 60 уже занят" in reply.text and "Чужая касса" in reply.text
    assert "Номер с наклейки" in reply.text
    await env.send(admin, "61")  # the rest of the answers are kept
    preview = admin.last_message()
    assert "Номер: 61" in preview.text and "SN-60" in preview.text
    await env.press(admin, preview, "Добавить")
    assert await env.app.db.run(lambda: Device.get(Device.number == 61).serial) == "SN-60"


async def test_long_report_comes_as_a_file_and_a_double_import_click_is_stale(env):
    admin = await register(env, 101, "Админ", "admin@example.ru")
    bad = "Номер;Название;Категория;Серийный номер\n" + "".join(f"x{i};К;Сканер;S{i}\n" for i in range(200))
    replies = await env.session.send_document(env.app.dispatcher, env.app.bot, admin, "bad.csv", bad.encode())
    assert "Ошибок: 200" in replies[-2].text and "в файле ниже" in replies[-2].text
    assert replies[-1].document.text.count("«Номер»") == 200

    good = "Номер;Название;Категория;Серийный номер\n1;Касса;Сканер;S1\n"
    replies = await env.session.send_document(env.app.dispatcher, env.app.bot, admin, "good.csv", good.encode())
    preview = replies[-1]
    go = preview.find_button("Импортировать").callback_data
    assert "Готово" in (await env.press(admin, preview, "Импортировать"))[-1].text
    await forge(env, admin, go, preview.message_id)
    assert env.telegram.callback_answer(env.session.last_query_id)["text"] == "Эта кнопка устарела."
    assert await env.app.db.run(lambda: Device.select().count()) == 1


async def test_waiting_for_a_file_lets_commands_through(env):
    admin = await register(env, 101, "Админ", "admin@example.ru")
    await env.press(admin, (await env.send(admin, "/add"))[-1], "Загрузить CSV")
    assert "Пришлите CSV" in (await env.send(admin, "привет"))[-1].text
    assert "Пришлите CSV" not in (await env.send(admin, "/mine"))[-1].text


async def test_mine_help_and_cancel_work_inside_the_add_dialog(env):
    admin = await register(env, 101, "Админ", "admin@example.ru")
    menu = (await env.send(admin, "/add"))[-1]
    await env.press(admin, menu, "Одно устройство")
    await env.send(admin, "49")
    [mine] = await env.send(admin, "/mine")  # answered as /mine, the dialog waits on its step
    assert "У вас на руках нет устройств" in mine.text
    [help_text] = await env.send(admin, "/help")
    assert "/mine" in help_text.text and "/add" in help_text.text
    [serial_prompt] = await env.send(admin, "SN-49")  # still the serial step: the answer is taken
    assert "Название" in serial_prompt.text
    [cancelled] = await env.send(admin, "/cancel")
    assert "отменил" in cancelled.text
    [search] = await env.send(admin, "SN-49")  # no dialog any more: a search
    assert "ничего не нашлось" in search.text
    assert not await env.app.db.run(lambda: Device.select().where(Device.number == 49).exists())


async def test_csv_with_english_headers_through_the_add_menu(env):
    admin = await register(env, 101, "Админ", "admin@example.ru")
    olga = await register(env, 102, "Ольга", "olga@example.ru")
    await env.press(admin, (await env.send(admin, "/add"))[-1], "Загрузить CSV")
    text = (
        "sep=,\n"
        "No.,Device,Category,S/N,Holder e-mail,Due date,Colour\n"
        "1,Evotor 7.3,Online till,S1,olga@example.ru,10.12.2026,white\n"
        "2,PAX S300,Терминал эквайринга,S2,,,black\n"
    )
    replies = await env.session.send_document(env.app.dispatcher, env.app.bot, admin, "devices.csv", text.encode())
    preview = replies[-1]
    assert "Будет добавлено: 2" in preview.text and "«Colour»" in preview.text
    assert "Новые категории: Online till\n" in preview.text + "\n"  # «Терминал эквайринга» is a stock category
    done = (await env.press(admin, preview, "Импортировать"))[-1]
    assert "добавлено 2, обновлено 0, закреплено за людьми 1" in done.text
    stored = await env.app.db.run(lambda: sorted((d.number, d.name, d.category.name) for d in Device.select()))
    assert stored == [(1, "Evotor 7.3", "Online till"), (2, "PAX S300", "Терминал эквайринга")]
    await env.app.notifier.drain(5)
    assert "№1 · Evotor 7.3" in olga.last_message().text


async def test_csv_header_problems_in_english_and_mixed_files(env):
    admin = await register(env, 101, "Админ", "admin@example.ru")
    cases = {
        # a required column missing from an English header
        "Number;Name;Serial number\n1;POS;S1\n": "В файле нет обязательного столбца «Категория»",
        # one column named in both languages
        "Number;Name;Category;Serial number;Номер\n1;POS;Till;S1;2\n": "Столбец «Номер» указан в заголовке дважды",
        # nothing recognisable
        "Colour;Price\nblue;100\n": "не нашёл ни одного известного столбца",
    }
    for text, message in cases.items():
        replies = await env.session.send_document(env.app.dispatcher, env.app.bot, admin, "bad.csv", text.encode())
        preview = replies[-1]
        assert message in preview.text, preview.text
        assert "Импортировать" not in " ".join(preview.button_texts)
    mixed = "Номер;Name;Категория;S/N\n1;POS;Касса;S1\n"
    replies = await env.session.send_document(env.app.dispatcher, env.app.bot, admin, "mixed.csv", mixed.encode())
    assert "Будет добавлено: 1" in replies[-1].text and replies[-1].has_button("Импортировать")
    assert await env.app.db.run(lambda: Device.select().count()) == 0
