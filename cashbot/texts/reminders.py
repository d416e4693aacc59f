"""Reminders and the admin digest. Russian, HTML."""

HEADER_SOON = "🔔 <b>Напоминание о сроках возврата</b>"
HEADER_OVERDUE = "⚠️ <b>Пора вернуть устройства</b>"
HEADER_LONG_OVERDUE = "🚨 <b>Срочно верните устройства</b> — их ждут коллеги"

LINE_SOON_TOMORROW = "• №{number} · {name} — вернуть завтра, {due}"
LINE_SOON = "• №{number} · {name} — вернуть до {due}"
LINE_TODAY = "• №{number} · {name} — вернуть <b>сегодня</b>, {due}"
# {days}: the count with its noun, «3 дня» (texts/plural.py).
LINE_OVERDUE = "• №{number} · {name} — <b>просрочено на {days}</b> (срок был {due})"
LINE_LONG_OVERDUE = "• №{number} · {name} — ‼️ <b>просрочено на {days}</b> (срок был {due})"
MORE = "…и ещё {count} — все ваши устройства в /mine."

FOOTER = "Вернули — нажмите «Вернул». Нужно ещё время — «Продлить»."
FOOTER_LONG_OVERDUE = (
    "Больше недели просрочки — это уже много. Верните устройство или продлите срок, если оно действительно ещё нужно."
)

BTN_RETURNED = "↩️ Вернул №{number}"
BTN_EXTEND = "📅 Продлить №{number}"

DIGEST_HEADER = "📋 <b>Просроченные устройства</b> на {day}: {count}"
DIGEST_LINE = "• №{number} · {name} — {holder}, просрочено на {days} (срок был {due})"
DIGEST_CONTINUED = "📋 <b>Просроченные устройства</b> (продолжение)"
DIGEST_BLOCKED = " — 🚫 заблокировал(а) бота, напоминание не получил(а)"
DIGEST_UNDELIVERED = " — ⚠️ напоминание не доставлено"
DIGEST_NOT_REACHED = "Напоминание сегодня не дошло по {count} устр. — свяжитесь с держателями сами."
