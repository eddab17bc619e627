"""Whole numbers that arrive as text, in an address, a query or a hidden field, and go on
to the database. One reading for all of them, so that none is too big for a column (30
nines overflow it), none is a "digit" that int() refuses (`"²".isdigit()` is true) and none
is negative: what is not such a number is no number at all, and a route that wants one
does not match (Page not found)."""

from typing import Any

from werkzeug.routing import IntegerConverter, Map

# PostgreSQL's `integer`, the type of every id and count column (SQLite's is wider).
DATABASE_INT_MAX = 2**31 - 1


def whole_number(text: object, *, maximum: int = DATABASE_INT_MAX) -> int | None:
    """The number `text` writes in the digits 0 to 9, from 0 to `maximum`; else None."""
    value = str(text if text is not None else "")
    if not (value.isascii() and value.isdecimal()) or len(value) > len(str(maximum)):
        return None
    number = int(value)
    return number if number <= maximum else None


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` in every route: from 0 to DATABASE_INT_MAX, or the route does not
    match. (Werkzeug's own takes any number of digits.)"""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(map, *args, **kwargs)
