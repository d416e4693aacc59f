"""Telegram's HTML parse mode, as the Bot API applies it to message text.

`parse_html(text)` returns the visible text and the message entities (offsets and lengths
in UTF-16 code units, like Telegram), or raises `HtmlParseError` whose message is what
Telegram puts after "Bad Request: can't parse entities: ".

Stricter than Telegram in one place, on purpose: a bare "&" that does not start one of the
entities `&lt; &gt; &amp; &quot; &#NN; &#xNN;` is an error (the Bot API docs say such a
character "must be replaced"; the real server tolerates some of them). A bare ">" is
accepted, as Telegram does.
"""

from __future__ import annotations

import re

__all__ = ["HtmlParseError", "parse_html", "utf16_len"]

# tag -> entity type (None: needs attribute-dependent handling)
_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_TEXT_RE = re.compile(r"[^<&]*")  # plain text up to the next tag or entity
_NAME_RE = re.compile(r"[A-Za-z0-9-]*")
_ATTR_RE = re.compile(
    r"""\s*([A-Za-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""",
)
_BARE_ATTR_RE = re.compile(r"([A-Za-z-]+)(?=\s|>)")


class HtmlParseError(ValueError):
    pass


def _always(match: re.Match[str] | None) -> re.Match[str]:
    """A match of a pattern that matches everywhere (`...*`): never None."""
    assert match is not None
    return match


def utf16_len(s: str) -> int:
    """Length of `s` in UTF-16 code units (how Telegram counts entity offsets)."""
    return len(s.encode("utf-16-le")) // 2


def _unescape_attr(value: str) -> str:
    return _ENTITY_RE.sub(_decode_entity, value)


def _decode_entity(m: re.Match[str]) -> str:
    if m.group(1):
        return _NAMED[m.group(1)]
    code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
    try:
        return chr(code)
    except (ValueError, OverflowError):
        return "\ufffd"


def parse_html(text: str) -> tuple[str, list[dict]]:
    out: list[str] = []
    pos16 = 0  # UTF-16 length of everything in `out`
    stack: list[tuple[str, int, dict]] = []  # (tag name, start offset, entity template)
    entities: list[dict] = []
    i, n = 0, len(text)

    def byte_offset(index: int) -> int:
        return len(text[:index].encode("utf-8"))

    while i < n:
        ch = text[i]
        if ch == "&":
            m = _ENTITY_RE.match(text, i)
            if not m:
                raise HtmlParseError(f'Unsupported HTML entity or bare "&" at byte offset {byte_offset(i)}')
            s = _decode_entity(m)
            out.append(s)
            pos16 += utf16_len(s)
            i = m.end()
            continue
        if ch != "<":
            j = _always(_TEXT_RE.match(text, i)).end()
            chunk = text[i:j]
            out.append(chunk)
            pos16 += utf16_len(chunk)
            i = j
            continue

        start = i
        if i + 1 < n and text[i + 1] == "/":
            end = text.find(">", i + 2)
            if end == -1:
                raise HtmlParseError(f"Unclosed end tag at byte offset {byte_offset(start)}")
            name = text[i + 2 : end].strip().lower()
            if not stack:
                raise HtmlParseError(f"Unexpected end tag at byte offset {byte_offset(start)}")
            open_name, open_at, template = stack.pop()
            if name != open_name:
                raise HtmlParseError(
                    f"Unmatched end tag at byte offset {byte_offset(start)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            length = pos16 - open_at
            if length > 0 and template:
                entity = {"offset": open_at, "length": length, **template}
                entities.append(entity)
            i = end + 1
            continue

        m = _always(_NAME_RE.match(text, i + 1))
        name = m.group(0).lower()
        if name not in _TAGS:
            raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {byte_offset(start)}')
        i = m.end()
        attrs: dict[str, str] = {}
        while True:
            while i < n and text[i].isspace():
                i += 1
            if i >= n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {byte_offset(start)}")
            if text[i] == ">":
                i += 1
                break
            am = _ATTR_RE.match(text, i)
            if not am:
                bare = _BARE_ATTR_RE.match(text, i)
                if bare:  # e.g. <blockquote expandable>
                    attrs[bare.group(1).lower()] = ""
                    i = bare.end()
                    continue
                raise HtmlParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                    f"at byte offset {byte_offset(start)}"
                )
            value = next(v for v in am.group(2, 3, 4) if v is not None)
            attrs[am.group(1).lower()] = _unescape_attr(value)
            i = am.end()

        template = {"type": _TAGS[name]}
        if name == "span":
            if attrs.get("class") != "tg-spoiler":
                raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(start)}')
        elif name == "a":
            href = attrs.get("href", "")
            if href:
                template["url"] = href
            else:
                template = {}  # <a> without href is plain text
        elif name == "tg-emoji":
            if not attrs.get("emoji-id", "").isdigit():
                raise HtmlParseError(f"Custom emoji identifier must be specified at byte offset {byte_offset(start)}")
            template["custom_emoji_id"] = attrs["emoji-id"]
        elif name == "code" and stack and stack[-1][0] == "pre":
            lang = attrs.get("class", "")
            if lang.startswith("language-"):
                stack[-1][2]["language"] = lang[len("language-") :]
        elif name == "blockquote" and "expandable" in attrs:
            template["type"] = "expandable_blockquote"
        stack.append((name, pos16, template))

    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities
