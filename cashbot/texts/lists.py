"""Finding and viewing devices: search, lists, categories, /mine, /wishlist, history.
Russian, HTML. Values are escaped by the views."""

from cashbot.i18n import N_, localize

WELCOME_ACTIVE = N_(
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
NOT_FOUND_NUMBER = N_("Устройства с номером {number} нет в учёте.")
NOT_FOUND_DIGITS = N_("Устройства с номером {digits} нет в учёте, серийного номера {digits} — тоже.")
NOT_FOUND_TEXT = N_("По запросу «{query}» ничего не нашлось.")
NOT_FOUND_HINT = N_("\nПроверьте номер или название. Все устройства — /all, по категориям — /categories.")

SEARCH_TITLE = N_("🔎 По запросу «{query}» найдено: {total}")
ALL_TITLE = N_("📋 Все устройства: {total}")
ALL_EMPTY = N_("В учёте пока нет ни одного устройства.")
CATEGORY_TITLE = N_("🗂 {category}: {total}")
CATEGORY_EMPTY = N_("В категории «{category}» пока нет устройств.")
PAGE_OF = N_("Страница {page} из {pages}")

CATEGORIES_TITLE = N_("🗂 <b>Категории</b>\nВыберите категорию, чтобы увидеть её устройства.")
CATEGORIES_EMPTY = N_("Категорий пока нет.")
CATEGORY_BUTTON = N_("{name} ({count})")
BTN_BACK_TO_CATEGORIES = N_("⬅️ Категории")
BTN_MANAGE_CATEGORIES = N_("⚙️ Управление категориями")
CATEGORY_GONE = N_("Этой категории больше нет.")

ITEM_FREE = "🟢"
ITEM_HELD = "🔴"
ITEM_RESERVED = "⏳"
ITEM_LINE = N_("{mark} <b>№{number}</b> · {name}")
ITEM_HOLDER = N_(" — {holder}")  # the 🔴 mark says it is held; the name stays nominative
ITEM_DUE = N_(" до {due}")
ITEM_OVERDUE = " ⚠️"
ITEM_RESERVED_NOTE = N_(" — забронировано")
LIST_LEGEND = N_("🟢 свободно · 🔴 на руках · ⏳ забронировано")

MINE_TITLE = N_("📦 <b>У вас на руках: {total}</b>")
MINE_EMPTY = N_("📦 У вас на руках нет устройств.\nЧтобы найти нужное, напишите номер или название, или откройте /all.")
MINE_LINE = N_("<b>№{number}</b> · {name}\n    взято {since}, {due}")
MINE_DUE = N_("вернуть до {due}")
MINE_NO_DUE = N_("срок не указан")
MINE_OVERDUE = N_(" ⚠️ <b>просрочено на {days}</b>")  # {days}: «3 дня» (texts/plural.py)
BTN_MY_HISTORY = N_("📜 Моя история")
BTN_BACK_TO_MINE = N_("⬅️ Мои устройства")

WISHLIST_TITLE = N_("🕒 <b>Ваши очереди: {total}</b>")
WISHLIST_EMPTY = N_("🕒 Вы не стоите ни в одной очереди.\nВстать в очередь можно в карточке занятого устройства.")
WISHLIST_LINE = N_("<b>№{number}</b> · {name}\n    {place}")
WISHLIST_POSITION = N_("вы {position}-й в очереди")
WISHLIST_YOUR_TURN = N_("⏳ <b>ваша очередь!</b> Устройство ждёт вас до {until}")

DEVICE_HISTORY_TITLE = N_("📜 <b>История №{number} · {name}</b>")
HOLDERS_TITLE = N_("<b>Кто брал</b>")
HOLDER_LINE = N_("{name}: {since} — {until}")
HOLDER_NOW = N_("сейчас")
EVENTS_TITLE = N_("<b>Последние события</b>")
HISTORY_EMPTY = N_("Пока ничего не происходило.")
BTN_BACK_TO_CARD = N_("⬅️ К карточке")
MY_HISTORY_TITLE = N_("📜 <b>Ваша история</b> (последние события)")
EVENT_LINE = N_("{at} · {what}")
EVENT_DEVICE = N_("№{number} {name}: ")

LIST_OUTDATED = N_("Этот список устарел. Напишите запрос ещё раз — я найду заново.")
CURRENT_PAGE = N_("Вы на этой странице.")

__getattr__ = localize(globals())
