"""The device card. Russian, HTML."""

from cashbot.i18n import N_, Joined, localize, msgids
from cashbot.texts import lists as _lists

TITLE = N_("<b>№{number} · {name}</b>")
CATEGORY = N_("Категория: {category}")
SERIAL = N_("Серийный номер: <code>{serial}</code>")
FIRMWARE = N_("Прошивка: {firmware}")
REGISTERED = N_("Дата регистрации: {date}")
COMMENT = N_("Комментарий: {comment}")
LOCATION = N_("Где: {location}")
FREE = N_("🟢 <b>Свободно</b>")
HELD_BY = N_("🔴 <b>Держатель: {holder}</b>")  # names stay in the nominative
HELD_BY_ME = N_("🔵 <b>У вас</b>")
HOLDER_EMAIL = N_("Почта: {email}")
HOLDER_NOT_REGISTERED = N_("Держатель ещё не зарегистрирован в боте: записан по почте.")
SINCE = N_("С {since}")
DUE = N_("До {due}")
NO_DUE = N_("Срок возврата не указан")
OVERDUE = N_("⚠️ Просрочено на {days}")  # {days}: «3 дня» (texts/plural.py)
RESERVED_FOR = N_("⏳ Бронь до {until}: {name}")
RESERVED_FOR_ME = N_("⏳ <b>Ваша очередь!</b> Устройство ждёт вас до {until}")
WAITING = N_("В очереди: {count}")
MY_POSITION = N_("Вы в очереди: {position}-й")
HANDOVER_PENDING = N_("Ждёт подтверждения передачи: {name}")

BTN_TAKE = N_("✋ Взять")
BTN_RETURN = N_("↩️ Вернуть")
BTN_EXTEND = N_("📅 Продлить")
BTN_HANDOVER = N_("🤝 Передать")
BTN_QUEUE = N_("🕒 Встать в очередь")
BTN_UNQUEUE = N_("🚶 Выйти из очереди")
BTN_HISTORY = N_("📜 История")
BTN_REFRESH = N_("🔄 Обновить")

# The same words a failed search by number gives (texts/lists.py).
NO_SUCH_NUMBER = Joined(*msgids(_lists, "NOT_FOUND_NUMBER", "NOT_FOUND_HINT"))
DEVICE_GONE = N_("Этого устройства больше нет в учёте.")
REFRESHED = N_("Карточка обновлена.")

# Device fields as every dialog names them (add, edit, history).
FIELD_NAMES = {
    "number": N_("Номер"),
    "serial": N_("Серийный номер"),
    "name": N_("Название"),
    "category": N_("Категория"),
    "firmware": N_("Прошивка"),
    "registered_on": N_("Дата регистрации"),
    "comment": N_("Комментарий"),
    "holder": N_("Держатель"),
    "location": N_("Где находится"),
    "due_on": N_("Вернуть до"),
}

__getattr__ = localize(globals())
