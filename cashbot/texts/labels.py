"""Stickers and label sheets (/labels, the card's [🏷 Наклейка]). Russian, HTML; values are
escaped by callers. LABEL_NUMBER and SHEET_TITLE are printed on the stickers themselves."""

LABEL_NUMBER = "№{number}"  # the big number on a sticker
SHEET_TITLE = "Наклейки cashbot"

LINK = "🔗 Ссылка на карточку: {link}"  # the last line of a card
BTN_STICKER = "🏷 Наклейка"
STICKER_CAPTION = "🏷 Наклейка №{number} · {name}\nQR-код открывает карточку устройства в боте."
STICKER_NAME = "sticker-{number}.png"

MENU = (
    "🏷 <b>Наклейки для печати</b>\n"
    "Лист A4: {columns} × {rows} наклеек {width} × {height} мм (размеры — в настройках, "
    "раздел <code>[labels]</code>). На каждой — QR-код карточки, номер и название.\n\n"
    "Для каких устройств сделать лист?"
)
BTN_ALL = "Все устройства"
BTN_CATEGORY = "По категории"
BTN_NUMBERS = "По номерам"
BTN_IMPORTED = "🏷 Наклейки для добавленных"
BTN_BACK = "◀️ Назад"
PICK_CATEGORY = "Выберите категорию:"
NO_CATEGORIES = "Категорий пока нет."
CATEGORY_BUTTON = "{name} ({count})"

ASK_NUMBERS = (
    "Напишите номера: диапазон <code>1-200</code>, номер <code>49</code> или несколько через "
    "запятую: <code>1-10, 15, 20-25</code>.\n/cancel — отменить."
)
BAD_NUMBERS = {
    "empty": "Не вижу номеров.",
    "number": "«{part}» — не номер наклейки: нужны целые числа от 1 до 999 999 999.",
    "order": "«{part}»: начало диапазона больше конца. Напишите, например, 1-200.",
    "shape": "«{part}» — не диапазон. Диапазон пишется так: 1-200.",
    "too_many": "Слишком много частей ({part}): не больше {limit}. Объедините номера в диапазоны.",
}
TRY_AGAIN = "\n" + ASK_NUMBERS

NOTHING_SELECTED = "Под выбор не попало ни одного устройства — листа не будет."
RENDERING = "⏳ Готовлю лист наклеек: {count}…"
PROGRESS = "⏳ Готовлю лист наклеек: {done} из {total}…"
RENDER_FAILED = "Не получилось подготовить лист наклеек. Ничего не изменилось — попробуйте ещё раз."
READY = "✅ Лист наклеек готов: {count}, страниц: {pages}."
SHEET_CAPTION = "🏷 Наклейки: {what}. Печатайте в масштабе 100% («Фактический размер»)."
SHEET_NAME = "labels.pdf"
WHAT_ALL = "все устройства"
WHAT_CATEGORY = "категория «{name}»"
WHAT_NUMBERS = "номера {ranges}"
WHAT_IMPORTED = "добавленные импортом ({ranges})"
STALE = "Кнопка устарела. Наберите /labels."
