"""Stickers and label sheets (/labels, the card's [🏷 Наклейка]). Russian, HTML; values are
escaped by callers. LABEL_NUMBER and SHEET_TITLE are printed on the stickers themselves."""

from cashbot.i18n import N_, Joined, localize

LABEL_NUMBER = N_("№{number}")  # the big number on a sticker
SHEET_TITLE = N_("Наклейки cashbot")

LINK = N_("🔗 Ссылка на карточку: {link}")  # the last line of a card
BTN_STICKER = N_("🏷 Наклейка")
STICKER_CAPTION = N_("🏷 Наклейка №{number} · {name}\nQR-код открывает карточку устройства в боте.")
STICKER_NAME = "sticker-{number}.png"

MENU = N_(
    "🏷 <b>Наклейки для печати</b>\n"
    "Лист A4: {columns} × {rows} наклеек {width} × {height} мм (размеры — в настройках, "
    "раздел <code>[labels]</code>). На каждой — QR-код карточки, номер и название.\n\n"
    "Для каких устройств сделать лист?"
)
BTN_ALL = N_("Все устройства")
BTN_CATEGORY = N_("По категории")
BTN_NUMBERS = N_("По номерам")
BTN_IMPORTED = N_("🏷 Наклейки для добавленных")
BTN_BACK = N_("◀️ Назад")
PICK_CATEGORY = N_("Выберите категорию:")
NO_CATEGORIES = N_("Категорий пока нет.")
CATEGORY_BUTTON = N_("{name} ({count})")

ASK_NUMBERS = N_(
    "Напишите номера: диапазон <code>1-200</code>, номер <code>49</code> или несколько через "
    "запятую: <code>1-10, 15, 20-25</code>.\n/cancel — отменить."
)
BAD_NUMBERS = {
    "empty": N_("Не вижу номеров."),
    "number": N_("«{part}» — не номер наклейки: нужны целые числа от 1 до 999 999 999."),
    "order": N_("«{part}»: начало диапазона больше конца. Напишите, например, 1-200."),
    "shape": N_("«{part}» — не диапазон. Диапазон пишется так: 1-200."),
    "too_many": N_("Слишком много частей ({part}): не больше {limit}. Объедините номера в диапазоны."),
}
TRY_AGAIN = Joined("\n", ASK_NUMBERS)

NOTHING_SELECTED = N_("Под выбор не попало ни одного устройства — листа не будет.")
RENDERING = N_("⏳ Готовлю лист наклеек: {count}…")
PROGRESS = N_("⏳ Готовлю лист наклеек: {done} из {total}…")
RENDER_FAILED = N_("Не получилось подготовить лист наклеек. Ничего не изменилось — попробуйте ещё раз.")
READY = N_("✅ Лист наклеек готов: {count}, страниц: {pages}.")
SHEET_CAPTION = N_("🏷 Наклейки: {what}. Печатайте в масштабе 100% («Фактический размер»).")
SHEET_NAME = "labels.pdf"
WHAT_ALL = N_("все устройства")
WHAT_CATEGORY = N_("категория «{name}»")
WHAT_NUMBERS = N_("номера {ranges}")
WHAT_IMPORTED = N_("добавленные импортом ({ranges})")
STALE = N_("Кнопка устарела. Наберите /labels.")

__getattr__ = localize(globals())
