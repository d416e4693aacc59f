"""End to end: the real process, the local Bot API double, several users."""

from tests.seed import device, seed_file


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
