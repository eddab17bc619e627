"""The footer of every public page links to the privacy notice, the accessibility
statement and the cookies page (issue 13, section 5), in the HTML the server sends, so
with or without JavaScript."""

from html.parser import HTMLParser

import pytest
from page_checks import Crawl
from portal_browser import INFORMATION_PAGES, every_public_page

pytestmark = pytest.mark.browser


class FooterLinks(HTMLParser):
    """The addresses of the links inside <footer>."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = 0
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "footer":
            self.inside += 1
        elif tag == "a" and self.inside:
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "footer":
            self.inside -= 1


@pytest.mark.parametrize("name", every_public_page())
def test_the_footer_links_to_privacy_accessibility_and_cookies(crawl: Crawl, name: str) -> None:
    footer = FooterLinks()
    footer.feed(crawl.get(name).html)
    missing = set(INFORMATION_PAGES.values()) - set(footer.links)
    assert not missing, f"the footer of {name} has no link to {sorted(missing)}"
