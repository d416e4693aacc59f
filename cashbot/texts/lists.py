"""Finding and viewing devices: search, lists, categories, /mine, /wishlist, history.
Russian, HTML. Values are escaped by the views."""

WELCOME_ACTIVE = (
    "👋 Здравствуйте! Чтобы найти устройство, напишите его <b>номер с наклейки</b> "
    "(например, <code>49</code>), название, серийный номер или категорию.\n\n"
    "/all — все устройства\n"
    "/categories — по категориям\n"
    "/mine — что у меня на руках\n"
    "/wishlist — мои очереди\n"
    "/help — справка"
)

# Not found: the wording depends on nothing but the query (a non-admin typing an admin
# command gets exactly this, nothing that hints at the command). "№49" and a deep link are
# sticker numbers; bare digits were looked up as a sticker number and as a serial.
NOT_FOUND_NUMBER = "Устройства с номером {number} нет в учёте."
NOT_FOUND_DIGITS = "Устройства с номером {digits} нет в учёте, серийного номера {digits} — тоже."
NOT_FOUND_TEXT = "По запросу «{query}» ничего не нашлось."
NOT_FOUND_HINT = "\nПроверьте номер или название. Все устройства — /all, по категориям — /categories."

SEARCH_TITLE = "🔎 По запросу «{query}» найдено: {total}"
ALL_TITLE = "📋 Все устройства: {total}"
ALL_EMPTY = "В учёте пока нет ни одного устройства."
CATEGORY_TITLE = "🗂 {category}: {total}"
CATEGORY_EMPTY = "В категории «{category}» пока нет устройств."
PAGE_OF = "Страница {page} из {pages}"

CATEGORIES_TITLE = "🗂 <b>Категории</b>\nВыберите категорию, чтобы увидеть её устройства."
CATEGORIES_EMPTY = "Категорий пока нет."
CATEGORY_BUTTON = "{name} ({count})"
BTN_BACK_TO_CATEGORIES = "⬅️ Категории"
BTN_MANAGE_CATEGORIES = "⚙️ Управление категориями"
CATEGORY_GONE = "Этой категории больше нет."

ITEM_FREE = "🟢"
ITEM_HELD = "🔴"
ITEM_RESERVED = "⏳"
ITEM_LINE = "{mark} <b>№{number}</b> · {name}"
ITEM_HOLDER = " — {holder}"  # the 🔴 mark says it is held; the name stays nominative
ITEM_DUE = " до {due}"
ITEM_OVERDUE = " ⚠️"
ITEM_RESERVED_NOTE = " — забронировано"
LIST_LEGEND = "🟢 свободно · 🔴 на руках · ⏳ забронировано"

MINE_TITLE = "📦 <b>У вас на руках: {total}</b>"
MINE_EMPTY = "📦 У вас на руках нет устройств.\nЧтобы найти нужное, напишите номер или название, или откройте /all."
MINE_LINE = "<b>№{number}</b> · {name}\n    взято {since}, {due}"
MINE_DUE = "вернуть до {due}"
MINE_NO_DUE = "срок не указан"
MINE_OVERDUE = " ⚠️ <b>просрочено на {days}</b>"  # {days}: «3 дня» (texts/plural.py)
BTN_MY_HISTORY = "📜 Моя история"
BTN_BACK_TO_MINE = "⬅️ Мои устройства"

WISHLIST_TITLE = "🕒 <b>Ваши очереди: {total}</b>"
WISHLIST_EMPTY = "🕒 Вы не стоите ни в одной очереди.\nВстать в очередь можно в карточке занятого устройства."
WISHLIST_LINE = "<b>№{number}</b> · {name}\n    {place}"
WISHLIST_POSITION = "вы {position}-й в очереди"
WISHLIST_YOUR_TURN = "⏳ <b>ваша очередь!</b> Устройство ждёт вас до {until}"

DEVICE_HISTORY_TITLE = "📜 <b>История №{number} · {name}</b>"
HOLDERS_TITLE = "<b>Кто брал</b>"
HOLDER_LINE = "{name}: {since} — {until}"
HOLDER_NOW = "сейчас"
EVENTS_TITLE = "<b>Последние события</b>"
HISTORY_EMPTY = "Пока ничего не происходило."
BTN_BACK_TO_CARD = "⬅️ К карточке"
MY_HISTORY_TITLE = "📜 <b>Ваша история</b> (последние события)"
EVENT_LINE = "{at} · {what}"
EVENT_DEVICE = "№{number} {name}: "

LIST_OUTDATED = "Этот список устарел. Напишите запрос ещё раз — я найду заново."
CURRENT_PAGE = "Вы на этой странице."
