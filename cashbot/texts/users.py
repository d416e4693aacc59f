"""/users: the people list, a person's card, approving, blocking, deleting. Russian, HTML."""

from cashbot.texts.admin import (  # noqa: F401  (handlers and views use t.<name>)
    BTN_CANCEL,
    BTN_CONFIRM_DELETE,
    EMPTY_VALUE,
    PERSON_GONE,
    SEND_OTHER,
    SEND_TEXT,
    STATUS,
)

# --- /users: list and search
USERS_TITLE = "<b>Сотрудники</b> — {total}"
USERS_TITLE_QUERY = "<b>Сотрудники по запросу «{query}»</b> — {total}"
USERS_EMPTY = "Никого не нашёл. Попробуйте часть имени, @username, почту или слово из комментария."
USERS_HINT = "Найти: /users <i>текст</i> или кнопка «🔎 Поиск»."
USERS_PAGE = "Страница {page} из {pages}"
BTN_SEARCH = "🔎 Поиск"
BTN_ALL = "👥 Все"
ASK_QUERY = "Напишите имя, @username, почту или слово из комментария. /cancel — отмена."

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
CONFIRM_DELETE_PERSON = (
    "Удалить <b>{name}</b>? Места в очередях пропадут, история сохранится. Он сможет зарегистрироваться заново."
)
PERSON_HOLDS = "Нельзя удалить: на сотруднике числятся устройства —\n{devices}\nСначала заберите их (в карточке устройства «📥 Забрать»)."
PERSON_DELETED = "🗑 {name} удалён. История сохранена."

TOLD_BLOCKED = "Администратор закрыл вам доступ к боту. Устройства, что у вас на руках, по-прежнему числятся за вами."
TOLD_UNBLOCKED = "✅ Администратор снова открыл вам доступ к боту."
TOLD_DELETED = "Администратор удалил вашу учётную запись. Чтобы пользоваться ботом снова, отправьте /start."

# --- history lines: "{when} · {what}", the phrases of texts/events.py
HISTORY_LINE = "{when} · {text}"
