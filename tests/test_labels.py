"""Stickers and label sheets without Telegram: choosing devices, number ranges, and what the
PNG and the PDF carry, read back the way a phone and a PDF reader would.

QR codes are decoded with zxing-cpp (a real decoder, not a re-encoding of the same matrix). The
PDF embeds each code as a lossless image, so pypdf takes the images out of each page exactly as
they were drawn; that checks the codes, their order and the text without a rasteriser (a
rasterising reader such as pdfium would add a binary dependency and test the viewer more than
the sheet)."""

from __future__ import annotations

import io

import pypdf
import pytest
import zxingcpp
from PIL import Image

from cashbot.config import ConfigError, LabelsSettings, load_settings
from cashbot.db.models import Device
from cashbot.printing import ELLIPSIS, Label, labels_for, sheet_pdf, sticker_png, wrap_to_width
from cashbot.services import labels as selection
from cashbot.services.labels import BadNumbers, LabelDevice
from cashbot.views.labels import bad_numbers
from cashbot.views.links import device_link
from tests.seed import device

BOT = "cashbot_test_bot"


def link(number: int) -> str:
    return device_link(BOT, number)


def decoded(image: Image.Image) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(image)]


def pdf_pages(data: bytes) -> list[pypdf.PageObject]:
    return list(pypdf.PdfReader(io.BytesIO(data)).pages)


def page_links(page: pypdf.PageObject) -> list[str]:
    """Every QR code on a page, in drawing order (left to right, top to bottom)."""
    found = []
    for image in page.images:
        texts = decoded(image.image)
        assert len(texts) == 1, f"{image.name}: {texts}"
        found += texts
    return found


# ------------------------------------------------------------------------------ number ranges


@pytest.mark.parametrize(
    "text, ranges",
    [
        ("1-200", [(1, 200)]),
        ("49", [(49, 49)]),
        (" 1 - 10, 15;20–25 ", [(1, 10), (15, 15), (20, 25)]),
        ("20-25 1-10 5-12 13", [(1, 13), (20, 25)]),  # merged, in order
        ("０４９", [(49, 49)]),  # the one sticker-number rule: full-width digits, leading zeros
    ],
)
def test_number_ranges_are_read_and_merged(text, ranges):
    assert selection.parse_numbers(text) == ranges
    assert selection.parse_numbers(selection.format_ranges(ranges)) == ranges


@pytest.mark.parametrize(
    "text, reason, part",
    [
        ("", "empty", ""),
        (" ,, ", "empty", ""),
        ("abc", "number", "abc"),
        ("1-x", "number", "1-x"),
        ("0-5", "number", "0-5"),
        ("1-1000000000", "number", "1-1000000000"),
        ("200-1", "order", "200-1"),
        ("1-2-3", "shape", "1-2-3"),
        ("5-", "shape", "5-"),
        ("1, 2, 0, 5", "number", "0"),
        (", ".join(str(n) for n in range(1, 200, 2)), "too_many", "100"),
    ],
)
def test_bad_number_ranges_are_refused_with_the_reason(text, reason, part):
    with pytest.raises(BadNumbers) as caught:
        selection.parse_numbers(text)
    assert (caught.value.reason, caught.value.part) == (reason, part)
    message = bad_numbers(caught.value.reason, caught.value.part, selection.MAX_PARTS)
    assert (part == "" or f"«{part}»" in message or part in message) and "1-200" in message


def test_ranges_of_the_imported_numbers():
    assert selection.format_ranges(selection.ranges_of([7, 3, 1, 2, 9, 8])) == "1-3, 7-9"


# ------------------------------------------------------------------------------ selection


def test_selection_by_category_and_numbers_skips_deleted_devices(database, now):
    for number in range(1, 11):
        device(number, f"Касса {number}", "Онлайн-касса" if number % 2 else "Сканер")
    Device.update(deleted_at=now).where(Device.number == 4).execute()
    scanners = selection.category_id_by_name("  сканер ")
    assert scanners is not None and selection.category_id_by_name("Нет такой") is None
    assert [d.number for d in selection.select_devices()] == [1, 2, 3, 5, 6, 7, 8, 9, 10]
    assert [d.number for d in selection.select_devices(scanners)] == [2, 6, 8, 10]
    assert [d.number for d in selection.select_devices(None, [(3, 6), (9, 20)])] == [3, 5, 6, 9, 10]
    assert [d.number for d in selection.select_devices(scanners, [(1, 6)])] == [2, 6]
    live = Device.get(Device.number == 5)
    assert selection.device_label(live.id) == LabelDevice(5, "Касса 5")
    assert selection.device_label(Device.get(Device.number == 4).id) is None


# ------------------------------------------------------------------------------ the PNG sticker


def test_the_sticker_png_carries_the_cards_link():
    png = sticker_png(Label(49, "Эвотор 7.3", link(49)))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert decoded(image) == [f"https://t.me/{BOT}?start=d49"]


def test_a_sticker_with_a_nine_digit_number_and_a_long_name_still_reads():
    png = sticker_png(Label(999_999_999, "Очень длинное название " * 20, link(999_999_999)))
    assert decoded(Image.open(io.BytesIO(png))) == [link(999_999_999)]


# ------------------------------------------------------------------------------ the PDF sheet


def test_a_sheet_has_every_code_in_order_on_a4_pages_of_the_configured_grid():
    layout = LabelsSettings()  # 3 × 8
    devices = [LabelDevice(n, f"Терминал эквайринга №{n}") for n in range(1, 31)]
    seen = []
    data = sheet_pdf(labels_for(devices, link), layout, lambda done, total: seen.append((done, total)))
    pages = pdf_pages(data)
    assert len(pages) == 2
    width, height = (float(v) * 25.4 / 72 for v in pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (210, 297)
    assert page_links(pages[0]) == [link(n) for n in range(1, 25)]
    assert page_links(pages[1]) == [link(n) for n in range(25, 31)]
    assert seen[0] == (1, 30) and seen[-1] == (30, 30) and len(seen) == 30


def test_a_smaller_grid_puts_fewer_labels_on_a_page():
    layout = LabelsSettings(
        columns=2, rows=5, margin_top=10, margin_bottom=10, margin_left=5, margin_right=5, gap_x=3, gap_y=2
    )
    data = sheet_pdf(labels_for([LabelDevice(n, "Весы") for n in range(1, 12)], link), layout)
    assert [len(page.images) for page in pdf_pages(data)] == [10, 1]


def test_cyrillic_is_drawn_with_the_bundled_font_embedded():
    data = sheet_pdf([Label(7, "Весы «Штрих-Принт» ёмкость 15 кг", link(7))], LabelsSettings())
    page = pdf_pages(data)[0]
    text = page.extract_text()
    assert "№7" in text and "Штрих-Принт" in text and "ёмкость" in text
    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
    names = [str(font["/BaseFont"]) for font in fonts]
    assert all("DejaVuSans" in name for name in names), names
    for font in fonts:  # the font program itself is in the file (a subset), not a reference
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert len(descriptor["/FontFile2"].get_object().get_data()) > 1000


def test_a_long_name_is_cut_to_its_label_and_never_runs_into_the_next():
    long_name = "Сканер штрихкодов беспроводной " * 12
    layout = LabelsSettings()
    data = sheet_pdf([Label(1, long_name, link(1)), Label(2, "Короткое", link(2))], layout)
    text = pdf_pages(data)[0].extract_text()
    assert ELLIPSIS in text and "Короткое" in text
    assert len(text) < len(long_name)


def test_the_narrowest_label_keeps_a_nine_digit_number_beside_a_readable_code():
    from fpdf import FPDF

    from cashbot.printing import FONT_BOLD, MIN_NUMBER_PT, QR_TEXT_GAP, font_path, label_geometry

    pdf = FPDF(unit="mm")
    pdf.add_font("DejaVu", "B", font_path(FONT_BOLD))
    width, height = LabelsSettings.MIN_LABEL
    for number in ("№1", "№49", "№999999999"):
        side, size = label_geometry(pdf, number, width, height)
        pdf.set_font("DejaVu", "B", size)
        assert side >= 12 and size >= MIN_NUMBER_PT
        assert side + QR_TEXT_GAP + pdf.get_string_width(number) <= width
    narrowest = LabelsSettings(columns=6, rows=16, margin_left=0, margin_right=0, padding=2)
    assert narrowest.label_width - 2 * narrowest.padding >= width
    numbers = [999_999_997, 999_999_998, 999_999_999]
    data = sheet_pdf([Label(n, "Весы", link(n)) for n in numbers], narrowest)
    assert page_links(pdf_pages(data)[0]) == [link(n) for n in numbers]


def test_wrapping_by_drawn_width():
    def measure(text):
        return len(text)

    assert wrap_to_width("один два три", 8, measure, 3) == ["один два", "три"]
    assert wrap_to_width("один два три четыре пять", 9, measure, 2) == ["один два", "три…"]
    assert wrap_to_width("ааааааааааааа", 5, measure, 3) == ["ааааа", "ааааа", "ааа"]
    assert wrap_to_width("слово", 10, measure, 0) == []
    for lines in (wrap_to_width("x " * 50 + "y" * 40, 7, measure, n) for n in range(1, 6)):
        assert all(measure(line) <= 7 for line in lines)


# ------------------------------------------------------------------------------ configuration


def test_label_sizes_come_from_the_config_and_a_grid_that_cannot_fit_is_refused(tmp_path, monkeypatch):
    assert (LabelsSettings().label_width, LabelsSettings().label_height) == (70, 37)
    monkeypatch.delenv("CASHBOT_CONFIG", raising=False)
    config = tmp_path / "cashbot.toml"
    config.write_text("[labels]\ncolumns = 4\nrows = 10\nmargin_top = 10.5\n", encoding="utf-8")
    settings = load_settings(config)
    assert settings.labels.columns == 4 and round(settings.labels.label_width, 1) == 52.5
    config.write_text("[labels]\ncolumns = 10\nrows = 30\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="labels: .*at least 30 × 12 mm"):
        load_settings(config)


def test_an_imports_scattered_numbers_select_exactly_those(database):
    numbers = list(range(1, 400))
    for number in numbers:
        device(number, f"Касса {number}")
    odd = [n for n in numbers if n % 2] + [2000]  # 200 separate ranges, one past every device
    ranges = selection.ranges_of(odd)
    assert len(ranges) > selection.MAX_PARTS
    assert [d.number for d in selection.select_devices(None, ranges)] == odd[:-1]
    assert [d.number for d in selection.select_devices(None, ranges[:3])] == [1, 3, 5]
