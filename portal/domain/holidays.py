"""Bank holidays in England and Wales, from a table that ships with the code.

The statutory clock must never call the network, and must fail loudly rather than
treat every weekday as a working day when its table runs out (domain.md, "Working days").
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

TABLE = Path(__file__).parent / "data" / "bank_holidays.json"


class OutsideHolidayTable(ValueError):
    """A date the bank-holiday table does not cover: we cannot tell if it is a working day."""


@dataclass(frozen=True)
class HolidayTable:
    first_year: int
    last_year: int
    holidays: dict[date, str]

    def covers(self, day: date) -> bool:
        return self.first_year <= day.year <= self.last_year

    def name_of(self, day: date) -> str | None:
        if not self.covers(day):
            raise OutsideHolidayTable(
                f"{day.isoformat()} is outside the bank-holiday table "
                f"({self.first_year} to {self.last_year}); update {TABLE.name}"
            )
        return self.holidays.get(day)


@cache
def bank_holidays() -> HolidayTable:
    raw = json.loads(TABLE.read_text(encoding="utf-8"))
    return HolidayTable(
        first_year=int(raw["first_year"]),
        last_year=int(raw["last_year"]),
        holidays={date.fromisoformat(d): name for d, name in raw["dates"].items()},
    )
