"""Device administration from the card (admins): edit, journal, give, take back, delete.
Russian, HTML."""

from cashbot.i18n import N_, localize, msgids
from cashbot.texts import admin as _admin
from cashbot.texts import card as _card

BTN_CANCEL, BTN_CONFIRM_DELETE, CATEGORY_GONE, EMPTY_VALUE, PERSON_GONE, SEND_OTHER, SEND_TEXT, STATUS = msgids(
    _admin,
    "BTN_CANCEL",
    "BTN_CONFIRM_DELETE",
    "CATEGORY_GONE",
    "EMPTY_VALUE",
    "PERSON_GONE",
    "SEND_OTHER",
    "SEND_TEXT",
    "STATUS",
)

(FIELD_NAMES,) = msgids(_card, "FIELD_NAMES")

# --- device administration
BTN_EDIT = N_("✏️ Изменить")
BTN_JOURNAL = N_("📋 Журнал")
BTN_GIVE = N_("📤 Выдать")
BTN_TAKE_BACK = N_("📥 Забрать")
BTN_DELETE_DEVICE = N_("🗑 Удалить")
BTN_BACK_TO_CARD = N_("⬅️ К карточке")
BTN_CLEAR = N_("🧹 Очистить")
BTN_SKIP = N_("⏭ Пропустить")

EDIT_MENU = N_("Что изменить в №{number} · {name}?")
ASK_VALUE = N_("{field}: сейчас — {current}.\nПришлите новое значение. /cancel — отмена.")
ASK_VALUE_DATE = N_("{field}: сейчас — {current}.\nПришлите дату, например <code>25.12.2024</code>. /cancel — отмена.")
ASK_CATEGORY = N_("Категория сейчас — {current}. Выберите новую:")
FIELD_SAVED = N_("{field}: {old} → {new}")
FIELD_SAME = N_("{field} не изменилось.")
DUPLICATE_NUMBER = N_("Номер {number} уже у другого устройства (/start d{number}). Пришлите другой номер или /cancel.")
DUPLICATE_SERIAL = N_("Этот серийный номер уже у устройства №{number} (/start d{number}). Пришлите другой или /cancel.")

JOURNAL_TITLE = N_("<b>Журнал №{number} · {name}</b> — событий: {total}")
JOURNAL_EMPTY = N_("Событий пока нет.")

ASK_ASSIGNEE = N_(
    "Кому выдать №{number} · {name}? Напишите имя, @username или почту. "
    "Почта того, кто ещё не зарегистрирован, тоже подойдёт. /cancel — отмена."
)
ASSIGNEE_NONE = N_("Никого не нашёл по «{query}». Попробуйте иначе или пришлите почту. /cancel — отмена.")
ASSIGNEE_MANY = N_("Нашлось несколько человек — выберите:")
ASK_DUE = N_("Выдаём: {name}. До какого числа? Например <code>25.12</code> или «завтра».")
ASK_LOCATION = N_("Где будет устройство? Например, «офис, 3 этаж» или адрес клиента.")
BAD_DUE = {
    "format": N_("Не понял дату. Пришлите как <code>25.12</code>, <code>25.12.2026</code> или «завтра»."),
    "past": N_("Эта дата уже прошла. Пришлите будущую дату."),
    "too_far": N_("Слишком далеко — не больше года. Пришлите другую дату."),
}
ASSIGNED = N_("📤 Выдано: {name}.")
ASSIGN_TAKEN = N_("Устройство уже на руках (держатель: {name}). Сначала заберите его.")
ASSIGN_UNAVAILABLE = N_("{name} не может получить устройство: {status}.")
ASSIGNEE_OTHER = N_("Напишите другого человека или /cancel.")
UNASSIGNED = N_("📥 Забрано у держателя: {name}.")
NOT_HELD = N_("Устройство и так свободно.")
CONFIRM_DELETE_DEVICE = N_(
    "Удалить №{number} · {name} из учёта? Номер и серийный номер освободятся, история сохранится."
)
DEVICE_HELD = N_("Нельзя удалить: устройство на руках (держатель: {name}). Сначала заберите его («📥 Забрать»).")
DEVICE_DELETED = N_("🗑 №{number} · {name} удалено из учёта. История сохранена.")
CANCELLED = N_("Отменено.")

TOLD_ASSIGNED = N_("📤 Администратор {admin} выдал вам <b>№{number} · {name}</b>.")
TOLD_DUE = N_("Вернуть до {due}.")
TOLD_UNASSIGNED = N_("📥 Администратор {admin} отметил, что <b>№{number} · {name}</b> больше не у вас.")
TOLD_RESERVATION_CANCELLED = N_(
    "Администратор выдал <b>№{number} · {name}</b> другому сотруднику, бронь для вас снята. "
    "Ваше место в очереди сохранено."
)
BTN_OPEN_CARD = N_("Открыть карточку")

__getattr__ = localize(globals())
