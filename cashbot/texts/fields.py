"""Why a field's value was refused: one message per rule (services/fields.py), each saying
what to send instead. Every flow (/add, edit, CSV import, registration, /users) shows these
same words. Plain text (no HTML): the CSV report can go out as a .txt file; escape for HTML."""

from cashbot.texts.card import FIELD_NAMES

FIELD_TITLES = {**FIELD_NAMES, "person_comment": "Комментарий", "email": "Почта"}

REASONS = {
    "required": "«{field}» не может быть пустым. Впишите значение.",
    "number": ("Номер — целое число от 1 до 999 999 999 (не больше 9 цифр), например 49. Впишите другой номер."),
    "too_long": "«{field}»: {length} симв., а можно не больше {limit}. Сократите текст.",
    "control": (
        "В «{field}» попали служебные невидимые символы (например, из другой программы). Наберите значение заново."
    ),
    "date": ("Не понял дату. Напишите ДД.ММ.ГГГГ (например, 01.03.2024), ГГГГ-ММ-ДД, «25.12» или «завтра»."),
    "future": "Дата регистрации ещё не наступила. Укажите сегодняшнюю или прошедшую дату.",
    "past": "Дата возврата уже прошла. Укажите сегодняшнюю или будущую дату.",
    "too_far": "Дата возврата дальше чем через год. Укажите дату ближе.",
    "field": "Такого поля нет. Откройте карточку заново.",
}
EMAIL_INVALID = (
    "Это не похоже на адрес почты. Нужен адрес вида ivanova@company.ru (без пробелов, двух точек подряд и точки у «@»)."
)
QUOTED = "«{value}»: {message}"  # a message about a value the user may not see any more
QUOTED_MAX = 40  # a quoted value is cut to this many characters


def clip(value: str) -> str:
    """A user's value as quoted in a message: on one line, short enough for any report."""
    value = " ".join(value.split())
    return value if len(value) <= QUOTED_MAX else value[: QUOTED_MAX - 1] + "…"


def quoted(value: str, message: str) -> str:
    return QUOTED.format(value=clip(value), message=message)


def problem(error, value: str | None = None) -> str:
    """The message for a BadValue; with `value` it is quoted (cut short) in front."""
    template = REASONS.get(error.reason, REASONS["required"])
    message = template.format(field=FIELD_TITLES.get(error.field, error.field), length=error.length, limit=error.limit)
    if value is None or error.reason in ("required", "too_long", "control"):
        return message
    return quoted(value, message)


def email_invalid(value: str) -> str:
    return quoted(value, EMAIL_INVALID)
