"""The bank-holiday table that ships with the code (portal/domain/data/bank_holidays.json).

It must cover next year, or the clock would refuse dates people will soon send us; it
must agree with domain.md; and it must be right, checked against sources of its own.
"""

import subprocess
import sys
from datetime import date, datetime, timedelta

import holidays as python_holidays
import pytest

from portal.domain.clock import LONDON
from portal.domain.holidays import bank_holidays

# domain.md, "Working days": England and Wales bank holidays, 2025 to 2028.
DOMAIN_MD = {
    2025: ["1 Jan", "18 Apr", "21 Apr", "5 May", "26 May", "25 Aug", "25 Dec", "26 Dec"],
    2026: ["1 Jan", "3 Apr", "6 Apr", "4 May", "25 May", "31 Aug", "25 Dec", "28 Dec"],
    2027: ["1 Jan", "26 Mar", "29 Mar", "3 May", "31 May", "30 Aug", "27 Dec", "28 Dec"],
    2028: ["3 Jan", "14 Apr", "17 Apr", "1 May", "29 May", "28 Aug", "25 Dec", "26 Dec"],
}

ONE_OFF_DAYS = {
    date(2020, 5, 8): "VE Day 75 (the early May bank holiday, moved)",
    date(2022, 6, 2): "Platinum Jubilee (the spring bank holiday, moved)",
    date(2022, 6, 3): "Platinum Jubilee",
    date(2022, 9, 19): "State funeral of Queen Elizabeth II",
    date(2023, 5, 8): "Coronation of King Charles III",
}


def in_year(year: int) -> set[date]:
    return {d for d in bank_holidays().holidays if d.year == year}


def test_the_table_covers_next_year() -> None:
    next_year = datetime.now(LONDON).year + 1
    table = bank_holidays()
    assert table.last_year >= next_year, (
        f"bank_holidays.json stops at {table.last_year}: add {next_year} from GOV.UK's list"
    )
    # Covering a year means listing its holidays, not just claiming to.
    assert len(in_year(next_year)) >= 8


@pytest.mark.parametrize("year", sorted(DOMAIN_MD))
def test_the_table_agrees_with_domain_md(year: int) -> None:
    expected = {datetime.strptime(f"{d} {year}", "%d %b %Y").date() for d in DOMAIN_MD[year]}
    assert in_year(year) == expected


@pytest.mark.parametrize("day", sorted(ONE_OFF_DAYS), ids=str)
def test_the_table_includes_the_one_off_days(day: date) -> None:
    assert bank_holidays().name_of(day) is not None, ONE_OFF_DAYS[day]


def test_no_weekend_is_listed_as_a_holiday() -> None:
    # Weekends are never working days; a weekend entry would mean a substitute was missed.
    weekend = [d for d in bank_holidays().holidays if d.weekday() >= 5]
    assert weekend == []


def easter_sunday(year: int) -> date:
    """The Gregorian Easter (the "anonymous" algorithm), worked out independently."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month = (h + leap - 7 * m + 114) // 31
    return date(year, month, (h + leap - 7 * m + 114) % 31 + 1)


def every_year() -> list[int]:
    table = bank_holidays()
    return list(range(table.first_year, table.last_year + 1))


@pytest.mark.parametrize("year", every_year())
def test_every_year_has_good_friday_easter_monday_christmas_and_new_year(year: int) -> None:
    listed = in_year(year)
    easter = easter_sunday(year)
    assert easter - timedelta(days=2) in listed, "Good Friday"
    assert easter + timedelta(days=1) in listed, "Easter Monday"
    assert {date(year, 12, d) for d in (25, 26, 27, 28)} & listed, "Christmas"
    assert {date(year, 1, d) for d in (1, 2, 3)} & listed, "New Year's Day"
    assert len(listed) >= 8


def test_the_table_agrees_with_the_holidays_package_for_every_year() -> None:
    table = bank_holidays()
    source = python_holidays.country_holidays(
        "GB", subdiv="ENG", years=range(table.first_year, table.last_year + 1)
    )
    # The package lists a holiday on its weekend date as well as its substitute.
    weekdays = {d for d in source if d.weekday() < 5}
    assert set(table.holidays) == weekdays


def test_the_portal_needs_no_holidays_package_to_run() -> None:
    """The package above is a test dependency only (pyproject.toml): every module of the
    portal imports, and the clock counts, with it missing."""
    script = (
        "import sys; sys.modules['holidays'] = None\n"
        "import datetime, importlib, pkgutil, portal\n"
        "for module in pkgutil.walk_packages(portal.__path__, 'portal.'):\n"
        "    importlib.import_module(module.name)\n"
        "from portal.domain.clock import add_working_days\n"
        "print(add_working_days(datetime.date(2025, 12, 19), 5))\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "2025-12-30"  # over Christmas, Boxing Day and a weekend
