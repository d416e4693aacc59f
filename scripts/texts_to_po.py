"""Extract the Russian texts of `cashbot/texts/*.py` as gettext msgids, and update a catalog.

The msgid is the text exactly as Python evaluates it (implicit concatenation joined, escapes
resolved). Found by walking each module's AST, so module constants, dict values and the string
literals inside functions are all seen without importing anything:

- a string literal with Cyrillic or "№" is a message (docstrings are not);
- a tuple of three such literals is a counted noun (texts/plural.py, PROBLEM_NOUN): one plural
  entry, msgid = the one-form, msgid_plural = the few-form (gettext holds two forms);
- a few texts live outside texts/ for now (EXTRA); they are listed so the catalog covers them.

Usage: `python scripts/texts_to_po.py [catalog.po]` (default: the English catalog) adds every
text missing from the catalog with an empty translation, marks entries no text uses any more as
obsolete, refreshes the source references and compiles the .mo next to it.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ROOT / "cashbot" / "texts"
EN_CATALOG = ROOT / "cashbot" / "locales" / "en" / "LC_MESSAGES" / "cashbot.po"

HEADER_COMMENT = "# cashbot messages. msgid: the Russian text of cashbot/texts (scripts/texts_to_po.py)."

RUSSIAN = re.compile("[\u0400-\u04ff№]")

# User-visible Russian strings outside texts/ (to be moved into texts/): path -> literals.
EXTRA: dict[str, tuple[str, ...]] = {
    "cashbot/services/device_csv.py": ("табуляция",),
}


@dataclass
class Text:
    msgid: str
    plural: str | None = None
    locations: list[tuple[str, int]] = field(default_factory=list)


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the constant nodes that are docstrings (module, class, function)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _russian(node: ast.AST) -> str | None:
    """The node's text if it is a string literal with Russian in it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and RUSSIAN.search(node.value):
        return node.value
    return None


def module_texts(path: Path, relative: str) -> list[Text]:
    """The texts of one module, in source order."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    texts: list[Text] = []
    for node in ast.walk(tree):
        forms = [_russian(e) for e in node.elts] if isinstance(node, ast.Tuple) else []
        if isinstance(node, ast.Tuple) and len(forms) == 3 and all(forms):
            one, few, _many = forms
            assert one is not None
            texts.append(Text(one, few, [(relative, node.lineno)]))
            skip.update(id(e) for e in node.elts)
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and any(_russian(v) for v in node.values):
            raise ValueError(f"{relative}:{node.lineno}: an f-string with Russian text cannot be a msgid")
        text = _russian(node)
        if text is not None and id(node) not in skip:
            texts.append(Text(text, None, [(relative, getattr(node, "lineno", 0))]))
    return sorted(texts, key=lambda t: t.locations[0][1])


def extract(root: Path = ROOT) -> list[Text]:
    """Every text, one per msgid (a text used in several places keeps all its locations)."""
    merged: dict[str, Text] = {}
    found: list[Text] = []
    for path in sorted((root / "cashbot" / "texts").glob("*.py")):
        found += module_texts(path, path.relative_to(root).as_posix())
    for relative, literals in EXTRA.items():
        source = (root / relative).read_text(encoding="utf-8")
        for literal in literals:
            line = next(i for i, text in enumerate(source.splitlines(), 1) if repr(literal)[1:-1] in text)
            found.append(Text(literal, None, [(relative, line)]))
    for text in found:
        if text.msgid in merged:
            merged[text.msgid].locations += text.locations
        else:
            merged[text.msgid] = text
    return list(merged.values())


def update(catalog_path: Path) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po, write_po

    if catalog_path.exists():
        with catalog_path.open("rb") as f:
            old = read_po(f)
    else:
        old = Catalog(locale=catalog_path.parent.parent.name, domain="cashbot")
    # Babel derives Language and Plural-Forms from the locale; the dates stay put so an
    # unchanged catalog is an unchanged file.
    new = Catalog(
        locale=old.locale,
        domain="cashbot",
        header_comment=HEADER_COMMENT,
        project="cashbot",
        version="1",
        msgid_bugs_address="",
        creation_date=old.creation_date,
        revision_date=old.revision_date,
        last_translator="cashbot team",
        language_team="cashbot team",
        fuzzy=False,
    )
    for text in extract():
        key = (text.msgid, text.plural) if text.plural else text.msgid
        before = old.get(text.msgid)
        string = before.string if before is not None else (("", "") if text.plural else "")
        new.add(key, string, locations=text.locations)
    for message in old:
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        if msgid and msgid not in new:
            new.obsolete[msgid] = message
    with catalog_path.open("wb") as f:
        write_po(f, new, width=100, sort_output=False, omit_header=False)
    with catalog_path.with_suffix(".mo").open("wb") as f:
        write_mo(f, new)


if __name__ == "__main__":
    update(Path(sys.argv[1]) if len(sys.argv) > 1 else EN_CATALOG)
