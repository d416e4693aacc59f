"""Counted nouns follow Russian rules: 1, 2–4, 5–20, then the last digits again."""

import pytest

from cashbot.texts.plural import DAYS, DEVICES, PEOPLE, count, plural


@pytest.mark.parametrize(
    "n, expected",
    [
        (0, "0 устройств"),
        (1, "1 устройство"),
        (2, "2 устройства"),
        (4, "4 устройства"),
        (5, "5 устройств"),
        (11, "11 устройств"),
        (12, "12 устройств"),
        (14, "14 устройств"),
        (20, "20 устройств"),
        (21, "21 устройство"),
        (22, "22 устройства"),
        (25, "25 устройств"),
        (101, "101 устройство"),
        (111, "111 устройств"),
        (112, "112 устройств"),
        (1001, "1001 устройство"),
    ],
)
def test_devices(n, expected):
    assert count(n, DEVICES) == expected


def test_other_nouns():
    assert [count(n, DAYS) for n in (1, 3, 7, 21)] == ["1 день", "3 дня", "7 дней", "21 день"]
    assert [plural(n, PEOPLE) for n in (1, 2, 5)] == ["человек", "человека", "человек"]
