"""The Nu HTML checker finds no error in the HTML the server sends for any public page.
It runs once over all the pages (see the `nu_report` fixture)."""

import pytest
from page_checks import Crawl, NuReport, judge_html
from portal_browser import every_public_page

pytestmark = pytest.mark.browser


def test_the_checker_is_checking(nu_report: NuReport) -> None:
    """A page that is wrong on purpose is reported, so silence means valid HTML."""
    assert nu_report.canary, "the Nu checker reported nothing for a page with a stray <div>"


@pytest.mark.parametrize("name", every_public_page())
def test_valid_html(crawl: Crawl, nu_report: NuReport, name: str) -> None:
    judge_html(crawl, nu_report, name)
