"""What cashbot's screens cost aiogram to send, with nothing else around them.

A bare aiogram Dispatcher (no routers, middlewares, FSM writes, database or view work: the
echo bot's setup) answers every update with a screen cashbot really sends, built once before
the run: a search list (8 devices, the page window, 16 buttons), a device card (6 buttons),
and for a button press the same screens edited in place plus the callback answer. The echo
bot answers a text with the text and one button, a press with an answer and an edit.

The CPU per update of these "shaped echoes" is a floor no cashbot change below aiogram's
default model work can go under: sending the message (serialising the keyboard, HTML parse
mode), the double's handling of it (the stand-in for the network) and aiogram parsing the
Message Telegram returns (every button and entity a pydantic model). Weighted by the staff
mix of `throughput.py`, it bounds the in-process ratio that mix can reach.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from aiogram import Dispatcher, F
from aiogram.types import CallbackQuery, Message

from benchmarks.throughput import BOT_DEFAULTS, ECHO_TOKEN, MIX, Feeder
from cashbot.services.card import DeviceCard, Holder
from cashbot.services.catalog import DeviceItem, Page
from cashbot.views import lists
from cashbot.views.card import card_keyboard, card_text
from tests.double import echo_bot
from tests.double.core import FakeTelegram
from tests.double.recording_session import RecordingSession
from tests.support import TOKEN

TODAY = date(2026, 11, 27)
TZ = ZoneInfo("Europe/Moscow")
PEOPLE = 200


def screens() -> dict[str, tuple]:
    """(text, keyboard) of a search list's fourth page and of a device someone else holds."""
    items = [
        DeviceItem(
            i,
            1040 + i,
            "ККТ Атол Sigma 10",
            "Онлайн-касса",
            "Анна Иванова" if i % 2 else None,
            date(2026, 12, 1) if i % 2 else None,
            False,
        )
        for i in range(8)
    ]
    card = DeviceCard(
        device_id=7,
        number=1049,
        name="ККТ Атол Sigma 10",
        category="Онлайн-касса",
        serial="A887825707",
        firmware="5.8.12",
        registered_on=date(2024, 3, 1),
        comment="с блоком питания",
        location="офис Екб",
        holder=Holder(
            3,
            "Анна Иванова",
            "anna",
            "anna@example.com",
            datetime(2026, 11, 20, 9, tzinfo=UTC),
            date(2026, 12, 1),
            "офис Екб",
        ),
        waiting=2,
        reserved_for=None,
        reserved_for_me=False,
        reserved_until=None,
        my_position=None,
        pending_handover_to=None,
        is_mine=False,
    )
    return {
        "list": lists.search_results("атол", Page(items, 2385, 3, 299), 7, TODAY),
        "card": (card_text(card, TZ, TODAY, None), card_keyboard(card)),
    }


def shaped_dispatcher(text: str, markup) -> Dispatcher:
    dp = Dispatcher()

    # The echo bot's own filters (bare magic filters, which aiogram checks on a thread), so that
    # the screen is the only difference.
    @dp.message(F.text)
    async def answer(message: Message) -> None:
        await message.answer(text, reply_markup=markup)

    @dp.callback_query(F.data)
    async def press(query: CallbackQuery) -> None:
        # Telegram refuses an edit to identical content: alternate a trailing word joiner.
        mark = "" if (query.message.text or "").endswith("\u2060") else "\u2060"
        await query.message.edit_text(text + mark, reply_markup=markup)
        await query.answer()

    return dp


async def cpu_per_update(feeder: Feeder, users: list, how: str, rounds: int = 3, each: int = 10) -> float:
    """Best of `rounds` (ms of process CPU per update, the people's own work taken out)."""
    best = float("inf")
    for _ in range(rounds):
        cpu, harness = time.process_time(), feeder.harness_seconds
        for _ in range(each):
            if how == "message":
                await asyncio.gather(*(feeder.send(u, "атол", "x") for u in users))
            else:
                await asyncio.gather(
                    *(feeder.press(u, last, last.all_buttons[0], "x") for u in users for last in [u.messages()[-1]])
                )
        spent = time.process_time() - cpu - (feeder.harness_seconds - harness)
        best = min(best, spent / (each * len(users)) * 1000)
    return best


async def measure() -> dict:
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    telegram = FakeTelegram()
    session = RecordingSession(telegram)
    gc.freeze()
    result: dict[str, float] = {}
    try:
        bots = [("echo", echo_bot.dp, session.bot(ECHO_TOKEN))]
        bots += [
            (name, shaped_dispatcher(*screen), session.bot(TOKEN, default=BOT_DEFAULTS))
            for name, screen in screens().items()
        ]
        for n, (name, dp, bot) in enumerate(bots):
            feeder = Feeder(telegram, dp, bot)
            users = [
                telegram.user(900_000_000 + n * 10_000 + i, f"Человек {i}", username=f"p{n}_{i}", token=bot.token)
                for i in range(PEOPLE)
            ]
            await asyncio.gather(*(feeder.send(u, "атол", "warm") for u in users))
            result[f"{name} message"] = await cpu_per_update(feeder, users, "message")
            result[f"{name} press"] = await cpu_per_update(feeder, users, "press")
    finally:
        root.setLevel(level)
    return result


# Which shaped screen stands for each kind of the staff mix, and how many of its updates are
# messages: a search and /mine answer a text with a list; a page flip edits a list; a card
# opened from a list, and every step of take and return, edit a card or a dialog prompt.
STANDS_FOR = {
    "search": ("list", "message"),
    "page": ("list", "press"),
    "card": ("card", "press"),
    "take/return": ("card", "press"),
    "mine": ("list", "message"),
}
# Updates per action in the measured mix: a take/return pair is about 4.4 updates, a deep-link
# message among them (benchmarks/README.md); the others are one update each.
UPDATES_PER_ACTION = {"search": 1.0, "page": 1.0, "card": 1.0, "take/return": 4.4, "mine": 1.0}


def mix_ceiling(r: dict) -> float:
    """echo CPU / shaped CPU over the staff mix's updates: the best ratio the mix could reach."""
    shaped = echo = 0.0
    for kind, share in MIX.items():
        screen, how = STANDS_FOR[kind]
        updates = share * UPDATES_PER_ACTION[kind]
        shaped += updates * r[f"{screen} {how}"]
        echo += updates * r[f"echo {how}"]
    return echo / shaped


def run() -> dict:
    return asyncio.run(measure())


def report(r: dict) -> list[tuple]:
    rows = []
    for screen, label in (("list", "search list"), ("card", "device card")):
        for how in ("message", "press"):
            echo, shaped = r[f"echo {how}"], r[f"{screen} {how}"]
            rows.append(
                (
                    "ceiling",
                    f"CPU ms per {how}, {label} sent by a bare dispatcher",
                    f"{shaped:.2f}",
                    f"{echo:.2f}",
                    f"{echo / shaped:.2f}",
                    "shown only",
                    None,
                )
            )
    rows.append(
        (
            "ceiling",
            "best in-process ratio the staff mix could reach",
            "",
            "",
            f"{mix_ceiling(r):.2f}",
            "shown only",
            None,
        )
    )
    return rows


if __name__ == "__main__":
    for row in report(run()):
        print(row)
