"""The device card. Russian, HTML."""

from cashbot.texts import lists as _lists

TITLE = "<b>№{number} · {name}</b>"
CATEGORY = "Категория: {category}"
SERIAL = "Серийный номер: <code>{serial}</code>"
FIRMWARE = "Прошивка: {firmware}"
REGISTERED = "Дата регистрации: {date}"
COMMENT = "Комментарий: {comment}"
LOCATION = "Где: {location}"
FREE = "🟢 <b>Свободно</b>"
HELD_BY = "🔴 <b>Держатель: {holder}</b>"  # names stay in the nominative
HELD_BY_ME = "🔵 <b>У вас</b>"
HOLDER_EMAIL = "Почта: {email}"
HOLDER_NOT_REGISTERED = "Держатель ещё не зарегистрирован в боте: записан по почте."
SINCE = "С {since}"
DUE = "До {due}"
NO_DUE = "Срок возврата не указан"
OVERDUE = "⚠️ Просрочено на {days}"  # {days}: «3 дня» (texts/plural.py)
RESERVED_FOR = "⏳ Бронь до {until}: {name}"
RESERVED_FOR_ME = "⏳ <b>Ваша очередь!</b> Устройство ждёт вас до {until}"
WAITING = "В очереди: {count}"
MY_POSITION = "Вы в очереди: {position}-й"
HANDOVER_PENDING = "Ждёт подтверждения передачи: {name}"

BTN_TAKE = "✋ Взять"
BTN_RETURN = "↩️ Вернуть"
BTN_EXTEND = "📅 Продлить"
BTN_HANDOVER = "🤝 Передать"
BTN_QUEUE = "🕒 Встать в очередь"
BTN_UNQUEUE = "🚶 Выйти из очереди"
BTN_HISTORY = "📜 История"
BTN_REFRESH = "🔄 Обновить"

# The same words a failed search by number gives (texts/lists.py).
NO_SUCH_NUMBER = _lists.NOT_FOUND_NUMBER + _lists.NOT_FOUND_HINT
DEVICE_GONE = "Этого устройства больше нет в учёте."
REFRESHED = "Карточка обновлена."

# Device fields as every dialog names them (add, edit, history).
FIELD_NAMES = {
    "number": "Номер",
    "serial": "Серийный номер",
    "name": "Название",
    "category": "Категория",
    "firmware": "Прошивка",
    "registered_on": "Дата регистрации",
    "comment": "Комментарий",
    "holder": "Держатель",
    "location": "Где находится",
    "due_on": "Вернуть до",
}
