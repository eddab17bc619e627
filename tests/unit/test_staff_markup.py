"""What staff write to a person (letters and messages) in a small markup, shown as HTML
cleaned by bleach's allow-list (portal/security.py): the markup renders, anything else
typed stays words, and no link leads anywhere but a web or email address."""

from html.parser import HTMLParser

import pytest

from portal.security import ALLOWED_TAGS, clean_html, staff_html, staff_text


class Elements(HTMLParser):
    """Each element as (tag, attributes), in order, and the words between them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.words: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.words.append(data)

    @property
    def tags(self) -> list[str]:
        return [tag for tag, _ in self.elements]

    @property
    def text(self) -> str:
        """The words, without the line breaks that keep an email's lines short."""
        return "".join(self.words).replace("\n", "")


def shown(source: str) -> Elements:
    return Elements(staff_html(source))


def one_line(source: str) -> str:
    """The HTML without the line breaks that keep an email's lines short."""
    return staff_html(source).replace("\n", "")


def test_a_blank_line_starts_a_paragraph_and_a_line_break_stays() -> None:
    html = one_line("Dear Pat,\n\nYours sincerely,\nChildren's Complaints Team")
    assert html == (
        '<p class="govuk-body">Dear Pat,</p>'
        '<p class="govuk-body">Yours sincerely,<br>Children&#39;s Complaints Team</p>'
    )


def test_lines_starting_with_a_dash_are_a_bulleted_list() -> None:
    html = one_line("What will change:\n- A new rota\n- Training (by 3 March)")
    assert html == (
        '<p class="govuk-body">What will change:</p>'
        '<ul class="govuk-list govuk-list--bullet"><li>A new rota</li>'
        "<li>Training (by 3 March)</li></ul>"
    )


def test_numbered_points_are_one_list_across_blank_lines_with_their_findings() -> None:
    # As the response letter's template writes each complaint point.
    source = (
        "1. Nobody came to the review.\n   Our finding: upheld.\n\n"
        "2. The worker was rude.\n   Our finding: not upheld."
    )
    assert one_line(source) == (
        '<ol class="govuk-list govuk-list--number">'
        "<li>Nobody came to the review.<br>Our finding: upheld.</li>"
        "<li>The worker was rude.<br>Our finding: not upheld.</li></ol>"
    )


def test_a_numbered_list_can_start_at_its_own_number() -> None:
    assert shown("3. The third point\n4. The fourth").elements[0] == (
        "ol",
        {"class": "govuk-list govuk-list--number", "start": "3"},
    )


def test_two_stars_make_words_bold() -> None:
    html = one_line("We **uphold** your complaint.")
    assert html == '<p class="govuk-body">We <strong>uphold</strong> your complaint.</p>'


@pytest.mark.parametrize(
    "address",
    [
        "https://www.lgo.org.uk/make-a-complaint",
        "http://council.example/a?b=1&c=2",
        "mailto:x@y.uk",
    ],
)
def test_a_link_to_a_web_or_email_address_is_a_link(address: str) -> None:
    page = shown(f"See [the ombudsman]({address}).")
    assert page.elements[1] == ("a", {"class": "govuk-link", "href": address})
    assert page.text == "See the ombudsman."


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(document.cookie)",
        "JaVaScRiPt:alert`1`",
        "javascript&#58;alert`1`",
        "vbscript:msgbox",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "/staff/cases",  # relative: nowhere, from an email
        "www.lgo.org.uk",  # no scheme: the same
        "https://",
        "mailto:",
    ],
)
def test_a_link_anywhere_else_is_only_its_words(address: str) -> None:
    page = shown(f"[Click here]({address}) now")
    assert page.tags == ["p"]
    assert page.text == "Click here now"
    assert staff_text(f"[Click here]({address}) now") == "Click here now"


@pytest.mark.parametrize(
    "typed, words",
    [
        ("<script>alert(1)</script>", None),
        ('"><img src=x onerror=alert(1)>', None),
        ("<b onmouseover=alert(1)>really</b>", None),
        ('<a href="javascript:alert(1)">click</a>', None),
        ("<style>body{display:none}</style>", None),
        ("<!-- hidden --> <![CDATA[x]]>", None),
        ("<iframe src=https://evil.example></iframe>", None),
        ("{{ 7 * 7 }} &lt;script&gt; Tom & Jerry", None),
        ("**<script>alert(1)</script>**", "<script>alert(1)</script>"),
        ("- <img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
        ("[<script>alert(1)</script>](https://council.example)", "<script>alert(1)</script>"),
        ('[x](https://council.example/"onmouseover="alert(1))', "x"),
    ],
)
def test_markup_typed_by_staff_is_shown_as_the_words_typed(typed: str, words: str | None) -> None:
    page = shown(typed)
    assert set(page.tags) <= {"p", "strong", "ul", "li", "a"}
    assert all(set(attributes) <= {"class", "href"} for _, attributes in page.elements)
    assert page.text == (words or typed)


def test_the_allow_list_keeps_only_its_tags_classes_and_addresses() -> None:
    """The guarantee, whatever HTML reaches it (not only the renderer's)."""
    cleaned = clean_html(
        '<p class="govuk-body portal-x" onclick="steal()" style="color:red">Hello'
        "<script>alert(1)</script><img src=x onerror=alert(1)><!-- note -->"
        '<a class="govuk-link" href="javascript:alert(1)">bad</a> '
        '<a class="govuk-link" href="https://council.example" target="_blank">good</a></p>'
        '<ol start="2" type="i"><li>x</li></ol><table><tr><td>cell</td></tr></table>'
    )
    page = Elements(cleaned)
    assert page.elements == [
        ("p", {}),
        ("a", {"class": "govuk-link", "href": "https://council.example"}),
        ("ol", {"start": "2"}),
        ("li", {}),
    ]
    assert page.text == "Helloalert(1)bad goodxcell"
    assert {"p", "br", "ul", "ol", "li", "strong", "a"} == ALLOWED_TAGS


def test_the_plain_text_part_comes_from_the_same_words() -> None:
    source = (
        "Dear Pat,\n\n**What will change:**\n- A new rota\n\n1. The review\n   Our finding: upheld."
        "\n\nSee [our policy](https://council.example/policy) or [email us](mailto:c@c.example)."
        "\n\nhttps://council.example/track is [https://council.example/track](https://council.example/track)"
    )
    assert staff_text(source) == (
        "Dear Pat,\n\nWhat will change:\n- A new rota\n\n1. The review\n   Our finding: upheld."
        "\n\nSee our policy (https://council.example/policy) or email us (c@c.example)."
        "\n\nhttps://council.example/track is https://council.example/track"
    )


def test_text_with_no_markup_reads_as_it_did() -> None:
    # A notice the portal writes, with its own paragraphs: only the tags are new.
    source = "Thank you for agreeing.\n\nWhy we need more time: the worker is away.\n\nCall us."
    assert staff_text(source) == source
    assert shown(source).tags == ["p", "p", "p"]
    assert shown(source).text == source.replace("\n\n", "")
