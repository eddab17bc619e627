"""The one boundary where free text from the public is cleaned (STYLE.md principle 9).

Complaints are stored as plain text exactly as the person meant them: "my worker said
<he'd come back>" must keep its words. bleach, with an empty allow-list, turns any
markup into inert text; we then keep the plain characters, and Jinja's autoescape makes
them safe on every page and in every email.
"""

import html
import re
import unicodedata

import bleach

# No tag, attribute or protocol is ever allowed in what the public types.
ALLOWED_TAGS: frozenset[str] = frozenset()
ALLOWED_ATTRIBUTES: dict[str, list[str]] = {}

# Control characters other than tab and newline: they carry no meaning in a complaint
# and can break terminals, CSV exports and PDF rendering.
# Zero-width joiners (U+200C, U+200D) stay: Persian, Urdu and emoji need them.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def sanitise(text: str) -> str:
    """Plain text from anything a member of the public typed: no markup, no control
    characters, Unicode in one normal form, Unix line endings, no outer whitespace."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text).strip()
    # Escape first, so that nothing typed (a tag, a comment, an entity such as "&lt;")
    # is read as markup; bleach with an empty allow-list is then the guarantee that no
    # markup is kept. Unescaping gives back exactly the characters that were typed.
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    inert = bleach.clean(escaped, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, strip=True)
    return html.unescape(inert)
