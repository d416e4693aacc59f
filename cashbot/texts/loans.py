"""Taking, returning and extending devices, and the notes any card action leaves on the card.
Russian, HTML.

Placeholders marked as user-provided are escaped by the caller (texts.common.esc)."""

from cashbot.i18n import N_, localize

DEVICE = N_("№{number} · {name}")  # name: escaped

# The date dialog (take and extend)
ASK_DUE_TAKE = N_(
    "✋ Берёте <b>{device}</b>.\n"
    "До какого числа? Выберите кнопку или напишите дату: <code>25.12</code>, "
    "<code>25.12.2026</code>, <code>2026-12-25</code>, «завтра»."
)
ASK_DUE_EXTEND = N_(
    "📅 <b>{device}</b>: сейчас {current}.\n"
    "До какого числа продлить? Выберите кнопку или напишите дату: <code>25.12</code>, "
    "<code>25.12.2026</code>, <code>2026-12-25</code>."
)
EXTEND_WAITING = N_("\n\n⚠️ Устройство ждут в очереди {people}. Я сообщу им новую дату.")  # «2 человека»
CURRENT_DUE = N_("срок до {due}")
CURRENT_NO_DUE = N_("срок не указан")
BTN_TODAY = N_("Сегодня")
BTN_TOMORROW = N_("Завтра")
BTN_WEEK = N_("Через неделю")
BTN_NO_DUE = N_("Без срока")
BTN_SKIP = N_("Пропустить")
BTN_CANCEL = N_("✖️ Отмена")
DIALOG_OPEN = N_("Уже начали — выберите дату в сообщении выше или напишите её.")
DIALOG_CLOSED = N_("Этот диалог уже закрыт. Откройте карточку устройства заново.")
DIALOG_CANCELLED = N_("Хорошо, отменил. Устройство не тронуто.")

BAD_DATE_FORMAT = N_(
    "Не понял дату «{value}». Напишите, например, <code>25.12</code>, <code>25.12.2026</code>, "
    "<code>2026-12-25</code>, «сегодня» или «завтра» — или выберите кнопку выше. Выйти — /cancel."
)
BAD_DATE_PAST = N_("Дата {date} уже прошла. Укажите сегодняшнюю или более позднюю дату.")
BAD_DATE_TOO_FAR = N_("Дата {date} дальше чем через год. Укажите дату в пределах года или «Без срока».")

ASK_LOCATION = N_(
    "📍 Где будет устройство? Напишите коротко: «офис Екб», «дома», название клиента — или нажмите «Пропустить»."
)
LOCATION_AGAIN = N_("Напишите, где устройство, ещё раз или нажмите «Пропустить».")
DATE_NOT_TEXT = N_("Напишите дату текстом, например <code>25.12</code>, или выберите кнопку выше.")
LOCATION_NOT_TEXT = N_("Напишите место текстом или нажмите «Пропустить».")

# Outcomes shown as a note on the refreshed card (no HTML inside: the card wraps it in <i>)
TAKEN = N_("Готово: устройство у вас.")
TAKEN_DUE = N_("Готово: устройство у вас до {due}.")
ALREADY_TAKEN_BY = N_("Опоздали: устройство уже взял(а) {name}. Можно встать в очередь.")
ALREADY_YOURS = N_("Устройство уже у вас.")
# Names stay in the nominative: a name is a label ("бронь: Анна"), never declined ("для Анна").
RESERVED_FOR = N_("Устройство забронировано до {until}, бронь: {name}. Можно встать в очередь.")
NOT_HOLDER = N_("Устройство уже не у вас — карточка обновлена.")
RETURNED = N_("Вы вернули устройство. Спасибо!")
RETURNED_OFFERED = N_("Вы вернули устройство. Спасибо! Оно забронировано за следующим в очереди: {name}.")
EXTENDED = N_("Срок продлён до {due}.")
EXTENDED_NO_DUE = N_("Срок возврата снят.")
ALREADY_QUEUED = N_("Вы уже в очереди.")
DEVICE_FREE = N_("Устройство свободно — его можно просто взять.")
NOT_QUEUED = N_("Вас уже нет в этой очереди.")
STATE_CHANGED = N_("Карточка изменилась — проверьте и нажмите ещё раз.")

# Messages to other people
BTN_OPEN_CARD = N_("📇 Открыть карточку")
WAITING_NEW_DUE = N_(
    "📅 <b>{device}</b>: {holder} продлил(а) срок — теперь {due}. Вы в очереди, я напишу, когда подойдёт ваша очередь."
)
NEW_DUE_DATE = N_("до {due}")
NEW_NO_DUE = N_("без срока")

__getattr__ = localize(globals())
