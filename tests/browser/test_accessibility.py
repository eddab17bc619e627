"""axe-core finds no WCAG 2.2 AA failure on any public page: the start page, every
question of the four journeys for a child and for an adult (and the organisation page
professionals and advocates see), each question sent empty, check your answers, the
confirmation, and the error pages; and after a complaint closes, the feedback
questionnaire (an adult's, a child's and one in Welsh, each sent empty, then the thanks),
a used link and a wrong one, and the closed case's tracking page with the button to
answer and without it; and the privacy notice, the accessibility statement and the
cookies page."""

import pytest
from page_checks import AXE_TAGS, Crawl, judge_axe
from portal_browser import every_public_page
from test_readability import HIGHEST_GRADE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("name", every_public_page())
def test_no_axe_violations(crawl: Crawl, name: str) -> None:
    judge_axe(crawl, name)


def test_the_accessibility_statement_says_what_these_tests_check(crawl: Crawl) -> None:
    """The statement's "How we tested this website" is these tests: when what they
    measure changes, the statement must change with it."""
    said = " ".join(crawl.get("accessibility statement").main_text.split())
    assert AXE_TAGS[-1] == "wcag22aa" and "axe-core against the WCAG 2.2 A and AA rules" in said
    assert "Nu HTML Checker" in said
    assert "sent using only a keyboard" in said  # test_keyboard.py
    assert "sent with JavaScript turned off" in said  # test_without_javascript.py
    assert f"Flesch-Kincaid grade {HIGHEST_GRADE:g} or below" in said
