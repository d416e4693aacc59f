"""Handing a device over to a colleague. Russian, HTML.

Placeholders marked as user-provided are escaped by the caller (texts.common.esc)."""

from cashbot.i18n import N_, localize, msgids
from cashbot.texts import loans as _loans

(BTN_CANCEL,) = msgids(_loans, "BTN_CANCEL")

ASK_HANDOVER = N_("🤝 Кому передать <b>{device}</b>? Выберите человека или напишите имя, @username или почту.")
ASK_HANDOVER_QUEUE = N_("\nВ очереди первыми: кнопки ниже.")
HANDOVER_DIALOG_OPEN = N_("Уже спрашиваю — выберите коллегу в сообщении выше или напишите имя.")
HANDOVER_FOUND = N_("Нашёл — выберите, кому передать <b>{device}</b>:")
HANDOVER_NOT_FOUND = N_("Никого не нашёл по «{query}». Напишите иначе: имя, @username или почту. Выйти — /cancel.")
HANDOVER_ONLY_YOU = N_("По «{query}» нашлись только вы. Напишите имя коллеги.")
HANDOVER_SENT = N_("Запрос отправлен: {name}. Я сообщу, когда он(а) ответит.")
HANDOVER_UNAVAILABLE = N_("{name} сейчас не может принять устройство. Выберите другого коллегу.")
HANDOVER_SELF = N_("Себе передать нельзя — выберите коллегу.")
HANDOVER_REQUEST = N_("🤝 {name} хочет передать вам <b>{device}</b>{due}. Принимаете?")
HANDOVER_REQUEST_DUE = N_(" (срок до {due})")
BTN_ACCEPT = N_("✅ Принять")
BTN_DECLINE = N_("❌ Отказаться")
HANDOVER_ACCEPTED_YOU = N_("✅ Теперь <b>{device}</b> у вас.")
HANDOVER_ACCEPTED_GIVER = N_("✅ {name} принял(а) <b>{device}</b>. Устройство больше не числится за вами.")
HANDOVER_DECLINED_YOU = N_("Вы отказались от <b>{device}</b>.")
HANDOVER_DECLINED_GIVER = N_("❌ {name} отказался(ась) принять <b>{device}</b>. Устройство по-прежнему у вас.")
HANDOVER_UNDELIVERABLE = N_(
    "⚠️ Не смог отправить запрос (получатель: {name}): похоже, бот у него/неё заблокирован или ещё не запущен. "
    "Запрос на передачу <b>{device}</b> отменён, устройство по-прежнему у вас."
)
HANDOVER_NOT_PENDING = N_("Эта передача уже неактуальна.")

__getattr__ = localize(globals())
