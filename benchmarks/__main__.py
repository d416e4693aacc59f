"""`python -m benchmarks [name ...]`: run the benchmarks and print one table.

Names: throughput, ceiling, e2e (with footprint), import, reminders, inline. Default: all of them. The
import, reminders and inline benchmarks belong to their flows (benchmarks/import_bench.py,
benchmarks/reminders_bench.py, benchmarks/inline_bench.py, each exposing `run() -> dict`) and run
when present.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
import traceback

NAMES = ("throughput", "ceiling", "e2e", "import", "reminders", "inline")
OPTIONAL = {
    "import": "benchmarks.import_bench",
    "reminders": "benchmarks.reminders_bench",
    "inline": "benchmarks.inline_bench",
}


def machine() -> str:
    import sqlite3

    import aiogram
    import peewee

    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPU ({cpu}), Python {platform.python_version()}, aiogram {aiogram.__version__}, "
        f"peewee {peewee.__version__}, SQLite {sqlite3.sqlite_version}; load average before the run: {load}"
    )


# Targets for the metrics the flows' own benchmarks report (by their keys).
TARGETS = {
    ("reminders", "dropped"): ("0", lambda v: v == 0),
    ("reminders", "duplicates"): ("0", lambda v: v == 0),
    ("reminders", "messages_per_second"): ("≤ 30/s (Telegram)", lambda v: v <= 30),
    ("reminders", "http_429s"): ("", None),
    ("import", "seconds"): ("< 2 s", lambda v: v < 2),
    ("import", "total_seconds"): ("< 2 s", lambda v: v < 2),
    ("import", "max_loop_stall_ms"): ("< 50 ms", lambda v: v < 50),
    ("import", "longest_stall_ms"): ("< 50 ms", lambda v: v < 50),
    ("inline", "p99_ms"): ("< 100 ms", lambda v: v < 100),
    ("inline", "unanswered"): ("0", lambda v: v == 0),
}


def optional_rows(name: str, result: dict) -> list[tuple]:
    """Rows from a flow's own benchmark: its dict, one metric per row; known metrics are
    judged against TARGETS. A key `notes` is printed under the table."""
    rows = []
    for key, value in result.items():
        if key == "notes":
            continue
        target, check = TARGETS.get((name, key), ("", None))
        ok = check(value) if check is not None and isinstance(value, (int, float)) else None
        shown = f"{value:.3g}" if isinstance(value, float) else str(value)
        rows.append((name, key, shown, "", "", target, ok))
    return rows


def table(rows: list[tuple]) -> str:
    header = ("benchmark", "metric", "cashbot", "echo bot", "ratio", "target", "")
    cells = [header] + [(*r[:6], {True: "ok", False: "MISSED", None: ""}[r[6]]) for r in rows]
    widths = [max(len(str(c[i])) for c in cells) for i in range(len(header))]
    lines = []
    for n, c in enumerate(cells):
        lines.append("  ".join(str(v).ljust(w) for v, w in zip(c, widths)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument(
        "names",
        nargs="*",
        choices=[[], *NAMES],
        default=[],
        metavar="name",
        help=f"some of: {', '.join(NAMES)} (default: all)",
    )
    names = parser.parse_args(argv).names or list(NAMES)
    print(machine(), flush=True)
    rows: list[tuple] = []
    notes: list[str] = []
    flows = None
    for name in names:
        started = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            if name == "throughput":
                from benchmarks import throughput

                result = throughput.run()
                flows = result["flows"]
                rows += throughput.report(result)
                notes += throughput.details(result)
            elif name == "ceiling":
                from benchmarks import ceiling

                rows += ceiling.report(ceiling.run())
            elif name == "e2e":
                from benchmarks import e2e

                result = e2e.run(flows=flows)
                rows += e2e.report(result)
                notes += e2e.details(result)
            else:
                try:
                    module = importlib.import_module(OPTIONAL[name])
                except ModuleNotFoundError as error:
                    if error.name != OPTIONAL[name]:
                        raise
                    notes.append(f"{name}: {OPTIONAL[name]} is not in this tree yet; skipped")
                    continue
                result = module.run()
                rows += optional_rows(name, result)
                if result.get("notes"):
                    notes.append(f"{name}: {result['notes']}")
        except Exception:
            notes.append(f"{name}: FAILED\n{traceback.format_exc()}")
        print(f"{name} took {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print()
    print(table(rows))
    print()
    print("\n".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
