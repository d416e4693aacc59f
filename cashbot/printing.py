"""Stickers and label sheets: the QR code of a device's deep link, its number and its name.

Pure and synchronous (no aiogram, no database): the bot runs these on a worker thread, the
command line calls them directly. Text is drawn with the bundled DejaVu Sans (Cyrillic), so a
sheet looks the same on every machine; a name longer than its space is cut with "…" by its
drawn width, never spilling onto the next label.

- `sticker_png`: one sticker as a PNG (Pillow), sent by the card's [🏷 Наклейка] button.
- `sheet_pdf`: A4 pages of `columns` × `rows` labels (fpdf2); each QR code is embedded as a
  lossless image, so it prints sharp at any size.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import segno

# Imported with the bot, not on the first sheet: importing fpdf2 and its font tools takes a few
# hundred ms of mostly unmarshalling, which holds the interpreter lock and would stall the
# event loop while the first sheet starts drawing on its worker thread.
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from cashbot.config import LabelsSettings
from cashbot.texts import labels as t

FONT_REGULAR = "DejaVuSans.ttf"
FONT_BOLD = "DejaVuSans-Bold.ttf"
QR_ERROR = "m"  # 15% of the code may be scuffed or covered and it still reads
QR_BORDER = 4  # the quiet zone the QR standard asks for, in modules
PT = 25.4 / 72  # millimetres per typographic point
LINE = 1.2  # line height, in font sizes
ELLIPSIS = "…"

Progress = Callable[[int, int], None]  # (labels drawn, labels in all)


@dataclass(frozen=True)
class Label:
    number: int
    name: str
    link: str  # what the QR code opens: views.links.device_link


def font_path(name: str) -> str:
    return str(resources.files("cashbot") / "assets" / "fonts" / name)


def qr_png(link: str, scale: int) -> bytes:
    """The QR code as a black-and-white PNG, `scale` pixels a module, quiet zone included."""
    buffer = io.BytesIO()
    segno.make(link, error=QR_ERROR, micro=False).save(buffer, kind="png", scale=scale, border=QR_BORDER)
    return buffer.getvalue()


def wrap_to_width(text: str, width: float, measure: Callable[[str], float], max_lines: int) -> list[str]:
    """`text` wrapped at spaces into lines no wider than `width` (as `measure` draws them), at
    most `max_lines`; a word wider than a line is broken, and what does not fit ends in "…"."""
    words = text.split()
    lines: list[str] = []
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while measure(line) > width:  # one word wider than the line: break it
            cut = _longest_prefix(line, width, measure)
            words.insert(0, line[cut:])
            line = line[:cut]
        while words and measure(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words and lines:  # text left over: the last line says so
        lines[-1] = _with_ellipsis(lines[-1], width, measure)
    return lines


def _longest_prefix(text: str, width: float, measure: Callable[[str], float]) -> int:
    cut = len(text) - 1
    while cut > 1 and measure(text[:cut]) > width:
        cut -= 1
    return max(cut, 1)


def _with_ellipsis(line: str, width: float, measure: Callable[[str], float]) -> str:
    while line and measure(line + ELLIPSIS) > width:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


# ------------------------------------------------------------------------------ the PNG sticker

STICKER_SCALE = 12  # pixels a QR module: ~450 px for a t.me link, crisp on a label printer
STICKER_PADDING = 24
NUMBER_PX = 110
NAME_PX = 34
NAME_LINES = 3


@lru_cache(maxsize=4)
def _pil_font(name: str, size: int):
    return ImageFont.truetype(font_path(name), size)


def sticker_png(label: Label) -> bytes:
    """One sticker: the QR code, the big number under it, the name (up to three lines)."""
    code = Image.open(io.BytesIO(qr_png(label.link, STICKER_SCALE))).convert("L")
    width = code.width + 2 * STICKER_PADDING
    number_font, name_font = _pil_font(FONT_BOLD, NUMBER_PX), _pil_font(FONT_REGULAR, NAME_PX)
    number = t.LABEL_NUMBER.format(number=label.number)
    text_width = width - 2 * STICKER_PADDING
    number_size = NUMBER_PX
    while number_font.getlength(number) > text_width and number_size > 20:  # nine digits
        number_size -= 4
        number_font = _pil_font(FONT_BOLD, number_size)
    lines = wrap_to_width(label.name, text_width, name_font.getlength, NAME_LINES)
    name_step = round(NAME_PX * LINE)
    height = code.height + round(number_size * LINE) + name_step * len(lines) + 2 * STICKER_PADDING
    image = Image.new("L", (width, height), 255)
    image.paste(code, (STICKER_PADDING, STICKER_PADDING))
    draw = ImageDraw.Draw(image)
    y = STICKER_PADDING + code.height
    draw.text((width / 2, y), number, font=number_font, fill=0, anchor="ma")
    y += round(number_size * LINE)
    for line in lines:
        draw.text((width / 2, y), line, font=name_font, fill=0, anchor="ma")
        y += name_step
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# ------------------------------------------------------------------------------ the PDF sheet

SHEET_QR_SCALE = 4  # pixels a module in the embedded image: the PDF scales it, losslessly
NUMBER_PT = 22  # the number's largest size; smaller when a long number needs it
MIN_NUMBER_PT = 6
NAME_PT = 8
QR_TEXT_GAP = 2  # mm between the QR code and the text


def sheet_pdf(labels: Sequence[Label], layout: LabelsSettings, progress: Progress | None = None) -> bytes:
    """A4 pages of labels, left to right, top to bottom, in the order given."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font("DejaVu", "", font_path(FONT_REGULAR))
    pdf.add_font("DejaVu", "B", font_path(FONT_BOLD))
    pdf.set_title(t.SHEET_TITLE)
    pdf.set_creator("cashbot")
    per_page = layout.columns * layout.rows
    for index, label in enumerate(labels):
        if index % per_page == 0:
            pdf.add_page()
        row, column = divmod(index % per_page, layout.columns)
        x = layout.margin_left + column * (layout.label_width + layout.gap_x)
        y = layout.margin_top + row * (layout.label_height + layout.gap_y)
        _draw_label(
            pdf,
            label,
            x + layout.padding,
            y + layout.padding,
            layout.label_width - 2 * layout.padding,
            layout.label_height - 2 * layout.padding,
        )
        if progress is not None:
            progress(index + 1, len(labels))
    if not labels:
        pdf.add_page()
    return bytes(pdf.output())


def label_geometry(pdf, number: str, width: float, height: float) -> tuple[float, int]:
    """(QR side in mm, number size in pt) for a label's inner box: the code as tall as the
    label, at most half its width, and never so wide that the number no longer fits beside it
    at the smallest size (LabelsSettings.MIN_LABEL leaves room for nine digits)."""
    pdf.set_font("DejaVu", "B", MIN_NUMBER_PT)
    side = max(min(height, width / 2, width - QR_TEXT_GAP - pdf.get_string_width(number)), 0)
    text_width = width - side - QR_TEXT_GAP
    size = NUMBER_PT
    pdf.set_font("DejaVu", "B", size)
    while pdf.get_string_width(number) > text_width and size > MIN_NUMBER_PT:
        size -= 1
        pdf.set_font("DejaVu", "B", size)
    return side, size


def _draw_label(pdf, label: Label, x: float, y: float, width: float, height: float) -> None:
    """QR code on the left, the number and the name beside it."""
    number = t.LABEL_NUMBER.format(number=label.number)
    side, size = label_geometry(pdf, number, width, height)
    pdf.image(io.BytesIO(qr_png(label.link, SHEET_QR_SCALE)), x=x, y=y, w=side, h=side)
    text_x = x + side + QR_TEXT_GAP
    text_width = width - side - QR_TEXT_GAP
    pdf.set_font("DejaVu", "B", size)
    number_height = size * PT * LINE
    pdf.set_xy(text_x, y)
    pdf.cell(text_width, number_height, number)
    pdf.set_font("DejaVu", "", NAME_PT)
    line_height = NAME_PT * PT * LINE
    max_lines = max(int((height - number_height) // line_height), 0)
    for number_of_line, line in enumerate(wrap_to_width(label.name, text_width, pdf.get_string_width, max_lines)):
        pdf.set_xy(text_x, y + number_height + number_of_line * line_height)
        pdf.cell(text_width, line_height, line)


def labels_for(devices: Iterable, link: Callable[[int], str]) -> list[Label]:
    """Labels of devices (anything with .number and .name), each with its deep link."""
    return [Label(d.number, d.name, link(d.number)) for d in devices]
