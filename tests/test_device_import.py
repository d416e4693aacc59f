"""Services: CSV import plan/apply and create_device on a real SQLite file."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from cashbot.db.models import Category, Device, Event, Loan, PersonStatus
from cashbot.services import add_device, people
from cashbot.services.errors import BadValue, DuplicateNumber, DuplicateSerial
from cashbot.services.import_csv import apply_import, plan_import
from cashbot.views.import_csv import format_problems
from tests.seed import device, person

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 11, 27)
HEADER = "Номер;Название;Категория;Серийный номер;Email держателя;Дата возврата;Комментарий\n"


def csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


def test_both_samples_plan_and_import_the_same_devices(database, now):
    for name in ("devices_cp1251_semicolon.csv", "devices_original_format_utf8.csv"):
        plan = plan_import((DATA / name).read_bytes(), update_existing=False, today=TODAY)
        assert plan.ok, format_problems(plan.problems)
    data = (DATA / "devices_cp1251_semicolon.csv").read_bytes()
    plan = plan_import(data, update_existing=False, today=TODAY)
    assert plan.to_add == 8 and plan.to_update == 0
    assert [(a.email, a.name, a.devices) for a in plan.assignments] == [
        ("ivanova@example.ru", None, 1),
        ("petrov@example.ru", None, 1),
    ]
    assert set(plan.new_categories) == {
        "Онлайн-касса",
        "Фискальный регистратор",
        "Терминал эквайринга",
        "Весы",
        "Сканер",
        "Планшет",
    }
    assert Device.select().count() == 0  # planning writes nothing

    result = apply_import(data, update_existing=False, today=TODAY, now=now, actor_id=None)
    assert result.applied and (result.added, result.assigned, result.invited) == (8, 2, 2)
    evotor = Device.get(Device.number == 50)
    assert (evotor.name, evotor.serial, evotor.comment, evotor.location) == (
        "Эвотор 7.3",
        "00106707012345",
        "после ремонта",
        "дома",
    )
    loan = Loan.get(Loan.device == evotor)
    assert loan.person.status == PersonStatus.INVITED and loan.due_on == date(2026, 12, 10)
    assert Event.select().where(Event.kind == "device_added").count() == 8
    assert result.notices == []  # invited people have no chat yet


def test_invited_holder_gets_the_devices_when_registering(database, now):
    apply_import(
        csv("7;Касса;Онлайн-касса;S7;new@example.ru;01.12.2026;"),
        update_existing=False,
        today=TODAY,
        now=now,
        actor_id=None,
    )
    result = people.register(
        555, "Нина", None, "New@Example.ru", None, open_access=True, admin_ids=[], allowed_domains=[], now=now
    )
    assert result.linked_devices == 1 and result.viewer.is_active


def test_registered_holder_is_named_in_the_plan_and_notified(database, now):
    person(301, "Ольга Петрова", "olga@example.ru")
    data = csv("7;Касса;Онлайн-касса;S7;olga@example.ru;;", "8;Касса 2;Онлайн-касса;S8;olga@example.ru;;")
    plan = plan_import(data, update_existing=False, today=TODAY)
    assert [(a.name, a.devices) for a in plan.assignments] == [("Ольга Петрова", 2)]
    result = apply_import(data, update_existing=False, today=TODAY, now=now, actor_id=None)
    assert [(n.telegram_id, n.devices) for n in result.notices] == [(301, [(7, "Касса"), (8, "Касса 2")])]


def test_problems_against_the_database_write_nothing(database, now):
    device(7, "Старая касса", serial="S7")
    data = csv("7;Новая;Онлайн-касса;X1;;;", "9;Другая;Онлайн-касса;S7;;;", "10;Верная;Новая категория;S10;;;")
    result = apply_import(data, update_existing=False, today=TODAY, now=now, actor_id=None)
    assert not result.applied
    assert [p.line for p in result.plan.problems] == [2, 3]
    assert "уже есть в базе" in format_problems(result.plan.problems)
    assert Device.select().count() == 1 and Category.select().where(Category.name == "Новая категория").count() == 0


def test_update_existing_changes_fields_and_records_events(database, now):
    device(7, "Старая касса", serial="S7", comment="было")
    data = csv("7;Новая касса;Сканер;S7;;;", "8;Ещё одна;Сканер;S8;;;")
    assert not plan_import(data, update_existing=False, today=TODAY).ok
    plan = plan_import(data, update_existing=True, today=TODAY)
    assert plan.ok and (plan.to_add, plan.to_update) == (1, 1)
    result = apply_import(data, update_existing=True, today=TODAY, now=now, actor_id=None)
    assert (result.added, result.updated) == (1, 1)
    changed = Device.get(Device.number == 7)
    assert changed.name == "Новая касса" and changed.category.name == "Сканер"
    assert changed.comment == "было"  # an empty cell keeps the stored value
    assert "сканер" in changed.search_text
    assert Event.select().where(Event.kind == "device_updated", Event.device == changed).count() == 1


def test_update_cannot_take_a_device_from_its_holder(database, now):
    d = device(7, "Касса", serial="S7")
    holder = person(301, "Ольга", "olga@example.ru")
    Loan.create(device=d, person=holder, taken_at=now)
    plan = plan_import(csv("7;Касса;Онлайн-касса;S7;other@example.ru;;"), update_existing=True, today=TODAY)
    assert not plan.ok and "держатель: «Ольга»" in format_problems(plan.problems)


def test_create_device_with_new_category_and_invited_holder(database, now):
    created = add_device.create_device(
        number=49,
        serial="0049",
        name="MSPOS-N",
        new_category="Планшет",
        holder_email="x@example.ru",
        due_on=date(2026, 12, 1),
        today=TODAY,
        now=now,
        actor_id=None,
    )
    d = Device.get_by_id(created.device_id)
    assert d.serial == "0049" and d.category.name == "Планшет"
    assert created.holder.status == PersonStatus.INVITED and created.due_on == date(2026, 12, 1)
    assert Event.select().where(Event.kind == "device_added", Event.device == d).exists()


def test_create_device_refuses_duplicates_and_bad_dates(database, now):
    existing = device(49, "Касса", serial="S49")
    cat = Category.get()
    with pytest.raises(DuplicateNumber) as error:
        add_device.create_device(
            number=49, serial="other", name="x", category_id=cat.id, today=TODAY, now=now, actor_id=None
        )
    assert error.value.device_id == existing.id
    with pytest.raises(DuplicateSerial):
        add_device.create_device(
            number=50, serial="S49", name="x", category_id=cat.id, today=TODAY, now=now, actor_id=None
        )
    with pytest.raises(BadValue) as bad:
        add_device.create_device(
            number=50,
            serial="S50",
            name="x",
            category_id=cat.id,
            registered_on=date(2027, 1, 1),
            today=TODAY,
            now=now,
            actor_id=None,
        )
    assert (bad.value.field, bad.value.reason) == ("registered_on", "future")
    assert Device.select().count() == 1


def test_holder_candidates_skip_blocked_people(database):
    person(301, "Ольга Петрова", "olga@example.ru")
    person(302, "Ольга Блок", "blocked@example.ru", status=PersonStatus.BLOCKED)
    assert [p.full_name for p in add_device.holder_candidates("ольга")] == ["Ольга Петрова"]


def test_cli_import_is_a_dry_run_unless_applied(tmp_path, monkeypatch, capsys):
    from cashbot.__main__ import main
    from cashbot.db.database import open_database

    monkeypatch.setenv("CASHBOT_DATABASE__PATH", str(tmp_path / "cli.sqlite3"))
    monkeypatch.setenv("CASHBOT_CLOCK_FILE", str(tmp_path / "clock"))
    (tmp_path / "clock").write_text("2026-11-27T10:00:00+03:00")
    sample = str(DATA / "devices_cp1251_semicolon.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "abc;Касса;Онлайн-касса;S1;;;\n", encoding="utf-8")

    assert main(["import", sample]) == 0
    assert "to add: 8" in capsys.readouterr().out
    assert main(["import", str(bad), "--apply"]) == 1
    assert "Строка 2, «Номер»" in capsys.readouterr().out
    assert main(["import", sample, "--apply"]) == 0
    assert "added 8" in capsys.readouterr().out
    assert main(["import", sample, "--apply", "--update-existing"]) == 0
    assert "unchanged 8" in capsys.readouterr().out
    open_database(tmp_path / "cli.sqlite3")  # rebind the models: the CLI closed nothing we share
    assert Device.select().count() == 8


# ------------------------------------------------------------------------------ overdue, round trips


def test_a_past_return_date_becomes_an_overdue_loan_and_the_plan_counts_it(database, now):
    data = csv(
        "7;Касса;Онлайн-касса;S7;olga@example.ru;01.11.2026;", "8;Касса 2;Онлайн-касса;S8;olga@example.ru;01.12.2026;"
    )
    plan = plan_import(data, update_existing=False, today=TODAY)
    assert plan.ok and plan.overdue == 1 and plan.assigned == 2
    apply_import(data, update_existing=False, today=TODAY, now=now, actor_id=None)
    from cashbot.services.reminders import overdue_loans  # the admin digest's own query

    assert [(line.number, line.days_overdue) for line in overdue_loans(TODAY)] == [(7, 26)]


@pytest.mark.parametrize("today", [TODAY, date.today(), date.today() + timedelta(days=3650)])
def test_the_samples_never_expire(database, today):
    """Files from the past import on any later day: their return dates just become overdue."""
    for name in ("devices_cp1251_semicolon.csv", "devices_original_format_utf8.csv"):
        plan = plan_import((DATA / name).read_bytes(), update_existing=False, today=today)
        assert plan.ok, format_problems(plan.problems)
        assert plan.overdue == (0 if today < date(2026, 12, 1) else 1 if today < date(2026, 12, 10) else 2)


def _every_state(now):
    """One device in every state the export can show."""
    olga = person(301, "Ольга", "olga@example.ru")
    invited = people.invite_by_email("later@example.ru", now)
    device(
        1,
        "Свободная касса",
        serial="0001",
        firmware="5.8",
        registered_on=date(2024, 5, 18),
        comment='многострочный\nкомментарий; с "кавычками"',
        location="склад",
    )
    held = device(2, "=Формула", "Сканер", serial="0002")
    Loan.create(device=held, person=olga, taken_at=now, due_on=TODAY + timedelta(days=10))
    overdue = device(3, "Просроченная", "Планшет", serial="0003", location="офис")
    Loan.create(device=overdue, person=olga, taken_at=now, due_on=TODAY - timedelta(days=20), location="у клиента")
    open_ended = device(4, "Без срока", serial="0004")
    Loan.create(device=open_ended, person=olga, taken_at=now)
    by_email = device(5, "Ждёт регистрации", serial="0005")
    Loan.create(device=by_email, person=invited, taken_at=now, due_on=TODAY - timedelta(days=1))


@pytest.mark.parametrize("language", ["ru", "en"])
def test_export_import_export_is_byte_identical_for_every_state(database, now, tmp_path, language):
    from cashbot.db.database import apply_migrations, open_database
    from cashbot.services.dev import export_devices_csv

    _every_state(now)
    exported, count = export_devices_csv(language)
    other_language = export_devices_csv("ru" if language == "en" else "en")[0]
    assert count == 5
    second = open_database(tmp_path / "second.sqlite3")
    apply_migrations(second)
    try:
        result = apply_import(exported, update_existing=False, today=TODAY, now=now, actor_id=None)
        assert result.applied, format_problems(result.plan.problems)
        assert result.plan.overdue == 2 and (result.added, result.assigned, result.invited) == (5, 4, 2)
        assert export_devices_csv(language)[0] == exported
        assert export_devices_csv("ru" if language == "en" else "en")[0] == other_language
    finally:
        second.close()
        open_database(database.database)  # rebind the models for the fixture's teardown


def test_importing_the_own_export_back_changes_nothing(database, now):
    from cashbot.services.dev import export_devices_csv

    _every_state(now)
    exported, _ = export_devices_csv()
    plan = plan_import(exported, update_existing=True, today=TODAY)
    assert plan.ok and not plan.has_work and plan.unchanged == 5, plan
    events = Event.select().count()
    result = apply_import(exported, update_existing=True, today=TODAY, now=now, actor_id=None)
    assert (result.updated, result.assigned, result.due_changed, result.unchanged) == (0, 0, 0, 5)
    assert Event.select().count() == events and export_devices_csv()[0] == exported


def test_update_dry_run_reports_exactly_what_the_apply_does(database, now):
    olga = person(301, "Ольга", "olga@example.ru")
    same = device(7, "Касса", serial="S7")
    device(8, "Старое имя", serial="S8")
    held = device(9, "Сканер", "Сканер", serial="S9")
    Loan.create(device=held, person=olga, taken_at=now, due_on=TODAY + timedelta(days=3))
    data = csv(
        "7;Касса;Онлайн-касса;S7;;;",  # unchanged
        "8;Новое имя;Онлайн-касса;S8;;;",  # updated
        "9;Сканер;Новая категория;S9;olga@example.ru;20.11.2026;",  # updated, due changed (overdue)
        "10;Новая;Новая категория;S10;new@example.ru;;",  # added, invited
        "11;Ещё;Онлайн-касса;S11;olga@example.ru;01.12.2026;",
    )  # added, assigned
    plan = plan_import(data, update_existing=True, today=TODAY)
    assert plan.ok, format_problems(plan.problems)
    expected = (
        plan.to_add,
        plan.to_update,
        plan.unchanged,
        plan.assigned,
        plan.due_changes,
        len(plan.invitations),
        len(plan.new_categories),
    )
    assert expected == (2, 2, 1, 2, 1, 1, 1) and plan.overdue == 1
    before = {
        kind: Event.select().where(Event.kind == kind).count()
        for kind in ("device_added", "device_updated", "assigned", "due_changed", "invited", "category_added")
    }
    result = apply_import(data, update_existing=True, today=TODAY, now=now, actor_id=None, expected=plan.fingerprint)
    assert result.applied
    assert (
        result.added,
        result.updated,
        result.unchanged,
        result.assigned,
        result.due_changed,
        result.invited,
        result.categories_added,
    ) == expected
    after = {kind: Event.select().where(Event.kind == kind).count() - n for kind, n in before.items()}
    assert after == {
        "device_added": 2,
        "device_updated": 2,
        "assigned": 2,
        "due_changed": 1,
        "invited": 1,
        "category_added": 1,
    }
    assert Device.get(Device.number == 7).updated_at == same.updated_at


def test_apply_refuses_when_the_register_changed_since_the_preview(database, now):
    device(8, "Старое имя", serial="S8")
    data = csv("8;Новое имя;Онлайн-касса;S8;;;")
    plan = plan_import(data, update_existing=True, today=TODAY)
    Device.update(name="Новое имя").where(Device.number == 8).execute()  # another admin was faster
    result = apply_import(data, update_existing=True, today=TODAY, now=now, actor_id=None, expected=plan.fingerprint)
    assert not result.applied and result.changed and result.plan.to_update == 0


def test_english_header_import_keeps_categories_as_typed(database, now):
    """Category names are the team's data: neither the header's language nor the interface
    translates them; an existing category is matched as /add matches it (case-insensitive)."""
    Category.create(name="Онлайн-касса", search_text="онлайн-касса", created_at=now)
    data = (
        "Number,Name,Category,Serial number,Holder e-mail,Due date\n"
        "1,Evotor 7.3,ОНЛАЙН-КАССА,S1,,\n"
        "2,PAX S300,Card terminal,S2,olga@example.com,10.12.2026\n"
        "3,Zebra DS2208,Сканер штрихкодов,S3,,\n"
        "4,Zebra DS2278,card TERMINAL,S4,,\n"
    ).encode()
    plan = plan_import(data, update_existing=False, today=TODAY)
    assert plan.ok, format_problems(plan.problems)
    assert plan.new_categories == ["Card terminal", "Сканер штрихкодов"]
    result = apply_import(data, update_existing=False, today=TODAY, now=now, actor_id=None)
    assert result.applied and (result.added, result.assigned, result.categories_added) == (4, 1, 2)
    names = {d.number: d.category.name for d in Device.select()}
    assert names == {1: "Онлайн-касса", 2: "Card terminal", 3: "Сканер штрихкодов", 4: "Card terminal"}
    assert sorted(c.name for c in Category.select()) == ["Card terminal", "Онлайн-касса", "Сканер штрихкодов"]
