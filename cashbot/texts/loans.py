"""Taking, returning and extending devices, and the notes any card action leaves on the card.
Russian, HTML.

Placeholders marked as user-provided are escaped by the caller (texts.common.esc)."""

DEVICE = "№{number} · {name}"  # name: escaped

# The date dialog (take and extend)
ASK_DUE_TAKE = (
    "✋ Берёте <b>{device}</b>.\n"
    "До какого числа? Выберите кнопку или напишите дату: <code>25.12</code>, "
    "<code>25.12.2026</code>, <code>2026-12-25</code>, «завтра»."
)
ASK_DUE_EXTEND = (
    "📅 <b>{device}</b>: сейчас {current}.\n"
    "До какого числа продлить? Выберите кнопку или напишите дату: <code>25.12</code>, "
    "<code>25.12.2026</code>, <code>2026-12-25</code>."
)
EXTEND_WAITING = "\n\n⚠️ Устройство ждут в очереди {people}. Я сообщу им новую дату."  # «2 человека»
CURRENT_DUE = "срок до {due}"
CURRENT_NO_DUE = "срок не указан"
BTN_TODAY = "Сегодня"
BTN_TOMORROW = "Завтра"
BTN_WEEK = "Через неделю"
BTN_NO_DUE = "Без срока"
BTN_SKIP = "Пропустить"
BTN_CANCEL = "✖️ Отмена"
DIALOG_OPEN = "Уже начали — выберите дату в сообщении выше или напишите её."
DIALOG_CLOSED = "Этот диалог уже закрыт. Откройте карточку устройства заново."
DIALOG_CANCELLED = "Хорошо, отменил. Устройство не тронуто."

BAD_DATE_FORMAT = (
    "Не понял дату «{value}». Напишите, например, <code>25.12</code>, <code>25.12.2026</code>, "
    "<code>2026-12-25</code>, «сегодня» или «завтра» — или выберите кнопку выше. Выйти — /cancel."
)
BAD_DATE_PAST = "Дата {date} уже прошла. Укажите сегодняшнюю или более позднюю дату."
BAD_DATE_TOO_FAR = "Дата {date} дальше чем через год. Укажите дату в пределах года или «Без срока»."

ASK_LOCATION = (
    "📍 Где будет устройство? Напишите коротко: «офис Екб», «дома», название клиента — или нажмите «Пропустить»."
)
LOCATION_AGAIN = "Напишите, где устройство, ещё раз или нажмите «Пропустить»."
DATE_NOT_TEXT = "Напишите дату текстом, например <code>25.12</code>, или выберите кнопку выше."
LOCATION_NOT_TEXT = "Напишите место текстом или нажмите «Пропустить»."

# Outcomes shown as a note on the refreshed card (no HTML inside: the card wraps it in <i>)
TAKEN = "Готово: устройство у вас."
TAKEN_DUE = "Готово: устройство у вас до {due}."
ALREADY_TAKEN_BY = "Опоздали: устройство уже взял(а) {name}. Можно встать в очередь."
ALREADY_YOURS = "Устройство уже у вас."
# Names stay in the nominative: a name is a label ("бронь: Анна"), never declined ("для Анна").
RESERVED_FOR = "Устройство забронировано до {until}, бронь: {name}. Можно встать в очередь."
NOT_HOLDER = "Устройство уже не у вас — карточка обновлена."
RETURNED = "Вы вернули устройство. Спасибо!"
RETURNED_OFFERED = "Вы вернули устройство. Спасибо! Оно забронировано за следующим в очереди: {name}."
EXTENDED = "Срок продлён до {due}."
EXTENDED_NO_DUE = "Срок возврата снят."
ALREADY_QUEUED = "Вы уже в очереди."
DEVICE_FREE = "Устройство свободно — его можно просто взять."
NOT_QUEUED = "Вас уже нет в этой очереди."
STATE_CHANGED = "Карточка изменилась — проверьте и нажмите ещё раз."

# Messages to other people
BTN_OPEN_CARD = "📇 Открыть карточку"
WAITING_NEW_DUE = (
    "📅 <b>{device}</b>: {holder} продлил(а) срок — теперь {due}. Вы в очереди, я напишу, когда подойдёт ваша очередь."
)
NEW_DUE_DATE = "до {due}"
NEW_NO_DUE = "без срока"
