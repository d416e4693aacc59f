"""Russian texts of the CSV import flow (upload, preview, result) and of the device CSV file
(services/device_csv.py: its problems, column titles, template).

Everything here is read by a bot user: problem messages (each says what to fix),
warnings, column titles of the exported file and the template's example rows.
Placeholders are filled with ``str.format``.
"""

from cashbot.i18n import N_, localize, msgids
from cashbot.texts import add_device as _add_device
from cashbot.texts.plural import plural_forms

BTN_CANCEL, NOT_REGISTERED, STALE = msgids(_add_device, "BTN_CANCEL", "NOT_REGISTERED", "STALE")

# Column titles: the header of the exported file and the names used in reports.
COLUMN_TITLES = {
    "number": N_("Номер"),
    "name": N_("Название"),
    "category": N_("Категория"),
    "serial": N_("Серийный номер"),
    "registered_on": N_("Дата регистрации"),
    "firmware": N_("Прошивка"),
    "comment": N_("Комментарий"),
    "holder_email": N_("Email держателя"),
    "location": N_("Местоположение"),
    "due_date": N_("Дата возврата"),
}

# --- whole-file problems -------------------------------------------------------
FILE_TOO_BIG = N_("Файл слишком большой: {size} при пределе {limit}. Разделите его на несколько файлов.")
TOO_MANY_ROWS = N_(
    "Устройств в файле: {rows}, а за один раз можно загрузить не больше {limit}. Разделите его на несколько файлов."
)
NOT_CSV = N_(
    "Это файл Excel, а нужен CSV. В Excel выберите «Файл → Сохранить как» и тип "
    "«CSV (разделители — точки с запятой)», затем пришлите получившийся файл."
)
EMPTY_FILE = N_("Файл пустой. Нужна строка заголовка и хотя бы одна строка с устройством.")
HEADER_ONLY = N_("В файле только заголовок, а строк с устройствами нет.")
NO_HEADER = N_(
    "Первая строка не похожа на заголовок: не нашёл ни одного известного столбца. "
    "Первой строкой должны идти названия столбцов: {columns}."
)
MISSING_COLUMN = N_("В файле нет обязательного столбца «{column}». Добавьте его в заголовок.")
SEP_LINE_INVALID = N_(
    "Первая строка «sep={sep}» делает разделителем «{sep}», а им может быть только "
    "обычный знак. Напишите sep=; (или sep=,) или удалите эту строку."
)
HEADER_QUOTES = N_("Строка заголовка не читается: {problem}")
DUPLICATE_COLUMN = N_("Столбец «{column}» указан в заголовке дважды (столбцы {first} и {second}). Оставьте один.")

# --- record structure -----------------------------------------------------------
BAD_QUOTES = N_("Кавычки стоят неправильно: значение в кавычках должно целиком занимать ячейку.")
UNCLOSED_QUOTE = N_("Кавычка открыта и не закрыта до конца файла. Закройте кавычку или уберите её.")
UNREADABLE_BYTES = N_(
    "В ячейке есть байты, которые не читаются в кодировке {encoding} (на их месте «\ufffd»). "
    "Исправьте эти символы или сохраните файл заново в кодировке UTF-8."
)
TOO_MANY_CELLS = N_(
    "В строке {cells} значений, а в заголовке {columns} столбцов. "
    "Если в тексте есть разделитель «{delimiter}», возьмите текст в кавычки."
)

# --- cell values ----------------------------------------------------------------
REQUIRED_EMPTY = N_("Пустое значение, а этот столбец обязателен.")
SERIAL_SCIENTIFIC = N_(
    "«{value}» — Excel превратил серийный номер в число и отрезал цифры. "
    "Задайте столбцу формат «Текстовый», впишите номера заново и сохраните файл."
)
REGISTERED_IN_FUTURE = N_("Дата регистрации {value} ещё не наступила.")
DUE_WITHOUT_HOLDER = N_("Указана дата возврата, но не указан держатель. Заполните «{holder_column}» или очистите дату.")
CELL_REFUSED = N_("«{value}» не подходит для этого столбца. Исправьте значение.")

# --- duplicates -----------------------------------------------------------------
DUPLICATE_NUMBER = N_("Номер {value} уже встречался в строке {line}. У каждого устройства свой номер.")
DUPLICATE_SERIAL = N_(
    "Серийный номер {value} уже встречался в строке {line}. У двух устройств не может быть одного серийного номера."
)

# --- against the database -------------------------------------------------------
NUMBER_EXISTS = N_(
    "Устройство с номером {number} уже есть в базе. Уберите строку или включите обновление существующих устройств."
)
SERIAL_EXISTS = N_("Серийный номер {serial} уже есть в базе у устройства № {number}.")

# --- warnings -------------------------------------------------------------------
UNKNOWN_COLUMNS = N_("Столбцы {columns} не распознаны, их значения не загружены.")

# --- the import preview (cashbot/views/import_csv.py) -----------------------------
UNKNOWN_COLUMNS_COUNT = N_("Не распознано столбцов: {count}, их значения не загружены (список — в файле ниже).")
WILL_STAY = N_("Уже совпадают с файлом, останутся как есть: {count}")
ASSIGNMENTS_COUNT = N_("Закрепить за людьми — устройств: {devices}, людей: {people} (список — в файле ниже).")
WILL_INVITE = N_("Пригласить по почте (получат устройства при регистрации): {count}")
WILL_CHANGE_DUE = N_("Сменится дата возврата: {count}")
OVERDUE = N_(
    "⏰ Дата возврата уже прошла: {count}. Эти устройства будут числиться просроченными, держателям придут напоминания."
)
NEW_CATEGORIES_COUNT = N_("Новых категорий: {count} (список — в файле ниже).")
DETAILS_FILE = N_("предпросмотр-импорта.txt")
DETAILS_UNKNOWN_COLUMNS = N_("Нераспознанные столбцы (их значения не загружаются):")
DETAILS_ASSIGNMENTS = N_("Закрепить за людьми (устройств):")
DETAILS_NEW_CATEGORIES = N_("Новые категории:")
DONE_DUE_CHANGED = N_("\nСменилась дата возврата: {count}.")
CHECK_FAILED = N_(
    "❌ Не получилось проверить файл: внутренняя ошибка бота, ничего не записано. "
    "Пришлите файл ещё раз; если повторится — перешлите его разработчику."
)
WRITE_FAILED = N_(
    "❌ Не получилось записать: внутренняя ошибка бота. Ничего не записано — импорт "
    "проходит целиком или никак. Пришлите файл ещё раз; если повторится — перешлите его разработчику."
)
CHANGED_SINCE_PREVIEW = N_(
    "⚠️ Пока вы смотрели предпросмотр, данные в боте изменились, поэтому я ничего не записал. "
    "Вот что импорт сделает теперь:"
)

# --- report ---------------------------------------------------------------------
REPORT_LINE_COLUMN = N_("Строка {line}, «{column}»: {message}")
REPORT_LINE = N_("Строка {line}: {message}")
REPORT_COLUMN = N_("«{column}»: {message}")
REPORT_MORE = N_("…и ещё {count} {noun}.")
PROBLEM_NOUN = plural_forms("ошибка", "ошибки")

DELIMITER_TAB = N_("табуляция")  # the tab character, as a report names the delimiter

# --- file sizes -----------------------------------------------------------------
SIZE_MB = N_("{value} МБ")
SIZE_KB = N_("{value} КБ")
SIZE_B = N_("{value} байт")

# --- template: two example rows, in COLUMN_TITLES order (dates are filled in) ---
TEMPLATE_ROWS = (
    {
        "number": "1",
        "name": N_("Эвотор 7.3"),
        "category": N_("Онлайн-касса"),
        "serial": "00106707012345",
        "firmware": "4.9.2",
        "comment": N_("пример: удалите эту строку"),
        "holder_email": "ivanova@example.ru",
        "location": N_("офис"),
    },
    {
        "number": "2",
        "name": "PAX S300",
        "category": N_("Терминал эквайринга"),
        "serial": "1850123456",
        "comment": N_("пример: удалите эту строку"),
        "location": N_("склад"),
    },
)


# --- The /add menu's CSV dialog: upload, preview, result -----------------------------
ASK_FILE = N_(
    "Пришлите CSV-файл с устройствами (до {limit}). Подходят файлы из Excel "
    "(«CSV, разделители — точки с запятой»), UTF-8 и UTF-16; столбцы ищу по названию. "
    "Обязательные: номер, название, категория, серийный номер. Образец — «📋 Шаблон CSV». "
    "Передумали — /cancel."
)
TEMPLATE_CAPTION = N_("Шаблон: заголовок и две строки-примера. Удалите примеры и впишите свои устройства.")
TEMPLATE_NAME = N_("cashbot-шаблон.csv")
CHECKING = N_("⏳ Проверяю файл «{name}»…")
PREVIEW_TITLE = N_("<b>Файл «{name}»</b>")
WILL_ADD = N_("Будет добавлено: {count}")
WILL_UPDATE = N_("Будет обновлено: {count}")
EXISTING_SKIPPED = N_("Обновление существующих выключено.")
UPDATE_ON = N_("Существующие устройства (по номеру) будут обновлены.")
ASSIGNMENTS = N_("Закрепить за людьми:")
ASSIGNMENT = N_("• {who}: {count}")
NEW_CATEGORIES = N_("Новые категории: {names}")
WARNINGS = N_("⚠️ {text}")
PROBLEMS = N_("❌ <b>Ошибок: {count}.</b> Ничего не записано. Исправьте файл и пришлите его снова.")
PROBLEMS_IN_FILE = N_("Полный список — в файле ниже.")
PROBLEMS_FILE = N_("ошибки-импорта.txt")
NOTHING_TO_DO = N_("В файле нет ни новых устройств, ни изменений.")
WRITING = N_("⏳ Записываю устройства: {count}…")
DONE = N_("✅ Готово: добавлено {added}, обновлено {updated}, закреплено за людьми {assigned}.")
DONE_UNCHANGED = N_("\nУже совпадали с файлом, без изменений: {unchanged}.")
DONE_INVITED = N_("\nПриглашено по почте (получат устройства при регистрации): {invited}.")
IMPORT_CANCELLED = N_("Импорт отменён, ничего не записано.")
FILE_GONE = N_("Файл этого предпросмотра уже не найден. Пришлите его снова.")
BTN_IMPORT = N_("📥 Импортировать")
BTN_UPDATE_OFF = N_("🔁 Обновлять существующие")
BTN_UPDATE_ON = N_("✅ Обновлять существующие")
IMPORT_NOTICE = N_("📦 Вам закреплены устройства по импорту:\n{devices}\nВаши устройства — /mine.")
IMPORT_NOTICE_LINE = N_("• №{number} · {name}")

# Problems only the database can find (see services/import_csv.py).
IMPORT_HELD_BY_OTHER = N_(
    "Устройство № {number} сейчас на руках (держатель: «{holder}»). Уберите почту держателя из строки "
    "или сначала верните устройство."
)

__getattr__ = localize(globals())
