"""The English catalog (cashbot/locales/en): complete, faithful to each Russian text's
placeholders and markup, and compiled. Read with Babel's own PO reader, so this holds whatever
the runtime translation layer does with the catalog."""

import importlib.util
import re
import sys
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "cashbot" / "locales" / "en" / "LC_MESSAGES" / "cashbot.po"

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
RUSSIAN = re.compile("[\u0400-\u04ff№]")


def _extraction():
    """scripts/texts_to_po.py, the extraction the catalog is updated with (scripts/ is no package)."""
    if "texts_to_po" not in sys.modules:
        spec = importlib.util.spec_from_file_location("texts_to_po", ROOT / "scripts" / "texts_to_po.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["texts_to_po"] = module  # dataclasses look their module up while it loads
        spec.loader.exec_module(module)
    return sys.modules["texts_to_po"]


@pytest.fixture(scope="module")
def catalog():
    with CATALOG.open("rb") as f:
        return read_po(f, locale="en", domain="cashbot")


def _msgid(message):
    return message.id if isinstance(message.id, str) else message.id[0]


def _entries(catalog):
    """(msgid, msgstr) pairs: a plural entry gives one pair per English form."""
    for message in catalog:
        if not message.id:
            continue  # the header
        if message.pluralizable:
            for form in message.string:
                yield message.id[0], form
        else:
            yield message.id, message.string


def test_the_header_says_english_with_two_plural_forms(catalog):
    assert str(catalog.locale) == "en"
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    assert catalog.charset == "utf-8"


def test_every_entry_is_translated(catalog):
    empty = [msgid for msgid, msgstr in _entries(catalog) if not msgstr.strip()]
    assert empty == []
    assert not catalog.obsolete, "entries no text uses any more: run scripts/texts_to_po.py"


def test_each_translation_keeps_the_placeholders_of_its_text(catalog):
    differ = [
        (msgid, msgstr)
        for msgid, msgstr in _entries(catalog)
        if set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(msgstr))
    ]
    assert differ == []


def test_each_translation_keeps_the_html_tags_of_its_text_in_order(catalog):
    differ = [(msgid, msgstr) for msgid, msgstr in _entries(catalog) if TAG.findall(msgid) != TAG.findall(msgstr)]
    assert differ == []


def test_no_translation_has_russian_letters(catalog):
    russian = [msgstr for _msgid, msgstr in _entries(catalog) if RUSSIAN.search(msgstr)]
    assert russian == []


def test_every_russian_text_has_an_entry(catalog):
    """A new text in cashbot/texts without an English entry fails here."""
    missing = []
    for text in _extraction().extract(ROOT):
        message = catalog.get(text.msgid)
        if message is None:
            missing.append(text.msgid)
        elif text.plural is not None and (not message.pluralizable or message.id[1] != text.plural):
            missing.append(f"{text.msgid} (plural: {text.plural})")
    assert missing == []


def test_every_entry_is_a_text_still_in_use(catalog):
    """An entry whose Russian text changed or went away fails here (scripts/texts_to_po.py
    marks it obsolete)."""
    texts = {text.msgid for text in _extraction().extract(ROOT)}
    unused = [message.id for message in catalog if message.id and _msgid(message) not in texts]
    assert unused == []


def test_the_extraction_sees_constants_dict_values_nouns_and_joined_literals():
    texts = {text.msgid: text for text in _extraction().extract(ROOT)}
    assert "✋ Взять" in texts  # a module constant
    assert "Категория" in texts  # a dict value (FIELD_NAMES)
    assert texts["устройство"].plural == "устройства"  # a counted noun (texts/plural.py)
    assert "устройств" not in texts  # its "many" form is no msgid of its own
    joined = [msgid for msgid in texts if msgid.startswith("👋 Здравствуйте! Я <b>cashbot</b>")]
    assert len(joined) == 1 and joined[0].endswith("— одним сообщением.")
    assert not any(msgid.startswith("Everything a bot user reads") for msgid in texts)  # no docstrings


def test_the_compiled_catalog_is_the_po_file_compiled(catalog):
    compiled = BytesIO()
    write_mo(compiled, catalog)
    assert CATALOG.with_suffix(".mo").read_bytes() == compiled.getvalue()
