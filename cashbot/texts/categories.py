"""Category management (admins). Russian, HTML."""

from cashbot.texts.admin import (  # noqa: F401  (handlers and views use t.<name>)
    CATEGORY_GONE,
    SEND_OTHER,
    SEND_TEXT,
)

# --- categories
CATEGORIES_TITLE = "<b>Категории</b> (устройств в каждой):"
CATEGORY_LINE = "• {name} — {count}"
CATEGORIES_EMPTY = "Категорий пока нет."
BTN_ADD_CATEGORY = "➕ Добавить категорию"
ASK_CATEGORY_NAME = "Название новой категории? /cancel — отмена."
ASK_CATEGORY_RENAME = "Новое название для «{name}»? /cancel — отмена."
CATEGORY_EXISTS = "Категория «{name}» уже есть. Пришлите другое название или /cancel."
CATEGORY_NOT_EMPTY = "Нельзя удалить: в категории устройств — {count}. Перенесите их или удалите сначала."
CATEGORY_HAS_HISTORY = "Нельзя удалить: к категории относятся удалённые устройства, их история хранится."
CATEGORY_ADDED = "Категория «{name}» добавлена."
CATEGORY_RENAMED = "«{old}» переименована в «{new}»."
CATEGORY_DELETED = "Категория «{name}» удалена."
