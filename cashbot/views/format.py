"""Formatting shared by every view: dates, times, people."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from cashbot.services.errors import BadValue, EmailDomainNotAllowed, InvalidEmail
from cashbot.texts import fields as field_texts
from cashbot.texts.common import esc


def fmt_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def fmt_datetime(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%d.%m.%Y %H:%M") if value else "—"


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
