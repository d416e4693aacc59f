"""Handler level: the card's link and [🏷 Наклейка], /labels and its choices, the sheet after a
CSV import; admins only, a forged press from anyone else changes nothing."""

from __future__ import annotations

import io

import pypdf
import pytest
import zxingcpp
from PIL import Image

from cashbot.callbacks import LabelsCb
from cashbot.db.models import Category, Device
from cashbot.handlers import labels as labels_handlers
from cashbot.texts import labels as t
from tests.seed import device

BOT = "cashbot_test_bot"  # the double's bot
HEADER = "Номер;Название;Категория;Серийный номер"


@pytest.fixture
def env(make_env):
    return make_env(admins=[101], access={"mode": "open"})


async def register(env, user_id: int, name: str):
    user = env.user(user_id, name)
    await env.send(user, "/start")
    await env.send(user, f"user{user_id}@example.ru")
    return user


async def seeded(env, count: int = 5):
    def build():
        for n in range(1, count + 1):
            device(n, f"Касса {n}", "Онлайн-касса" if n % 2 else "Сканер")

    await env.app.db.run(build)


def links_in_pdf(data: bytes) -> list[str]:
    found = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for image in page.images:
            found += [code.text for code in zxingcpp.read_barcodes(image.image)]
    return found


def documents(replies):
    return [r for r in replies if r.document is not None]


async def test_the_card_shows_its_link_and_admins_get_the_sticker(env):
    await seeded(env)
    admin = await register(env, 101, "Админ")
    staff = await register(env, 202, "Ольга")
    card = (await env.send(staff, "/start d3"))[-1]
    assert f"https://t.me/{BOT}?start=d3" in card.text
    assert not card.has_button(t.BTN_STICKER)

    card = (await env.send(admin, "3"))[-1]
    assert f"https://t.me/{BOT}?start=d3" in card.text
    replies = await env.press(admin, card, t.BTN_STICKER)
    [sticker] = documents(replies)
    assert sticker.document.file_name == "sticker-3.png" and "Касса 3" in sticker.text
    image = Image.open(io.BytesIO(sticker.document.data))
    assert [c.text for c in zxingcpp.read_barcodes(image)] == [f"https://t.me/{BOT}?start=d3"]


async def test_a_forged_sticker_or_sheet_press_from_staff_changes_nothing(env):
    await seeded(env)
    staff = await register(env, 202, "Ольга")
    await env.send(staff, "/start d1")
    device_id = await env.app.db.run(lambda: Device.get(Device.number == 1).id)
    for data in (LabelsCb(action="stk", ref=device_id), LabelsCb(action="all"), LabelsCb(action="num")):
        staff.forge_press(data.pack())
        await env.session.feed_pending(env.app.dispatcher, env.app.bot)
    assert env.telegram.calls("sendDocument") == []
    assert await env.app.dispatcher.fsm.get_context(env.app.bot, 202, 202).get_state() is None
    replies = await env.send(staff, "/labels")
    assert not any(t.BTN_ALL in r.button_texts for r in replies)


async def test_labels_menu_all_category_and_numbers(env):
    await seeded(env, 30)
    admin = await register(env, 101, "Админ")
    menu = (await env.send(admin, "/labels"))[-1]
    assert "3 × 8" in menu.text and "70 × 37 мм" in menu.text

    replies = await env.press(admin, menu, t.BTN_ALL)
    [sheet] = documents(replies)
    assert sheet.document.file_name == t.SHEET_NAME and "все устройства" in sheet.text
    assert links_in_pdf(sheet.document.data) == [f"https://t.me/{BOT}?start=d{n}" for n in range(1, 31)]
    assert any("Лист наклеек готов: 30 устройств, страниц: 2" in r.text for r in replies)

    menu = (await env.send(admin, "/labels"))[-1]
    picker = (await env.press(admin, menu, t.BTN_CATEGORY))[-1]
    assert picker.message_id == menu.message_id
    replies = await env.press(admin, picker, "Сканер (15)")
    [sheet] = documents(replies)
    assert links_in_pdf(sheet.document.data) == [f"https://t.me/{BOT}?start=d{n}" for n in range(2, 31, 2)]

    menu = (await env.send(admin, "/labels"))[-1]
    ask = (await env.press(admin, menu, t.BTN_NUMBERS))[-1]
    assert "1-200" in ask.text
    refused = (await env.send(admin, "20-10"))[-1]
    assert "«20-10»: начало диапазона больше конца" in refused.text
    refused = (await env.send(admin, "пять"))[-1]
    assert "«пять» — не номер наклейки" in refused.text
    replies = await env.send(admin, "5, 7-8, 100-200")
    [sheet] = documents(replies)
    assert links_in_pdf(sheet.document.data) == [f"https://t.me/{BOT}?start=d{n}" for n in (5, 7, 8)]
    assert "номера 5, 7-8, 100-200" in sheet.text
    after = (await env.send(admin, "12"))[-1]  # the dialog is over: a number is a search again
    assert "Касса 12" in after.text and not after.document

    replies = await env.send(admin, "/labels 500-600")
    assert replies[-1].text == t.NOTHING_SELECTED and not documents(replies)


async def test_a_sheet_that_fails_to_draw_ends_its_progress_message(env, monkeypatch):
    await seeded(env, 2)
    admin = await register(env, 101, "Админ")

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(labels_handlers.printing, "sheet_pdf", broken)
    replies = await env.send(admin, "/labels 1-2")
    progress = replies[0]
    assert progress.text.startswith("⏳")
    assert [r for r in replies if r.message_id == progress.message_id][-1].text == t.RENDER_FAILED
    assert not documents(replies)


async def test_after_an_import_the_added_devices_sheet_is_one_press_away(env):
    await seeded(env, 2)  # 1 and 2 exist; the file adds 10..12 and 40
    admin = await register(env, 101, "Админ")
    rows = [HEADER] + [f"{n};Весы {n};Весы;W{n}" for n in (10, 11, 12, 40)]
    replies = await env.session.send_document(
        env.app.dispatcher, env.app.bot, admin, "devices.csv", "\n".join(rows).encode("utf-8")
    )
    done = (await env.press(admin, replies[-1], "Импортировать"))[-1]
    assert "добавлено 4" in done.text
    replies = await env.press(admin, done, t.BTN_IMPORTED)
    [sheet] = documents(replies)
    assert links_in_pdf(sheet.document.data) == [f"https://t.me/{BOT}?start=d{n}" for n in (10, 11, 12, 40)]
    assert "добавленные импортом (10-12, 40)" in sheet.text
    assert await env.app.db.run(lambda: Category.select().where(Category.name == "Весы").count()) == 1


async def test_a_large_sheet_counts_the_labels_done_in_its_progress_message(env, monkeypatch):
    """The drawing (a worker thread) reports a label done and waits until the bot has shown
    that count: the handler kept the loop free and edited its "⏳" message meanwhile."""
    import threading

    await seeded(env, 2)
    admin = await register(env, 101, "Админ")
    shown = threading.Event()
    real_sheet, real_progress = labels_handlers.printing.sheet_pdf, labels_handlers.views.progress

    def slow_sheet(labels, layout, progress):
        progress(1, len(labels))
        assert shown.wait(30), "the bot never showed the progress"
        return real_sheet(labels, layout, progress)

    def progress_text(done, total):
        shown.set()
        return real_progress(done, total)

    monkeypatch.setattr(labels_handlers, "PROGRESS_EVERY", 0.01)
    monkeypatch.setattr(labels_handlers.printing, "sheet_pdf", slow_sheet)
    monkeypatch.setattr(labels_handlers.views, "progress", progress_text)
    replies = await env.send(admin, "/labels 1-2")
    status = replies[0].message_id
    texts = [r.text for r in replies if r.message_id == status]
    assert texts[:2] == ["⏳ Готовлю лист наклеек: 2 устройства…", "⏳ Готовлю лист наклеек: 1 из 2…"]
    assert texts[-1] == "✅ Лист наклеек готов: 2 устройства, страниц: 1."
    assert len(documents(replies)) == 1
