"""Every event kind the code records has a human phrase, in staff history and in the admin
journal: the kinds are found in the source, so a new kind without a phrase fails here."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import cashbot
from cashbot.services.catalog import HistoryLine
from cashbot.services.dev import BACKUP_JOB
from cashbot.texts import events as texts
from cashbot.views.lists import event_phrase
from cashbot.views.users import history_line

SOURCE = Path(cashbot.__file__).parent
# Calls that write an event, and which argument is its kind.
WRITERS = {"record": 0, "record_action": 0, "_record": 2, "add": 0}
# Kinds built at run time, which the scan below cannot read.
BUILT_AT_RUN_TIME = {f"{BACKUP_JOB}_done", "handed_over", "unassigned"}


def _kinds_in(node: ast.expr, constants: dict[str, str]) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _kinds_in(node.body, constants) | _kinds_in(node.orelse, constants)
    if isinstance(node, ast.Name) and node.id in constants:
        return {constants[node.id]}  # a module constant such as CODE_OK
    return set()


def _constants(tree: ast.Module) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }


def recorded_kinds() -> set[str]:
    kinds = set()
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name == "add" and not (isinstance(func.value, ast.Name) and func.value.id == "events"):
                continue  # set.add and the like; the import's event list is called `events`
            index = WRITERS.get(name)
            if index is not None and len(node.args) > index:
                kinds |= _kinds_in(node.args[index], constants)
    return kinds


ALL_KINDS = sorted(recorded_kinds() | BUILT_AT_RUN_TIME)


def test_the_scan_finds_the_kinds_it_should():
    found = recorded_kinds()
    # One of each way of writing a kind: a literal, both sides of a choice, a constant, the
    # developer handlers' helper, the import's event list.
    assert {"take", "approved", "rejected", "dev_code_ok", "dev_logs", "device_updated", "due_changed"} <= found
    assert len(ALL_KINDS) >= 40  # the scan still reads the whole package


def test_every_recorded_kind_has_a_phrase():
    assert [kind for kind in ALL_KINDS if kind not in texts.PHRASES] == []


def _line(kind: str) -> HistoryLine:
    return HistoryLine(
        datetime(2026, 11, 27, 7, 0, tzinfo=UTC),
        kind,
        "Админ",
        "Ольга",
        7,
        "Касса",
        {
            "due_on": "2026-12-25",
            "from_name": "Алиса",
            "to_name": "Ольга",
            "name": "Весы",
            "old": "Весы",
            "new": "Весы торговые",
            "field": "serial",
        },
    )


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_each_kind_reads_as_a_sentence_in_history_and_journal(kind):
    journal = history_line(_line(kind), ZoneInfo("Europe/Moscow"))
    staff = event_phrase(_line(kind))
    assert kind not in journal and "{" not in journal
    assert staff is None if kind in texts.STAFF_HIDDEN else (kind not in staff and "{" not in staff)


def test_names_and_details_land_where_the_phrase_says():
    assert event_phrase(_line("assigned")) == "Админ выдал(а) → Ольга до 25.12.2026"
    assert event_phrase(_line("category_renamed")) == "Админ переименовал(а) категорию: «Весы» → «Весы торговые»"
    assert event_phrase(_line("device_edit")) == "Админ изменил(а) карточку: Серийный номер"
    assert "№7 Касса: Админ добавил(а) устройство" in history_line(_line("device_added"), ZoneInfo("Europe/Moscow"))
