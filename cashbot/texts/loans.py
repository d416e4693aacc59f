"""Taking, returning, extending, queueing and handing over devices. Russian, HTML.

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
    "📍 Где будет устройство? Напишите коротко: «офис Екб», «дома», название клиента — "
    "или нажмите «Пропустить»."
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
QUEUED = "Вы в очереди: {position}-й. Я напишу, когда подойдёт ваша очередь."
ALREADY_QUEUED = "Вы уже в очереди."
DEVICE_FREE = "Устройство свободно — его можно просто взять."
LEFT_QUEUE = "Вы вышли из очереди."
NOT_QUEUED = "Вас уже нет в этой очереди."
STATE_CHANGED = "Карточка изменилась — проверьте и нажмите ещё раз."

# Messages to other people
BTN_OPEN_CARD = "📇 Открыть карточку"
HOLDER_SOMEONE_WAITS = (
    "🕒 {name} ждёт <b>{device}</b>, которое у вас. Когда вернёте — я предложу его следующему в очереди."
)
WAITING_NEW_DUE = (
    "📅 <b>{device}</b>: {holder} продлил(а) срок — теперь {due}. "
    "Вы в очереди, я напишу, когда подойдёт ваша очередь."
)
NEW_DUE_DATE = "до {due}"
NEW_NO_DUE = "без срока"
YOUR_TURN = (
    "🔔 <b>Ваша очередь!</b> <b>{device}</b> свободно и забронировано для вас до {until}.\n"
    "Возьмите его или пропустите — тогда я предложу следующему."
)
OFFER_EXPIRED = "⌛ Время брони <b>{device}</b> вышло — устройство предложено следующему в очереди."
OFFER_EXPIRED_FREE = "⌛ Время брони <b>{device}</b> вышло — устройство снова свободно."
PASSED = "Вы пропустили очередь на <b>{device}</b>."
OFFER_GONE = "Эта бронь уже неактуальна."
BTN_OFFER_TAKE = "✋ Взять"
BTN_OFFER_PASS = "Пропустить"

# Hand-over
ASK_HANDOVER = (
    "🤝 Кому передать <b>{device}</b>? Выберите человека или напишите имя, @username или почту."
)
ASK_HANDOVER_QUEUE = "\nВ очереди первыми: кнопки ниже."
HANDOVER_DIALOG_OPEN = "Уже спрашиваю — выберите коллегу в сообщении выше или напишите имя."
HANDOVER_FOUND = "Нашёл — выберите, кому передать <b>{device}</b>:"
HANDOVER_NOT_FOUND = "Никого не нашёл по «{query}». Напишите иначе: имя, @username или почту. Выйти — /cancel."
HANDOVER_ONLY_YOU = "По «{query}» нашлись только вы. Напишите имя коллеги."
HANDOVER_SENT = "Запрос отправлен: {name}. Я сообщу, когда он(а) ответит."
HANDOVER_UNAVAILABLE = "{name} сейчас не может принять устройство. Выберите другого коллегу."
HANDOVER_SELF = "Себе передать нельзя — выберите коллегу."
HANDOVER_REQUEST = "🤝 {name} хочет передать вам <b>{device}</b>{due}. Принимаете?"
HANDOVER_REQUEST_DUE = " (срок до {due})"
BTN_ACCEPT = "✅ Принять"
BTN_DECLINE = "❌ Отказаться"
HANDOVER_ACCEPTED_YOU = "✅ Теперь <b>{device}</b> у вас."
HANDOVER_ACCEPTED_GIVER = "✅ {name} принял(а) <b>{device}</b>. Устройство больше не числится за вами."
HANDOVER_DECLINED_YOU = "Вы отказались от <b>{device}</b>."
HANDOVER_DECLINED_GIVER = "❌ {name} отказался(ась) принять <b>{device}</b>. Устройство по-прежнему у вас."
HANDOVER_UNDELIVERABLE = (
    "⚠️ Не смог отправить запрос (получатель: {name}): похоже, бот у него/неё заблокирован или ещё не запущен. "
    "Запрос на передачу <b>{device}</b> отменён, устройство по-прежнему у вас."
)
HANDOVER_NOT_PENDING = "Эта передача уже неактуальна."
