"""axe-core finds no WCAG 2.2 AA failure on any public page: the start page, every
question of the four journeys for a child and for an adult (and the organisation page
professionals and advocates see), each question sent empty, check your answers, the
confirmation, and the error pages."""

import pytest
from page_checks import Crawl, describe_violations, real_violations
from portal_browser import every_public_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("name", every_public_page())
def test_no_axe_violations(crawl: Crawl, name: str) -> None:
    snapshot = crawl.get(name)
    violations = real_violations(snapshot.violations)
    assert violations == [], (
        f"axe found {len(violations)} problem(s) on {name} ({snapshot.url}):\n"
        + describe_violations(violations)
    )
