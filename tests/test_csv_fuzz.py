"""Fuzzing the CSV reader: thousands of mutated files, not one exception.

A seeded RNG (the same files on every run) mutates real device files: byte flips, cuts,
inserted garbage, other encodings and delimiters, stray quotes, NULs and BOMs, very long
lines and cells. Every result must be a well-formed answer: rows that are clean, problems
that name a line inside the file and say something short.
"""

from __future__ import annotations

import codecs
import random
from datetime import date, timedelta
from pathlib import Path

from cashbot.services.device_csv import DeviceRow, parse_devices, write_devices
from cashbot.services.import_csv import plan_import

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 11, 27)
SEED = 20261203
FILES = 3000

_ENCODINGS = (
    "utf-8",
    "utf-8-sig",
    "cp1251",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "koi8_r",
    "cp866",
    "mac_cyrillic",
    "utf-32",
)
_JUNK = (
    b'"',
    b'""',
    b"\x00",
    b"\x00\x00",
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    b"\xff",
    b"\xd0",
    b"\r",
    b"\n",
    b"\r\n",
    b";",
    b",",
    b"\t",
    b"sep=",
    b'sep="\n',
    b"'=",
    b"\xef\xbf\xbd",
)


def _bases() -> list[bytes]:
    rows = [
        DeviceRow(
            0,
            n,
            f"Касса «{n}»; модель",
            "Онлайн-касса",
            f"{n:010d}",
            date(2024, 5, 18),
            "5.8",
            'comment with "quotes"\nand a line break',
            f"u{n}@example.ru" if n % 2 else None,
            "офис",
            TODAY + timedelta(days=n - 10) if n % 2 else None,
        )
        for n in range(1, 21)
    ]
    exported = write_devices(rows)
    return [
        (DATA / "devices_cp1251_semicolon.csv").read_bytes(),
        (DATA / "devices_original_format_utf8.csv").read_bytes(),
        exported,
        write_devices(rows, "en"),  # the English header
    ]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(9)
        pos = rng.randrange(len(data) + 1)
        if kind == 0 and data:  # flip a byte
            i = rng.randrange(len(data))
            data = data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1 :]
        elif kind == 1:  # cut
            data = data[:pos]
        elif kind == 2:  # stray quotes, NULs, BOMs, line breaks, delimiters
            data = data[:pos] + rng.choice(_JUNK) + data[pos:]
        elif kind == 3:  # random bytes
            data = data[:pos] + rng.randbytes(rng.randint(1, 16)) + data[pos:]
        elif kind == 4:  # another encoding (of whatever decodes)
            text = data.decode("utf-8", errors="replace")
            data = text.encode(rng.choice(_ENCODINGS), errors="replace")
        elif kind == 5:  # another delimiter
            old, new = rng.sample([b";", b",", b"\t", b"|"], 2)
            data = data.replace(old, new)
        elif kind == 6:  # a very long line or cell
            chunk = rng.choice([b"9", b"\xd0\x9a", b"a;", b'"', b"x" * 7])
            data = data[:pos] + chunk * rng.choice([1000, 5000, 70_000, 140_000]) + data[pos:]
        elif kind == 7:  # duplicate a piece (repeated rows, headers)
            end = min(len(data), pos + rng.randint(1, 400))
            data = data[:end] + data[pos:end] * rng.randint(1, 3) + data[end:]
        else:  # drop a piece
            data = data[:pos] + data[pos + rng.randint(1, 50) :]
    return data


def _files(count: int, seed: int):
    rng = random.Random(seed)
    bases = _bases()
    for _ in range(count):
        yield _mutate(rng, rng.choice(bases))


def _check(data: bytes) -> None:
    try:
        result = parse_devices(data, today=TODAY)
    except Exception as exc:  # noqa: BLE001 - the failing file is the useful part
        raise AssertionError(f"parse_devices raised {exc!r} on {data[:300]!r}…") from exc
    for problem in result.problems:
        assert isinstance(problem.message, str) and 0 < len(problem.message) < 600, problem
        assert problem.line is None or problem.line >= 1, (problem, data[:200])
    # Each imported row stands on its own line after the header, in file order, and a line
    # with a problem is never imported.
    row_lines = [row.line for row in result.rows]
    assert all(a < b for a, b in zip([1, *row_lines], row_lines)), (row_lines, data[:200])
    assert not set(row_lines) & {p.line for p in result.problems}, (result.problems, data[:200])
    for row in result.rows:
        assert row.number > 0 and row.name and row.category and row.serial
        for value in (row.name, row.category, row.serial, row.firmware, row.comment, row.location, row.holder_email):
            assert value is None or ("\x00" not in value and "\ufffd" not in value), row


def test_thousands_of_mutated_files_never_raise():
    for data in _files(FILES, SEED):
        _check(data)


def test_the_unmutated_bases_import_cleanly():
    for data in _bases():
        result = parse_devices(data, today=TODAY)
        assert result.ok and result.rows, result.problems


def test_planning_against_a_database_never_raises(database):
    """The database half (existing numbers, holders, categories) on a few hundred of them."""
    for data in _files(300, SEED + 1):
        try:
            plan = plan_import(data, update_existing=True, today=TODAY)
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(f"plan_import raised {exc!r} on {data[:300]!r}…") from exc
        assert plan.ok or plan.problems
