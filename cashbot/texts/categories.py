"""Category management (admins). Russian, HTML."""

from cashbot.i18n import N_, localize, msgids
from cashbot.texts import admin as _admin

CATEGORY_GONE, SEND_OTHER, SEND_TEXT = msgids(_admin, "CATEGORY_GONE", "SEND_OTHER", "SEND_TEXT")

# --- categories
CATEGORIES_TITLE = N_("<b>Категории</b> (устройств в каждой):")
CATEGORY_LINE = N_("• {name} — {count}")
CATEGORIES_EMPTY = N_("Категорий пока нет.")
BTN_ADD_CATEGORY = N_("➕ Добавить категорию")
ASK_CATEGORY_NAME = N_("Название новой категории? /cancel — отмена.")
ASK_CATEGORY_RENAME = N_("Новое название для «{name}»? /cancel — отмена.")
CATEGORY_EXISTS = N_("Категория «{name}» уже есть. Пришлите другое название или /cancel.")
CATEGORY_NOT_EMPTY = N_("Нельзя удалить: в категории устройств — {count}. Перенесите их или удалите сначала.")
CATEGORY_HAS_HISTORY = N_("Нельзя удалить: к категории относятся удалённые устройства, их история хранится.")
CATEGORY_ADDED = N_("Категория «{name}» добавлена.")
CATEGORY_RENAMED = N_("«{old}» переименована в «{new}».")
CATEGORY_DELETED = N_("Категория «{name}» удалена.")

__getattr__ = localize(globals())
