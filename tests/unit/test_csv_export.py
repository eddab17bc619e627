"""Every CSV goes through one writer: text a person typed that a spreadsheet would run
as a formula is shown as text; the numbers and dates the portal worked out are not
touched."""

import codecs
import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from portal.csv_export import csv_text


def read_back(text: str) -> list[list[str]]:
    """The rows as a spreadsheet reads the file: UTF-8, told so by its byte order mark."""
    return list(csv.reader(io.StringIO(text.encode("utf-8").decode("utf-8-sig"), newline="")))


def test_a_spreadsheet_is_told_the_file_is_utf_8_so_welsh_and_irish_letters_stay_as_typed() -> None:
    """Excel opens a CSV with no byte order mark in the computer's own code page: "Tîm
    Maethu" would read "TÃ®m Maethu". The mark comes first, once."""
    typed = ["Tîm Gadael Gofal", "Siân Ó Súilleabháin, ŵ ŷ", 'A "quoted"\nline']
    written = csv_text([typed, typed]).encode("utf-8")
    assert written.startswith(codecs.BOM_UTF8)
    assert written.count(codecs.BOM_UTF8) == 1
    assert read_back(written.decode("utf-8")) == [typed, typed]


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("http://x","y")',
        "+1+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
    ],
    ids=["equals", "plus", "minus", "at", "tab", "carriage return"],
)
def test_typed_text_that_starts_a_formula_is_written_as_text(typed: str) -> None:
    ((cell,),) = read_back(csv_text([[typed]]))
    assert cell == f"'{typed}"


def test_ordinary_text_is_written_as_it_is() -> None:
    typed = ["Nobody came, so we waited = a wasted day", "a-b", "Looked After Children", ""]
    assert read_back(csv_text([typed])) == [typed]


def test_numbers_and_dates_the_portal_worked_out_are_not_changed() -> None:
    rows = read_back(csv_text([[-3, -100.0, Decimal("-1.50"), 0, date(2026, 4, 1), None]]))
    assert rows == [["-3", "-100.0", "-1.50", "0", "2026-04-01", ""]]


def test_anything_else_is_refused_rather_than_guessed() -> None:
    with pytest.raises(TypeError):
        csv_text([[{"a": 1}]])  # type: ignore[list-item]


def test_no_other_code_writes_csv_itself() -> None:
    """One writer for every CSV: a module that made its own would skip the guard."""
    portal = Path(__file__).resolve().parents[2] / "portal"
    writers = re.compile(r"\bcsv\.(writer|DictWriter)\b")
    found = [
        str(path.relative_to(portal.parent))
        for path in portal.rglob("*.py")
        if path.name != "csv_export.py" and writers.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
