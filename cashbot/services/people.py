"""People: registration, approval, the cached "viewer" behind every update."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import fn

from cashbot.db.models import Loan, Person, PersonStatus, database_proxy
from cashbot.services import fields
from cashbot.services.common import fold, record
from cashbot.services.errors import EmailTaken, PersonNotFound


@dataclass(frozen=True)
class Viewer:
    """Who is behind an update: what every handler needs, cached in memory."""

    person_id: int
    telegram_id: int
    full_name: str
    username: str | None
    email: str | None
    status: str
    is_admin: bool
    # Telegram answered 403 to us earlier; writing to the bot makes them reachable again.
    unreachable: bool = False
    language: str | None = None  # the stored choice; None: the configured default

    @property
    def is_active(self) -> bool:
        return self.status == PersonStatus.ACTIVE


@dataclass(frozen=True)
class PersonBrief:
    person_id: int
    telegram_id: int | None
    full_name: str
    username: str | None
    email: str | None
    status: str
    language: str | None = None  # what messages to them are written in (None: the default)


@dataclass(frozen=True)
class RegistrationResult:
    viewer: Viewer
    activated: bool  # active at once (open mode, or an admin)
    linked_devices: int  # devices an import had attached to this e-mail
    admin_telegram_ids: list[int]  # whom to ask for approval: config admins (empty when activated)


def _cache() -> dict:
    return database_proxy.obj.viewer_cache


def _forget(telegram_id: int | None) -> None:
    if telegram_id is not None:
        _cache().pop(telegram_id, None)


def _viewer(person: Person) -> Viewer:
    return Viewer(
        person.id,
        person.telegram_id,
        person.full_name,
        person.username,
        person.email,
        person.status,
        bool(person.is_admin),
        person.unreachable_at is not None,
        person.language,
    )


def brief(person: Person) -> PersonBrief:
    return PersonBrief(
        person.id, person.telegram_id, person.full_name, person.username, person.email, person.status, person.language
    )


def _search_text(person: Person) -> str:
    return fold(person.full_name, person.username and "@" + person.username, person.email, person.comment)


def normalize_email(raw: str, allowed_domains: list[str]) -> str:
    """The stored form of an e-mail (services/fields.py): what registration compares."""
    return fields.clean_email(raw, allowed_domains)


def live_person_by_telegram_id(telegram_id: int) -> Person | None:
    return Person.select().where(Person.telegram_id == telegram_id, Person.status != PersonStatus.DELETED).first()


def load_viewer(telegram_id: int) -> Viewer | None:
    """The person behind an update, from the in-memory cache when possible."""
    cache = _cache()
    if telegram_id in cache:
        return cache[telegram_id]
    person = live_person_by_telegram_id(telegram_id)
    viewer = _viewer(person) if person else None
    if viewer is not None:
        cache[telegram_id] = viewer
    return viewer


def touch_profile(telegram_id: int, full_name: str, username: str | None, now: datetime) -> Viewer | None:
    """Keep name and @username as Telegram shows them; a person who writes is reachable again."""
    with database_proxy.atomic():
        person = live_person_by_telegram_id(telegram_id)
        if person is None:
            return None
        person.full_name, person.username, person.unreachable_at = full_name, username, None
        person.search_text = _search_text(person)
        person.updated_at = now
        person.save()
    _forget(telegram_id)
    return load_viewer(telegram_id)


def register(
    telegram_id: int,
    full_name: str,
    username: str | None,
    raw_email: str,
    first_message: str | None,
    *,
    open_access: bool,
    admin_ids: list[int],
    allowed_domains: list[str],
    now: datetime,
    language: str | None = None,
) -> RegistrationResult:
    """A newcomer gives a work e-mail. An e-mail an import attached devices to is claimed."""
    email = normalize_email(raw_email, allowed_domains)
    is_admin = telegram_id in admin_ids
    activated = open_access or is_admin
    with database_proxy.atomic():
        person = live_person_by_telegram_id(telegram_id)
        owner = Person.get_or_none((Person.email == email) & (Person.status != PersonStatus.DELETED))
        if owner is not None and owner.id != (person.id if person else None):
            if owner.status != PersonStatus.INVITED:
                raise EmailTaken()
            if person is not None:  # an earlier attempt with another e-mail: drop it
                person.delete_instance()
            person = owner
        if person is None:
            person = Person(created_at=now)
        person.telegram_id, person.full_name, person.username = telegram_id, full_name, username
        person.email, person.is_admin = email, is_admin
        if language is not None:  # from Telegram's language_code; an earlier /language choice stays
            person.language = person.language or language
        person.status = PersonStatus.ACTIVE if activated else PersonStatus.PENDING
        person.first_message = None if activated else first_message
        person.search_text = _search_text(person)
        person.updated_at = now
        person.save()
        linked = Loan.select().where(Loan.person == person, Loan.returned_at.is_null()).count()
        record("registered", now, actor_id=person.id, person_id=person.id, email=email, status=person.status)
    _forget(telegram_id)
    return RegistrationResult(load_viewer(telegram_id), activated, linked, [] if activated else list(admin_ids))


def decide(person_id: int, approve: bool, admin_person_id: int, now: datetime) -> tuple[PersonBrief, str | None, bool]:
    """Approve or reject a pending person: (person, their first message, changed?).

    Deciding twice (two admins, a double click) changes nothing the second time."""
    with database_proxy.atomic():
        person = Person.get_or_none(Person.id == person_id)
        if person is None or person.status == PersonStatus.DELETED:
            raise PersonNotFound()
        if person.status != PersonStatus.PENDING:
            return brief(person), None, False
        first_message = person.first_message
        person.status = PersonStatus.ACTIVE if approve else PersonStatus.REJECTED
        person.first_message = None
        person.updated_at = now
        person.save()
        record("approved" if approve else "rejected", now, actor_id=admin_person_id, person_id=person.id)
    _forget(person.telegram_id)
    return brief(person), first_message, True


def set_language(telegram_id: int, language: str, now: datetime) -> Viewer | None:
    """Store the language a person chose with /language."""
    with database_proxy.atomic():
        person = live_person_by_telegram_id(telegram_id)
        if person is None:
            return None
        person.language, person.updated_at = language, now
        person.save()
    _forget(telegram_id)
    return load_viewer(telegram_id)


def languages(telegram_ids: list[int]) -> dict[int, str | None]:
    """The stored language of each of these people (admins told about a request, a digest)."""
    if not telegram_ids:
        return {}
    query = Person.select(Person.telegram_id, Person.language).where(
        Person.telegram_id.in_(telegram_ids), Person.status != PersonStatus.DELETED
    )
    return {p.telegram_id: p.language for p in query}


def sync_admins(admin_ids: list[int], now: datetime) -> None:
    """Config is the source of truth for who is an admin; mirror it into people.is_admin."""
    with database_proxy.atomic():
        Person.update(is_admin=False, updated_at=now).where(
            Person.is_admin, Person.telegram_id.not_in(admin_ids) if admin_ids else True
        ).execute()
        if admin_ids:
            Person.update(is_admin=True, updated_at=now).where(
                Person.telegram_id.in_(admin_ids), ~Person.is_admin
            ).execute()
            # An admin who registered before being listed needs no approval.
            Person.update(status=PersonStatus.ACTIVE, updated_at=now).where(
                Person.telegram_id.in_(admin_ids), Person.status == PersonStatus.PENDING
            ).execute()
    _cache().clear()


def mark_unreachable(telegram_id: int, now: datetime) -> None:
    Person.update(unreachable_at=now).where(
        Person.telegram_id == telegram_id, Person.unreachable_at.is_null()
    ).execute()
    _forget(telegram_id)  # the cached viewer must show it, so their next message clears it


def find_people(query: str, *, limit: int = 10, active_only: bool = True) -> list[PersonBrief]:
    """By name, @username or e-mail, case-insensitively (Cyrillic too)."""
    needle = fold(query.lstrip("@") if query.strip().startswith("@") else query)
    if not needle:
        return []
    q = Person.select().where(Person.status != PersonStatus.DELETED, fn.instr(Person.search_text, needle) > 0)
    if active_only:
        q = q.where(Person.status == PersonStatus.ACTIVE)
    return [brief(p) for p in q.order_by(Person.full_name).limit(limit)]


def get_brief(person_id: int) -> PersonBrief:
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise PersonNotFound()
    return brief(person)


def invite_by_email(email: str, now: datetime, actor_id: int | None = None) -> Person:
    """The person behind an e-mail, created as 'invited' if nobody has it (import, assignment).

    The e-mail is cleaned here too, so an invitation is stored in the form registration
    compares against."""
    email = fields.clean_email(email)
    person = Person.get_or_none((Person.email == email) & (Person.status != PersonStatus.DELETED))
    if person is None:
        person = Person.create(
            email=email,
            status=PersonStatus.INVITED,
            full_name="",
            search_text=fold(email),
            created_at=now,
            updated_at=now,
        )
        record("invited", now, actor_id=actor_id, person_id=person.id, email=email)
    return person


def refresh_viewer(telegram_id: int | None) -> None:
    """For services elsewhere that change a person: drop the cached copy."""
    _forget(telegram_id)
