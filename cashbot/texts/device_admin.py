"""Admin management: /users, device administration, categories. Russian, HTML."""

from cashbot.texts.card import FIELD_NAMES  # noqa: F401  (views use t.FIELD_NAMES)

# --- /users: list and search
USERS_TITLE = "<b>Сотрудники</b> — {total}"
USERS_TITLE_QUERY = "<b>Сотрудники по запросу «{query}»</b> — {total}"
USERS_EMPTY = "Никого не нашёл. Попробуйте часть имени, @username, почту или слово из комментария."
USERS_HINT = "Найти: /users <i>текст</i> или кнопка «🔎 Поиск»."
USERS_PAGE = "Страница {page} из {pages}"
BTN_SEARCH = "🔎 Поиск"
BTN_ALL = "👥 Все"
ASK_QUERY = "Напишите имя, @username, почту или слово из комментария. /cancel — отмена."

STATUS = {
    "invited": "приглашён (ещё не писал боту)",
    "pending": "ждёт одобрения",
    "active": "активен",
    "rejected": "заявка отклонена",
    "blocked": "заблокирован",
    "deleted": "удалён",
}
STATUS_ICON = {"invited": "✉️", "pending": "🆕", "active": "🟢", "rejected": "⛔️", "blocked": "🚫", "deleted": "🗑"}

# --- a person's card
PERSON_TITLE = "<b>{name}</b>"
PERSON_USERNAME = "Telegram: {username}"
PERSON_EMAIL = "Почта: {email}"
PERSON_STATUS = "Статус: {status}"
PERSON_ROLE_ADMIN = "Роль: администратор"
PERSON_ROLE_STAFF = "Роль: сотрудник"
PERSON_COMMENT = "Комментарий: {comment}"
PERSON_LOANS = "<b>На руках:</b>"
PERSON_LOAN = "• №{number} {name} — до {due}"
PERSON_NO_LOANS = "На руках ничего нет."
PERSON_QUEUE = "<b>В очередях:</b>"
PERSON_PLACE = "• №{number} {name} — {position}-й"
PERSON_HISTORY = "<b>Последние события:</b>"
NO_NAME = "без имени"
NO_USERNAME = "нет"
NO_EMAIL = "не указана"

BTN_APPROVE = "✅ Одобрить"
BTN_REJECT = "❌ Отклонить"
BTN_EMAIL = "✉️ Почта"
BTN_COMMENT = "💬 Комментарий"
BTN_BLOCK = "🚫 Заблокировать"
BTN_UNBLOCK = "✅ Разблокировать"
BTN_DELETE = "🗑 Удалить"
BTN_BACK_TO_LIST = "⬅️ К списку"
BTN_CONFIRM_DELETE = "🗑 Да, удалить"
BTN_CANCEL = "✖️ Отмена"
BTN_CLEAR = "🧹 Очистить"
BTN_SKIP = "⏭ Пропустить"

ASK_EMAIL = "{name}: новая почта? Пришлите адрес одним сообщением. /cancel — отмена."
ASK_COMMENT = "{name}: комментарий? Пришлите текст, «-» — удалить комментарий. /cancel — отмена."
EMAIL_DOMAIN = "Подходит только почта на доменах: {domains}. Пришлите другой адрес или /cancel."
EMAIL_TAKEN = "Эта почта уже у другого сотрудника. Пришлите другой адрес или /cancel."
EMAIL_SAVED = "Почта изменена."
COMMENT_SAVED = "Комментарий сохранён."
APPROVED = "Заявка одобрена."
REJECTED = "Заявка отклонена."
ALREADY_DECIDED = "Заявку уже рассмотрели."
BLOCKED = "Заблокирован. Устройства остаются записаны на него."
UNBLOCKED = "Доступ снова открыт."
NOTHING_CHANGED = "Уже так."
CANNOT_SELF = "Себя заблокировать или удалить нельзя."
PERSON_GONE = "Этого сотрудника больше нет в списке."
CONFIRM_DELETE_PERSON = (
    "Удалить <b>{name}</b>? Места в очередях пропадут, история сохранится. "
    "Он сможет зарегистрироваться заново."
)
PERSON_HOLDS = "Нельзя удалить: на сотруднике числятся устройства —\n{devices}\nСначала заберите их (в карточке устройства «📥 Забрать»)."
PERSON_DELETED = "🗑 {name} удалён. История сохранена."

TOLD_BLOCKED = "Администратор закрыл вам доступ к боту. Устройства, что у вас на руках, по-прежнему числятся за вами."
TOLD_UNBLOCKED = "✅ Администратор снова открыл вам доступ к боту."
TOLD_DELETED = "Администратор удалил вашу учётную запись. Чтобы пользоваться ботом снова, отправьте /start."

# --- device administration
BTN_EDIT = "✏️ Изменить"
BTN_JOURNAL = "📋 Журнал"
BTN_GIVE = "📤 Выдать"
BTN_TAKE_BACK = "📥 Забрать"
BTN_DELETE_DEVICE = "🗑 Удалить"
BTN_BACK_TO_CARD = "⬅️ К карточке"

EDIT_MENU = "Что изменить в №{number} · {name}?"
ASK_VALUE = "{field}: сейчас — {current}.\nПришлите новое значение. /cancel — отмена."
ASK_VALUE_DATE = "{field}: сейчас — {current}.\nПришлите дату, например <code>25.12.2024</code>. /cancel — отмена."
ASK_CATEGORY = "Категория сейчас — {current}. Выберите новую:"
EMPTY_VALUE = "не указано"
FIELD_SAVED = "{field}: {old} → {new}"
FIELD_SAME = "{field} не изменилось."
DUPLICATE_NUMBER = "Номер {number} уже у другого устройства (/start d{number}). Пришлите другой номер или /cancel."
DUPLICATE_SERIAL = "Этот серийный номер уже у устройства №{number} (/start d{number}). Пришлите другой или /cancel."
SEND_TEXT = "Пришлите значение текстом или /cancel."
SEND_OTHER = "Пришлите другое значение или /cancel."

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

# --- categories
CATEGORIES_TITLE = "<b>Категории</b> (устройств в каждой):"
CATEGORY_LINE = "• {name} — {count}"
CATEGORIES_EMPTY = "Категорий пока нет."
BTN_ADD_CATEGORY = "➕ Добавить категорию"
ASK_CATEGORY_NAME = "Название новой категории? /cancel — отмена."
ASK_CATEGORY_RENAME = "Новое название для «{name}»? /cancel — отмена."
CATEGORY_EXISTS = "Категория «{name}» уже есть. Пришлите другое название или /cancel."
CATEGORY_NOT_EMPTY = "Нельзя удалить: в категории устройств — {count}. Перенесите их или удалите сначала."
CATEGORY_HAS_HISTORY = "Нельзя удалить: к категории относятся удалённые устройства, их история хранится."
CATEGORY_GONE = "Этой категории уже нет."
CATEGORY_ADDED = "Категория «{name}» добавлена."
CATEGORY_RENAMED = "«{old}» переименована в «{new}»."
CATEGORY_DELETED = "Категория «{name}» удалена."

# --- history lines: "{when} · {what}", the phrases of texts/events.py
HISTORY_LINE = "{when} · {text}"
