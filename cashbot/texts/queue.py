"""The queue: joining, leaving, "your turn" and its expiry. Russian, HTML.

Placeholders marked as user-provided are escaped by the caller (texts.common.esc)."""

from cashbot.i18n import N_, localize

QUEUED = N_("Вы в очереди: {position}-й. Я напишу, когда подойдёт ваша очередь.")
LEFT_QUEUE = N_("Вы вышли из очереди.")
HOLDER_SOMEONE_WAITS = N_(
    "🕒 {name} ждёт <b>{device}</b>, которое у вас. Когда вернёте — я предложу его следующему в очереди."
)
YOUR_TURN = N_(
    "🔔 <b>Ваша очередь!</b> <b>{device}</b> свободно и забронировано для вас до {until}.\n"
    "Возьмите его или пропустите — тогда я предложу следующему."
)
OFFER_EXPIRED = N_("⌛ Время брони <b>{device}</b> вышло — устройство предложено следующему в очереди.")
OFFER_EXPIRED_FREE = N_("⌛ Время брони <b>{device}</b> вышло — устройство снова свободно.")
PASSED = N_("Вы пропустили очередь на <b>{device}</b>.")
OFFER_GONE = N_("Эта бронь уже неактуальна.")
BTN_OFFER_TAKE = N_("✋ Взять")
BTN_OFFER_PASS = N_("Пропустить")

__getattr__ = localize(globals())
