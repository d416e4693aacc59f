"""Adding one device (/add). Russian, HTML; values are escaped by callers."""

from cashbot.i18n import N_, localize, msgids
from cashbot.texts import card as _card
from cashbot.texts import common as _common

(FIELD_NAMES,) = msgids(_card, "FIELD_NAMES")

(STALE_BUTTON,) = msgids(_common, "STALE_BUTTON")

MENU = N_("Что добавить?")
BTN_ONE = N_("➕ Одно устройство")
BTN_CSV = N_("📄 Загрузить CSV")
BTN_TEMPLATE = N_("📋 Шаблон CSV")
BTN_CATEGORIES = N_("⚙️ Категории")

BTN_SKIP = N_("Пропустить")
BTN_BACK = N_("◀️ Назад")
BTN_CANCEL = N_("✖️ Отмена")
BTN_NEW_CATEGORY = N_("➕ Новая категория")
BTN_ADD = N_("✅ Добавить")

STEP = N_("<i>Шаг {index} из {total}</i>\n")
ASK = {
    "number": N_("Номер с наклейки — целое число, например <code>49</code>."),
    "serial": N_("Серийный номер (как на корпусе, ведущие нули сохранятся)."),
    "name": N_("Название или модель, например <code>Эвотор 7.3</code>."),
    "category": N_("Категория: выберите кнопкой или напишите название существующей."),
    "firmware": N_("Версия прошивки, например <code>4.9.2</code>."),
    "registered_on": N_("Дата регистрации: ДД.ММ.ГГГГ, например <code>01.03.2024</code>."),
    "comment": N_("Комментарий: состояние, комплектность, что важно знать."),
    "holder": (
        N_(
            "У кого устройство сейчас? Напишите имя, @username или почту сотрудника. "
            "Если человек ещё не зарегистрирован — его рабочую почту: устройство "
            "закрепится за ним, когда он зарегистрируется."
        )
    ),
    "location": N_("Где устройство: офис, склад, у клиента…"),
    "due_on": N_("До какого числа вернуть? ДД.ММ.ГГГГ, «завтра» или «25.12»."),
}
ASK_NEW_CATEGORY = N_("Напишите название новой категории.")
OPTIONAL = N_("\n<i>Можно пропустить.</i>")

NUMBER_TAKEN = N_("Номер {number} уже занят — вот это устройство:\n\n{card}\n\n<b>Введите другой номер.</b>")
SERIAL_TAKEN = N_(
    "Серийный номер <code>{serial}</code> уже есть у устройства:\n\n{card}\n\n<b>Введите другой серийный номер.</b>"
)
EMPTY = N_("Пустое значение не подходит. Напишите текст или нажмите «Пропустить», если шаг необязательный.")
SEND_TEXT = N_("Здесь нужен текст. Напишите ответ одним сообщением или нажмите кнопку.")
CATEGORY_UNKNOWN = N_("Категории «{value}» нет. Выберите кнопкой или нажмите «➕ Новая категория», чтобы создать её.")
CATEGORY_GONE = N_("Этой категории больше нет. Выберите другую.")
NOBODY_FOUND = N_(
    "Никого не нашёл по «{query}». Напишите иначе (имя, @username, почта) "
    "или рабочую почту незарегистрированного сотрудника."
)
CHOOSE_HOLDER = N_("Нашлись сотрудники — выберите нужного:")
HOLDER_GONE = N_("Этого сотрудника больше нет среди доступных. Найдите другого.")
NOT_REGISTERED = N_("ещё не зарегистрирован")

PREVIEW = N_("<b>Проверьте устройство перед добавлением</b>\n\n{body}")
FIELD_LABELS = FIELD_NAMES  # the preview names fields as the rest of the bot does
NEW_MARK = N_(" (новая)")
ADDED = N_("✅ Устройство №{number} · {name} добавлено.")
NOTHING_ADDED = N_("Отменил, ничего не добавлено.")
STALE = STALE_BUTTON
HOLDER_NOTICE = N_(
    "📦 {admin} закрепил за вами устройство <b>№{number} · {name}</b>.{due}\nКарточка — /start d{number}"
)
HOLDER_NOTICE_DUE = N_(" Вернуть до {due}.")

__getattr__ = localize(globals())
