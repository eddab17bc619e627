"""What the browser tests know about the portal: its journeys, the answers a person
gives on each question page, and two ways of giving them (a pointer and a keyboard).

The pages a journey asks come from the app's own rules (portal.domain.journeys), so a
test that expects a page the app skips, or lands on a page it did not expect, fails.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from babel.support import Translations
from browser_env import ROOT
from playwright.sync_api import Page

from portal.domain.clock import LONDON
from portal.domain.journeys import CHECK_ANSWERS, steps_for
from portal.domain.types import Kind, SubmitterRole
from portal.public.journey import KIND_SLUGS

KINDS = (Kind.COMPLAINT, Kind.REPRESENTATION, Kind.COMPLIMENT, Kind.ADVOCACY)

# The link on the start page that begins each journey.
START_LINKS = {
    Kind.COMPLAINT: "Make a complaint",
    Kind.REPRESENTATION: "Tell us something is wrong",
    Kind.ADVOCACY: "Ask for an advocate",
    Kind.COMPLIMENT: "Give a compliment",
}

FIRST_STEP = "who-are-you"


def this_year() -> int:
    """The year of receipt is the London year, whatever the machine's time zone."""
    return datetime.now(LONDON).year


def first_reference() -> str:
    """The reference of the first submission on an empty database."""
    return f"CSC-{this_year()}-0001"


def audience(role: SubmitterRole) -> str:
    return "child" if role is SubmitterRole.CHILD else "adult"


def page_name(kind: Kind, who: str, step: str, *, errors: bool = False) -> str:
    """How a page is named in test ids and messages, e.g.
    "make-a-complaint/child/what-happened (errors)". The first question is the same
    for everyone (nobody has said who they are yet), so it has one name."""
    where = KIND_SLUGS[kind] if step == FIRST_STEP else f"{KIND_SLUGS[kind]}/{who}"
    return f"{where}/{step}" + (" (errors)" if errors else "")


def journey_path(kind: Kind, step: str) -> str:
    return f"/{KIND_SLUGS[kind]}/{step}"


# The button that sends a page "empty". The files page has nothing to fill in: its
# error is an upload with no file chosen.
EMPTY_BUTTON = {"files": "Upload this file"}


def pages_of(kind: Kind, role: SubmitterRole) -> list[str]:
    """The question pages this person is asked, then check your answers."""
    return [*steps_for(kind, role), CHECK_ANSWERS]


# --- the public pages --------------------------------------------------------------------

# Who walks which journey to meet every page: a child and a parent in each of the four
# journeys, and the two people who are asked about their organisation.
ROUTES: list[tuple[Kind, SubmitterRole]] = [
    (kind, role) for kind in KINDS for role in (SubmitterRole.CHILD, SubmitterRole.PARENT)
]
ORGANISATION_ROUTES = [
    (Kind.COMPLAINT, SubmitterRole.PROFESSIONAL),
    (Kind.COMPLAINT, SubmitterRole.ADVOCATE),
]
# A child who says they are in danger sees "get help now", and words that worry us are
# shown back and the child asked again; anyone can save their answers and come back with
# the emailed link.
SAVING = [
    "get help now",
    "get help now (errors)",
    "check you are safe (a child)",
    "check you are safe (a child, errors)",
    "save for later",
    "save for later (errors)",
    "saved",
    "link not working",
]
# After a complaint closes: the questionnaire (an adult's from their email, a child's from
# their tracking page, an adult's in Welsh), each sent empty, then the thanks.
FEEDBACK = [
    *(
        name
        for who in ("adult", "child", "welsh")
        for name in (f"feedback/{who}", f"feedback/{who} (errors)", f"feedback/{who}/thank-you")
    ),
    "feedback link used",
    "feedback link not working",
    "tracking a closed case (questions to answer)",
    "tracking a closed case (questions answered)",
]
# What a public body must publish, linked from every public page's footer.
INFORMATION_PAGES = {
    "privacy notice": "/privacy",
    "accessibility statement": "/accessibility-statement",
    "cookies": "/cookies",
}
# Answers the portal asks a person to check (a young person of 25 or older) or to change
# (a date outside the time they chose).
ASKED_TO_CHECK = [
    "make-a-complaint/adult/about-the-child (asked to check)",
    "make-a-complaint/adult/what-happened (date does not fit)",
    "make-a-complaint/child/your-age (asked to check)",
]
# "Text me": the contact page with the mobile box shown and a landline refused, then
# check your answers with the number as typed (issue 18).
TEXT_ME = [
    f"make-a-complaint/{who}/{page}"
    for who in ("child", "adult")
    for page in ("contact (text me, errors)", "check-answers (text me)")
]
# Not sure about an advocate: what one does, then the question again.
NOT_SURE_ABOUT_AN_ADVOCATE = ["advocate, not sure (child)", "advocate, not sure (adult)"]
# A lost link: the reference and the email address or phone number given, a new link sent.
FIND_YOUR_COMPLAINT = [
    "find your complaint",
    "find your complaint (errors)",
    "find your complaint (asked)",
]
# The complainant's side of an answered complaint, from its tracking page (issue 17).
COMPLAINANT_SIDE = [
    "tracking an answered complaint",
    *(
        name
        for step in ("reply to us", "add information or files", "ask for more time")
        for name in (step, f"{step} (errors)")
    ),
    "reply sent",
    "stop your complaint",
    "are you sure you want to stop",
    "ask for stage 2",
    "ask for stage 2 (errors)",
    "stage 2 asked for",
    "stage 2 already asked for",
    "a copy of what you sent",
    "tracking an adjudicated complaint",
    "ask for a review panel",
    "ask for a review panel (errors)",
    "review panel asked for",
]
EXTRA_PAGES = [
    "start",
    *INFORMATION_PAGES,
    "page not found",
    "session expired",
    "session ended",
    *SAVING,
    *NOT_SURE_ABOUT_AN_ADVOCATE,
    "check you are safe (an adult)",
    *FEEDBACK,
    *ASKED_TO_CHECK,
    *TEXT_ME,
    *FIND_YOUR_COMPLAINT,
    *COMPLAINANT_SIDE,
]
# An answer to each of the questionnaire's questions (5 is the best of the scale).
FEEDBACK_ANSWERS = {"easy": "5", "informed": "4", "on_time": "4", "respect": "5", "satisfied": "3"}

WELSH = Translations.load(str(ROOT / "portal" / "translations"), ["cy"])


def welsh(english: str) -> str:
    """The portal's Welsh for these English words, from its own catalogue."""
    words = WELSH.gettext(english)
    assert words != english, f"no Welsh for {english!r}"
    return str(words)


def route_pages(kind: Kind, role: SubmitterRole) -> list[str]:
    who = audience(role)
    names = []
    for step in pages_of(kind, role)[:-1]:
        names += [page_name(kind, who, step), page_name(kind, who, step, errors=True)]
    return [*names, page_name(kind, who, "check-answers"), page_name(kind, who, "confirmation")]


def organisation_pages(role: SubmitterRole) -> list[str]:
    return [
        page_name(Kind.COMPLAINT, role.value, "your-organisation"),
        page_name(Kind.COMPLAINT, role.value, "your-organisation", errors=True),
    ]


def every_public_page() -> list[str]:
    names = list(EXTRA_PAGES)
    for kind, role in ROUTES:
        names += route_pages(kind, role)
    for _, role in ORGANISATION_ROUTES:
        names += organisation_pages(role)
    # The first page is the same for everyone (the role is not known yet): one of each.
    return list(dict.fromkeys(names))


def childs_route() -> list[str]:
    """Every page a child meets, error states included, from the start page on."""
    names = ["start"]
    for kind in KINDS:
        names += route_pages(kind, SubmitterRole.CHILD)
    return [
        *names,
        *SAVING,
        *(name for name in ASKED_TO_CHECK if "/child/" in name),
        NOT_SURE_ABOUT_AN_ADVOCATE[0],
        *(name for name in TEXT_ME if "/child/" in name),
    ]


# --- answering the questions ------------------------------------------------------------


class Filler(Protocol):
    """One way of answering a page: the questions are the same, the hands differ."""

    page: Page

    def radio(self, name: str, value: str) -> None: ...

    def text(self, name: str, words: str) -> None: ...

    def date(self, name: str, day: str, month: str, year: str) -> None: ...

    def tick(self, name: str, value: str) -> None: ...

    def press_button(self, text: str) -> Any: ...


@dataclass(frozen=True)
class Words:
    """What a person types. A child's words are a child's: short and plain."""

    what_happened: str
    put_right: str
    name: str
    email: str
    worker_name: str = "Jo"
    child_name: str = "Sam Taylor"
    organisation: str = "Speak Up Northmoor"


CHILD_WORDS = Words(
    what_happened="My social worker did not come to see me. I waited all day.",
    put_right="Say sorry, and come when you say you will.",
    name="Alex",
    email="alex@example.com",
)
ADULT_WORDS = Words(
    what_happened="The social worker missed three visits in May and did not call us back.",
    put_right="An apology, and visits on the days agreed.",
    name="Pat Taylor",
    email="pat@example.com",
)


# Words that worry us (docs/safeguarding-what-happens.md): shown back, and asked again.
WORRYING_WORDS = replace(CHILD_WORDS, what_happened="My stepdad hits me when mum is at work.")


def words_for(role: SubmitterRole) -> Words:
    return CHILD_WORDS if role is SubmitterRole.CHILD else ADULT_WORDS


def team_value(page: Page, label: str) -> str:
    """The value of the team radio a person picks by its words (ids differ by database).
    Read from the page, so it works with JavaScript off too."""
    value = page.get_by_role("radio", name=label, exact=True).get_attribute("value")
    assert value, f"no team called {label!r} on {page.url}"
    return value


def answer(
    fill: Filler,
    kind: Kind,
    role: SubmitterRole,
    step: str,
    *,
    words: Words | None = None,
    contact: str = "email",
    also_complain: str = "no",
    in_danger: str = "no",
) -> None:
    """Answer one question page as this person would, in the order the page asks."""
    words = words or words_for(role)
    if step == "who-are-you":
        fill.radio("role", role.value)
    elif step == "are-you-safe":
        fill.radio("in_danger", in_danger)
    elif step == "files":
        pass  # sending a file is optional
    elif step == "your-organisation":
        if role is SubmitterRole.PROFESSIONAL:
            fill.radio("professional_type", "school")
            fill.text("organisation", "Northmoor Academy")
        else:
            fill.text("organisation", words.organisation)
    elif step == "about-the-child":
        fill.text("child_name", words.child_name)
        fill.date("child_date_of_birth", "14", "3", "2013")
    elif step == "the-childs-views":
        fill.radio("child_agreement", "agrees")
        fill.radio("child_reply_preference", "through_me")
    elif step == "your-age":
        fill.text("age", "14")
    elif step == "what-it-is-about":
        if role is SubmitterRole.CHILD:
            fill.radio("about", "social_worker")  # a child says it in a child's words
        else:
            fill.radio("team", team_value(fill.page, "A social worker helping a family"))
        if kind is Kind.COMPLIMENT:
            fill.text("worker_name", words.worker_name)
    elif step == "what-happened":
        fill.text("what_happened", words.what_happened)
        if kind in (Kind.COMPLAINT, Kind.REPRESENTATION):
            fill.radio("when_it_happened", "last_month")
        if kind is Kind.ADVOCACY:
            fill.radio("also_complain", also_complain)
    elif step == "put-it-right":
        fill.text("put_right", words.put_right)
    elif step == "advocate":
        fill.radio("advocacy", "accepted")
    elif step == "contact":
        fill.text("name", words.name)
        fill.radio("contact_preference", contact)
        if contact == "email":
            fill.text("email", words.email)
        elif contact == "phone":
            fill.text("phone", "020 7946 0000")
        elif contact == "text":
            fill.text("mobile", "07700 900 982")
        elif contact == "post":
            fill.text("address", "2 Mill Lane, Northmoor")
            fill.text("postcode", "NM1 2AB")
        for safe in ("phone", "letters"):
            fill.tick("safe_to_contact", safe)
    elif step == "support":
        fill.tick("support", "none")
    else:
        raise AssertionError(f"no answers known for the page {step!r}")


class PointerFiller:
    """Answers with Playwright's ordinary actions (a mouse and typing)."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def radio(self, name: str, value: str) -> None:
        self.page.locator(f'input[type="radio"][name="{name}"][value="{value}"]').check()

    def text(self, name: str, words: str) -> None:
        self.page.locator(f'[name="{name}"]').fill(words)

    def date(self, name: str, day: str, month: str, year: str) -> None:
        for part, value in (("day", day), ("month", month), ("year", year)):
            self.page.locator(f"#{name}-{part}").fill(value)

    def tick(self, name: str, value: str) -> None:
        self.page.locator(f'input[type="checkbox"][name="{name}"][value="{value}"]').check()

    def press_button(self, text: str) -> Any:
        """Press a button that sends a form; returns the response that was loaded."""
        with self.page.expect_navigation() as navigation:
            self.page.get_by_role("button", name=text, exact=True).click()
        return navigation.value


# What has the focus: enough to say where the keyboard is, in a failure message too.
FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return {tag: 'body'};
    return {
        tag: e.tagName.toLowerCase(),
        id: e.id || '',
        name: e.getAttribute('name') || '',
        type: e.getAttribute('type') || '',
        value: 'value' in e ? String(e.value) : '',
        checked: !!e.checked,
        text: (e.innerText || '').replace(/\\s+/g, ' ').trim().slice(0, 60),
    };
}"""


class KeyboardFiller:
    """Answers with the keyboard only: Tab to reach a control, arrows and Space to
    choose, typing into the field that has the focus, Enter to send.

    Each page is entered as a keyboard user would: Tab to "Skip to main content" and
    press Enter, then Tab through the page's questions in order. Every key is sent to
    whatever has the focus: nothing is clicked and no field is filled from outside."""

    MAX_TABS = 40

    def __init__(self, page: Page) -> None:
        self.page = page
        self.in_main = False

    def focused(self) -> dict[str, Any]:
        return dict(self.page.evaluate(FOCUSED))

    def new_page(self) -> None:
        self.in_main = False

    def skip_to_main(self) -> None:
        self.page.keyboard.press("Tab")
        here = self.focused()
        assert here.get("text") == "Skip to main content", (
            f"the first Tab on {self.page.url} reached {here}, not the skip link"
        )
        self.page.keyboard.press("Enter")
        self.in_main = True

    def tab_to(self, wanted: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
        if not self.in_main:
            self.skip_to_main()
        path = []
        for _ in range(self.MAX_TABS):
            self.page.keyboard.press("Tab")
            here = self.focused()
            if wanted(here):
                return here
            path.append(here)
        trail = "\n".join(f"  {p}" for p in path)
        raise AssertionError(f"Tab never reached {what} on {self.page.url}; it went to:\n{trail}")

    def radio(self, name: str, value: str) -> None:
        here = self.tab_to(
            lambda f: f.get("type") == "radio" and f.get("name") == name, f"the {name} radios"
        )
        for _ in range(20):
            if here.get("value") == value:
                self.page.keyboard.press("Space")
                here = self.focused()
                assert here.get("checked"), f"Space did not choose {name}={value}"
                return
            self.page.keyboard.press("ArrowDown")
            here = self.focused()
        raise AssertionError(f"the arrow keys never reached {name}={value} on {self.page.url}")

    def text(self, name: str, words: str) -> None:
        self.tab_to(
            lambda f: f.get("name") == name and f.get("tag") in ("input", "textarea"),
            f"the {name} field",
        )
        self.page.keyboard.type(words)
        typed = self.focused().get("value")
        assert typed == words, f"typed {words!r} but the {name} field holds {typed!r}"

    def date(self, name: str, day: str, month: str, year: str) -> None:
        self.tab_to(lambda f: f.get("id") == f"{name}-day", f"the {name} day box")
        self.page.keyboard.type(day)
        for part, value in (("month", month), ("year", year)):
            self.page.keyboard.press("Tab")
            here = self.focused()
            assert here.get("id") == f"{name}-{part}", f"Tab went to {here}, not the {part} box"
            self.page.keyboard.type(value)

    def tick(self, name: str, value: str) -> None:
        self.tab_to(
            lambda f: f.get("type") == "checkbox" and f.get("value") == value,
            f"the {name}={value} checkbox",
        )
        self.page.keyboard.press("Space")
        assert self.focused().get("checked"), f"Space did not tick {name}={value}"

    def press_button(self, text: str) -> Any:
        self.tab_to(
            lambda f: f.get("tag") in ("button", "a") and f.get("text") == text,
            f"the {text!r} button",
        )
        with self.page.expect_navigation() as navigation:
            self.page.keyboard.press("Enter")
        self.new_page()
        return navigation.value

    def follow_link(self, text: str) -> Any:
        """Tab from the top of the page to a link and press Enter on it."""
        self.in_main = True  # on the start page the links are reached by Tab alone
        here = self.tab_to(lambda f: f.get("text") == text, f"the {text!r} link")
        assert here.get("tag") == "a", here
        with self.page.expect_navigation() as navigation:
            self.page.keyboard.press("Enter")
        self.new_page()
        return navigation.value


def complete_journey(
    fill: Filler,
    kind: Kind,
    role: SubmitterRole,
    *,
    on_page: Callable[[str], None] | None = None,
    **answers: Any,
) -> None:
    """From the first question to check your answers, checking that each page is the
    one the journey's rules say comes next. `on_page` is called on arrival at each."""
    for step in steps_for(kind, role):
        assert fill.page.url.endswith(journey_path(kind, step)), (
            f"expected {journey_path(kind, step)}, the browser is on {fill.page.url}"
        )
        if on_page:
            on_page(step)
        answer(fill, kind, role, step, **answers)
        fill.press_button("Continue")
    assert fill.page.url.endswith(journey_path(kind, CHECK_ANSWERS)), fill.page.url


def reference_shown(page: Page) -> str:
    """The reference in the confirmation panel."""
    return page.locator(".govuk-panel__body strong").inner_text().strip()
