"""The statutory annual report's arithmetic (domain.md, "Records and the annual report"):
periods, comparisons with the previous period, rates, and timeliness bands. Pure: the
counting itself is done in the database by services/reports.py."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Period:
    """Inclusive dates."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label(self) -> str:
        if (
            self.start.month == 4
            and self.start.day == 1
            and self.end == date(self.start.year + 1, 3, 31)
        ):
            return f"{self.start.year} to {self.end.year % 100:02d}"
        return f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"


def financial_year(containing: date) -> Period:
    """1 April to 31 March: the year councils report on."""
    first = containing.year if containing.month >= 4 else containing.year - 1
    return Period(date(first, 4, 1), date(first + 1, 3, 31))


def quarter(containing: date) -> Period:
    """A quarter of the financial year. Its quarters (April-June, July-September,
    October-December, January-March) are the calendar's."""
    first_month = (containing.month - 1) // 3 * 3 + 1
    start = date(containing.year, first_month, 1)
    after = date(containing.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return Period(start, after - timedelta(days=1))


def previous(period: Period) -> Period:
    """The period just before, of the same length (a year before a financial year)."""
    fy = financial_year(period.start)
    if period == fy:
        return financial_year(date(period.start.year - 1, 6, 1))
    try:
        return Period(
            period.start.replace(year=period.start.year - 1),
            period.end.replace(year=period.end.year - 1),
        )
    except ValueError:  # 29 February
        return Period(period.start - timedelta(days=365), period.end - timedelta(days=365))


def percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def change(now: int, before: int) -> Decimal | None:
    """Change in per cent from the previous period; None when there was nothing before."""
    if before == 0:
        return None
    return (Decimal(now - before) * 100 / Decimal(before)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def stage1_band(working_days: int) -> str:
    """Stage 1 timeliness as reports show it: within 10, within 11 to 20, over 20."""
    if working_days <= 10:
        return "in_10"
    if working_days <= 20:
        return "in_11_to_20"
    return "over_20"
