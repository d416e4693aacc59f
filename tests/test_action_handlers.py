"""Handler level: take / return / extend / queue / hand-over through Dispatcher.feed_update."""

import pytest
from aiogram.dispatcher.event.handler import CallableObject

from cashbot.db.models import Device, Event, Loan, Person
from cashbot.services import loans, reminders
from cashbot.views.reminders import reminder_message
from tests.seed import device, person


@pytest.fixture
def env(make_env):
    env = make_env(reminders={"per_chat_interval": 0})
    device(49, "MSPOS-N")
    for tid, name in ((101, "Алиса"), (102, "Борис"), (103, "Вера"), (104, "Глеб")):
        person(tid, name, f"u{tid}@example.ru", username=f"user{tid}")
    return env


@pytest.fixture
def threaded_filters(monkeypatch):
    """The filters aiogram ran through asyncio.to_thread (it does so for every filter that is
    not a coroutine: a bare State, a magic F): each one a thread hop on that update."""
    seen = []
    call = CallableObject.call

    async def recording(self, *args, **kwargs):
        if not self.awaitable:
            seen.append(self.callback)
        return await call(self, *args, **kwargs)

    monkeypatch.setattr(CallableObject, "call", recording)
    return seen


async def card(env, user):
    replies = await env.send(user, "/start d49")
    return replies[-1]


async def settled(env):
    """Let fire-and-forget notifications arrive."""
    await env.app.notifier.drain(5)


async def test_take_in_three_taps_shows_the_updated_card(env):
    alice = env.user(101, "Алиса", username="user101")
    shown = await card(env, alice)
    assert "Свободно" in shown.text
    prompt = (await env.press(alice, shown, "Взять"))[-1]
    assert "До какого числа" in prompt.text
    location = (await env.press(alice, prompt, "Завтра"))[-1]
    assert "Где будет устройство" in location.text and location.message_id == prompt.message_id
    done = (await env.press(alice, location, "Пропустить"))[-1]
    assert "У вас" in done.text and "До 28.11.2026" in done.text and "Готово" in done.text
    assert done.has_button("Вернуть") and not done.has_button("Взять")


async def test_typed_dates_are_checked_and_nothing_is_lost(env):
    alice = env.user(101, "Алиса", username="user101")
    await env.press(alice, await card(env, alice), "Взять")
    prompt = alice.last_message()
    assert "Не понял дату" in (await env.send(alice, "когда-нибудь"))[-1].text
    document = await env.session.send_document(env.app.dispatcher, env.app.bot, alice, "x.txt", b"x")
    assert "Напишите дату текстом" in document[-1].text
    assert "уже прошла" in (await env.send(alice, "01.01.2026"))[-1].text
    assert "дальше чем через год" in (await env.send(alice, "2030-01-01"))[-1].text
    assert "Где будет" in (await env.send(alice, "25.12"))[-1].text
    assert alice.message(prompt).buttons == ()  # answered by typing: its buttons are gone
    # the device's location: the rule of services/fields.py, as in /add, edit and CSV
    assert "не больше 200" in (await env.send(alice, "х" * 201))[-1].text
    assert "невидимые" in (await env.send(alice, "офис\x00"))[-1].text
    done = (await env.send(alice, "офис <Екб>"))[-1]
    # The handler-level bot has no parse mode: the HTML shows the note escaped.
    assert "До 25.12.2026" in done.html and "Где: офис &lt;Екб&gt;" in done.html
    assert Loan.get().location == "офис <Екб>"


async def test_a_date_that_passed_while_the_dialog_was_open_asks_again_and_no_date_sticks(env):
    alice = env.user(101, "Алиса", username="user101")
    prompt = (await env.press(alice, await card(env, alice), "Взять"))[-1]
    location = (await env.press(alice, prompt, "Завтра"))[-1]
    env.clock.advance(days=2)
    again = (await env.press(alice, location, "Пропустить"))[-1]
    assert "уже прошла" in again.text and again.has_button("Без срока")
    assert Loan.select().count() == 0
    location = (await env.press(alice, again, "Без срока"))[-1]
    assert "Где будет" in location.text
    done = (await env.press(alice, location, "Пропустить"))[-1]
    assert "Готово: устройство у вас." in done.text and Loan.get().due_on is None


async def test_take_on_a_card_whose_device_was_deleted_says_it_is_gone(env):
    alice = env.user(101, "Алиса", username="user101")
    shown = await card(env, alice)
    Device.update(deleted_at=env.clock.now()).where(Device.number == 49).execute()
    gone = (await env.press(alice, shown, "Взять"))[-1]
    assert gone.message_id == shown.message_id and gone.text == "Этого устройства больше нет в учёте."
    assert gone.buttons == ()
    assert "с номером 49 нет" in (await env.send(alice, "/start d49"))[-1].text


async def test_double_take_press_opens_one_dialog_and_cancel_leaves_it(env):
    alice = env.user(101, "Алиса", username="user101")
    shown = await card(env, alice)
    first = await env.press(alice, shown, "Взять")
    second = await env.press(alice, shown, "Взять")
    assert len(first) == 1 and second == []
    answer = env.telegram.callback_answer(env.session.last_query_id)
    assert "Уже начали" in answer["text"]
    # Take on a freshly opened card starts afresh: an old dialog never gets in the way.
    again = await env.press(alice, await card(env, alice), "Взять")
    assert "До какого числа" in again[-1].text
    assert "отменил" in (await env.send(alice, "/cancel"))[-1].text
    # The dialog's buttons are stale after /cancel: pressing one takes nothing.
    assert await env.press(alice, first[-1], "Без срока") == []
    assert env.telegram.callback_answer(env.session.last_query_id)["text"] == "Эта кнопка устарела."
    assert Loan.select().count() == 0


async def test_the_one_who_finishes_second_is_told_who_took_it_and_offered_the_queue(env):
    alice, boris = env.user(101, "Алиса", username="user101"), env.user(102, "Борис", username="user102")
    a_prompt = (await env.press(alice, await card(env, alice), "Взять"))[-1]
    b_prompt = (await env.press(boris, await card(env, boris), "Взять"))[-1]
    a_loc = (await env.press(alice, a_prompt, "Без срока"))[-1]
    b_loc = (await env.press(boris, b_prompt, "Без срока"))[-1]
    await env.press(alice, a_loc, "Пропустить")
    late = (await env.press(boris, b_loc, "Пропустить"))[-1]
    assert "Опоздали" in late.text and "Алиса" in late.text
    joined = (await env.press(boris, late, "Встать в очередь"))[-1]
    assert "Вы в очереди: 1-й" in joined.text
    await settled(env)
    assert "Борис ждёт" in alice.last_message().text


async def test_return_walks_the_queue_through_pass_and_timeout(env):
    alice, boris, vera, gleb = (
        env.user(i, n, username=f"user{i}") for i, n in ((101, "Алиса"), (102, "Борис"), (103, "Вера"), (104, "Глеб"))
    )
    prompt = (await env.press(alice, await card(env, alice), "Взять"))[-1]
    mine = (await env.press(alice, (await env.press(alice, prompt, "Без срока"))[-1], "Пропустить"))[-1]
    for user in (boris, vera, gleb):
        await env.press(user, await card(env, user), "Встать в очередь")
    returned = (await env.press(alice, mine, "Вернуть"))[-1]
    assert "Вы вернули" in returned.text and "Борис" in returned.text
    await settled(env)
    turn = boris.last_message()
    assert "Ваша очередь" in turn.text
    assert "Бронь до 28.11.2026 10:00: Борис" in (await card(env, gleb)).text
    passed = (await env.press(boris, turn, "Пропустить"))[-1]
    assert "пропустили" in passed.text
    await settled(env)
    assert "Ваша очередь" in vera.last_message().text
    env.clock.advance(hours=25)
    await env.app.loop.tick()
    await settled(env)
    assert "Время брони" in vera.last_message().text
    gleb_turn = gleb.last_message()
    assert "Ваша очередь" in gleb_turn.text
    prompt = (await env.press(gleb, gleb_turn, "Взять"))[-1]
    assert "До какого числа" in prompt.text


async def test_extend_warns_about_the_queue_and_tells_the_waiting(env):
    alice, boris = env.user(101, "Алиса", username="user101"), env.user(102, "Борис", username="user102")
    prompt = (await env.press(alice, await card(env, alice), "Взять"))[-1]
    await env.press(alice, (await env.press(alice, prompt, "Сегодня"))[-1], "Пропустить")
    await env.press(boris, await card(env, boris), "Встать в очередь")
    ask = (await env.press(alice, await card(env, alice), "Продлить"))[-1]
    assert "ждут в очереди 1 человек." in ask.text
    done = (await env.send(alice, "05.12.2026"))[-1]
    assert "Срок продлён до 05.12.2026" in done.text
    await settled(env)
    assert "теперь до 05.12.2026" in boris.last_message().text


async def test_stale_buttons_refresh_the_card_instead_of_acting(env):
    alice, boris = env.user(101, "Алиса", username="user101"), env.user(102, "Борис", username="user102")
    boris_card = await card(env, boris)  # Boris sees it free
    prompt = (await env.press(alice, await card(env, alice), "Взять"))[-1]
    await env.press(alice, (await env.press(alice, prompt, "Без срока"))[-1], "Пропустить")
    refreshed = (await env.press(boris, boris_card, "Взять"))[-1]
    assert refreshed.message_id == boris_card.message_id
    assert "Опоздали" in refreshed.text and refreshed.has_button("Встать в очередь")
    # Alice returns from a second card; the Return on her first card is stale by then.
    first_card = alice.messages()[-1]
    await env.press(alice, await card(env, alice), "Вернуть")
    stale = (await env.press(alice, first_card, "Вернуть"))[-1]
    assert "уже не у вас" in stale.text and "Свободно" in stale.text
    assert Loan.select().where(Loan.returned_at.is_null()).count() == 0
    assert Loan.select().count() == 1


async def test_handover_by_typed_name_accept_and_decline(env):
    alice, boris, vera = (
        env.user(i, n, username=f"user{i}") for i, n in ((101, "Алиса"), (102, "Борис"), (103, "Вера"))
    )
    for colleague in (boris, vera):  # a bot can write only to people who started it
        await env.send(colleague, "/help")
    prompt = (await env.press(alice, await card(env, alice), "Взять"))[-1]
    await env.press(alice, (await env.press(alice, prompt, "Без срока"))[-1], "Пропустить")
    ask = (await env.press(alice, alice.last_message(), "Передать"))[-1]
    assert "Кому передать" in ask.text
    assert "Никого не нашёл" in (await env.send(alice, "Зинаида"))[-1].text
    found = (await env.send(alice, "@user103"))[-1]
    sent = (await env.press(alice, found, "Вера"))[-1]
    assert "Запрос отправлен: Вера" in sent.text
    await settled(env)
    declined = (await env.press(vera, vera.last_message(), "Отказаться"))[-1]
    assert "отказались" in declined.text
    await settled(env)
    assert "Вера отказался(ась)" in alice.last_message().text
    await env.press(alice, (await env.press(alice, await card(env, alice), "Передать"))[-1], "✖️ Отмена")
    await env.press(alice, await card(env, alice), "Передать")
    found = (await env.send(alice, "борис"))[-1]
    await env.press(alice, found, "Борис")
    await settled(env)
    accepted = (await env.press(boris, boris.last_message(), "Принять"))[-1]
    assert "У вас" in accepted.text
    await settled(env)
    assert "Борис принял(а)" in alice.last_message().text
    assert Loan.get(Loan.returned_at.is_null()).person.full_name == "Борис"


async def test_someone_who_blocked_the_bot_is_passed_over_at_once(env):
    alice, boris, vera = (
        env.user(i, n, username=f"user{i}") for i, n in ((101, "Алиса"), (102, "Борис"), (103, "Вера"))
    )
    prompt = (await env.press(alice, await card(env, alice), "Взять"))[-1]
    mine = (await env.press(alice, (await env.press(alice, prompt, "Без срока"))[-1], "Пропустить"))[-1]
    for user in (boris, vera):
        await env.press(user, await card(env, user), "Встать в очередь")
    boris.block()
    await env.press(alice, mine, "Вернуть")
    await settled(env)
    await settled(env)  # the pass for Boris starts a second delivery
    assert "Ваша очередь" in vera.last_message().text
    passed = Event.get(Event.kind == "pass")
    assert passed.actor_id is None and "unreachable" in passed.details


async def test_notifications_open_the_current_card(env):
    alice, boris = env.user(101, "Алиса", username="user101"), env.user(102, "Борис", username="user102")
    prompt = (await env.press(alice, await card(env, alice), "Взять"))[-1]
    await env.press(alice, (await env.press(alice, prompt, "Без срока"))[-1], "Пропустить")
    await env.press(boris, await card(env, boris), "Встать в очередь")
    await settled(env)
    told = alice.last_message()
    assert "Борис ждёт" in told.text
    opened = (await env.press(alice, told, "Открыть карточку"))[-1]
    assert "У вас" in opened.text and "В очереди: 1" in opened.text


async def test_handover_to_someone_the_bot_cannot_reach_is_cancelled_and_the_holder_told(env):
    alice = env.user(101, "Алиса", username="user101")  # Вера never started the bot
    prompt = (await env.press(alice, await card(env, alice), "Взять"))[-1]
    await env.press(alice, (await env.press(alice, prompt, "Без срока"))[-1], "Пропустить")
    await env.press(alice, alice.last_message(), "Передать")
    await env.press(alice, (await env.send(alice, "Вера"))[-1], "Вера")
    await settled(env)
    await settled(env)
    assert "получатель: Вера" in alice.last_message().text
    assert Event.get(Event.kind == "handover_cancelled").details.count("undeliverable") == 1
    assert "Ждёт подтверждения" not in (await card(env, alice)).text


async def test_the_staff_flows_run_no_filter_on_a_thread(env, threaded_filters):
    alice = env.user(101, "Алиса", username="user101")
    prompt = (await env.press(alice, await card(env, alice), "Взять"))[-1]
    mine = (await env.press(alice, (await env.press(alice, prompt, "Без срока"))[-1], "Пропустить"))[-1]
    await env.press(alice, mine, "Вернуть")
    prompt = (await env.press(alice, await card(env, alice), "Взять"))[-1]
    await env.send(alice, "завтра")
    assert "Готово" in (await env.send(alice, "офис"))[-1].text
    assert "MSPOS-N" in (await env.send(alice, "/mine"))[-1].text
    assert "MSPOS-N" in (await env.send(alice, "mspos"))[-1].text  # a search
    assert "ничего" in (await env.send(alice, "принтер"))[-1].text.lower()
    assert threaded_filters == []


async def test_a_refused_extend_pressed_on_a_reminder_leaves_the_reminder_alone(env):
    alice = env.user(101, "Алиса", username="user101")
    await card(env, alice)  # the chat exists
    today, now = env.clock.today(), env.clock.now()
    person_id = Person.get(Person.telegram_id == 101).id
    held = [Device.get(Device.number == 49), device(50, "Сканер")]
    for d in held:
        loans.take(d.id, person_id, due_on=today, location=None, today=today, now=now)
    due = tuple(
        reminders.DueLoan(i, d.id, d.number, d.name, today, reminders.DUE_TODAY, 0) for i, d in enumerate(held, 1)
    )
    text, markup = reminder_message(reminders.PersonReminder(person_id, 101, "Алиса", due), today)
    await env.app.bot.send_message(101, text, reply_markup=markup)
    reminder = alice.last_message()
    loans.return_device(held[0].id, person_id, now=now, hold_hours=24)  # returned meanwhile
    env.telegram.clear_calls()
    [answer] = await env.press(alice, reminder, "Продлить №49")
    assert env.telegram.calls("editMessageText") == []  # the reminder is not replaced
    assert alice.message(reminder).button_texts == reminder.button_texts
    assert answer.message_id != reminder.message_id  # a new message: the card as it is now
    assert "Свободно" in answer.text and "№49 · MSPOS-N" in answer.text
    prompt = (await env.press(alice, reminder, "Продлить №50"))[-1]  # the other device's button works
    assert "До какого числа" in prompt.text
