"""The queue: joining, leaving, "your turn" and its expiry. Russian, HTML.

Placeholders marked as user-provided are escaped by the caller (texts.common.esc)."""

QUEUED = "Вы в очереди: {position}-й. Я напишу, когда подойдёт ваша очередь."
LEFT_QUEUE = "Вы вышли из очереди."
HOLDER_SOMEONE_WAITS = (
    "🕒 {name} ждёт <b>{device}</b>, которое у вас. Когда вернёте — я предложу его следующему в очереди."
)
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
