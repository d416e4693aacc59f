"""Handing a device over to a colleague. Russian, HTML.

Placeholders marked as user-provided are escaped by the caller (texts.common.esc)."""

from cashbot.texts.loans import BTN_CANCEL  # noqa: F401  (the same Отмена as the date dialog)

ASK_HANDOVER = "🤝 Кому передать <b>{device}</b>? Выберите человека или напишите имя, @username или почту."
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
