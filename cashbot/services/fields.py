"""Every device and person field's rule, in one place.

`/add`, device edit, CSV import, registration, invitations, the `/users` e-mail fix and the
sticker deep link all clean values here, so a value is accepted (and stored the same way)
everywhere or nowhere. Each `clean_*` returns the stored value (None: an empty optional
value) or raises `BadValue(field, reason)`; `texts/fields.py` says each reason in Russian.

Choices worth knowing:
- Sticker numbers are 1..999 999 999: nine digits, what `t.me/<bot>?start=d<number>` carries.
  Full-width digits (``４９``) are folded to ASCII, other scripts' digits are refused; leading
  zeros are ignored; Excel's ``49.0`` is 49. Longer inputs are refused by their length,
  before any int().
- Text: NFC, full-width ASCII forms folded to ASCII, whitespace runs collapsed to one space
  (a comment keeps its line breaks, tabs and spacing; line ends are trimmed, CRLF becomes
  LF), zero-width and other invisible characters at the ends dropped, control characters
  (NUL, the rest of C0, DEL, C1) refused. A value of only invisible characters is empty.
  Serials are NFKC-folded entirely: they are codes. Free text is not NFKC-folded: that would
  turn "№" into "No" and "м²" into "м2".
- Lengths are counted in characters after cleaning; with every field at its maximum a card,
  a list, an approval request and a reminder still fit one Telegram message
  (tests/test_field_rules.py renders them).
- E-mail: `email-validator` (syntax only, no DNS). Internationalised domains are accepted
  everywhere (``ivan@почта.рф``) and stored in their Unicode form, lower-cased; an address
  typed in punycode is stored the same way. A non-ASCII mailbox name (``иван@почта.рф``) is
  refused everywhere: most mail systems cannot deliver to one. Registration compares exactly
  this form, so a holder an import invited can always register with the address in the file.
- Dates: one parser. A two-digit year means the year ending in those digits that is at
  most 20 years after today ("01.01.75" is 1975 in 2026, "01.01.30" is 2030). A return date
  is from today to the same day a year later.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from email_validator import EmailNotValidError, validate_email

from cashbot.db.models import PersonStatus
from cashbot.services.errors import BadDate, BadValue, EmailDomainNotAllowed, InvalidEmail

MIN_NUMBER = 1
MAX_NUMBER = 999_999_999
NUMBER_DIGITS = len(str(MAX_NUMBER))
# /start d<number>: exactly the numbers clean_number accepts, written without leading zeros.
DEEP_LINK = rf"^d[1-9]\d{{0,{NUMBER_DIGITS - 1}}}$"


def deep_link_payload(number: int) -> str:
    """The /start payload that opens this sticker number's card (matches DEEP_LINK)."""
    return f"d{number}"


# Characters, after cleaning. Budgets: see the module docstring.
MAX_LENGTH = {
    "name": 200,
    "serial": 64,
    "category": 64,
    "firmware": 64,
    "comment": 500,
    "location": 200,
    "person_comment": 500,
}
MAX_EMAIL = 254  # RFC 5321's path limit
MULTILINE = frozenset({"comment", "person_comment"})
CODES = frozenset({"serial"})  # NFKC-folded entirely

TWO_DIGIT_YEAR_AHEAD = 20  # a two-digit year is at most this many years after today

# Who may have a device recorded on them: anyone known who may still come to use the bot.
HOLDER_STATUSES = frozenset({PersonStatus.ACTIVE, PersonStatus.PENDING, PersonStatus.INVITED})

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_HAS_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")
# Unicode category Cc is exactly these; tab and line break are looked at per field.
_CONTROL_SINGLE_LINE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")
_EDGE = frozenset({"Cf", "Zs", "Zl", "Zp"})  # dropped at the ends: zero-width spaces, joiners, marks
_NOTHING_TO_SEE = _EDGE | {"Mn", "Me"}  # a value of only these is empty


def _invisible(ch: str, kinds: frozenset = _EDGE) -> bool:
    return ch.isspace() or unicodedata.category(ch) in kinds


def _fold(text: str, form: Literal["NFC", "NFKC"]) -> str:
    """Unicode normal form and full-width ASCII folded (CSV import calls this per cell)."""
    if text.isascii():
        return text
    text = unicodedata.normalize(form, text)
    return text.translate(_FULLWIDTH) if _HAS_FULLWIDTH.search(text) else text


def clean_text(field: str, raw: str | None, required: bool = False) -> str | None:
    """The stored form of a free-text field, None if empty and optional."""
    text = _fold(raw or "", "NFKC" if field in CODES else "NFC")
    if field in MULTILINE:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
        if _CONTROL_MULTILINE.search(text):
            raise BadValue(field, "control")
        if "\n" in text:
            text = _BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in text.split("\n")))
        text = text.strip()
    else:  # one line: tabs, line breaks (also \x0b \x0c \x85) and space runs become one space
        if _CONTROL_SINGLE_LINE.search(text):
            raise BadValue(field, "control")
        text = _SPACES.sub(" ", text).strip()
    # isprintable() is False for every separator and format character: the ends need a
    # closer look only then (a common Cyrillic value skips the loops).
    if text and not (text[0].isprintable() and text[-1].isprintable()):
        start, end = 0, len(text)
        while start < end and _invisible(text[start]):
            start += 1
        while end > start and _invisible(text[end - 1]):
            end -= 1
        text = text[start:end]
    if not text or (not text[0].isascii() and all(_invisible(ch, _NOTHING_TO_SEE) for ch in text)):
        if required:
            raise BadValue(field, "required")
        return None
    if len(text) > MAX_LENGTH[field]:
        raise BadValue(field, "too_long", len(text), MAX_LENGTH[field])
    return text


def clean_number(raw: str | int | None) -> int:
    """A sticker number: digits (full-width ones too), optionally Excel's ``.0``; 1..MAX_NUMBER."""
    if isinstance(raw, bool) or not isinstance(raw, (int, str, type(None))):
        raise BadValue("number", "number")
    if isinstance(raw, int):
        if not MIN_NUMBER <= raw <= MAX_NUMBER:
            raise BadValue("number", "number")
        return raw
    text = _fold(raw or "", "NFKC").strip()
    if not text:
        raise BadValue("number", "required")
    whole, sep, fraction = text.replace(",", ".").partition(".")
    if not _ASCII_DIGITS.fullmatch(whole) or (sep and not _ZEROS.fullmatch(fraction)):
        raise BadValue("number", "number")
    digits = whole.lstrip("0")
    if len(digits) > NUMBER_DIGITS:  # refused by its length: int() of 5,000 digits is costly
        raise BadValue("number", "number")
    number = int(digits or "0")
    if not MIN_NUMBER <= number <= MAX_NUMBER:
        raise BadValue("number", "number")
    return number


_ASCII_DIGITS = re.compile(r"[0-9]+")
_ZEROS = re.compile(r"0+")


# ------------------------------------------------------------------------------ e-mail


def clean_email(raw: str | None, allowed_domains: Collection[str] = ()) -> str:
    """The stored (and compared) form of an e-mail; InvalidEmail / EmailDomainNotAllowed."""
    shown = (raw or "").strip()
    found = _validated(_fold(raw or "", "NFKC").strip())
    if found is None:
        raise InvalidEmail(shown)
    email, ascii_domain = found
    if allowed_domains:
        allowed = {d.strip().lower().lstrip("@") for d in allowed_domains}
        if email.rsplit("@", 1)[1] not in allowed and ascii_domain not in allowed:
            raise EmailDomainNotAllowed(list(allowed_domains))
    return email


@lru_cache(maxsize=4096)  # a CSV file names the same few holders on many rows
def _validated(text: str) -> tuple[str, str] | None:
    """(stored form, ASCII domain), or None for an address the rule refuses."""
    if not text or len(text) > MAX_EMAIL or _CONTROL_MULTILINE.search(text) or "\t" in text or "\n" in text:
        return None
    try:
        found = validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return None
    email = found.normalized.lower()
    if len(email) > MAX_EMAIL:
        return None
    return email, found.ascii_domain.lower()


# ------------------------------------------------------------------------------ dates

_DMY = re.compile(
    r"^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{4}|\d{2}))?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$", re.ASCII
)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$", re.ASCII)
_WORDS = {"сегодня": 0, "today": 0, "завтра": 1, "tomorrow": 1, "послезавтра": 2}


def full_year(two_digits: int, today: date) -> int:
    """The year ending in these two digits that is at most TWO_DIGIT_YEAR_AHEAD years ahead."""
    year = today.year - today.year % 100 + two_digits
    return year - 100 if year > today.year + TWO_DIGIT_YEAR_AHEAD else year


def parse_date(text: str, today: date) -> date:
    """'25.12.2026', '25.12.26', '25/12/2026', '2026-12-25' (a time after it is ignored),
    '25.12' (the next such date from today), 'сегодня', 'завтра', 'послезавтра'.

    BadDate("format") when it is none of these or no such day exists."""
    value = _fold(text or "", "NFKC").strip().lower()
    if value in _WORDS:
        return today + timedelta(days=_WORDS[value])
    try:
        if m := _ISO.match(value):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.match(value):
            day, month = int(m[1]), int(m[2])
            if m[3] is None:
                candidate = date(today.year, month, day)
                return candidate if candidate >= today else date(today.year + 1, month, day)
            year = int(m[3])
            return date(full_year(year, today) if len(m[3]) == 2 else year, month, day)
    except ValueError:
        pass
    raise BadDate("format", (text or "").strip())


def last_due_date(today: date) -> date:
    """The same day a year later (28 February after a 29th): the latest return date."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def check_due_date(due: date | None, today: date) -> date | None:
    """A return date: from today to a year ahead (BadDate "past" / "too_far")."""
    if due is None:
        return None
    if due < today:
        raise BadDate("past", due.isoformat())
    if due > last_due_date(today):
        raise BadDate("too_far", due.isoformat())
    return due


def clean_registered_on(raw: str | date | None, today: date) -> date | None:
    """The registration date: optional, never in the future."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        day = raw if isinstance(raw, date) else parse_date(raw, today)
    except BadDate:
        raise BadValue("registered_on", "date") from None
    if day > today:
        raise BadValue("registered_on", "future")
    return day


def clean_due_on(raw: str | date | None, today: date) -> date | None:
    """The return date of a recorded holder: optional, at most a year ahead. A past date is
    a fact (the device is overdue), so an export of overdue loans imports again; only the
    take and extend dialogs, which set a new date, refuse the past (`check_due_date`)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        due = raw if isinstance(raw, date) else parse_date(raw, today)
    except BadDate:
        raise BadValue("due_on", "date") from None
    if due > last_due_date(today):
        raise BadValue("due_on", "too_far")
    return due


def can_hold(status: str) -> bool:
    return status in HOLDER_STATUSES
