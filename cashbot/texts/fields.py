"""Why a field's value was refused: one message per rule (services/fields.py), each saying
what to send instead. Every flow (/add, edit, CSV import, registration, /users) shows these
same words. Plain text (no HTML): the CSV report can go out as a .txt file; escape for HTML."""

from cashbot.i18n import N_, localize, msgids
from cashbot.texts import card as _card

(FIELD_NAMES,) = msgids(_card, "FIELD_NAMES")

FIELD_TITLES = {**FIELD_NAMES, "person_comment": N_("Комментарий"), "email": N_("Почта")}

REASONS = {
    "required": N_("«{field}» не может быть пустым. Впишите значение."),
    "number": (N_("Номер — целое число от 1 до 999 999 999 (не больше 9 цифр), например 49. Впишите другой номер.")),
    "too_long": N_("«{field}»: {length} симв., а можно не больше {limit}. Сократите текст."),
    "control": (
        N_("В «{field}» попали служебные невидимые символы (например, из другой программы). Наберите значение заново.")
    ),
    "date": (N_("Не понял дату. Напишите ДД.ММ.ГГГГ (например, 01.03.2024), ГГГГ-ММ-ДД, «25.12» или «завтра».")),
    "future": N_("Дата регистрации ещё не наступила. Укажите сегодняшнюю или прошедшую дату."),
    "past": N_("Дата возврата уже прошла. Укажите сегодняшнюю или будущую дату."),
    "too_far": N_("Дата возврата дальше чем через год. Укажите дату ближе."),
    "field": N_("Такого поля нет. Откройте карточку заново."),
}
EMAIL_INVALID = N_(
    "Это не похоже на адрес почты. Нужен адрес вида ivanova@company.ru (без пробелов, двух точек подряд и точки у «@»)."
)
QUOTED = N_("«{value}»: {message}")  # a message about a value the user may not see any more
QUOTED_MAX = 40  # a quoted value is cut to this many characters


def clip(value: str) -> str:
    """A user's value as quoted in a message: on one line, short enough for any report."""
    value = " ".join(value.split())
    return value if len(value) <= QUOTED_MAX else value[: QUOTED_MAX - 1] + "…"


# The functions below read this module's texts through `__getattr__` (defined at the end):
# the constants resolve in the current language when called, not when imported.


def quoted(value: str, message: str) -> str:
    return __getattr__("QUOTED").format(value=clip(value), message=message)


def problem(error, value: str | None = None) -> str:
    """The message for a BadValue; with `value` it is quoted (cut short) in front."""
    reasons, titles = __getattr__("REASONS"), __getattr__("FIELD_TITLES")
    template = reasons.get(error.reason, reasons["required"])
    message = template.format(field=titles.get(error.field, error.field), length=error.length, limit=error.limit)
    if value is None or error.reason in ("required", "too_long", "control"):
        return message
    return quoted(value, message)


def email_invalid(value: str) -> str:
    return quoted(value, __getattr__("EMAIL_INVALID"))


__getattr__ = localize(globals())
