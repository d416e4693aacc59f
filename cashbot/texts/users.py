"""/users: the people list, a person's card, approving, blocking, deleting. Russian, HTML."""

from cashbot.i18n import N_, localize, msgids
from cashbot.texts import admin as _admin

BTN_CANCEL, BTN_CONFIRM_DELETE, EMPTY_VALUE, PERSON_GONE, SEND_OTHER, SEND_TEXT, STATUS = msgids(
    _admin, "BTN_CANCEL", "BTN_CONFIRM_DELETE", "EMPTY_VALUE", "PERSON_GONE", "SEND_OTHER", "SEND_TEXT", "STATUS"
)

# --- /users: list and search
USERS_TITLE = N_("<b>Сотрудники</b> — {total}")
USERS_TITLE_QUERY = N_("<b>Сотрудники по запросу «{query}»</b> — {total}")
USERS_EMPTY = N_("Никого не нашёл. Попробуйте часть имени, @username, почту или слово из комментария.")
USERS_HINT = N_("Найти: /users <i>текст</i> или кнопка «🔎 Поиск».")
USERS_PAGE = N_("Страница {page} из {pages}")
BTN_SEARCH = N_("🔎 Поиск")
BTN_ALL = N_("👥 Все")
ASK_QUERY = N_("Напишите имя, @username, почту или слово из комментария. /cancel — отмена.")

STATUS_ICON = {"invited": "✉️", "pending": "🆕", "active": "🟢", "rejected": "⛔️", "blocked": "🚫", "deleted": "🗑"}

# --- a person's card
PERSON_TITLE = N_("<b>{name}</b>")
PERSON_USERNAME = N_("Telegram: {username}")
PERSON_EMAIL = N_("Почта: {email}")
PERSON_STATUS = N_("Статус: {status}")
PERSON_ROLE_ADMIN = N_("Роль: администратор")
PERSON_ROLE_STAFF = N_("Роль: сотрудник")
PERSON_COMMENT = N_("Комментарий: {comment}")
PERSON_LOANS = N_("<b>На руках:</b>")
PERSON_LOAN = N_("• №{number} {name} — до {due}")
PERSON_NO_LOANS = N_("На руках ничего нет.")
PERSON_QUEUE = N_("<b>В очередях:</b>")
PERSON_PLACE = N_("• №{number} {name} — {position}-й")
PERSON_HISTORY = N_("<b>Последние события:</b>")
NO_NAME = N_("без имени")
NO_USERNAME = N_("нет")
NO_EMAIL = N_("не указана")

BTN_APPROVE = N_("✅ Одобрить")
BTN_REJECT = N_("❌ Отклонить")
BTN_EMAIL = N_("✉️ Почта")
BTN_COMMENT = N_("💬 Комментарий")
BTN_BLOCK = N_("🚫 Заблокировать")
BTN_UNBLOCK = N_("✅ Разблокировать")
BTN_DELETE = N_("🗑 Удалить")
BTN_BACK_TO_LIST = N_("⬅️ К списку")

ASK_EMAIL = N_("{name}: новая почта? Пришлите адрес одним сообщением. /cancel — отмена.")
ASK_COMMENT = N_("{name}: комментарий? Пришлите текст, «-» — удалить комментарий. /cancel — отмена.")
EMAIL_DOMAIN = N_("Подходит только почта на доменах: {domains}. Пришлите другой адрес или /cancel.")
EMAIL_TAKEN = N_("Эта почта уже у другого сотрудника. Пришлите другой адрес или /cancel.")
EMAIL_SAVED = N_("Почта изменена.")
COMMENT_SAVED = N_("Комментарий сохранён.")
APPROVED = N_("Заявка одобрена.")
REJECTED = N_("Заявка отклонена.")
ALREADY_DECIDED = N_("Заявку уже рассмотрели.")
BLOCKED = N_("Заблокирован. Устройства остаются записаны на него.")
UNBLOCKED = N_("Доступ снова открыт.")
NOTHING_CHANGED = N_("Уже так.")
CANNOT_SELF = N_("Себя заблокировать или удалить нельзя.")
CONFIRM_DELETE_PERSON = N_(
    "Удалить <b>{name}</b>? Места в очередях пропадут, история сохранится. Он сможет зарегистрироваться заново."
)
PERSON_HOLDS = N_(
    "Нельзя удалить: на сотруднике числятся устройства —\n{devices}\nСначала заберите их (в карточке устройства «📥 Забрать»)."
)
PERSON_DELETED = N_("🗑 {name} удалён. История сохранена.")

TOLD_BLOCKED = N_(
    "Администратор закрыл вам доступ к боту. Устройства, что у вас на руках, по-прежнему числятся за вами."
)
TOLD_UNBLOCKED = N_("✅ Администратор снова открыл вам доступ к боту.")
TOLD_DELETED = N_("Администратор удалил вашу учётную запись. Чтобы пользоваться ботом снова, отправьте /start.")

# --- history lines: "{when} · {what}", the phrases of texts/events.py
HISTORY_LINE = N_("{when} · {text}")

__getattr__ = localize(globals())
