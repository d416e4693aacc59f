"""In-process throughput and latency: the real app against aiogram's echo bot, no network.

Both dispatchers are fed through one RecordingSession (tests/double): each simulated person
pushes an update into the in-memory Bot API, the benchmark takes it out and awaits
`Dispatcher.feed_update`, exactly what polling does after the HTTP round trip. Per-update
latency is that await (update parsing included); throughput is updates / wall time, the
simulated people's own work excluded.

Two phases per bot, in one run, against one seeded database (benchmarks/seed.py):
- saturated: 200 people act back to back (no think time). Gives updates/s. Latency here is
  mostly queueing (200 updates in flight on one event loop: Little's law), so it is shown
  but not judged.
- paced: the same 200 people as an open-loop Poisson stream of actions offering a fixed
  update rate (default 50 updates/s: each of 200 people acting every 4 s, far above a busy
  team; a person still waiting for an answer acts when it comes). The p99 target is judged
  here.

Saturated rounds alternate between the bots, and CPU time per update is reported next to
wall-clock rates: on a shared machine a neighbour's load lowers both rates, not their ratio
of CPU cost.

The staff mix (per action): 40% text search, 20% card open, 20% page flip, 10% take+return,
10% /mine. Flows that are not in this tree yet are detected by a probe (by reply) and
substituted; the table says what was actually measured.
"""

from __future__ import annotations

import asyncio
import bisect
import gc
import logging
import math
import random
import re
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.methods import TelegramMethod
from aiogram.types import Update

from benchmarks import seed as seeding
from cashbot.app import build_app, prepare_database
from cashbot.clock import FixedClock
from cashbot.texts import card as card_texts
from cashbot.texts import common as common_texts
from tests.double import echo_bot
from tests.double.core import BotMessage, Button, FakeTelegram, User
from tests.double.recording_session import RecordingSession
from tests.support import TOKEN, make_settings

ECHO_TOKEN = "654321:ECHO-abcdefghijklmnopqrstuvwxyz012345"
ECHO_ID_OFFSET = 100_000_000  # echo users are separate people in the double
# As cashbot.app.build_bot makes it: HTML parse mode (the double parses it, as Telegram does).
BOT_DEFAULTS = DefaultBotProperties(parse_mode="HTML", link_preview_is_disabled=True)
MIX = {"search": 40, "card": 20, "page": 20, "take/return": 10, "mine": 10}

# How the benchmark recognises screens it did not build (other flows are written in parallel).
NEXT_PAGE = re.compile(r"(›|»|→|▶|➡|▷|>|далее|дальше|вперёд|вперед|следующ)", re.IGNORECASE)
SKIP_WORDS = ("без срока", "без даты", "не указ", "бессроч", "пропуст", "без места", "без заметки", "не нужно", "skip")
CONFIRM_WORDS = ("подтверд", "вернуть", "да, ", "да")
CARD_MARK = re.sub(r"<[^>]+>", "", card_texts.SERIAL.split("{")[0]).strip()  # "Серийный номер:"
FREE_MARK = "Свободно"


# ------------------------------------------------------------------ screen recognition


def is_card(m: BotMessage) -> bool:
    return CARD_MARK in m.text


def is_fallback(m: BotMessage) -> bool:
    return m.text in (common_texts.NOT_UNDERSTOOD, common_texts.ERROR)


def open_buttons(m: BotMessage) -> list[Button]:
    return [b for b in m.all_buttons if (b.callback_data or "").startswith("d:open:")]


def next_button(m: BotMessage) -> Button | None:
    for b in m.all_buttons:
        data = b.callback_data or ""
        if data and not data.startswith("d:") and NEXT_PAGE.search(b.text):
            return b
    return None


def pick(m: BotMessage, words: tuple[str, ...]) -> Button | None:
    """The first button (in `words` priority order) whose text starts with or contains a word."""
    for word in words:
        for b in m.all_buttons:
            text = b.text.lower().strip(" ✅❌👍📅📍⏭➡️")
            if b.callback_data and (text.startswith(word) or (len(word) > 3 and word in text)):
                return b
    return None


def last_with_buttons(replies: list[BotMessage]) -> BotMessage | None:
    return next((m for m in reversed(replies) if m.all_buttons), None)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


# ------------------------------------------------------------------ feeding one bot


@dataclass
class Feeder:
    """Feeds one dispatcher through the shared in-memory Bot API, timing every update."""

    telegram: FakeTelegram
    dispatcher: Dispatcher
    bot: Bot
    samples: list[tuple[str, float]] = field(default_factory=list)
    errors: int = 0
    # Event-loop time spent being the simulated people (building their updates in the double,
    # reading the replies): it is not the bot's work and is taken out of its rates.
    harness_seconds: float = 0.0

    async def _act(self, user: User, kind: str, action: Callable[[], object]) -> list[BotMessage]:
        harness = time.thread_time()
        events = user._chat.events
        before = events[-1][0] if events else 0
        action()
        raws = self.telegram.take_updates(self.bot.token)  # only this one: no await since action()
        self.harness_seconds += time.thread_time() - harness
        started = time.perf_counter()
        for raw in raws:
            update = Update.model_validate(raw, context={"bot": self.bot})
            response = await self.dispatcher.feed_update(self.bot, update)
            if isinstance(response, TelegramMethod):
                await self.bot(response)
        self.samples.append((kind, time.perf_counter() - started))
        harness = time.thread_time()
        start = bisect.bisect_right(events, before, key=lambda e: e[0])
        replies = [snap for _, what, snap in events[start:] if what in ("sent", "edited")]
        self.errors += sum(1 for m in replies if m.text == common_texts.ERROR)
        self.harness_seconds += time.thread_time() - harness
        return replies

    async def send(self, user: User, text: str, kind: str) -> list[BotMessage]:
        return await self._act(user, kind, lambda: user.send(text))

    async def press(self, user: User, message: BotMessage, button: Button, kind: str) -> list[BotMessage]:
        return await self._act(user, kind, lambda: user.press(message, data=button.callback_data))


# ------------------------------------------------------------------ the staff mix


@dataclass
class Flows:
    """What this tree can do, found by probing with one person before the run."""

    search: bool = False
    list_open: bool = False  # search results carry "open card" buttons
    pagination: bool = False
    mine: bool = False
    take_return: bool = False

    def labels(self) -> dict[str, str]:
        return {
            "search": "text search" if self.search else "SUBSTITUTE card by deep link (no search handler yet)",
            "card": "card via the list's open button" if self.list_open else "card via deep link /start d<n>",
            "page": "page flip (next button)"
            if self.pagination
            else "SUBSTITUTE card refresh button (no pagination yet)",
            "take/return": "card by deep link, take, its dialog, return"
            if self.take_return
            else "SUBSTITUTE two card refreshes (no take/return yet)",
            "mine": "/mine" if self.mine else "SUBSTITUTE card by deep link (no /mine yet)",
        }


@dataclass
class StaffUser:
    user: User
    member: seeding.StaffMember
    free_index: int = 0
    last_list: BotMessage | None = None
    last_card: BotMessage | None = None


class StaffMix:
    def __init__(self, feeder: Feeder, flows: Flows, seeded: seeding.Seeded):
        self.feeder, self.flows, self.seeded = feeder, flows, seeded
        self.pairs_attempted = self.pairs_completed = 0

    def _remember(self, u: StaffUser, replies: list[BotMessage]) -> list[BotMessage]:
        for m in replies:
            if is_card(m):
                u.last_card = m
            elif open_buttons(m):
                u.last_list = m
        return replies

    async def deep_link(self, u: StaffUser, number: int, kind: str) -> list[BotMessage]:
        return self._remember(u, await self.feeder.send(u.user, f"/start d{number}", kind))

    async def search(self, u: StaffUser, rng: random.Random) -> None:
        if not self.flows.search:
            await self.deep_link(u, rng.choice(self.seeded.device_numbers), "search")
            return
        term = (
            rng.choice(self.seeded.search_terms) if rng.random() < 0.85 else str(rng.choice(self.seeded.device_numbers))
        )
        self._remember(u, await self.feeder.send(u.user, term, "search"))

    async def card(self, u: StaffUser, rng: random.Random) -> None:
        buttons = open_buttons(u.last_list) if (self.flows.list_open and u.last_list) else []
        if buttons:
            current = u.user.message(u.last_list)
            buttons = open_buttons(current) or buttons
            self._remember(u, await self.feeder.press(u.user, current, rng.choice(buttons), "card"))
        else:
            await self.deep_link(u, rng.choice(self.seeded.device_numbers), "card")

    async def page(self, u: StaffUser, rng: random.Random) -> None:
        if self.flows.pagination:
            current = u.user.message(u.last_list) if u.last_list else None
            button = next_button(current) if current else None
            if button is None:  # no list yet, or its last page: start a new search
                self._remember(u, await self.feeder.send(u.user, rng.choice(self.seeded.search_terms), "search"))
                current = u.user.message(u.last_list) if u.last_list else None
                button = next_button(current) if current else None
            if button is not None:
                self._remember(u, await self.feeder.press(u.user, current, button, "page"))
                return
        await self.refresh(u, "page")

    async def refresh(self, u: StaffUser, kind: str) -> None:
        current = u.user.message(u.last_card)
        button = current.find_button(card_texts.BTN_REFRESH)
        self._remember(u, await self.feeder.press(u.user, current, button, kind))

    async def mine(self, u: StaffUser, rng: random.Random) -> None:
        if self.flows.mine:
            self._remember(u, await self.feeder.send(u.user, "/mine", "mine"))
        else:
            await self.deep_link(u, rng.choice(self.seeded.device_numbers), "mine")

    async def take_return(self, u: StaffUser, rng: random.Random) -> None:
        if not self.flows.take_return:
            await self.refresh(u, "take/return")
            await self.refresh(u, "take/return")
            return
        self.pairs_attempted += 1
        number = u.member.free_devices[u.free_index % len(u.member.free_devices)]
        u.free_index += 1
        replies = await self.deep_link(u, number, "take/return")  # the sticker on the device
        if await take_and_return(self.feeder, u.user, replies, "take/return"):
            self.pairs_completed += 1

    async def act(self, u: StaffUser, rng: random.Random) -> None:
        kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
        await {
            "search": self.search,
            "card": self.card,
            "page": self.page,
            "take/return": self.take_return,
            "mine": self.mine,
        }[kind](u, rng)


def taken(m: BotMessage) -> bool:
    """The take finished: the card says "У вас", or a confirmation says the device is mine."""
    return "у вас" in m.text.lower()


def returned(m: BotMessage) -> bool:
    return "вернули" in m.text.lower() or FREE_MARK in m.text or (is_card(m) and m.has_button(card_texts.BTN_TAKE))


def return_button_data(device_id: str) -> str:
    return f"d:ret:{device_id}"


async def take_and_return(feeder: Feeder, user: User, card_replies: list[BotMessage], kind: str) -> bool:
    """Take the device on this card through whatever dialog the take flow has (skipping the
    optional date and note), then return it from its card (reopened by deep link if the
    flow did not leave one with Return on screen). True when both finished."""
    card = next((m for m in reversed(card_replies) if m.has_button(card_texts.BTN_TAKE)), None)
    if card is None:
        return False
    take = card.find_button(card_texts.BTN_TAKE)
    device_id = take.callback_data.rsplit(":", 1)[1]
    replies = await feeder.press(user, card, take, kind)
    if not await _walk(feeder, user, replies, taken, SKIP_WORDS, kind):
        return False
    data = return_button_data(device_id)
    mine = next((m for m in reversed(user.messages()) if any(b.callback_data == data for b in m.all_buttons)), None)
    if mine is None:
        number = re.search(r"№(\d+)", card.text)
        replies = await feeder.send(user, f"/start d{number.group(1) if number else device_id}", "card")
        mine = next((m for m in replies if any(b.callback_data == data for b in m.all_buttons)), None)
        if mine is None:
            return False
    replies = await feeder.press(user, mine, mine.find_button(data=data), kind)
    return await _walk(feeder, user, replies, returned, CONFIRM_WORDS, kind)


async def _walk(
    feeder: Feeder,
    user: User,
    replies: list[BotMessage],
    done: Callable[[BotMessage], bool],
    words: tuple[str, ...],
    kind: str,
    steps: int = 4,
) -> bool:
    for _ in range(steps):
        if any(done(m) for m in replies):
            return True
        prompt = last_with_buttons(replies)
        button = pick(prompt, words) if prompt else None
        if button is None:
            return False
        replies = await feeder.press(user, user.message(prompt), button, kind)
    return any(done(m) for m in replies)


async def probe_flows(feeder: Feeder, user: User, member: seeding.StaffMember, seeded: seeding.Seeded) -> Flows:
    """One person tries every flow once; what answers like the flow is there."""
    flows = Flows()
    card = await feeder.send(user, f"/start d{seeded.device_numbers[0]}", "probe")
    if not any(is_card(m) for m in card):
        raise RuntimeError(f"deep link did not open a card: {[m.text for m in card]}")
    replies = await feeder.send(user, "атол", "probe")
    flows.search = bool(replies) and not any(is_fallback(m) for m in replies)
    listing = next((m for m in replies if open_buttons(m)), None)
    flows.list_open = listing is not None
    if listing is not None and (button := next_button(listing)) is not None:
        flipped = await feeder.press(user, listing, button, "probe")
        flows.pagination = any(m.message_id == listing.message_id and m.text != listing.text for m in flipped)
    replies = await feeder.send(user, "/mine", "probe")
    flows.mine = bool(replies) and not any(is_fallback(m) for m in replies)
    replies = await feeder.send(user, f"/start d{member.free_devices[0]}", "probe")
    flows.take_return = await take_and_return(feeder, user, replies, "probe")
    return flows


async def probe_database(workdir: Path, member: seeding.StaffMember, seeded: seeding.Seeded) -> Flows:
    """Probe the flows on a seeded database file in `workdir` (as BotProcess lays it out),
    in process, before a bot process opens it."""
    settings = make_settings(workdir)
    clock = FixedClock(ZoneInfo(settings.timezone), seeding.SEED_NOW)
    telegram = FakeTelegram()
    session = RecordingSession(telegram)
    app = build_app(
        settings, bot=session.bot(TOKEN, default=BOT_DEFAULTS), clock=clock, database=prepare_database(settings, clock)
    )
    try:
        user = telegram.user(member.telegram_id, member.first_name, username=member.username)
        return await probe_flows(Feeder(telegram, app.dispatcher, app.bot), user, member, seeded)
    finally:
        await app.notifier.drain(5)
        await app.dispatcher.storage.close()
        app.db.close()


# ------------------------------------------------------------------ running people


async def run_people(
    people: list, act: Callable[[object, random.Random], Awaitable[None]], actions_each: int, seed: int
) -> None:
    """Every person runs `actions_each` actions back to back (waiting for each answer, like a
    person does), all people at once: the saturated load."""

    async def one(person, rng: random.Random) -> None:
        for _ in range(actions_each):
            await act(person, rng)

    await asyncio.gather(*(one(p, random.Random(seed * 100_003 + i)) for i, p in enumerate(people)))


async def run_paced(
    people: list, act: Callable[[object, random.Random], Awaitable[None]], actions: int, rate: float, seed: int
) -> None:
    """Open-loop load: actions arrive as a Poisson stream of `rate` per second, each from a
    random person; a person still waiting for an answer acts once it arrives."""
    rng = random.Random(seed)
    rngs = [random.Random(seed * 100_003 + i) for i in range(len(people))]
    locks = [asyncio.Lock() for _ in people]
    loop = asyncio.get_running_loop()

    async def one(i: int) -> None:
        async with locks[i]:
            await act(people[i], rngs[i])

    tasks, start, at = [], loop.time(), 0.0
    for _ in range(actions):
        at += rng.expovariate(rate)
        delay = start + at - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(rng.randrange(len(people)))))
    await asyncio.gather(*tasks)


@dataclass
class PhaseResult:
    updates: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    harness_seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Updates per second of wall time, the simulated people's own work excluded."""
        return self.updates / (self.seconds - self.harness_seconds)

    @property
    def cpu_ms(self) -> float:
        """Process CPU per update (all threads: event loop, database thread), people excluded."""
        return (self.cpu_seconds - self.harness_seconds) / self.updates * 1000

    def pct(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000

    async def measure(self, feeder: Feeder, load: Awaitable[None]) -> None:
        """Run `load` and add what it fed to this result."""
        feeder.samples = []
        wall, cpu, harness = time.perf_counter(), time.process_time(), feeder.harness_seconds
        await load
        self.seconds += time.perf_counter() - wall
        self.cpu_seconds += time.process_time() - cpu
        self.harness_seconds += feeder.harness_seconds - harness
        self.updates += len(feeder.samples)
        for kind, value in feeder.samples:
            self.latencies.append(value)
            self.by_kind.setdefault(kind, []).append(value)
        feeder.samples = []


class ErrorCounter(logging.Handler):
    """Handler failures are counted (and the first one kept), not printed over the table."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count, self.first = 0, None

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if self.first is None:
            self.first = self.format(record)


@contextmanager
def counting_errors() -> Iterator[ErrorCounter]:
    """Errors logged meanwhile are counted instead of printed (the root logger's handlers and
    level are put back after)."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    errors = ErrorCounter()
    root.handlers[:] = [errors]
    root.setLevel(logging.ERROR)
    try:
        yield errors
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


async def measure(
    workdir: Path,
    *,
    people: int = 200,
    rounds: int = 3,
    actions_each: int = 5,
    paced_rate: float = 50.0,
    paced_seconds: float = 10.0,
) -> dict:
    """The whole in-process benchmark; see the module docstring."""
    with counting_errors() as errors:
        return await _measure(workdir, errors, people, rounds, actions_each, paced_rate, paced_seconds)


async def _measure(
    workdir: Path,
    errors: ErrorCounter,
    people: int,
    rounds: int,
    actions_each: int,
    paced_rate: float,
    paced_seconds: float,
) -> dict:
    settings = make_settings(workdir)
    clock = FixedClock(ZoneInfo(settings.timezone), seeding.SEED_NOW)
    telegram = FakeTelegram()
    session = RecordingSession(telegram)
    database = prepare_database(settings, clock)
    seed_started = time.perf_counter()
    seeded = seeding.seed(seeding.SEED_NOW, staff=people + 1)
    seed_seconds = time.perf_counter() - seed_started
    app = build_app(settings, bot=session.bot(TOKEN, default=BOT_DEFAULTS), clock=clock, database=database)
    gc.freeze()  # as the bot does once started (cashbot.app.run), for both bots alike
    staff_feeder = Feeder(telegram, app.dispatcher, app.bot)
    echo_feeder = Feeder(telegram, echo_bot.dp, session.bot(ECHO_TOKEN))
    try:
        prober = seeded.staff[people]
        probe_user = telegram.user(prober.telegram_id, prober.first_name, username=prober.username)
        flows = await probe_flows(staff_feeder, probe_user, prober, seeded)
        mix = StaffMix(staff_feeder, flows, seeded)
        members = seeded.staff[:people]
        staff = [StaffUser(telegram.user(m.telegram_id, m.first_name, username=m.username), m) for m in members]
        echo_people = [
            telegram.user(m.telegram_id + ECHO_ID_OFFSET, m.first_name, username=m.username, token=ECHO_TOKEN)
            for m in members
        ]
        terms = seeded.search_terms

        async def echo_act(user: User, rng: random.Random) -> None:
            await echo_feeder.send(user, rng.choice(terms), "echo")

        # Warm-up (not measured): every person's first update fills caches, as in steady use.
        await run_people(staff, lambda u, rng: mix.deep_link(u, rng.choice(seeded.device_numbers), "warm"), 1, 1)
        await run_people(echo_people, echo_act, 1, 1)

        # Saturated, in alternating rounds so that a noisy neighbour hurts both bots alike.
        staff_sat, echo_sat = PhaseResult(), PhaseResult()
        for r in range(rounds):
            before = staff_sat.updates
            await staff_sat.measure(staff_feeder, run_people(staff, mix.act, actions_each, 10 + r))
            echo_each = math.ceil((staff_sat.updates - before) / people)
            await echo_sat.measure(echo_feeder, run_people(echo_people, echo_act, echo_each, 10 + r))

        # Paced: the same offered update rate for both bots.
        updates_per_action = staff_sat.updates / (rounds * actions_each * people)
        staff_paced, echo_paced = PhaseResult(), PhaseResult()
        actions = round(paced_rate * paced_seconds / updates_per_action)
        await staff_paced.measure(staff_feeder, run_paced(staff, mix.act, actions, paced_rate / updates_per_action, 20))
        await echo_paced.measure(echo_feeder, run_paced(echo_people, echo_act, staff_paced.updates, paced_rate, 20))
        await app.notifier.drain(5)
    finally:
        await app.dispatcher.storage.close()
        app.db.close()
    return {
        "people": people,
        "seed_seconds": seed_seconds,
        "seeded": seeded.counts,
        "flows": flows,
        "labels": flows.labels(),
        "pairs": (mix.pairs_attempted, mix.pairs_completed),
        "staff_saturated": staff_sat,
        "echo_saturated": echo_sat,
        "staff_paced": staff_paced,
        "echo_paced": echo_paced,
        "paced_rate": paced_rate,
        "handler_errors": errors.count + staff_feeder.errors,
        "first_error": errors.first,
    }


def run(**kwargs) -> dict:
    with tempfile.TemporaryDirectory(prefix="cashbot-bench-") as tmp:
        return asyncio.run(measure(Path(tmp), **kwargs))


def report(r: dict) -> list[tuple]:
    """Rows for the summary table: (benchmark, metric, cashbot, echo, ratio, target, ok)."""
    ss, es, sp, ep = r["staff_saturated"], r["echo_saturated"], r["staff_paced"], r["echo_paced"]
    ratio, cpu_ratio = ss.rate / es.rate, es.cpu_ms / ss.cpu_ms
    return [
        (
            "in-process",
            f"updates/s, {r['people']} people back to back",
            f"{ss.rate:.0f}",
            f"{es.rate:.0f}",
            f"{ratio:.2f}",
            "≥ 0.5×",
            ratio >= 0.5,
        ),
        (
            "in-process",
            "CPU ms per update (all threads)",
            f"{ss.cpu_ms:.2f}",
            f"{es.cpu_ms:.2f}",
            f"{cpu_ratio:.2f}",
            "",
            None,
        ),
        (
            "in-process",
            "latency p50/p95/p99 ms, saturated (queueing)",
            f"{ss.pct(50):.0f}/{ss.pct(95):.0f}/{ss.pct(99):.0f}",
            f"{es.pct(50):.0f}/{es.pct(95):.0f}/{es.pct(99):.0f}",
            "",
            "shown only",
            None,
        ),
        (
            "in-process",
            f"latency p50/p95/p99 ms, {r['paced_rate']:.0f} updates/s offered",
            f"{sp.pct(50):.1f}/{sp.pct(95):.1f}/{sp.pct(99):.1f}",
            f"{ep.pct(50):.1f}/{ep.pct(95):.1f}/{ep.pct(99):.1f}",
            "",
            "p99 < 50 ms",
            sp.pct(99) < 50,
        ),
        (
            "in-process",
            "paced phase: updates, achieved updates/s",
            f"{sp.updates}, {sp.rate:.0f}/s",
            f"{ep.updates}, {ep.rate:.0f}/s",
            "",
            "",
            None,
        ),
    ]


def details(r: dict) -> list[str]:
    """What the mix actually measured, per kind (saturated phase)."""
    ss = r["staff_saturated"]
    lines = [
        f"seeded in {r['seed_seconds']:.1f} s: " + ", ".join(f"{v:,} {k}" for k, v in r["seeded"].items()),
        f"staff mix, saturated phase: {ss.updates} updates in {ss.seconds:.1f} s; per kind:",
    ]
    for kind in MIX:
        values = ss.by_kind.get(kind, [])
        label = r["labels"][kind]
        if values:
            lines.append(
                f"  {kind:<12} {len(values):>5} updates  p50 {percentile(values, 50) * 1000:6.1f} ms"
                f"  p99 {percentile(values, 99) * 1000:6.1f} ms  — {label}"
            )
        else:
            lines.append(f"  {kind:<12}     0 updates — {label}")
    attempted, completed = r["pairs"]
    if r["flows"].take_return:
        lines.append(f"  take/return pairs completed: {completed}/{attempted}")
    lines.append(
        f"handler errors: {r['handler_errors']}" + (f" (first: {r['first_error'][:300]})" if r["first_error"] else "")
    )
    return lines


if __name__ == "__main__":
    result = run()
    for row in report(result):
        print(row)
    print("\n".join(details(result)))
