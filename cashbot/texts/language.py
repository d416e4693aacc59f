"""/language: choosing the interface language. Russian, HTML."""

from cashbot.i18n import N_, localize

# Each language named in itself, the same in every language (not translated).
NAMES = {"ru": "Русский", "en": "English"}

ASK = N_("🌐 Язык интерфейса сейчас: <b>{current}</b>. Выберите язык:")
# Answered in the language just chosen.
CHANGED = N_("✅ Готово: теперь я пишу по-русски. Сменить язык — /language.")
# The last line of /help for registered people.
HELP = N_("\n\n🌐 /language — язык интерфейса (русский / English)")

__getattr__ = localize(globals())
