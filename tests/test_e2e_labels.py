"""End to end, stickers and label sheets: the real `python -m cashbot` process over HTTP.

What a phone does with a printed sticker: read the QR code (zxing-cpp on the PNG the bot sent,
on the images inside the PDF sheet), follow t.me/<bot>?start=<payload>, which sends
`/start <payload>` to the bot, and land on that device's card."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pypdf
import zxingcpp
from PIL import Image

from cashbot.callbacks import LabelsCb
from cashbot.texts import labels as t
from tests.seed import device, person, seed_file

BOT = "cashbot_test_bot"  # what the double answers to getMe


def has_document(message) -> bool:
    return message.document is not None


def follow(user, link: str):
    """Open a t.me deep link the way Telegram does: /start with its payload."""
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "t.me", f"/{BOT}"), link
    payload = parse_qs(parts.query)["start"][0]
    user.send(f"/start {payload}")
    return payload


def seed(bot) -> None:
    def build():
        person(101, "Ольга", "olga@example.ru")
        person(900, "Админ", "admin@example.ru", is_admin=True)
        for n in (1, 2, 3, 49, 120):
            device(n, f"Касса «Эвотор» {n}", "Онлайн-касса")

    seed_file(bot.db_path, build)


def test_the_sticker_png_opens_its_card_and_staff_cannot_get_one(bot_factory, api):
    bot = bot_factory(start=False, admins=[900])
    seed(bot)
    bot.start()
    admin, olga = api.user(900, "Админ"), api.user(101, "Ольга")

    admin.send("49")
    card = admin.wait_for("Касса «Эвотор» 49")
    assert f"https://t.me/{BOT}?start=d49" in card.text
    admin.press(card, t.BTN_STICKER)
    sticker = admin.wait_for(has_document)
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(sticker.document.data)))
    assert len(codes) == 1
    assert follow(olga, codes[0].text) == "d49"
    opened = olga.wait_for("Серийный номер")
    assert "№49 · Касса «Эвотор» 49" in opened.text and not opened.has_button(t.BTN_STICKER)

    olga.forge_press(LabelsCb(action="stk", ref=1).pack())  # staff forging the admin button
    olga.send("/all")
    olga.wait_for("Все устройства")
    assert api.telegram.calls("sendDocument", chat_id=101) == []
    assert bot.stop() == 0


def test_every_code_on_a_pdf_sheet_opens_its_own_card(bot_factory, api):
    bot = bot_factory(start=False, admins=[900])
    seed(bot)
    bot.start()
    admin, olga = api.user(900, "Админ"), api.user(101, "Ольга")

    admin.send("/labels 2-120")
    sheet = admin.wait_for(has_document, timeout=60)
    assert sheet.document.file_name == t.SHEET_NAME
    reader = pypdf.PdfReader(io.BytesIO(sheet.document.data))
    links = [
        code.text for page in reader.pages for image in page.images for code in zxingcpp.read_barcodes(image.image)
    ]
    assert len(links) == 4
    for number, link in zip((2, 3, 49, 120), links):
        assert follow(olga, link) == f"d{number}"
        assert f"№{number} · Касса «Эвотор» {number}" in olga.wait_for("Серийный номер").text
    assert bot.stop() == 0
