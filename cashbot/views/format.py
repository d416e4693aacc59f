"""Formatting shared by every view: dates, times, people."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date

from cashbot.i18n import current_language
from cashbot.services.errors import BadValue, EmailDomainNotAllowed, InvalidEmail
from cashbot.texts import fields as field_texts
from cashbot.texts.common import esc


def fmt_date(value: date | None) -> str:
    """A day as the current language writes it: 03.12.2026 in Russian (what every date prompt
    accepts back), Babel's medium form elsewhere ("Dec 3, 2026")."""
    if not value:
        return "—"
    language = current_language()
    if language == "ru":
        return value.strftime("%d.%m.%Y")
    return format_date(value, "medium", locale=_babel_locale(language))


def fmt_datetime(value: datetime | None, tz: ZoneInfo) -> str:
    """The day (fmt_date) and the 24-hour time in the team's time zone."""
    if not value:
        return "—"
    local = value.astimezone(tz)
    return f"{fmt_date(local.date())} {local:%H:%M}"


@cache
def _babel_locale(language: str) -> Locale:
    return Locale.parse(language)


def person_link(full_name: str, username: str | None) -> str:
    """Name, and @username as a link when there is one (people without one are fine)."""
    name = esc(full_name or "—")
    return f'{name} (<a href="https://t.me/{esc(username)}">@{esc(username)}</a>)' if username else name


def overdue_days(due: date | None, today: date) -> int:
    return (today - due).days if due and due < today else 0


def email_problem(error: Exception, texts) -> str:
    """Why an e-mail was refused: a bad address in the one wording of texts/fields.py, the
    rest in the wording of the flow that asked (`texts` has EMAIL_DOMAIN, EMAIL_TAKEN)."""
    if isinstance(error, InvalidEmail):
        return esc(field_texts.email_invalid(error.email))
    if isinstance(error, EmailDomainNotAllowed):
        return texts.EMAIL_DOMAIN.format(domains=", ".join("@" + d for d in error.allowed))
    return texts.EMAIL_TAKEN


def field_problem(error: BadValue, value: str | None = None) -> str:
    """Why a field's value was refused and what to send instead (the same on every path);
    with `value`, the message quotes it (cut short). Plain text: escape it for HTML."""
    return field_texts.problem(error, value)
