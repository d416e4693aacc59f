"""What importing a module drags in: the background jobs stand apart from the routers and
the wiring, so neither `cashbot.app` nor any handler module comes with `cashbot.jobs`.

Read from the source, not by importing (this process has long imported everything): every
`import cashbot...` and `from cashbot... import ...` counts, wherever it stands, and so does
each package `__init__` on the way to a module."""

from __future__ import annotations

import ast
from pathlib import Path

import cashbot

ROOT = Path(cashbot.__file__).parent


def source(module: str) -> Path | None:
    path = ROOT.joinpath(*module.split(".")[1:])
    for candidate in (path / "__init__.py", path.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def cashbot_modules_loaded_by(module: str) -> set[str]:
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen or source(name) is None:
            continue
        seen.add(name)
        parts = name.split(".")
        todo.extend(".".join(parts[:n]) for n in range(1, len(parts)))  # the packages above it
        for node in ast.walk(ast.parse(source(name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                todo.extend(alias.name for alias in node.names if alias.name.startswith("cashbot"))
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cashbot"):
                todo.append(node.module)
                todo.extend(f"{node.module}.{alias.name}" for alias in node.names)  # submodules
    return seen


def wiring_and_routers(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m == "cashbot.app" or m.startswith("cashbot.handlers"))


def test_jobs_load_neither_handlers_nor_the_app():
    loaded = cashbot_modules_loaded_by("cashbot.jobs")
    assert {"cashbot.services.reminders", "cashbot.views.reminders", "cashbot.turns"} <= loaded
    assert wiring_and_routers(loaded) == []


def test_the_walk_finds_what_the_app_pulls_in():
    loaded = cashbot_modules_loaded_by("cashbot.app")
    assert {"cashbot.app", "cashbot.jobs", "cashbot.handlers", "cashbot.handlers.queue"} <= loaded
