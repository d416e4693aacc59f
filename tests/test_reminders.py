"""Reminders at the service level: schedule, who is due, claims, digest, message views."""

from datetime import UTC, date, datetime, time, timedelta

from cashbot.db.models import Loan, Person, ReminderDelivery, ScheduledRun
from cashbot.services import reminders as r
from cashbot.views.reminders import digest_messages, reminder_message
from tests.seed import SEED_NOW, device, person

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
FRIDAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)  # Friday 10:00 in Moscow


def loan(dev, who, due_on, returned=False):
    return Loan.create(
        device=dev,
        person=who,
        taken_at=SEED_NOW,
        due_on=due_on,
        returned_at=SEED_NOW + timedelta(days=1) if returned else None,
        close_reason="returned" if returned else None,
    )


# ------------------------------------------------------------------ schedule


def test_next_run_day_skips_the_weekend_and_run_days_follow_config():
    assert r.next_run_day(FRIDAY, WEEKDAYS) == date(2026, 11, 30)
    assert r.next_run_day(date(2026, 11, 26), WEEKDAYS) == FRIDAY
    assert r.next_run_day(FRIDAY, ["fri"]) == date(2026, 12, 4)
    assert r.is_run_day(FRIDAY, WEEKDAYS)
    assert not r.is_run_day(date(2026, 11, 28), WEEKDAYS)
    assert r.is_run_day(date(2026, 11, 28), WEEKDAYS + ["sat"])


def test_run_is_due_from_the_send_time_until_midnight_of_a_run_day():
    moscow = datetime(2026, 11, 27, 9, 59)
    assert not r.run_is_due(moscow, time(10, 0), WEEKDAYS)
    assert r.run_is_due(moscow.replace(hour=10, minute=0), time(10, 0), WEEKDAYS)
    assert r.run_is_due(moscow.replace(hour=23, minute=59), time(10, 0), WEEKDAYS)  # caught up
    assert not r.run_is_due(datetime(2026, 11, 28, 11, 0), time(10, 0), WEEKDAYS)


def test_classify_due_soon_today_and_overdue_days():
    assert r.classify(FRIDAY + timedelta(days=1), FRIDAY) == (r.DUE_SOON, 0)
    assert r.classify(FRIDAY, FRIDAY) == (r.DUE_TODAY, 0)
    assert r.classify(FRIDAY - timedelta(days=9), FRIDAY) == (r.OVERDUE, 9)


# ------------------------------------------------------------------ who is due


def test_recipients_are_active_reachable_holders_of_loans_due_up_to_the_horizon(database):
    alice = person(101, "Алиса", "alice@example.ru")
    boris = person(102, "Борис", "boris@example.ru")
    invited = person(None, "", "ghost@example.ru", status="invited")
    gone = person(104, "Гена", "gena@example.ru")
    gone.unreachable_at = NOW
    gone.save()
    pending = person(105, "Дина", "dina@example.ru", status="pending")
    horizon = r.next_run_day(FRIDAY, WEEKDAYS)  # Monday
    loan(device(1, "A"), alice, FRIDAY + timedelta(days=3))  # Monday: due soon
    loan(device(2, "B"), boris, FRIDAY + timedelta(days=4))  # Tuesday: not yet
    loan(device(3, "C"), boris, None)  # no due date: never reminded
    loan(device(4, "D"), boris, FRIDAY - timedelta(days=5), returned=True)  # returned
    loan(device(5, "E"), invited, FRIDAY - timedelta(days=1))  # no Telegram
    loan(device(6, "F"), gone, FRIDAY)  # blocked the bot
    loan(device(7, "G"), pending, FRIDAY)  # not active
    deleted = device(8, "H", deleted_at=NOW)
    loan(deleted, boris, FRIDAY)  # device deleted
    assert r.recipients(FRIDAY, horizon) == [r.Recipient(alice.id, 101)]


def test_claim_takes_every_due_loan_of_a_person_once(database):
    alice = person(101, "Алиса", "alice@example.ru")
    overdue = loan(device(1, "Старая касса"), alice, FRIDAY - timedelta(days=10))
    today = loan(device(2, "Терминал"), alice, FRIDAY)
    soon = loan(device(3, "Сканер"), alice, FRIDAY + timedelta(days=1))
    horizon = r.next_run_day(FRIDAY, WEEKDAYS)

    claimed = r.claim(alice.id, FRIDAY, horizon, NOW)
    assert [(x.loan_id, x.kind, x.days_overdue) for x in claimed.loans] == [
        (overdue.id, r.OVERDUE, 10),
        (today.id, r.DUE_TODAY, 0),
        (soon.id, r.DUE_SOON, 0),
    ]
    assert ReminderDelivery.select().where(ReminderDelivery.sent_at.is_null()).count() == 3
    # A second run the same day (restart, overlap) finds nothing left to claim.
    assert r.claim(alice.id, FRIDAY, horizon, NOW) is None
    assert r.recipients(FRIDAY, horizon) == []
    r.mark_sent(alice.id, [x.loan_id for x in claimed.loans], FRIDAY, NOW)
    assert ReminderDelivery.select().where(ReminderDelivery.sent_at.is_null()).count() == 0
    # The next run day is a new day: the same loans are claimed again.
    monday = date(2026, 11, 30)
    assert len(r.claim(alice.id, monday, r.next_run_day(monday, WEEKDAYS), NOW).loans) == 3


def test_a_loan_taken_after_the_claim_is_claimed_on_its_own(database):
    alice = person(101, "Алиса", "alice@example.ru")
    loan(device(1, "A"), alice, FRIDAY)
    horizon = r.next_run_day(FRIDAY, WEEKDAYS)
    r.claim(alice.id, FRIDAY, horizon, NOW)
    later = loan(device(2, "B"), alice, FRIDAY)
    assert [x.loan_id for x in r.claim(alice.id, FRIDAY, horizon, NOW).loans] == [later.id]


# ------------------------------------------------------------------ runs


def test_a_run_is_resumed_until_finished_and_never_again_that_day(database):
    assert r.begin_run(r.REMINDERS_JOB, FRIDAY, NOW)
    assert r.begin_run(r.REMINDERS_JOB, FRIDAY, NOW)  # crashed mid-run: resume
    r.finish_run(r.REMINDERS_JOB, FRIDAY, NOW)
    assert not r.begin_run(r.REMINDERS_JOB, FRIDAY, NOW)
    assert r.begin_run(r.REMINDERS_JOB, FRIDAY + timedelta(days=3), NOW)
    assert ScheduledRun.select().count() == 2


def test_the_digest_is_claimed_once_per_day(database):
    assert r.claim_once(r.DIGEST_JOB, FRIDAY, NOW)
    assert not r.claim_once(r.DIGEST_JOB, FRIDAY, NOW)
    assert r.claim_once(r.DIGEST_JOB, FRIDAY + timedelta(days=3), NOW)


# ------------------------------------------------------------------ digest


def test_overdue_loans_are_exactly_the_open_past_due_ones(database):
    alice = person(101, "Алиса", "alice@example.ru", username="alice")
    invited = person(None, "", "ghost@example.ru", status="invited")
    admin = person(900, "Админ", "admin@example.ru", is_admin=True)
    person(901, "Бывший админ", "old@example.ru", is_admin=True, status="blocked")
    loan(device(1, "A"), alice, FRIDAY - timedelta(days=2))
    loan(device(2, "B"), invited, FRIDAY - timedelta(days=12))
    loan(device(3, "C"), alice, FRIDAY)  # due today: not overdue yet
    loan(device(4, "D"), alice, None)
    loan(device(5, "E"), alice, FRIDAY - timedelta(days=30), returned=True)
    lines = r.overdue_loans(FRIDAY)
    assert [(x.number, x.holder_name, x.days_overdue) for x in lines] == [(2, "ghost@example.ru", 12), (1, "Алиса", 2)]
    assert r.digest_recipients() == [admin.telegram_id]


def test_released_rows_are_due_again_and_confirmed_ones_are_never_released(database):
    alice = person(101, "Алиса", "alice@example.ru")
    boris = person(102, "Борис", "boris@example.ru")
    loan(device(1, "A"), alice, FRIDAY)
    loan(device(2, "B"), boris, FRIDAY)
    horizon = r.next_run_day(FRIDAY, WEEKDAYS)
    for who in (alice, boris):
        assert r.claim(who.id, FRIDAY, horizon, NOW)
    assert r.recipients(FRIDAY, horizon) == []
    sent = r.claim(alice.id, FRIDAY, horizon, NOW)  # nothing left to claim
    assert sent is None

    # Boris's message went out; Alice's met a 502: hers is due again, his is not.
    r.mark_sent(boris.id, [ReminderDelivery.get(ReminderDelivery.person == boris.id).loan_id], FRIDAY, NOW)
    alice_loans = [d.loan_id for d in ReminderDelivery.select().where(ReminderDelivery.person == alice.id)]
    r.release(alice.id, alice_loans, FRIDAY)
    r.release(
        boris.id, [d.loan_id for d in ReminderDelivery.select().where(ReminderDelivery.person == boris.id)], FRIDAY
    )
    assert r.recipients(FRIDAY, horizon) == [r.Recipient(alice.id, 101)]
    assert [x.loan_id for x in r.claim(alice.id, FRIDAY, horizon, NOW).loans] == alice_loans
    assert ReminderDelivery.select().where(ReminderDelivery.sent_at.is_null(False)).count() == 1


def test_the_digest_marks_holders_todays_reminder_did_not_reach(database):
    reached = person(101, "Алиса", "alice@example.ru")
    refused = person(102, "Борис", "boris@example.ru")
    blocked = person(103, "Вера", "vera@example.ru")
    horizon = r.next_run_day(FRIDAY, WEEKDAYS)
    for n, who in enumerate((reached, refused, blocked), start=1):
        loan(device(n, f"Касса {n}"), who, FRIDAY - timedelta(days=n))
        r.claim(who.id, FRIDAY, horizon, NOW)
    r.mark_sent(
        reached.id,
        [d.loan_id for d in ReminderDelivery.select().where(ReminderDelivery.person == reached.id)],
        FRIDAY,
        NOW,
    )
    Person.update(unreachable_at=NOW).where(Person.id == blocked.id).execute()  # a 403

    lines = r.overdue_loans(FRIDAY)
    assert [(x.number, x.not_reached) for x in lines] == [(3, r.BLOCKED), (2, r.UNDELIVERED), (1, None)]
    (text,) = digest_messages(lines, FRIDAY)
    line = {int(x.split("№")[1].split(" ")[0]): x for x in text.splitlines() if x.startswith("• №")}
    assert "заблокировал(а) бота" in line[3]
    assert "не доставлено" in line[2] and "заблокировал" not in line[2]
    assert "напоминание" not in line[1]
    assert "не дошло по 2 устр." in text


def test_digest_is_split_under_the_message_limit_and_escapes_names():
    lines = [r.OverdueLine(n, f"<Касса {n}>" + "x" * 60, "Алиса & Co", None, None, FRIDAY, 3) for n in range(1, 120)]
    messages = digest_messages(lines, FRIDAY)
    assert len(messages) > 1
    assert all(len(m) <= 4096 for m in messages)
    assert "&lt;Касса 1&gt;" in messages[0] and "Алиса &amp; Co" in messages[0]
    assert sum(m.count("• №") for m in messages) == 119
    assert digest_messages([], FRIDAY) == []


# ------------------------------------------------------------------ reminder message


def _reminder(*loans):
    return r.PersonReminder(1, 101, "Алиса", tuple(loans))


def test_reminder_lists_every_device_with_return_and_extend_buttons():
    soon = r.DueLoan(1, 11, 49, "MSPOS-N", FRIDAY + timedelta(days=1), r.DUE_SOON, 0)
    late = r.DueLoan(2, 12, 50, "Эвотор", FRIDAY - timedelta(days=3), r.OVERDUE, 3)
    text, markup = reminder_message(_reminder(late, soon), FRIDAY)
    assert "Пора вернуть" in text
    assert "№50 · Эвотор — просрочено на 3 дня" in text.replace("<b>", "").replace("</b>", "")
    assert "№49 · MSPOS-N — вернуть завтра" in text
    rows = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    assert rows == [
        [("↩️ Вернул №50", "d:rret:12"), ("📅 Продлить №50", "d:rext:12")],
        [("↩️ Вернул №49", "d:rret:11"), ("📅 Продлить №49", "d:rext:11")],
    ]


def test_tone_escalates_after_a_week_and_due_soon_names_the_date():
    monday = r.DueLoan(1, 11, 49, "MSPOS-N", FRIDAY + timedelta(days=3), r.DUE_SOON, 0)
    text, _ = reminder_message(_reminder(monday), FRIDAY)
    assert text.startswith("🔔") and "вернуть до 30.11.2026" in text
    week = r.DueLoan(2, 12, 50, "Эвотор", FRIDAY - timedelta(days=7), r.OVERDUE, 7)
    assert reminder_message(_reminder(week), FRIDAY)[0].startswith("⚠️")
    long = r.DueLoan(2, 12, 50, "Эвотор", FRIDAY - timedelta(days=8), r.OVERDUE, 8)
    text, _ = reminder_message(_reminder(long), FRIDAY)
    assert text.startswith("🚨") and "‼️" in text


def test_many_devices_are_capped_with_a_pointer_to_mine():
    many = [r.DueLoan(i, i, i, "Касса", FRIDAY, r.DUE_TODAY, 0) for i in range(1, 26)]
    text, markup = reminder_message(_reminder(*many), FRIDAY)
    assert "и ещё 5" in text and "/mine" in text
    assert sum(len(row) for row in markup.inline_keyboard) == 40
    assert all(len(b.callback_data.encode()) <= 64 for row in markup.inline_keyboard for b in row)


def test_blocked_people_are_skipped_until_they_write_again(database):
    from cashbot.services import people

    alice = person(101, "Алиса", "alice@example.ru", is_admin=True)
    loan(device(1, "A"), alice, FRIDAY)
    horizon = r.next_run_day(FRIDAY, WEEKDAYS)
    assert people.load_viewer(101).unreachable is False  # cached now

    people.mark_unreachable(101, NOW)
    assert r.recipients(FRIDAY, horizon) == [] and r.digest_recipients() == []
    assert people.load_viewer(101).unreachable is True  # the cache was refreshed

    people.touch_profile(101, "Алиса", None, NOW)  # what the middleware does when they write
    assert people.load_viewer(101).unreachable is False
    assert r.recipients(FRIDAY, horizon) == [r.Recipient(alice.id, 101)]
    assert r.digest_recipients() == [101]
