"""Service level: taking, returning, extending, queueing and handing over devices."""

import json
from datetime import date, timedelta

import pytest
from peewee import IntegrityError

from cashbot.db.models import Device, Event, Handover, Loan, Person, PersonStatus, QueueEntry, database_proxy
from cashbot.services import handover, inventory, loans, queue
from cashbot.services.errors import (
    AlreadyHolder,
    AlreadyQueued,
    BadDate,
    DeviceFree,
    DeviceNotFound,
    DeviceReserved,
    DeviceTaken,
    HandoverNotPending,
    HandoverTargetUnavailable,
    HandoverToSelf,
    NoOffer,
    NotHolder,
    NotQueued,
)
from tests.seed import device, person

HOLD = 24
TODAY = date(2026, 11, 27)


@pytest.fixture
def world(database):
    """One device and four active people."""

    class W:
        pass

    w = W()
    w.dev = device(49, "MSPOS-N").id
    w.alice = person(101, "Алиса", "alice@example.ru").id
    w.boris = person(102, "Борис", "boris@example.ru").id
    w.vera = person(103, "Вера", "vera@example.ru").id
    w.gleb = person(104, "Глеб", "gleb@example.ru").id
    return w


def take(w, who, now, due_on=None, location=None):
    return loans.take(w.dev, who, due_on=due_on, location=location, today=TODAY, now=now)


def join(w, who, now):
    return queue.join_queue(w.dev, who, now=now, today_start=now - timedelta(hours=1))


def kinds(device_id):
    return [e.kind for e in Event.select().where(Event.device == device_id).order_by(Event.id)]


def test_take_opens_a_loan_and_a_second_take_is_refused_with_the_holder(world, now):
    result = take(world, world.alice, now, due_on=TODAY + timedelta(days=7), location="офис Екб")
    assert result.due_on == TODAY + timedelta(days=7) and not result.from_queue
    with pytest.raises(DeviceTaken) as taken:
        take(world, world.boris, now)
    assert taken.value.holder_name == "Алиса"
    with pytest.raises(AlreadyHolder):
        take(world, world.alice, now)
    assert Loan.select().where(Loan.returned_at.is_null()).count() == 1
    assert kinds(world.dev) == ["take"]


def test_take_and_return_store_what_the_models_read_back(world, now):
    due = TODAY + timedelta(days=7)
    taken = take(world, world.alice, now, due_on=due, location="офис Екб")
    assert taken.device == inventory.DeviceRef(world.dev, 49, "MSPOS-N")
    loan = Loan.get_by_id(taken.loan_id)
    assert (
        loan.device_id,
        loan.person_id,
        loan.taken_at,
        loan.due_on,
        loan.location,
        loan.returned_at,
        loan.close_reason,
    ) == (world.dev, world.alice, now, due, "офис Екб", None, None)
    assert (Device.get_by_id(world.dev).location, Device.get_by_id(world.dev).updated_at) == ("офис Екб", now)
    event = Event.get(Event.kind == "take")
    assert (event.at, event.actor_id, event.device_id, event.person_id) == (now, world.alice, world.dev, world.alice)
    assert json.loads(event.details) == {"due_on": due.isoformat(), "location": "офис Екб"}
    later = now + timedelta(hours=3)
    back = loans.return_device(world.dev, world.alice, now=later, hold_hours=HOLD)
    assert back.device == taken.device and back.offer is None
    loan = Loan.get_by_id(taken.loan_id)
    assert (loan.returned_at, loan.close_reason, loan.due_on) == (later, "returned", due)
    event = Event.get(Event.kind == "return")
    assert (event.at, event.actor_id, event.person_id, json.loads(event.details)) == (
        later,
        world.alice,
        world.alice,
        {},
    )
    # Without a note the device keeps the place it had.
    take(world, world.boris, later)
    assert Device.get_by_id(world.dev).location == "офис Екб"
    assert Device.get_by_id(world.dev).updated_at == now


def test_a_deleted_or_unknown_device_can_be_neither_taken_nor_returned(world, now):
    take(world, world.alice, now)
    Device.update(deleted_at=now).where(Device.id == world.dev).execute()
    with pytest.raises(DeviceNotFound):
        loans.return_device(world.dev, world.alice, now=now, hold_hours=HOLD)
    with pytest.raises(DeviceNotFound):
        loans.ensure_can_take(world.dev, world.boris)
    with pytest.raises(DeviceNotFound):
        take(world, world.boris, now)
    with pytest.raises(DeviceNotFound):
        loans.ensure_can_take(12345, world.boris)
    assert inventory.current_loan(world.dev).person_id == world.alice and kinds(world.dev) == ["take"]


def test_a_take_that_loses_the_race_at_the_unique_index_names_the_holder(world, now, monkeypatch):
    take(world, world.alice, now)
    # As if the check had run before Алиса's take committed: the index decides.
    monkeypatch.setattr(loans, "_check_takeable", lambda device_id, person_id: None)
    with pytest.raises(DeviceTaken) as taken:
        take(world, world.boris, now)
    assert (taken.value.holder_name, taken.value.holder_person_id) == ("Алиса", world.alice)
    assert Loan.select().count() == 1 and kinds(world.dev) == ["take"]


def test_database_refuses_a_second_open_loan_even_when_code_is_bypassed(world, now):
    take(world, world.alice, now)
    with pytest.raises(IntegrityError):
        with database_proxy.atomic():
            Loan.create(device=world.dev, person=world.boris, taken_at=now)


def test_take_refuses_past_and_far_dates_and_changes_nothing(world, now):
    with pytest.raises(BadDate) as past:
        take(world, world.alice, now, due_on=TODAY - timedelta(days=1))
    assert past.value.reason == "past"
    with pytest.raises(BadDate) as far:
        take(world, world.alice, now, due_on=TODAY + timedelta(days=400))
    assert far.value.reason == "too_far"
    assert Loan.select().count() == 0 and kinds(world.dev) == []


def test_return_only_by_the_holder(world, now):
    take(world, world.alice, now)
    with pytest.raises(NotHolder):
        loans.return_device(world.dev, world.boris, now=now, hold_hours=HOLD)
    result = loans.return_device(world.dev, world.alice, now=now, hold_hours=HOLD)
    assert result.offer is None
    assert inventory.current_loan(world.dev) is None
    with pytest.raises(NotHolder):  # a double click on Return
        loans.return_device(world.dev, world.alice, now=now, hold_hours=HOLD)
    assert kinds(world.dev) == ["take", "return"]


def test_extend_tells_who_waits_and_only_the_holder_may(world, now):
    take(world, world.alice, now, due_on=TODAY)
    join(world, world.boris, now)
    with pytest.raises(NotHolder):
        loans.extend(world.dev, world.boris, due_on=TODAY, today=TODAY, now=now)
    check = loans.check_holder(world.dev, world.alice)
    assert check.waiting == 1 and check.due_on == TODAY
    result = loans.extend(world.dev, world.alice, due_on=TODAY + timedelta(days=3), today=TODAY, now=now)
    assert [p.full_name for p in result.waiting] == ["Борис"]
    assert inventory.current_loan(world.dev).due_on == TODAY + timedelta(days=3)
    assert kinds(world.dev)[-1] == "extend"


def test_join_queue_rules_and_holder_told_once_a_day(world, now):
    with pytest.raises(DeviceFree):
        join(world, world.boris, now)
    take(world, world.alice, now)
    with pytest.raises(AlreadyHolder):
        join(world, world.alice, now)
    first = join(world, world.boris, now)
    assert first.position == 1 and first.holder_to_notify.full_name == "Алиса"
    with pytest.raises(AlreadyQueued):
        join(world, world.boris, now)
    second = join(world, world.vera, now + timedelta(minutes=5))
    assert second.position == 2 and second.holder_to_notify is None  # told already today
    queue.leave_queue(world.dev, world.vera, now=now, hold_hours=HOLD)
    tomorrow = now + timedelta(days=1)
    again = queue.join_queue(world.dev, world.vera, now=tomorrow, today_start=tomorrow - timedelta(hours=1))
    assert again.holder_to_notify is not None
    with pytest.raises(NotQueued):
        queue.leave_queue(world.dev, world.gleb, now=now, hold_hours=HOLD)


def test_return_offers_the_first_in_line_and_only_they_may_take(world, now):
    take(world, world.alice, now)
    join(world, world.boris, now + timedelta(minutes=1))
    join(world, world.vera, now + timedelta(minutes=2))
    back = now + timedelta(hours=2)
    result = loans.return_device(world.dev, world.alice, now=back, hold_hours=HOLD)
    assert result.offer.person.full_name == "Борис"
    assert result.offer.expires_at == back + timedelta(hours=HOLD)
    with pytest.raises(DeviceReserved) as reserved:
        take(world, world.gleb, back)
    assert (reserved.value.for_name, reserved.value.until) == ("Борис", back + timedelta(hours=HOLD))
    offered = Event.get(Event.kind == "offer")
    assert (offered.person_id, json.loads(offered.details)) == (
        world.boris,
        {"until": (back + timedelta(hours=HOLD)).isoformat()},
    )
    with pytest.raises(DeviceReserved):
        loans.ensure_can_take(world.dev, world.vera)
    # The next in line may queue for a reserved device; the reserved person may not.
    with pytest.raises(DeviceFree):
        join(world, world.boris, back)
    mine = take(world, world.boris, back)
    assert mine.from_queue
    assert [e.person_id for e in QueueEntry.select()] == [world.vera]


def test_the_queue_is_offered_in_joining_order_and_ties_go_to_who_joined_first(world, now):
    take(world, world.alice, now)
    for who in (world.vera, world.boris, world.gleb):  # all in the same instant
        join(world, who, now)
    Person.update(status=PersonStatus.DELETED).where(Person.id == world.vera).execute()
    offer = loans.return_device(world.dev, world.alice, now=now, hold_hours=HOLD).offer
    assert offer.person.full_name == "Борис" and offer.person.telegram_id == 102
    dropped = Event.get(Event.kind == "queue_dropped")
    assert (dropped.person_id, json.loads(dropped.details)) == (world.vera, {"status": "deleted"})
    assert [(e.person_id, e.offered_at is not None) for e in QueueEntry.select().order_by(QueueEntry.id)] == [
        (world.boris, True),
        (world.gleb, False),
    ]


def test_pass_and_expiry_walk_down_the_queue_then_the_device_is_free(world, now):
    take(world, world.alice, now)
    for minutes, who in enumerate((world.boris, world.vera, world.gleb), 1):
        join(world, who, now + timedelta(minutes=minutes))
    t = now + timedelta(hours=1)
    loans.return_device(world.dev, world.alice, now=t, hold_hours=HOLD)
    with pytest.raises(NoOffer):
        queue.pass_offer(world.dev, world.vera, now=t, hold_hours=HOLD)
    passed = queue.pass_offer(world.dev, world.boris, now=t, hold_hours=HOLD)
    assert passed.previous.full_name == "Борис" and passed.offer.person.full_name == "Вера"
    # Not yet expired: nothing moves.
    assert queue.expire_offers(t + timedelta(hours=HOLD - 1), HOLD) == []
    expired = queue.expire_offers(t + timedelta(hours=HOLD), HOLD)
    assert [(c.previous.full_name, c.offer.person.full_name) for c in expired] == [("Вера", "Глеб")]
    # A reservation stands until the loop moves it, even a little past its time.
    late = t + timedelta(hours=2 * HOLD, minutes=1)
    with pytest.raises(DeviceReserved):
        take(world, world.alice, late)
    last = queue.expire_offers(late, HOLD)
    assert last[0].previous.full_name == "Глеб" and last[0].offer is None
    assert QueueEntry.select().count() == 0
    assert take(world, world.alice, late).loan_id
    assert kinds(world.dev) == [
        "take",
        "queue_join",
        "holder_told_waiting",
        "queue_join",
        "queue_join",
        "return",
        "offer",
        "queue_leave",
        "pass",
        "offer",
        "offer_expired",
        "offer",
        "offer_expired",
        "take",
    ]


def test_leaving_while_offered_passes_and_blocked_people_are_skipped(world, now):
    take(world, world.alice, now)
    join(world, world.boris, now + timedelta(minutes=1))
    join(world, world.vera, now + timedelta(minutes=2))
    join(world, world.gleb, now + timedelta(minutes=3))
    Person.update(status=PersonStatus.BLOCKED).where(Person.id == world.vera).execute()
    loans.return_device(world.dev, world.alice, now=now, hold_hours=HOLD)
    change = queue.leave_queue(world.dev, world.boris, now=now, hold_hours=HOLD)
    assert change.offer.person.full_name == "Глеб"  # Вера is blocked: dropped from the queue
    assert "queue_dropped" in kinds(world.dev)


def test_handover_accept_moves_the_loan_and_the_queue_place(world, now):
    take(world, world.alice, now, due_on=TODAY + timedelta(days=2), location="дома")
    join(world, world.boris, now)
    with pytest.raises(NotHolder):
        handover.handover_candidates(world.dev, world.boris)
    assert [p.full_name for p in handover.handover_candidates(world.dev, world.alice)] == ["Борис"]
    with pytest.raises(HandoverToSelf):
        handover.request_handover(world.dev, world.alice, world.alice, now=now)
    with pytest.raises(NotHolder):
        handover.request_handover(world.dev, world.vera, world.boris, now=now)
    request = handover.request_handover(world.dev, world.alice, world.boris, now=now)
    with pytest.raises(HandoverNotPending):  # only the colleague answers
        handover.answer_handover(request.handover_id, world.vera, True, now=now)
    outcome = handover.answer_handover(request.handover_id, world.boris, True, now=now)
    assert outcome.accepted and outcome.from_person.full_name == "Алиса"
    loan = inventory.current_loan(world.dev)
    assert loan.person_id == world.boris and loan.due_on == TODAY + timedelta(days=2)
    assert loan.location == "дома"
    assert Loan.get(Loan.person == world.alice).close_reason == "handed_over"
    assert QueueEntry.select().count() == 0
    with pytest.raises(HandoverNotPending):  # a double click on Accept
        handover.answer_handover(request.handover_id, world.boris, True, now=now)
    assert kinds(world.dev)[-2:] == ["handover_request", "handover"]


def test_handover_decline_and_a_return_cancels_an_open_request(world, now):
    take(world, world.alice, now)
    first = handover.request_handover(world.dev, world.alice, world.boris, now=now)
    declined = handover.answer_handover(first.handover_id, world.boris, False, now=now)
    assert not declined.accepted and inventory.current_loan(world.dev).person_id == world.alice
    second = handover.request_handover(world.dev, world.alice, world.vera, now=now)
    loans.return_device(world.dev, world.alice, now=now, hold_hours=HOLD)
    assert Handover.get_by_id(second.handover_id).outcome == "cancelled"
    with pytest.raises(HandoverNotPending):
        handover.answer_handover(second.handover_id, world.vera, True, now=now)
    assert "handover_declined" in kinds(world.dev)


def test_handover_to_someone_who_cannot_receive_is_refused(world, now):
    take(world, world.alice, now)
    pending = person(105, "Дина", "dina@example.ru", status=PersonStatus.PENDING).id
    with pytest.raises(HandoverTargetUnavailable) as refused:
        handover.request_handover(world.dev, world.alice, pending, now=now)
    assert refused.value.name == "Дина"


def test_handover_to_someone_who_blocked_the_bot_is_refused_and_undeliverable_ones_cancel(world, now):
    take(world, world.alice, now)
    Person.update(unreachable_at=now).where(Person.id == world.gleb).execute()
    with pytest.raises(HandoverTargetUnavailable):
        handover.request_handover(world.dev, world.alice, world.gleb, now=now)
    request = handover.request_handover(world.dev, world.alice, world.boris, now=now)
    assert handover.cancel_handover(request.handover_id, now=now)
    assert not handover.cancel_handover(request.handover_id, now=now)
    with pytest.raises(HandoverNotPending):
        handover.answer_handover(request.handover_id, world.boris, True, now=now)
