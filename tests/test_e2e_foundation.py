"""End to end: the real process, the local Bot API double, several users."""

import pytest

from tests.double.fixtures import both_modes
from tests.seed import device, seed_file

pytestmark = pytest.mark.e2e


@both_modes
def test_two_users_start_register_and_open_a_card_by_deep_link(bot_factory, api):
    bot = bot_factory(start=False)
    seed_file(bot.db_path, lambda: device(49, "MSPOS-N", "Онлайн-касса"))
    bot.start()
    alice, boris = api.user(101, "Алиса", username="alice"), api.user(102, "Борис")
    alice.send("/start")
    boris.send("/start d49")
    alice.wait_for("рабочую почту")
    boris.wait_for("рабочую почту")
    alice.send("alice@example.ru")
    boris.send("boris@example.ru")
    alice.wait_for("зарегистрированы")
    boris.wait_for("зарегистрированы")
    # Boris's first message was a deep link: it is answered once he is active.
    card = boris.wait_for("MSPOS-N")
    assert "№49" in card.text and "Свободно" in card.text
    alice.send("/start d50")
    assert "нет в учёте" in alice.wait_for("50").text
    assert bot.stop() == 0


def register(user, email):
    user.send("/start")
    user.wait_for("рабочую почту")
    user.send(email)
    user.wait_for("зарегистрированы")


@both_modes
def test_kill_in_the_middle_of_a_dialog_then_restart_continues_it(bot_factory, api):
    bot = bot_factory(start=False)
    seed_file(bot.db_path, lambda: device(49, "MSPOS-N"))
    bot.start()
    vera = api.user(103, "Вера")
    vera.send("/start d49")  # remembered in the FSM while she registers
    vera.wait_for("рабочую почту")
    bot.kill()
    bot.start()
    vera.send("vera@example.ru")
    vera.wait_for("зарегистрированы")
    card = vera.wait_for(lambda m: m.text.startswith("№49 · "), include_edits=False)
    assert "MSPOS-N" in card.text


def test_sigterm_stops_cleanly_and_handled_updates_are_not_redelivered(bot_factory, api):
    bot = bot_factory()
    gleb = api.user(104, "Глеб")
    register(gleb, "gleb@example.ru")
    gleb.send("/help")
    gleb.wait_for("/mine")
    assert bot.stop() == 0
    assert "cashbot stopped" in bot.output()
    bot.start()
    gleb.send("/cancel")
    gleb.wait_for("Отменять нечего")
    helps = [m for m in gleb.messages() if "/mine" in m.text]
    assert len(helps) == 1, "the /help handled before the restart was answered again"


@both_modes
def test_menus_per_role_and_errors_become_an_apology(bot_factory, api):
    bot = bot_factory(admins=[201])
    staff = {c["command"] for c in api.commands("all_private_chats")}
    assert {"all", "categories", "mine", "wishlist", "help", "cancel"} <= staff
    assert not staff & {"add", "users", "dev"}
    admin = api.user(201, "Админ")
    register(admin, "admin@example.ru")
    # Telegram fails the next reply with a 500: the handler errors, the user gets an
    # apology, and the process keeps answering.
    api.inject_error("sendMessage", chat_id=201, times=1, error_code=500)
    admin.send("/help")
    admin.wait_for("Что-то пошло не так")
    admin.send("/help")
    assert "/add" in admin.wait_for("/mine").text
    assert bot.stop() == 0
    log_text = (bot.log_dir / "cashbot.log").read_text(encoding="utf-8")
    assert "failed" in log_text and "update" in log_text
    assert bot.token not in log_text and bot.token not in bot.output()


def test_admin_menu_is_set_once_the_admin_has_a_chat(bot_factory, api):
    bot = bot_factory(admins=[201])
    # Telegram refuses a chat scope before the admin has started the bot...
    early = [c for c in api.calls(method="setMyCommands") if (c.params.get("scope") or {}).get("chat_id") == 201]
    assert early and not any(c.ok for c in early)
    admin = api.user(201, "Админ")
    register(admin, "admin@example.ru")
    api.wait_call("setMyCommands", lambda c: c.ok and (c.params.get("scope") or {}).get("chat_id") == 201)
    admin_menu = {c["command"] for c in api.commands({"type": "chat", "chat_id": 201})}
    assert {"add", "users", "mine"} <= admin_menu and "dev" not in admin_menu
    # ...and on later starts it is set at once.
    bot.stop()
    api.clear_calls()
    bot.start()
    api.wait_call("setMyCommands", lambda c: c.params.get("scope", {}).get("chat_id") == 201)


def test_strangers_get_asked_for_email_and_nonsense_gets_a_hint(bot_factory, api):
    bot_factory(access_mode="approval", admins=[201])
    admin = api.user(201, "Админ")
    register(admin, "admin@example.ru")
    zoya = api.user(105, "Зоя")
    zoya.send("привет")
    zoya.wait_for("рабочую почту")
    zoya.send("zoya@")
    zoya.wait_for("не похоже на адрес")
    zoya.send("zoya@example.ru")
    zoya.wait_for("Заявка отправлена")
    request = admin.wait_for("Заявка на доступ")
    assert "zoya@example.ru" in request.text and "нет @username" in request.text
    admin.press(request, "Одобрить")
    zoya.wait_for("Доступ открыт")
    zoya.send_document("notes.txt", b"hello")
    zoya.wait_for("Я понимаю текст")


def test_the_readme_run_command_starts_answers_and_stops_on_sigterm(bot_factory, api):
    bot = bot_factory(command=["./run"])
    nina = api.user(106, "Нина")
    nina.send("/start")
    nina.wait_for("рабочую почту")
    assert bot.stop() == 0
    assert "cashbot stopped" in bot.output()
