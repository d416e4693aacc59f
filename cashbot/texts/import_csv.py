"""Russian texts of the CSV import flow (upload, preview, result) and of the device CSV file
(services/device_csv.py: its problems, column titles, template).

Everything here is read by a bot user: problem messages (each says what to fix),
warnings, column titles of the exported file and the template's example rows.
Placeholders are filled with ``str.format``.
"""

from cashbot.texts.add_device import BTN_CANCEL, NOT_REGISTERED, STALE  # noqa: F401  (the /add dialog's words)

# Column titles: the header of the exported file and the names used in reports.
COLUMN_TITLES = {
    "number": "Номер",
    "name": "Название",
    "category": "Категория",
    "serial": "Серийный номер",
    "registered_on": "Дата регистрации",
    "firmware": "Прошивка",
    "comment": "Комментарий",
    "holder_email": "Email держателя",
    "location": "Местоположение",
    "due_date": "Дата возврата",
}

# --- whole-file problems -------------------------------------------------------
FILE_TOO_BIG = "Файл слишком большой: {size} при пределе {limit}. Разделите его на несколько файлов."
TOO_MANY_ROWS = (
    "Устройств в файле: {rows}, а за один раз можно загрузить не больше {limit}. Разделите его на несколько файлов."
)
NOT_CSV = (
    "Это файл Excel, а нужен CSV. В Excel выберите «Файл → Сохранить как» и тип "
    "«CSV (разделители — точки с запятой)», затем пришлите получившийся файл."
)
EMPTY_FILE = "Файл пустой. Нужна строка заголовка и хотя бы одна строка с устройством."
HEADER_ONLY = "В файле только заголовок, а строк с устройствами нет."
NO_HEADER = (
    "Первая строка не похожа на заголовок: не нашёл ни одного известного столбца. "
    "Первой строкой должны идти названия столбцов: {columns}."
)
MISSING_COLUMN = "В файле нет обязательного столбца «{column}». Добавьте его в заголовок."
SEP_LINE_INVALID = (
    "Первая строка «sep={sep}» делает разделителем «{sep}», а им может быть только "
    "обычный знак. Напишите sep=; (или sep=,) или удалите эту строку."
)
HEADER_QUOTES = "Строка заголовка не читается: {problem}"
DUPLICATE_COLUMN = "Столбец «{column}» указан в заголовке дважды (столбцы {first} и {second}). Оставьте один."

# --- record structure -----------------------------------------------------------
BAD_QUOTES = "Кавычки стоят неправильно: значение в кавычках должно целиком занимать ячейку."
UNCLOSED_QUOTE = "Кавычка открыта и не закрыта до конца файла. Закройте кавычку или уберите её."
UNREADABLE_BYTES = (
    "В ячейке есть байты, которые не читаются в кодировке {encoding} (на их месте «\ufffd»). "
    "Исправьте эти символы или сохраните файл заново в кодировке UTF-8."
)
TOO_MANY_CELLS = (
    "В строке {cells} значений, а в заголовке {columns} столбцов. "
    "Если в тексте есть разделитель «{delimiter}», возьмите текст в кавычки."
)

# --- cell values ----------------------------------------------------------------
REQUIRED_EMPTY = "Пустое значение, а этот столбец обязателен."
SERIAL_SCIENTIFIC = (
    "«{value}» — Excel превратил серийный номер в число и отрезал цифры. "
    "Задайте столбцу формат «Текстовый», впишите номера заново и сохраните файл."
)
REGISTERED_IN_FUTURE = "Дата регистрации {value} ещё не наступила."
DUE_WITHOUT_HOLDER = "Указана дата возврата, но не указан держатель. Заполните «{holder_column}» или очистите дату."
CELL_REFUSED = "«{value}» не подходит для этого столбца. Исправьте значение."

# --- duplicates -----------------------------------------------------------------
DUPLICATE_NUMBER = "Номер {value} уже встречался в строке {line}. У каждого устройства свой номер."
DUPLICATE_SERIAL = (
    "Серийный номер {value} уже встречался в строке {line}. У двух устройств не может быть одного серийного номера."
)

# --- against the database -------------------------------------------------------
NUMBER_EXISTS = (
    "Устройство с номером {number} уже есть в базе. Уберите строку или включите обновление существующих устройств."
)
SERIAL_EXISTS = "Серийный номер {serial} уже есть в базе у устройства № {number}."

# --- warnings -------------------------------------------------------------------
UNKNOWN_COLUMNS = "Столбцы {columns} не распознаны, их значения не загружены."

# --- the import preview (cashbot/views/import_csv.py) -----------------------------
UNKNOWN_COLUMNS_COUNT = "Не распознано столбцов: {count}, их значения не загружены (список — в файле ниже)."
WILL_STAY = "Уже совпадают с файлом, останутся как есть: {count}"
ASSIGNMENTS_COUNT = "Закрепить за людьми — устройств: {devices}, людей: {people} (список — в файле ниже)."
WILL_INVITE = "Пригласить по почте (получат устройства при регистрации): {count}"
WILL_CHANGE_DUE = "Сменится дата возврата: {count}"
OVERDUE = (
    "⏰ Дата возврата уже прошла: {count}. Эти устройства будут числиться просроченными, держателям придут напоминания."
)
NEW_CATEGORIES_COUNT = "Новых категорий: {count} (список — в файле ниже)."
DETAILS_FILE = "предпросмотр-импорта.txt"
DETAILS_UNKNOWN_COLUMNS = "Нераспознанные столбцы (их значения не загружаются):"
DETAILS_ASSIGNMENTS = "Закрепить за людьми (устройств):"
DETAILS_NEW_CATEGORIES = "Новые категории:"
DONE_DUE_CHANGED = "\nСменилась дата возврата: {count}."
CHECK_FAILED = (
    "❌ Не получилось проверить файл: внутренняя ошибка бота, ничего не записано. "
    "Пришлите файл ещё раз; если повторится — перешлите его разработчику."
)
WRITE_FAILED = (
    "❌ Не получилось записать: внутренняя ошибка бота. Ничего не записано — импорт "
    "проходит целиком или никак. Пришлите файл ещё раз; если повторится — перешлите его разработчику."
)
CHANGED_SINCE_PREVIEW = (
    "⚠️ Пока вы смотрели предпросмотр, данные в боте изменились, поэтому я ничего не записал. "
    "Вот что импорт сделает теперь:"
)

# --- report ---------------------------------------------------------------------
REPORT_LINE_COLUMN = "Строка {line}, «{column}»: {message}"
REPORT_LINE = "Строка {line}: {message}"
REPORT_COLUMN = "«{column}»: {message}"
REPORT_MORE = "…и ещё {count} {noun}."
PROBLEM_NOUN = ("ошибка", "ошибки", "ошибок")

# --- file sizes -----------------------------------------------------------------
SIZE_MB = "{value} МБ"
SIZE_KB = "{value} КБ"
SIZE_B = "{value} байт"

# --- template: two example rows, in COLUMN_TITLES order (dates are filled in) ---
TEMPLATE_ROWS = (
    {
        "number": "1",
        "name": "Эвотор 7.3",
        "category": "Онлайн-касса",
        "serial": "00106707012345",
        "firmware": "4.9.2",
        "comment": "пример: удалите эту строку",
        "holder_email": "ivanova@example.ru",
        "location": "офис",
    },
    {
        "number": "2",
        "name": "PAX S300",
        "category": "Терминал эквайринга",
        "serial": "1850123456",
        "comment": "пример: удалите эту строку",
        "location": "склад",
    },
)


# --- The /add menu's CSV dialog: upload, preview, result -----------------------------
ASK_FILE = (
    "Пришлите CSV-файл с устройствами (до {limit}). Подходят файлы из Excel "
    "(«CSV, разделители — точки с запятой»), UTF-8 и UTF-16; столбцы ищу по названию. "
    "Обязательные: номер, название, категория, серийный номер. Образец — «📋 Шаблон CSV». "
    "Передумали — /cancel."
)
TEMPLATE_CAPTION = "Шаблон: заголовок и две строки-примера. Удалите примеры и впишите свои устройства."
TEMPLATE_NAME = "cashbot-шаблон.csv"
CHECKING = "⏳ Проверяю файл «{name}»…"
PREVIEW_TITLE = "<b>Файл «{name}»</b>"
WILL_ADD = "Будет добавлено: {count}"
WILL_UPDATE = "Будет обновлено: {count}"
EXISTING_SKIPPED = "Обновление существующих выключено."
UPDATE_ON = "Существующие устройства (по номеру) будут обновлены."
ASSIGNMENTS = "Закрепить за людьми:"
ASSIGNMENT = "• {who}: {count}"
NEW_CATEGORIES = "Новые категории: {names}"
WARNINGS = "⚠️ {text}"
PROBLEMS = "❌ <b>Ошибок: {count}.</b> Ничего не записано. Исправьте файл и пришлите его снова."
PROBLEMS_IN_FILE = "Полный список — в файле ниже."
PROBLEMS_FILE = "ошибки-импорта.txt"
NOTHING_TO_DO = "В файле нет ни новых устройств, ни изменений."
WRITING = "⏳ Записываю устройства: {count}…"
DONE = "✅ Готово: добавлено {added}, обновлено {updated}, закреплено за людьми {assigned}."
DONE_UNCHANGED = "\nУже совпадали с файлом, без изменений: {unchanged}."
DONE_INVITED = "\nПриглашено по почте (получат устройства при регистрации): {invited}."
IMPORT_CANCELLED = "Импорт отменён, ничего не записано."
FILE_GONE = "Файл этого предпросмотра уже не найден. Пришлите его снова."
BTN_IMPORT = "📥 Импортировать"
BTN_UPDATE_OFF = "🔁 Обновлять существующие"
BTN_UPDATE_ON = "✅ Обновлять существующие"
IMPORT_NOTICE = "📦 Вам закреплены устройства по импорту:\n{devices}\nВаши устройства — /mine."
IMPORT_NOTICE_LINE = "• №{number} · {name}"

# Problems only the database can find (see services/import_csv.py).
IMPORT_HELD_BY_OTHER = (
    "Устройство № {number} сейчас на руках (держатель: «{holder}»). Уберите почту держателя из строки "
    "или сначала верните устройство."
)


# --- Added for issue 15 by the CSV layer (i18n-csv); kept at the end for a clean merge ----
# The tab delimiter's name in TOO_MANY_CELLS (other delimiters are shown as themselves).
DELIMITER_TAB = "табуляция"
