"""Words the admin flows share (/users, device administration, categories). Russian, HTML."""

STATUS = {
    "invited": "приглашён (ещё не писал боту)",
    "pending": "ждёт одобрения",
    "active": "активен",
    "rejected": "заявка отклонена",
    "blocked": "заблокирован",
    "deleted": "удалён",
}
BTN_CONFIRM_DELETE = "🗑 Да, удалить"
BTN_CANCEL = "✖️ Отмена"
PERSON_GONE = "Этого сотрудника больше нет в списке."
EMPTY_VALUE = "не указано"
SEND_TEXT = "Пришлите значение текстом или /cancel."
SEND_OTHER = "Пришлите другое значение или /cancel."
CATEGORY_GONE = "Этой категории уже нет."
