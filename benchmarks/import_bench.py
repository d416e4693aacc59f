"""Benchmark: a 10,000-row CSV planned and applied through the database thread.

Reports the total time and the longest event-loop stall meanwhile (a ticker task measures
how late each of its 1 ms sleeps wakes up). Targets: under 2 s, no stall over 50 ms.

    python -m benchmarks.import_bench
"""

from __future__ import annotations

import asyncio
import gc
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks.loop_stall import longest_stall
from cashbot.db.database import Db, apply_migrations, open_database
from cashbot.services.import_csv import apply_import, plan_import

ROWS = 10_000
TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 7, tzinfo=UTC)
CATEGORIES = ("Онлайн-касса", "Терминал эквайринга", "Сканер", "Фискальный регистратор", "Планшет")


def make_csv(rows: int = ROWS) -> bytes:
    """Excel-like cp1251 with ';': every tenth device held by one of 50 people, with a due date."""
    due = (TODAY + timedelta(days=14)).strftime("%d.%m.%Y")
    lines = [
        "Номер;Название;Категория;Серийный номер;Дата регистрации;Прошивка;Комментарий;"
        "Email держателя;Местоположение;Дата возврата"
    ]
    for n in range(1, rows + 1):
        held = n % 10 == 0
        lines.append(
            ";".join(
                [
                    str(n),
                    f"Касса Эвотор {n % 7}.{n % 3}",
                    CATEGORIES[n % len(CATEGORIES)],
                    f"{n:014d}",
                    "01.03.2024",
                    "4.9.2",
                    "после ремонта" if n % 5 == 0 else "",
                    f"person{n % 50}@example.ru" if held else "",
                    "офис" if n % 2 else "склад",
                    due if held else "",
                ]
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1251")


async def _measure(data: bytes, db: Db) -> tuple[float, float, int]:
    async with longest_stall() as stall:
        await asyncio.sleep(0.01)
        started = time.perf_counter()
        plan = await db.run(plan_import, data, update_existing=False, today=TODAY)
        assert plan.ok, plan.report
        result = await db.run(apply_import, data, update_existing=False, today=TODAY, now=NOW, actor_id=None)
        seconds = time.perf_counter() - started
    assert result.applied and result.added == ROWS, result
    return seconds, stall.ms, result.added


def run() -> dict:
    data = make_csv()
    gc.freeze()  # as the bot does once started (cashbot.app.run): start-up objects skip full GCs
    with tempfile.TemporaryDirectory() as tmp:
        database = open_database(Path(tmp) / "bench.sqlite3")
        apply_migrations(database)
        db = Db(database)
        try:
            seconds, stall_ms, rows = asyncio.run(_measure(data, db))
        finally:
            db.close()
    return {"rows": rows, "seconds": round(seconds, 3), "max_loop_stall_ms": round(stall_ms, 1)}


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
