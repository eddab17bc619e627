"""Text people write, made safe for where it is shown (STYLE.md principle 9).

**What the public types** (`sanitise`) is stored as plain text exactly as the person meant
it: "my worker said <he'd come back>" keeps its words. It is never made into HTML: Jinja's
autoescape makes it text on every page and in every email, so nothing typed can run as
markup. Cleaning it only takes out what carries no meaning: control characters, a second
Unicode form of the same letters, other line endings and outer spaces. bleach has no part
in it (run with an empty allow-list between an escape and an unescape, as it once was, it
gave back what it was given).

**What staff write to a person** (`staff_html`, `staff_text`): response letters and
messages to the complainant are written in a small markup and shown as HTML, in the email,
on the tracking page, on the case and in the printed letter and its PDF:

    A blank line starts a new paragraph; a line break stays a line break.
    - a line starting with a dash and a space is a bulleted item
    1. a line starting with a number and a full stop is a numbered item
       (a line indented under an item carries it on)
    **bold words**
    [the words of a link](https://example.org/page), to an http, https or mailto address

The renderer escapes every character written and does not judge a link's address. bleach,
called nowhere else in the portal, then keeps only the allow-list below, so it is what takes
the address off a `javascript:` or relative link (its words stay), and the guarantee that
nothing else reaches a page whatever the renderer writes: those tags, each with its GOV.UK
class, an absolute http, https or mailto address on a link, and the number a list starts
at. The source is what is stored, and the email's plain-text part is made from it
(`staff_text`). A letter or message sent to the person keeps its HTML too, made once when
it is kept (`models/correspondence.py`, `body_html`: the tracking page shows it without
cleaning it again on every view); a response letter still being drafted is made into HTML
each time it is shown, as its words change.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import bleach
from markupsafe import Markup, escape

# Control characters other than tab and newline: they carry no meaning in a complaint
# and can break terminals, CSV exports and PDF rendering.
# Zero-width joiners (U+200C, U+200D) stay: Persian, Urdu and emoji need them.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def sanitise(text: str) -> str:
    """Plain text from anything a member of the public typed: no control characters,
    Unicode in one normal form, Unix line endings, no outer whitespace. Markup typed stays
    as the characters typed; autoescape shows it as text."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


# --- what staff write to a person ------------------------------------------------------------

# The only HTML that what staff write can become. Each tag may carry its GOV.UK class, so
# it looks like the page around it (an email ignores it).
ALLOWED_TAGS = frozenset({"p", "br", "ul", "ol", "li", "strong", "a"})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
CLASSES = {
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
}

_BULLET = re.compile(r"- (?P<words>.*)")
_NUMBERED = re.compile(r"(?P<number>\d{1,4})\. (?P<words>.*)")
_INLINE = re.compile(
    r"\*\*(?P<bold>[^*\n]+?)\*\*"
    # An address may hold a pair of brackets: https://en.wikipedia.org/wiki/Bleach_(disambiguation)
    r"|\[(?P<words>[^\[\]\n]+)\]\((?P<address>(?:[^\s()<>]|\([^\s()<>]*\))+)\)"
)


def is_allowed_address(address: str) -> bool:
    """A link may lead only to a whole web or email address: not to a script, and not to a
    relative one, which would lead nowhere from an email."""
    parts = urlsplit(address.strip())
    scheme = parts.scheme.lower()
    if scheme == "mailto":
        return bool(parts.path)
    return scheme in ALLOWED_PROTOCOLS and bool(parts.netloc)


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name == "class":
        return tag in CLASSES and value == CLASSES[tag]
    if tag == "a" and name == "href":
        return is_allowed_address(value)
    return tag == "ol" and name == "start" and value.isdigit()


# A link whose address bleach took off: only its words, not words that look like a link
# and go nowhere. What is inside has been cleaned already.
_LINK_WITHOUT_ADDRESS = re.compile(r'<a(?: class="govuk-link")?>(.*?)</a>', flags=re.S)


def clean_html(html: str) -> Markup:
    """The allow-list, applied: any other tag is taken out (its words stay); any other
    attribute, any other class and any address that is not allowed go."""
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return Markup(_LINK_WITHOUT_ADDRESS.sub(r"\1", cleaned))  # noqa: S704 (cleaned just above)


def _inline_html(line: str) -> str:
    parts, at = [], 0
    for found in _INLINE.finditer(line):
        parts.append(str(escape(line[at : found.start()])))
        if found["bold"] is not None:
            parts.append(f"<strong>{_inline_html(found['bold'])}</strong>")
        else:
            address, words = escape(found["address"]), escape(found["words"])
            parts.append(f'<a class="{CLASSES["a"]}" href="{address}">{words}</a>')
        at = found.end()
    parts.append(str(escape(line[at:])))
    return "".join(parts)


def _inline_text(line: str) -> str:
    def plain(found: re.Match[str]) -> str:
        if found["bold"] is not None:
            return _inline_text(found["bold"])
        words, address = found["words"], found["address"]
        if not is_allowed_address(address) or address == words:
            return words
        return f"{words} ({address.removeprefix('mailto:')})"

    return _INLINE.sub(plain, line)


@dataclass
class _Block:
    tag: str  # "p", "ul" or "ol"
    start: int = 1  # where a numbered list starts
    items: list[list[str]] = field(default_factory=list)  # each item's lines (a "p": one)

    def html(self) -> str:
        inner = ["<br>\n".join(_inline_html(line) for line in lines) for lines in self.items]
        opening = f'{self.tag} class="{CLASSES[self.tag]}"'
        if self.tag == "p":
            return f"<{opening}>{inner[0]}</p>"
        start = f' start="{self.start}"' if self.start != 1 else ""
        items = "".join(f"\n<li>{item}</li>" for item in inner)
        return f"<{opening}{start}>{items}\n</{self.tag}>"


def _blocks(source: str) -> list[_Block]:
    """Paragraphs and lists. A list goes on across a blank line when the next item is of
    the same kind (and, numbered, has the next number)."""
    blocks: list[_Block] = []
    for chunk in re.split(r"\n[ \t]*\n", source.replace("\r\n", "\n")):
        listed = blocks[-1] if blocks and blocks[-1].tag != "p" else None
        paragraph: _Block | None = None
        for line in chunk.split("\n"):
            if bullet := _BULLET.fullmatch(line):
                if listed is None or listed.tag != "ul":
                    listed = _Block("ul")
                    blocks.append(listed)
                listed.items.append([bullet["words"]])
                paragraph = None
            elif numbered := _NUMBERED.fullmatch(line):
                number = int(numbered["number"])
                if (
                    listed is None
                    or listed.tag != "ol"
                    or number != listed.start + len(listed.items)
                ):
                    listed = _Block("ol", start=number)
                    blocks.append(listed)
                listed.items.append([numbered["words"]])
                paragraph = None
            elif not line.strip():
                continue
            elif listed is not None and line[:1].isspace():
                listed.items[-1].append(line.strip())  # carries on the item above
            else:
                if paragraph is None:
                    paragraph = _Block("p", items=[[]])
                    blocks.append(paragraph)
                paragraph.items[0].append(line)
                listed = None
    return blocks


def staff_html(source: str) -> Markup:
    """What staff wrote to a person, as HTML for an email, a page or a printed letter."""
    # A line per paragraph, line and item: an email's lines must stay short (RFC 5322).
    return clean_html("\n".join(block.html() for block in _blocks(source)))


def staff_text(source: str) -> str:
    """The same words as plain text, for the email's text part: the lists as written, bold
    as plain words, a link as its words and its address."""
    return "\n".join(_inline_text(line) for line in source.replace("\r\n", "\n").split("\n"))
