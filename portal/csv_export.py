"""The one writer of every CSV the portal makes (the annual report's tables, the whole
report from `flask report annual --format csv`), keeping spreadsheet formulas out.

Excel and LibreOffice run a cell that begins with `=`, `+`, `-` or `@` (or a tab or a
carriage return before one) as a formula when the file is opened: a feedback comment
typed as `=HYPERLINK("http://x","y")` would become a live link in the complaints
manager's spreadsheet (OWASP, "CSV Injection"). So text, which a person may have typed,
is written with a single quote in front, and both programs show it as text. Numbers and
dates the portal worked out itself (a change of -100.0 per cent, a date) are not text:
they are written as they are, so a spreadsheet can still add them up.

Every CSV starts with the byte order mark: without it Excel reads the file in the
computer's own code page (Windows-1252), and a Welsh team's "Tîm" or an Irish "Ó" comes
out as "TÃ®m" and "Ã“". The importer reads the mark (`utf-8-sig`), so an export goes
back in as it came out.
"""

import csv
import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TypeAlias

BYTE_ORDER_MARK = "\ufeff"

# What a spreadsheet reads as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell: TypeAlias = str | int | float | Decimal | date | None


def spreadsheet_safe(value: Cell) -> str | int | float | Decimal:
    """A cell as it is written: text that could start a formula gets a leading quote;
    a number or a date is written as it is; nothing is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        return f"'{value}" if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return value
    raise TypeError(f"a CSV cell must be text, a number or a date, not {type(value).__name__}")


def csv_text(rows: Iterable[Iterable[Cell]]) -> str:
    """The rows as CSV (the csv module's dialect: commas, quotes where needed, CRLF), after
    the byte order mark."""
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    return out.getvalue()
