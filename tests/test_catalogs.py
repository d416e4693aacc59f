"""The translation catalogs (cashbot/locales) against the code: every text the code marks has
an English translation with the same placeholders and HTML tags, the catalogs hold nothing the
code no longer uses, every counted noun has its plural forms in both languages, and the
compiled .mo files are what their .po compile to.

"Used in code" is what Babel extracts with the keywords of scripts/i18n.sh: N_ (texts
constants), _ and ngettext (inline), plural_forms (counted nouns)."""

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

import cashbot
from cashbot.i18n import LANGUAGES, LOCALES

ROOT = Path(cashbot.__file__).parent
KEYWORDS = {"N_": None, "_": None, "ngettext": (1, 2), "plural_forms": (1, 2)}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
CYRILLIC = re.compile("[А-Яа-яЁё]")


def used_in_code() -> dict[str, tuple[str, ...]]:
    """msgid -> its full key (a plural's msgid and msgid_plural), as Babel extracts them."""
    found = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        key = message if isinstance(message, tuple) else (message,)
        found[key[0]] = key
    return found


def catalog(language: str):
    with open(LOCALES / language / "LC_MESSAGES" / "cashbot.po", "rb") as po:
        return read_po(po, locale=language)


def entries(language: str) -> dict:
    return {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog(language) if m.id}


def test_extraction_finds_the_texts():
    used = used_in_code()
    assert len(used) > 400  # a marker or keyword gone wrong would find next to nothing
    assert used["устройство"] == ("устройство", "устройства")


def test_every_text_in_code_has_an_english_translation():
    """Every text with Russian words in it. One without ("{name}: {since} — {until}",
    "Telegram: {username}") reads the same in any language: it may be absent or untranslated
    (gettext then shows the msgid)."""
    english = entries("en")
    missing = [
        m
        for m in used_in_code()
        if CYRILLIC.search(m) and (m not in english or english[m].fuzzy or not _translated(english[m]))
    ]
    assert missing == [], f"{len(missing)} texts without English (scripts/i18n.sh, then translate in en.po)"


def test_the_english_catalog_has_no_unused_entries():
    used = used_in_code()
    assert [m for m in entries("en") if m not in used] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_and_tags(language):
    wrong = []
    for msgid, message in entries(language).items():
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        targets = message.string if isinstance(message.string, tuple) else (message.string,)
        for target in targets:
            if not target:
                continue
            if sorted(PLACEHOLDER.findall(sources[0])) != sorted(PLACEHOLDER.findall(target)):
                wrong.append((msgid, target))
            if TAG.findall(sources[0]) != TAG.findall(target):  # markup nests: same tags, same order
                wrong.append((msgid, target))
    assert wrong == []


def test_the_english_catalog_says_english_with_two_plural_forms():
    english = catalog("en")
    assert str(english.locale) == "en" and english.charset == "utf-8"
    assert english.plural_forms == "nplurals=2; plural=(n != 1);"


# The one Russian word English may show: the language picker names each language in itself.
ENDONYM = re.compile("[Рр]усский")


def test_no_english_translation_has_russian_letters():
    russian = []
    for msgid, message in entries("en").items():
        targets = message.string if isinstance(message.string, tuple) else (message.string,)
        russian += [(msgid, t) for t in targets if CYRILLIC.search(ENDONYM.sub("", t)) or "№" in t]
    assert russian == []


def test_plural_entries_are_complete_in_both_languages():
    plurals = {key for key in used_in_code().values() if len(key) == 2}
    assert plurals  # texts/plural.py and the CSV report count nouns
    for language, forms in (("ru", 3), ("en", 2)):
        by_key = {m.id: m for m in catalog(language) if isinstance(m.id, tuple)}
        for key in plurals:
            assert key in by_key, (language, key)
            strings = by_key[key].string
            assert len(strings) == forms and all(strings), (language, key, strings)


def test_the_russian_catalog_holds_plural_forms_only_and_only_used_ones():
    used = used_in_code()
    for msgid, message in entries("ru").items():
        assert isinstance(message.id, tuple), msgid  # a singular's msgid is its Russian already
        assert used.get(msgid) == message.id, msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_mo_is_the_compiled_po(language):
    """Message for message (the .mo header carries a compile time, so bytes would differ)."""
    compiled = io.BytesIO()
    write_mo(compiled, catalog(language))
    compiled.seek(0)
    with open(LOCALES / language / "LC_MESSAGES" / "cashbot.mo", "rb") as committed:
        assert _messages(read_mo(committed)) == _messages(read_mo(compiled)), "run scripts/i18n.sh compile"


def _messages(compiled) -> tuple:
    def frozen(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return compiled.plural_forms, {frozen(m.id): frozen(m.string) for m in compiled if m.id}


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def _unmarked_russian(value) -> bool:
    """Russian text that `localize` would leave as it is: a plain string (e.g. built with `+`
    from marked texts, which drops the mark), or one inside a dict, tuple or list."""
    from cashbot.i18n import Joined, Msgid

    if isinstance(value, Msgid | Joined):
        return False
    if isinstance(value, str):
        return bool(CYRILLIC.search(ENDONYM.sub("", value)))  # a language's own name stays as it is
    if isinstance(value, dict):
        return any(_unmarked_russian(item) for item in value.values())
    if isinstance(value, tuple | list):
        return any(_unmarked_russian(item) for item in value)
    return False


def test_every_russian_text_in_a_texts_module_is_marked():
    """Otherwise an English reader gets it in Russian (it never reaches the catalog)."""
    import importlib
    import pkgutil

    import cashbot.texts

    counted_nouns = {key for key in used_in_code().values() if len(key) == 2}  # plural_forms: ngettext at use
    unmarked = []
    for info in pkgutil.iter_modules(cashbot.texts.__path__):
        module = importlib.import_module(f"cashbot.texts.{info.name}")
        namespace = vars(module)
        constants = {**namespace.get("MSGIDS", {}), **{k: v for k, v in namespace.items() if k.isupper()}}
        unmarked += [
            f"{info.name}.{name}"
            for name, value in constants.items()
            if not any(value == noun for noun in counted_nouns) and _unmarked_russian(value)
        ]
    assert unmarked == []
