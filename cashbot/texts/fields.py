"""Why a field's value was refused: one message per rule (services/fields.py), each saying
what to send instead. Every flow (/add, edit, CSV import, /users) shows these same words.
Plain text (no HTML): the CSV report can go out as a .txt file."""

from cashbot.texts.card import FIELD_NAMES

FIELD_TITLES = {**FIELD_NAMES, "person_comment": "Комментарий", "email": "Почта"}

REASONS = {
    "required": "«{field}» не может быть пустым. Впишите значение.",
    "number": (
        "Номер — целое число от 1 до 999 999 999 (не больше 9 цифр), например 49. "
        "Впишите другой номер."
    ),
    "too_long": "«{field}»: {length} симв., а можно не больше {limit}. Сократите текст.",
    "control": (
        "В «{field}» попали служебные невидимые символы (например, из другой программы). "
        "Наберите значение заново."
    ),
    "date": (
        "Не понял дату. Напишите ДД.ММ.ГГГГ (например, 01.03.2024), "
        "ГГГГ-ММ-ДД, «25.12» или «завтра»."
    ),
    "future": "Дата регистрации ещё не наступила. Укажите сегодняшнюю или прошедшую дату.",
    "past": "Дата возврата уже прошла. Укажите сегодняшнюю или будущую дату.",
    "too_far": "Дата возврата дальше чем через год. Укажите дату ближе.",
    "field": "Такого поля нет. Откройте карточку заново.",
}
EMAIL_INVALID = (
    "Это не похоже на адрес почты. Нужен адрес вида ivanova@company.ru "
    "(без пробелов, двух точек подряд и точки у «@»)."
)
QUOTED = "«{value}»: {message}"  # a message about a value the user may not see any more
