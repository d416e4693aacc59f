"""Languages (docs/architecture.md "Languages"): aiogram's gettext I18n over the Babel
catalogs in cashbot/locales, domain `cashbot`.

The msgid of every text is its Russian wording in cashbot/texts; `ru` has a catalog only for
plural forms, `en` translates everything. The current language is a context variable: the
locale middleware sets it per update from the person's stored language, `use_locale` sets it
around a message built for someone else.

Texts modules declare their constants with `N_` (Babel extracts it) and end with
`__getattr__ = localize(globals())`: the marked constants leave the module's namespace and
every `t.NAME` resolves in the current language at the moment it is read (PEP 562).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from types import ModuleType
from typing import Any

from aiogram.utils.i18n import I18n

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "cashbot"
LANGUAGES = ("ru", "en")  # what a person may choose (/language) and the config accepts
SOURCE_LANGUAGE = "ru"  # the msgids are Russian
# Telegram's language_code -> ours: Ukrainian and Belarusian speakers read Russian more
# readily than English; anything else gets the configured default.
_FROM_TELEGRAM = {"en": "en", "ru": "ru", "uk": "ru", "be": "ru"}


class Catalogs(I18n):
    """aiogram's I18n whose default language can be set after import (from the config):
    the context variable holds None until something chooses a language."""

    def __init__(self) -> None:
        super().__init__(path=LOCALES, default_locale=SOURCE_LANGUAGE, domain=DOMAIN)
        self.ctx_locale: ContextVar[str | None] = ContextVar("cashbot_locale", default=None)  # type: ignore[assignment]

    @property
    def current_locale(self) -> str:
        return self.ctx_locale.get() or self.default_locale

    @current_locale.setter
    def current_locale(self, value: str) -> None:
        self.ctx_locale.set(value)


i18n = Catalogs()


def set_default_language(language: str) -> None:
    """The config's `language`: what a person without a stored choice reads."""
    i18n.default_locale = language


def current_language() -> str:
    return i18n.current_locale


def language_of(stored: str | None) -> str:
    """A person's language: the stored choice, else the configured default."""
    return stored if stored in LANGUAGES else i18n.default_locale


def language_from_telegram(language_code: str | None) -> str | None:
    """A newcomer's language from Telegram's `language_code` ("en-US" counts as en); None for
    any other language: they read the configured default (stored as NULL, so it follows the
    config)."""
    base = (language_code or "").split("-")[0].lower()
    return _FROM_TELEGRAM.get(base)


@contextmanager
def use_locale(language: str | None) -> Iterator[None]:
    """Build a message in `language` (someone else's: the recipient of a notification)."""
    with i18n.use_locale(language_of(language)):
        yield


def _(message: str) -> str:
    """The text in the current language."""
    return i18n.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for n in the current language (CLDR rules, from the catalog's Plural-Forms)."""
    return i18n.gettext(singular, plural, n)


# ---------------------------------------------------------------- texts modules


class Msgid(str):
    """A text to translate: the Russian wording, which is also its key in the catalogs."""

    __slots__ = ()


class Joined(str):
    """Texts shown one after another (a sentence and its hint), each translated on its own."""

    parts: tuple[str, ...]

    def __new__(cls, *parts: str) -> Joined:
        joined = super().__new__(cls, "".join(parts))
        joined.parts = parts
        return joined


def N_(message: str) -> str:  # noqa: N802  (the gettext marker's conventional name)
    """Marks a constant as a user text: Babel extracts it, `localize` translates it."""
    return Msgid(message)


def translated(value: Any) -> Any:
    """A text constant in the current language: strings, and dicts, tuples and lists of them."""
    if isinstance(value, Joined):
        return "".join(translated(part) for part in value.parts)
    if isinstance(value, Msgid):
        return _(value)
    if isinstance(value, dict):
        return {key: translated(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return type(value)(translated(item) for item in value)
    return value


def _is_text(value: Any) -> bool:
    if isinstance(value, Msgid | Joined):
        return True
    if isinstance(value, dict):
        return any(_is_text(item) for item in value.values())
    if isinstance(value, tuple | list):
        return any(_is_text(item) for item in value)
    return False


def localize(namespace: dict[str, Any]) -> Callable[[str], Any]:
    """A texts module's `__getattr__`: takes the module's marked constants out of its
    namespace (so attribute access reaches `__getattr__`) and resolves them on every read."""
    texts = {name: value for name, value in namespace.items() if name.isupper() and _is_text(value)}
    for name in texts:
        del namespace[name]
    namespace["MSGIDS"] = texts  # the untranslated constants, for other texts modules and tests

    def __getattr__(name: str) -> Any:
        try:
            return translated(texts[name])
        except KeyError:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}") from None

    return __getattr__


def msgids(module: ModuleType, *names: str) -> tuple[Any, ...]:
    """Another texts module's constants, untranslated, to share or build on at import."""
    return tuple(vars(module)["MSGIDS"][name] for name in names)
