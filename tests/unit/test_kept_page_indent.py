"""A kept page's typed answers are put back as GOV.UK's macros would have shown them:
Jinja's `indent` filters, nested, split the answer into lines and indent each line after
the first that is not empty (portal/public/kept_pages.py, issue 19)."""

from types import SimpleNamespace

import pytest
from jinja2 import Environment
from markupsafe import escape

from portal import fields
from portal.public import kept_pages

PAGE = Environment(autoescape=True).from_string(
    "{% set box %}<textarea>{{ typed }}</textarea>{% endset %}"
    "{% set field %}<div>\n{{ box | indent(2) }}\n</div>{% endset %}"
    "<form>\n  {{ field | indent(nesting) }}\n</form>"
)
TYPED = [
    "one line",
    "two\nlines",
    "a blank\n\nline between",
    "a line of spaces\n   \nafter it",
    "  leading spaces\n  on each line",
    "Windows\r\nline ends",
    "an old Mac\rline end",
    "Unicode\u2028line separator\u2029and paragraph",
    '<b>markup</b> & "quotes"\nstays text',
]


@pytest.mark.parametrize("typed", TYPED)
@pytest.mark.parametrize("nesting", [0, 4])
def test_typed_text_put_back_is_what_the_macros_make(typed: str, nesting: int) -> None:
    field = SimpleNamespace(name="address", _value=lambda: typed)
    marked = PAGE.render(typed=fields._mark(field, 0), nesting=nesting)  # type: ignore[arg-type]
    filled = fields.MARKS.sub(
        lambda found: kept_pages._indented(str(escape(typed)), found.group(3)), marked
    )
    assert filled == PAGE.render(typed=typed, nesting=nesting)


def test_text_ending_in_a_line_break_is_not_put_back() -> None:
    """The line after it would be indented too: the page is made in full instead."""
    with pytest.raises(kept_pages._NotKeepable):
        kept_pages._indented("ends with a break\n", "  ")
