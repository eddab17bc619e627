"""axe-core finds no WCAG 2.2 AA failure on any public page: the start page, every
question of the four journeys for a child and for an adult (and the organisation page
professionals and advocates see), each question sent empty, check your answers, the
confirmation, and the error pages."""

import pytest
from page_checks import Crawl, judge_axe
from portal_browser import every_public_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("name", every_public_page())
def test_no_axe_violations(crawl: Crawl, name: str) -> None:
    judge_axe(crawl, name)
