"""End to end: admin management through the real process and the Bot API double."""

import pytest

from cashbot.callbacks import DeviceAdminCb, PersonAdminCb
from cashbot.db.models import Loan, QueueEntry
from cashbot.texts import common as common_texts
from tests.seed import SEED_NOW, device, person, seed_file

pytestmark = pytest.mark.e2e


def register(user, email: str) -> None:
    user.send("/start")
    user.wait_for("рабочую почту")
    user.send(email)


def test_approve_and_reject_from_users_and_a_non_admin_gets_nothing(bot_factory, api):
    bot = bot_factory(admins=[101], access_mode="approval", start=False)
    seed_file(bot.db_path, lambda: device(49, "MSPOS-N"))
    bot.start()
    alice, boris, gosha = api.user(101, "Алиса"), api.user(102, "Борис", username="boris"), api.user(103, "Гоша")
    register(alice, "alice@example.ru")
    alice.wait_for("зарегистрированы")
    for user, email in [(boris, "boris@example.ru"), (gosha, "gosha@example.ru")]:
        register(user, email)
        user.wait_for("Заявка отправлена")
        alice.wait_for("Заявка на доступ")

    alice.send("/users")
    listing = alice.wait_for("Сотрудники")
    assert listing.button_texts[:2] == ["🆕 Борис @boris", "🆕 Гоша"]  # pending first
    alice.press(listing, "Борис")
    alice.press(alice.wait_for("ждёт одобрения"), "Одобрить")
    assert "активен" in alice.wait_for("Заявка одобрена").text
    assert "Доступ открыт" in boris.wait_for("Доступ открыт").text
    alice.press(alice.last_message(), "К списку")
    alice.press(alice.wait_for(lambda m: "Сотрудники" in m.text and m.edited), "Гоша")
    alice.press(alice.wait_for("ждёт одобрения"), "Отклонить")
    alice.wait_for("Заявка отклонена")
    gosha.wait_for("отклонил")

    # Boris is active now but no admin: /users is an unknown word to him ...
    boris.send("/users")
    users_reply = boris.wait_for().text
    boris.send("/zzzzz")
    assert users_reply.replace("/users", "X") == boris.wait_for().text.replace("/zzzzz", "X")
    # ... and forged admin buttons on the bot's last message change nothing and say nothing.
    alice_id = 1  # the first person in the file is Alice
    for data in [
        DeviceAdminCb(action="delok", device_id=1).pack(),
        PersonAdminCb(action="block", person_id=alice_id).pack(),
    ]:
        answer = boris.wait_answer(boris.forge_press(data))
        assert answer["text"] == common_texts.STALE_BUTTON
    alice.send("/start d49")  # the device is still there, Alice still admin
    assert "📤 Выдать" in alice.wait_for("MSPOS-N").button_texts
    assert bot.stop() == 0


def test_give_take_back_edit_and_refusals_on_the_card(bot_factory, api):
    bot = bot_factory(admins=[101], start=False)

    def build():
        d49, _d50 = device(49, "MSPOS-N", serial="A1"), device(50, "Эвотор", serial="B2")
        boris = person(102, "Борис Кассов", "boris@example.ru", username="boris")
        vera = person(103, "Вера", "vera@example.ru")
        Loan.create(device=d49, person=boris, taken_at=SEED_NOW)
        QueueEntry.create(device=d49, person=vera, joined_at=SEED_NOW)

    seed_file(bot.db_path, build)
    bot.start()
    alice, boris, vera = api.user(101, "Алиса"), api.user(102, "Борис Кассов", username="boris"), api.user(103, "Вера")
    register(alice, "alice@example.ru")
    alice.wait_for("зарегистрированы")
    for user in (boris, vera):  # seeded as active; Telegram lets a bot write only after a first message
        user.send("/help")
        user.wait_for("/mine")

    # Deleting Boris while he holds №49: refused before any confirmation, listing the device.
    alice.send("/users кассов")
    alice.press(alice.wait_for("Сотрудники"), "Борис Кассов")
    alice.press(alice.wait_for("boris@example.ru"), "Удалить")
    refused = alice.wait_for("Нельзя удалить")
    assert "№49 MSPOS-N" in refused.text and not refused.has_button("Да, удалить")

    # Deleting the held device: refused too.
    alice.send("/start d49")
    card = alice.wait_for("MSPOS-N")
    alice.press(card, "🗑 Удалить")
    assert "держатель: Борис Кассов" in alice.wait_for("Нельзя удалить").text

    # Taking it back tells Boris, and Vera (next in the queue) that it is her turn.
    alice.press(card, "Забрать")
    assert "Забрано у держателя: Борис Кассов" in alice.wait_for("Забрано").text
    assert "больше не у вас" in boris.wait_for("MSPOS-N").text
    turn = vera.wait_for("Ваша очередь")
    assert "MSPOS-N" in turn.text and turn.has_button("Взять") and turn.has_button("Пропустить")

    # Giving №50 to Boris, found by @username, with a place; he is told.
    alice.send("/start d50")
    alice.press(alice.wait_for("Эвотор"), "Выдать")
    alice.wait_for("Кому выдать")
    alice.send("@boris")
    alice.press(alice.wait_for("До какого числа"), "Пропустить")
    alice.wait_for("Где будет")
    alice.send("склад")
    given = alice.wait_for("Выдано")
    assert "Борис Кассов" in given.text and "склад" in given.text
    assert "выдал вам" in boris.wait_for("Эвотор").text

    # A duplicate serial is refused clearly; the dialog waits for another value.
    alice.press(given, "Изменить")
    alice.press(alice.wait_for("Что изменить"), "Серийный номер")
    alice.wait_for("Пришлите новое значение")
    bot.restart()  # the dialog is kept in the database: it goes on after a restart
    alice.send("A1")
    assert "(/start d49)" in alice.wait_for("уже у устройства №49").text
    alice.send("Z9")
    alice.wait_for(lambda m: m.text.startswith("№50 · ") and "B2 → Z9" in m.text)
    assert bot.stop() == 0
