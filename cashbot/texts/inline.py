"""Inline mode (`@bot 49` in any chat). Russian. Titles and descriptions of results are
plain text (Telegram shows them as typed); the posted card is HTML, values escaped by the view.

The posted card reuses the card's own lines (texts/card.py) where they say the same thing."""

from cashbot.i18n import N_, localize

# Someone who is not an active person gets only this button above an empty result list; it
# opens the private chat with the bot, where registration starts.
REGISTER_FIRST = N_("Зарегистрируйтесь в боте, чтобы искать устройства")
REGISTER_START_PARAMETER = "inline"  # the /start payload of that button (A-Z, a-z, 0-9, _ and -)

RESULT_TITLE = N_("№{number} · {name}")
# The description under a result: the live status, then the category.
STATUS_FREE = N_("🟢 Свободно")
STATUS_HELD = N_("🔴 {holder}")
STATUS_HELD_BY_YOU = N_("🔵 У вас")
STATUS_DUE = N_(" до {due}")
STATUS_NO_DUE = N_(", срок не указан")
STATUS_OVERDUE = N_(" ⚠️ просрочено на {days}")  # {days}: «3 дня» (texts/plural.py)
STATUS_RESERVED = N_("⏳ Бронь до {until}: {name}")
STATUS_WAITING = N_(" · в очереди: {count}")
STATUS_CATEGORY = N_("\n{category}")

# A holder with no name in the bot (recorded by e-mail only): the e-mail is not shown in a
# shared chat unless the holder is the one posting.
NAMELESS_HOLDER = N_("сотрудник без имени в боте")

# Under the posted card: when the status was read (the message does not update itself).
STATUS_AT = N_("<i>Статус на {at}</i>")
BTN_OPEN_IN_BOT = N_("Открыть в боте")

__getattr__ = localize(globals())
