"""Words the admin flows share (/users, device administration, categories). Russian, HTML."""

from cashbot.i18n import N_, localize

STATUS = {
    "invited": N_("приглашён (ещё не писал боту)"),
    "pending": N_("ждёт одобрения"),
    "active": N_("активен"),
    "rejected": N_("заявка отклонена"),
    "blocked": N_("заблокирован"),
    "deleted": N_("удалён"),
}
BTN_CONFIRM_DELETE = N_("🗑 Да, удалить")
BTN_CANCEL = N_("✖️ Отмена")
PERSON_GONE = N_("Этого сотрудника больше нет в списке.")
EMPTY_VALUE = N_("не указано")
SEND_TEXT = N_("Пришлите значение текстом или /cancel.")
SEND_OTHER = N_("Пришлите другое значение или /cancel.")
CATEGORY_GONE = N_("Этой категории уже нет.")

__getattr__ = localize(globals())
