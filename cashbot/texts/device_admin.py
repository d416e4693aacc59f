"""Device administration from the card (admins): edit, journal, give, take back, delete.
Russian, HTML."""

from cashbot.texts.admin import (  # noqa: F401  (handlers and views use t.<name>)
    BTN_CANCEL,
    BTN_CONFIRM_DELETE,
    CATEGORY_GONE,
    EMPTY_VALUE,
    PERSON_GONE,
    SEND_OTHER,
    SEND_TEXT,
    STATUS,
)
from cashbot.texts.card import FIELD_NAMES  # noqa: F401  (views use t.FIELD_NAMES)

# --- device administration
BTN_EDIT = "✏️ Изменить"
BTN_JOURNAL = "📋 Журнал"
BTN_GIVE = "📤 Выдать"
BTN_TAKE_BACK = "📥 Забрать"
BTN_DELETE_DEVICE = "🗑 Удалить"
BTN_BACK_TO_CARD = "⬅️ К карточке"
BTN_CLEAR = "🧹 Очистить"
BTN_SKIP = "⏭ Пропустить"

EDIT_MENU = "Что изменить в №{number} · {name}?"
ASK_VALUE = "{field}: сейчас — {current}.\nПришлите новое значение. /cancel — отмена."
ASK_VALUE_DATE = "{field}: сейчас — {current}.\nПришлите дату, например <code>25.12.2024</code>. /cancel — отмена."
ASK_CATEGORY = "Категория сейчас — {current}. Выберите новую:"
FIELD_SAVED = "{field}: {old} → {new}"
FIELD_SAME = "{field} не изменилось."
DUPLICATE_NUMBER = "Номер {number} уже у другого устройства (/start d{number}). Пришлите другой номер или /cancel."
DUPLICATE_SERIAL = "Этот серийный номер уже у устройства №{number} (/start d{number}). Пришлите другой или /cancel."

JOURNAL_TITLE = "<b>Журнал №{number} · {name}</b> — событий: {total}"
JOURNAL_EMPTY = "Событий пока нет."

ASK_ASSIGNEE = (
    "Кому выдать №{number} · {name}? Напишите имя, @username или почту. "
    "Почта того, кто ещё не зарегистрирован, тоже подойдёт. /cancel — отмена."
)
ASSIGNEE_NONE = "Никого не нашёл по «{query}». Попробуйте иначе или пришлите почту. /cancel — отмена."
ASSIGNEE_MANY = "Нашлось несколько человек — выберите:"
ASK_DUE = "Выдаём: {name}. До какого числа? Например <code>25.12</code> или «завтра»."
ASK_LOCATION = "Где будет устройство? Например, «офис, 3 этаж» или адрес клиента."
BAD_DUE = {
    "format": "Не понял дату. Пришлите как <code>25.12</code>, <code>25.12.2026</code> или «завтра».",
    "past": "Эта дата уже прошла. Пришлите будущую дату.",
    "too_far": "Слишком далеко — не больше года. Пришлите другую дату.",
}
ASSIGNED = "📤 Выдано: {name}."
ASSIGN_TAKEN = "Устройство уже на руках (держатель: {name}). Сначала заберите его."
ASSIGN_UNAVAILABLE = "{name} не может получить устройство: {status}."
ASSIGNEE_OTHER = "Напишите другого человека или /cancel."
UNASSIGNED = "📥 Забрано у держателя: {name}."
NOT_HELD = "Устройство и так свободно."
CONFIRM_DELETE_DEVICE = "Удалить №{number} · {name} из учёта? Номер и серийный номер освободятся, история сохранится."
DEVICE_HELD = "Нельзя удалить: устройство на руках (держатель: {name}). Сначала заберите его («📥 Забрать»)."
DEVICE_DELETED = "🗑 №{number} · {name} удалено из учёта. История сохранена."
CANCELLED = "Отменено."

TOLD_ASSIGNED = "📤 Администратор {admin} выдал вам <b>№{number} · {name}</b>."
TOLD_DUE = "Вернуть до {due}."
TOLD_UNASSIGNED = "📥 Администратор {admin} отметил, что <b>№{number} · {name}</b> больше не у вас."
TOLD_RESERVATION_CANCELLED = (
    "Администратор выдал <b>№{number} · {name}</b> другому сотруднику, бронь для вас снята. "
    "Ваше место в очереди сохранено."
)
BTN_OPEN_CARD = "Открыть карточку"
