"""axe-core finds no WCAG 2.2 AA failure on any public page: the start page, every
question of the four journeys for a child and for an adult (and the organisation page
professionals and advocates see), each question sent empty, check your answers, the
confirmation, and the error pages; and after a complaint closes, the feedback
questionnaire (an adult's, a child's and one in Welsh, each sent empty, then the thanks),
a used link and a wrong one, and the closed case's tracking page with the button to
answer and without it."""

import pytest
from page_checks import Crawl, judge_axe
from portal_browser import every_public_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("name", every_public_page())
def test_no_axe_violations(crawl: Crawl, name: str) -> None:
    judge_axe(crawl, name)
