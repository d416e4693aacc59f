"""Russian texts of the device CSV import/export (cashbot.services.device_csv).

Everything here is read by a bot user: problem messages (each says what to fix),
warnings, column titles of the exported file and the template's example rows.
Placeholders are filled with ``str.format``.
"""

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
FILE_TOO_BIG = (
    "Файл слишком большой: {size} при пределе {limit}. "
    "Разделите его на несколько файлов."
)
TOO_MANY_ROWS = (
    "В файле {rows} устройств, а за один раз можно загрузить не больше {limit}. "
    "Разделите его на несколько файлов."
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
DUPLICATE_COLUMN = (
    "Столбец «{column}» указан в заголовке дважды (столбцы {first} и {second}). "
    "Оставьте один."
)

# --- record structure -----------------------------------------------------------
BAD_QUOTES = (
    "Кавычки стоят неправильно: значение в кавычках должно целиком занимать ячейку."
)
UNCLOSED_QUOTE = (
    "Кавычка открыта и не закрыта до конца файла. "
    "Закройте кавычку или уберите её."
)
CELL_TOO_LONG = (
    "Значение слишком длинное: {length} символов, а можно не больше {limit}. "
    "Проверьте, не слились ли ячейки (например, из-за лишней кавычки)."
)
UNREADABLE_BYTES = (
    "В ячейке есть байты, которые не читаются в кодировке {encoding} (на их месте «\ufffd»). "
    "Исправьте эти символы или сохраните файл заново в кодировке UTF-8."
)
NUL_IN_CELL = (
    "В ячейке есть нулевой байт (NUL): файл повреждён или сохранён не как текст. "
    "Сохраните его заново как CSV в UTF-8."
)
TOO_MANY_CELLS = (
    "В строке {cells} значений, а в заголовке {columns} столбцов. "
    "Если в тексте есть разделитель «{delimiter}», возьмите текст в кавычки."
)

# --- cell values ----------------------------------------------------------------
REQUIRED_EMPTY = "Пустое значение, а этот столбец обязателен."
NUMBER_INVALID = "«{value}» — не номер. Нужно целое положительное число, например 49."
NUMBER_TOO_BIG = "Номер «{value}» слишком большой."
SERIAL_SCIENTIFIC = (
    "«{value}» — Excel превратил серийный номер в число и отрезал цифры. "
    "Задайте столбцу формат «Текстовый», впишите номера заново и сохраните файл."
)
DATE_INVALID = (
    "«{value}» — не дата. Пишите дату как ДД.ММ.ГГГГ (например, 01.03.2024) "
    "или ГГГГ-ММ-ДД."
)
DATE_NOT_EXISTS = "Даты «{value}» не бывает, проверьте день и месяц."
REGISTERED_IN_FUTURE = "Дата регистрации {value} ещё не наступила."
DUE_TOO_FAR = (
    "Дата возврата {value} дальше чем через год. Укажите дату не позже {limit}."
)
DUE_WITHOUT_HOLDER = (
    "Указана дата возврата, но не указан держатель. "
    "Заполните «{holder_column}» или очистите дату."
)
CELL_REFUSED = "«{value}» не подходит для этого столбца. Исправьте значение."
EMAIL_INVALID = "«{value}» — не похоже на адрес почты. Нужен адрес вида name@example.ru."

# --- duplicates -----------------------------------------------------------------
DUPLICATE_NUMBER = "Номер {value} уже встречался в строке {line}. У каждого устройства свой номер."
DUPLICATE_SERIAL = (
    "Серийный номер {value} уже встречался в строке {line}. "
    "У двух устройств не может быть одного серийного номера."
)

# --- against the database -------------------------------------------------------
NUMBER_EXISTS = (
    "Устройство с номером {number} уже есть в базе. "
    "Уберите строку или включите обновление существующих устройств."
)
SERIAL_EXISTS = "Серийный номер {serial} уже есть в базе у устройства № {number}."

# --- warnings -------------------------------------------------------------------
UNKNOWN_COLUMNS = "Столбцы {columns} не распознаны, их значения не загружены."

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


def plural(n: int, forms: tuple[str, str, str]) -> str:
    """Russian plural form for n: ("ошибка", "ошибки", "ошибок")."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]
