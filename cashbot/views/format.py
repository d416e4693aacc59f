"""Formatting shared by every view: dates, times, people."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from cashbot.services.errors import BadValue, EmailDomainNotAllowed, InvalidEmail
from cashbot.services.fields import MAX_LENGTH
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
    """Why an e-mail was refused, in the wording of the flow that asked (`texts` has
    EMAIL_INVALID, EMAIL_DOMAIN, EMAIL_TAKEN)."""
    if isinstance(error, InvalidEmail):
        return texts.EMAIL_INVALID.format(email=esc(error.email))
    if isinstance(error, EmailDomainNotAllowed):
        return texts.EMAIL_DOMAIN.format(domains=", ".join("@" + d for d in error.allowed))
    return texts.EMAIL_TAKEN


QUOTED_MAX = 40  # a refused value quoted in a message is cut to this many characters


def field_problem(error: BadValue, value: str | None = None) -> str:
    """Why a field's value was refused and what to send instead (the same on every path);
    with `value`, the message quotes it (cut short). Plain text: escape it for HTML."""
    template = field_texts.REASONS.get(error.reason, field_texts.REASONS["required"])
    message = template.format(field=field_texts.FIELD_TITLES.get(error.field, error.field),
                              length=error.length, limit=MAX_LENGTH.get(error.field, 0))
    if value is None or error.reason in ("required", "too_long", "control"):
        return message
    value = " ".join(value.split())
    value = value if len(value) <= QUOTED_MAX else value[:QUOTED_MAX - 1] + "…"
    return field_texts.QUOTED.format(value=value, message=message)
