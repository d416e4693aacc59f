"""Reminders and the admin digest. Russian, HTML."""

from cashbot.i18n import N_, localize

HEADER_SOON = N_("🔔 <b>Напоминание о сроках возврата</b>")
HEADER_OVERDUE = N_("⚠️ <b>Пора вернуть устройства</b>")
HEADER_LONG_OVERDUE = N_("🚨 <b>Срочно верните устройства</b> — их ждут коллеги")

LINE_SOON_TOMORROW = N_("• №{number} · {name} — вернуть завтра, {due}")
LINE_SOON = N_("• №{number} · {name} — вернуть до {due}")
LINE_TODAY = N_("• №{number} · {name} — вернуть <b>сегодня</b>, {due}")
# {days}: the count with its noun, «3 дня» (texts/plural.py).
LINE_OVERDUE = N_("• №{number} · {name} — <b>просрочено на {days}</b> (срок был {due})")
LINE_LONG_OVERDUE = N_("• №{number} · {name} — ‼️ <b>просрочено на {days}</b> (срок был {due})")
MORE = N_("…и ещё {count} — все ваши устройства в /mine.")

FOOTER = N_("Вернули — нажмите «Вернул». Нужно ещё время — «Продлить».")
FOOTER_LONG_OVERDUE = N_(
    "Больше недели просрочки — это уже много. Верните устройство или продлите срок, если оно действительно ещё нужно."
)

BTN_RETURNED = N_("↩️ Вернул №{number}")
BTN_EXTEND = N_("📅 Продлить №{number}")

DIGEST_HEADER = N_("📋 <b>Просроченные устройства</b> на {day}: {count}")
DIGEST_LINE = N_("• №{number} · {name} — {holder}, просрочено на {days} (срок был {due})")
DIGEST_CONTINUED = N_("📋 <b>Просроченные устройства</b> (продолжение)")
DIGEST_BLOCKED = N_(" — 🚫 заблокировал(а) бота, напоминание не получил(а)")
DIGEST_UNDELIVERED = N_(" — ⚠️ напоминание не доставлено")
DIGEST_NOT_REACHED = N_("Напоминание сегодня не дошло по {count} устр. — свяжитесь с держателями сами.")

__getattr__ = localize(globals())
