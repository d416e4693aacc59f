"""End to end, inline mode: the real `python -m cashbot` process answers `@bot …` typed in any
chat (the Bot API double validates every answer like Telegram), and a chosen result lands in
a group chat via the bot."""

from datetime import UTC, datetime

from cashbot.db.models import Loan, PersonStatus
from cashbot.texts import inline as t
from tests.double.fixtures import both_modes
from tests.seed import device, person, seed_file

NOW = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)  # Friday 10:00 in Moscow
NAMES = {101: "Алиса", 102: "Борис"}


def start_bot(bot_factory, build_more=lambda: None, **kwargs):
    bot = bot_factory(start=False, now=NOW, **kwargs)

    def build():
        for tid, name in NAMES.items():
            person(tid, name, f"u{tid}@example.ru", username=f"user{tid}")
        build_more()

    seed_file(bot.db_path, build)
    return bot.start()


def ask(api, user, text, offset=""):
    return api.inline.wait_answer(api.inline.query(user, text, offset))


def take(user, number):
    """The private chat's three taps: open by deep link, take, no date, no place."""
    user.send(f"/start d{number}")
    user.press(user.wait_for(lambda m: m.text.startswith(f"№{number} · "), include_edits=False), "Взять")
    user.press(user.wait_for("До какого числа"), "Без срока")
    user.press(user.wait_for("Где будет"), "Пропустить")
    return user.wait_for("У вас")


@both_modes
def test_inline_status_follows_a_take_and_the_posted_card_opens_the_bot(bot_factory, api):
    bot = start_bot(
        bot_factory,
        lambda: (
            device(49, "Эвотор 7.2", "Онлайн-касса", serial="00106707012345"),
            device(50, "Эвотор 5i", "Онлайн-касса"),
        ),
    )
    alice, boris = api.user(101, "Алиса", username="user101"), api.user(102, "Борис", username="user102")
    team = api.group(-100777, "Склад")

    before = ask(api, alice, "эвотор")
    assert [r["title"] for r in before.results] == ["№49 · Эвотор 7.2", "№50 · Эвотор 5i"]
    assert before.results[0]["description"].startswith(t.STATUS_FREE) and before.is_personal
    assert ask(api, alice, "00106707012345").ids == [before.ids[0]]  # a serial: that device alone

    take(boris, 49)
    qid = api.inline.query(alice, "49")
    after = api.inline.wait_answer(qid)
    assert after.results[0]["description"] == "🔴 Борис, срок не указан\nОнлайн-касса"

    posted = api.inline.choose(alice, qid, after.ids[0], team)
    assert posted.text.startswith("№49 · Эвотор 7.2") and "Держатель: Борис (@user102)" in posted.text
    assert "u102@example.ru" not in posted.text and not posted.outgoing
    link = posted.find_button(t.BTN_OPEN_IN_BOT).url
    assert link == "https://t.me/cashbot_test_bot?start=d49"

    alice.send("/start " + link.split("?start=")[1])  # what following the link does
    card = alice.wait_for(lambda m: m.text.startswith("№49 · "))
    assert "Держатель: Борис" in card.text and "u102@example.ru" in card.text  # the private card has it
    assert bot.stop() == 0  # every update handled, the via_bot message in the group included
    assert team.bot_messages() == [] and api.calls("sendMessage", chat_id=team.id) == []
    assert [c for c in api.calls(ok=False) if c.method != "getUpdates"] == []


def test_paging_with_next_offset_walks_every_result_once(bot_factory, api):
    bot = start_bot(bot_factory, lambda: [device(n, f"Касса {n}", "ККТ") for n in range(1, 46)])
    alice = api.user(101, "Алиса")
    seen, offset, answers = [], "", 0
    while True:
        answer = ask(api, alice, "ккт", offset)
        answers += 1
        seen += [r["title"].split(" · ")[0] for r in answer.results]
        if not answer.next_offset:
            break
        offset = answer.next_offset
    assert answers == 3 and seen == [f"№{n}" for n in range(1, 46)]
    assert ask(api, alice, "").results == []  # an empty query: Алиса holds nothing
    assert bot.stop() == 0


def test_a_stranger_and_a_pending_person_get_only_the_register_button(bot_factory, api):
    bot = start_bot(
        bot_factory,
        lambda: (device(49, "Эвотор 7.2"), person(103, "Вера", "u103@example.ru", status=PersonStatus.PENDING)),
    )
    for user in (api.user(555, "Незнакомец"), api.user(103, "Вера")):
        answer = ask(api, user, "49")
        assert answer.results == [] and answer.is_personal
        assert answer.button == {"text": t.REGISTER_FIRST, "start_parameter": "inline"}
    stranger = api.user(555, "Незнакомец")
    stranger.send("/start inline")  # the button opens the private chat with this payload
    assert "рабочую почту" in stranger.wait_for("рабочую почту").text
    assert bot.stop() == 0


def test_no_foreign_e_mail_in_the_posted_card(bot_factory, api):
    def build():
        ghost = person(None, "", "ghost@example.ru", status=PersonStatus.INVITED)
        Loan.create(device=device(7, "Эвотор 7"), person=ghost, taken_at=NOW)
        device(8, "Эвотор 8")

    bot = start_bot(bot_factory, build)
    alice, boris = api.user(101, "Алиса"), api.user(102, "Борис")
    team = api.group(-100777, "Склад")
    take(boris, 8)

    qid = api.inline.query(alice, "эвотор")
    answer = api.inline.wait_answer(qid)
    assert "@example.ru" not in str(answer.results)  # nobody's e-mail, in any part of a result
    posted = [api.inline.choose(alice, qid, result_id, team) for result_id in answer.ids]
    assert [p.text.splitlines()[0] for p in posted] == ["№7 · Эвотор 7", "№8 · Эвотор 8"]
    assert t.NAMELESS_HOLDER in posted[0].text and "Держатель: Борис" in posted[1].text
    assert not any("@example.ru" in p.text or "@example.ru" in p.html for p in posted)
    assert bot.stop() == 0
