"""Inline mode (`@bot 49` in any chat). Russian. Titles and descriptions of results are
plain text (Telegram shows them as typed); the posted card is HTML, values escaped by the view.

The posted card reuses the card's own lines (texts/card.py) where they say the same thing."""

# Someone who is not an active person gets only this button above an empty result list; it
# opens the private chat with the bot, where registration starts.
REGISTER_FIRST = "Зарегистрируйтесь в боте, чтобы искать устройства"
REGISTER_START_PARAMETER = "inline"  # the /start payload of that button (A-Z, a-z, 0-9, _ and -)

RESULT_TITLE = "№{number} · {name}"
# The description under a result: the live status, then the category.
STATUS_FREE = "🟢 Свободно"
STATUS_HELD = "🔴 {holder}"
STATUS_HELD_BY_YOU = "🔵 У вас"
STATUS_DUE = " до {due}"
STATUS_NO_DUE = ", срок не указан"
STATUS_OVERDUE = " ⚠️ просрочено на {days}"  # {days}: «3 дня» (texts/plural.py)
STATUS_RESERVED = "⏳ Бронь до {until}: {name}"
STATUS_WAITING = " · в очереди: {count}"
STATUS_CATEGORY = "\n{category}"

# A holder with no name in the bot (recorded by e-mail only): the e-mail is not shown in a
# shared chat unless the holder is the one posting.
NAMELESS_HOLDER = "сотрудник без имени в боте"

# Under the posted card: when the status was read (the message does not update itself).
STATUS_AT = "<i>Статус на {at}</i>"
BTN_OPEN_IN_BOT = "Открыть в боте"
