"""The paced, failure-tolerant sender and the background loop, against the in-process double."""

import asyncio

import pytest

from cashbot.background import BackgroundLoop
from cashbot.db.models import Person
from cashbot.notify import Delivery
from tests.seed import person


@pytest.fixture
def env(make_env):
    return make_env(reminders={"per_chat_interval": 0.05, "global_rate": 30})


async def staff(env, telegram_id, name):
    """An active person who has started a chat with the bot (Telegram's precondition)."""
    person(telegram_id, name, f"u{telegram_id}@example.ru")
    user = env.user(telegram_id, name)
    await env.send(user, "/help")
    return user


def sends(env, chat_id):
    return env.telegram.calls("sendMessage", chat_id=chat_id)


async def test_429_holds_everyone_for_retry_after_then_the_message_is_retried(make_env):
    # Two sends a second: Boris's slot comes 0.5 s after Alice's, well inside a 3 s hold.
    env = make_env(reminders={"per_chat_interval": 0.05, "global_rate": 2})
    alice, boris = await staff(env, 101, "Алиса"), await staff(env, 102, "Борис")
    env.telegram.clear_calls()
    env.telegram.inject_error("sendMessage", chat_id=101, error_code=429, retry_after=3)
    notifier = env.app.notifier

    outcomes = await asyncio.gather(notifier.deliver(101, "для Алисы"), notifier.deliver(102, "для Бориса"))

    assert outcomes == [Delivery.SENT, Delivery.SENT]
    first, retried = sends(env, 101)
    assert first.error.error_code == 429 and retried.ok
    assert notifier.retry_after_count == 1
    (boris_call,) = sends(env, 102)  # he waited for the hold too, though his chat was fine
    assert boris_call.time - first.time >= 2.5 and retried.time - first.time >= 2.5
    assert alice.last_message().text == "для Алисы" and boris.last_message().text == "для Бориса"


async def test_403_marks_unreachable_until_the_person_writes_again(env):
    alice = await staff(env, 101, "Алиса")
    alice.block()

    assert await env.app.notifier.deliver(101, "напоминание") is Delivery.BLOCKED
    assert Person.get(Person.telegram_id == 101).unreachable_at is not None

    alice.unblock()
    await env.send(alice, "/help")
    assert Person.get(Person.telegram_id == 101).unreachable_at is None


async def test_other_failures_are_reported_and_the_next_person_still_gets_theirs(env):
    for telegram_id, name in ((101, "Алиса"), (102, "Борис"), (103, "Вера")):
        await staff(env, telegram_id, name)
    env.telegram.inject_error("sendMessage", chat_id=101, error_code=500)
    env.telegram.inject_error("sendMessage", chat_id=102, error_code=400, description="Bad Request: chat not found")
    notifier = env.app.notifier

    outcomes = [await notifier.deliver(chat, "текст", temporary_retries=0) for chat in (101, 102, 103)]

    # A 5xx may pass: it is told apart from a refusal, so a caller can try again later.
    assert outcomes == [Delivery.UNAVAILABLE, Delivery.FAILED, Delivery.SENT]
    assert Person.get(Person.telegram_id == 101).unreachable_at is None  # only 403 does that


async def test_a_temporary_failure_is_retried_when_asked_and_a_refusal_is_not(env):
    alice = await staff(env, 101, "Алиса")
    await staff(env, 102, "Борис")
    env.telegram.clear_calls()
    env.telegram.inject_error("sendMessage", chat_id=101, error_code=502)
    env.telegram.inject_error("sendMessage", chat_id=102, error_code=400, description="Bad Request: chat not found")
    notifier = env.app.notifier

    assert await notifier.deliver(101, "после сбоя", temporary_retries=1) is Delivery.SENT
    assert await notifier.deliver(102, "отказ", temporary_retries=1) is Delivery.FAILED

    assert [c.ok for c in sends(env, 101)] == [False, True]
    assert alice.last_message().text == "после сбоя"
    assert [c.ok for c in sends(env, 102)] == [False]


async def test_a_429_on_a_reply_is_waited_out_and_the_reply_repeated(env):
    alice = await staff(env, 101, "Алиса")
    env.telegram.clear_calls()
    env.telegram.inject_error("sendMessage", chat_id=101, error_code=429, retry_after=1)

    await env.send(alice, "/help")  # the handler does not see the 429

    first, repeated = sends(env, 101)
    assert first.error.error_code == 429 and repeated.ok
    assert repeated.time - first.time >= 0.9  # not before Telegram's retry_after
    assert "учёт общих устройств" in alice.last_message().text
    assert env.app.notifier.reply_pacing.retry_after_count == 1


async def test_replies_go_before_queued_notifications_and_push_them_back(make_env):
    # Two notifications a second: without replies the second follows the first by 0.5 s.
    env = make_env(reminders={"per_chat_interval": 0.05, "global_rate": 2})
    alice = await staff(env, 101, "Алиса")
    for telegram_id in (102, 103, 104):
        await staff(env, telegram_id, f"Сотрудник {telegram_id}")
    await asyncio.sleep(1)  # the replies above are paid for
    env.telegram.clear_calls()
    notifier = env.app.notifier
    run = asyncio.gather(*(notifier.deliver(chat, "уведомление") for chat in (102, 103, 104)))
    await asyncio.sleep(0)  # the first notification takes its slot
    for _ in range(3):
        await env.send(alice, "/help")
    await run

    order = [c.chat_id for c in env.telegram.calls("sendMessage")]
    assert order == [102, 101, 101, 101, 103, 104]  # replies did not queue behind them
    first, second = (c.time for c in env.telegram.calls("sendMessage") if c.chat_id in (102, 103))
    assert second - first >= 0.9  # the notifier yielded the replies' share of the budget


async def test_prepare_runs_once_and_may_decide_to_send_nothing(env):
    await staff(env, 101, "Алиса")
    env.telegram.clear_calls()
    env.telegram.inject_error("sendMessage", chat_id=101, error_code=429, retry_after=1)
    prepared = []

    async def prepare():
        prepared.append(1)
        return "подготовлено", None

    assert await env.app.notifier.deliver(101, prepare=prepare) is Delivery.SENT
    assert prepared == [1] and len(sends(env, 101)) == 2

    async def nothing():
        return None

    assert await env.app.notifier.deliver(101, prepare=nothing) is Delivery.SKIPPED
    assert len(sends(env, 101)) == 2


async def test_post_sends_in_the_background_and_drain_waits_for_it(env):
    alice = await staff(env, 101, "Алиса")
    env.app.notifier.post(101, "фоновое")
    await env.app.notifier.drain(5)
    assert alice.last_message().text == "фоновое"


async def test_the_loop_survives_a_failing_job_and_stops_gracefully():
    loop = BackgroundLoop(tick_seconds=0.01)
    calls, ran_again = [], asyncio.Event()

    async def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        ran_again.set()

    async def slow():  # a job in progress when stop() is called is let finish
        if not loop.stopping:
            await asyncio.sleep(0.05)

    loop.add("flaky", flaky)
    loop.add("slow", slow)
    loop.start()
    await asyncio.wait_for(ran_again.wait(), 5)
    await loop.stop(grace=5)
    assert len(calls) >= 2
    assert loop.stopping and loop._task.done() and not loop._task.cancelled()
