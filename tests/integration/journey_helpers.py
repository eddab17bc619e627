"""Helpers for driving the public journeys as a person would: read a page, fill it in,
press Continue, and look at what the page shows.

Pages are read with Python's own html.parser (no new dependency). A journey is filled
step by step by following the redirects the portal sends, so the tests see which
questions a person is really asked.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.domain.clock import LONDON
from portal.extensions import db
from portal.models import Submission, Team

JOURNEYS = {
    "complaint": "make-a-complaint",
    "compliment": "give-a-compliment",
    "advocacy": "ask-for-an-advocate",
    "representation": "tell-us-something-is-wrong",
}

VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)

Answers = dict[str, str | list[str]]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text_parts: list[str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def text(self) -> str:
        return squash("".join(self.text_parts))


class Page(HTMLParser):
    """A rendered page, read the way a person (or a screen reader) meets it."""

    def __init__(self, html: str, status: int = 200) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.status = status
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(html)
        self.close()

    # --- parsing --------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        if tag not in VOID_ELEMENTS:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text_parts.append(data)

    # --- what a person sees -----------------------------------------------------------

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Element]:
        return [
            e
            for e in self.elements
            if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
        ]

    def by_id(self, element_id: str) -> Element | None:
        return next((e for e in self.elements if e.attrs.get("id") == element_id), None)

    @property
    def title(self) -> str:
        titles = self.find_all("title")
        return titles[0].text if titles else ""

    @property
    def headings(self) -> list[str]:
        return [h.text for h in self.find_all("h1")]

    @property
    def text(self) -> str:
        """Everything inside <main>, as one line of words."""
        main = self.find_all("main")
        return main[0].text if main else ""

    @property
    def error_summary(self) -> list[tuple[str, str]]:
        """(href, message) for each link in the GOV.UK error summary."""
        summary = self.find_all("div", "govuk-error-summary")
        if not summary:
            return []
        start = self.elements.index(summary[0])
        links = []
        for element in self.elements[start + 1 :]:
            if element.tag == "div" and "govuk-error-summary" in element.classes:
                break
            if element.tag == "a" and element.attrs.get("href", "").startswith("#"):
                links.append((element.attrs["href"], element.text))
            if element.tag == "form":
                break
        return links

    @property
    def inline_errors(self) -> dict[str, str]:
        """Error messages beside their fields, by field id, without the hidden "Error:"."""
        errors = {}
        for element in self.find_all(cls="govuk-error-message"):
            field_id = element.attrs.get("id", "").removesuffix("-error")
            errors[field_id] = element.text.removeprefix("Error:").strip()
        return errors

    @property
    def csrf_token(self) -> str:
        for element in self.find_all("input"):
            if element.attrs.get("name") == "csrf_token":
                return element.attrs["value"]
        raise AssertionError("no csrf_token on the page")

    def value_of(self, name: str) -> str | list[str] | None:
        """What the page shows as the answer to `name`: a box's text, the checked
        radio, the ticked boxes, or the three parts of a date."""
        values = self.shown_values().get(name)
        if values is None:
            return None
        return values[0] if len(values) == 1 else values

    def shown_values(self) -> dict[str, list[str]]:
        """Every answer shown on the page's question form, as it would be posted if
        the person pressed Continue without typing anything."""
        shown: dict[str, list[str]] = {}
        for element in self.elements:
            name = element.attrs.get("name")
            if not name or name == "csrf_token":
                continue
            if element.tag == "textarea":
                # The parser keeps a textarea's content exactly (no squashing).
                shown.setdefault(name, []).append("".join(element.text_parts).lstrip("\n"))
            elif element.tag == "input":
                kind = element.attrs.get("type", "text")
                if kind in ("radio", "checkbox"):
                    if "checked" in element.attrs:
                        shown.setdefault(name, []).append(element.attrs.get("value", ""))
                elif kind not in ("submit", "button", "hidden"):
                    shown.setdefault(name, []).append(element.attrs.get("value", ""))
        return shown

    def link_to(self, text: str) -> str:
        for element in self.find_all("a"):
            if element.text == text:
                return element.attrs["href"]
        raise AssertionError(f"no link {text!r} on the page")

    @property
    def inline_scripts(self) -> list[Element]:
        return [e for e in self.find_all("script") if "src" not in e.attrs]

    @property
    def summary_answers(self) -> dict[str, str]:
        """Check your answers: question -> answer as shown (lines kept)."""
        rows = {}
        keys = self.find_all("dt", "govuk-summary-list__key")
        values = self.find_all("dd", "govuk-summary-list__value")
        for key, value in zip(keys, values, strict=True):
            rows[key.text] = "".join(value.text_parts).strip()
        return rows

    @property
    def notification_banner(self) -> str:
        banners = self.find_all("div", "govuk-notification-banner")
        return banners[0].text if banners else ""

    def duplicate_ids(self) -> list[str]:
        ids = [e.attrs["id"] for e in self.elements if "id" in e.attrs]
        return sorted({i for i in ids if ids.count(i) > 1})


def page_of(response: TestResponse) -> Page:
    return Page(response.get_data(as_text=True), response.status_code)


# --- teams and answers -------------------------------------------------------------------


def team_ids() -> dict[str, str]:
    """The services a person can choose, by the name the public sees, as form values."""
    rows = db.session.execute(
        sa.select(Team.public_name, Team.id).where(Team.shown_to_public, Team.is_active)
    )
    return {name: str(team_id) for name, team_id in rows}


def team_id(public_name: str = "Children in care") -> str:
    return team_ids()[public_name]


def london_today() -> date:
    return datetime.now(LONDON).date()


def date_parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


# Phone, voicemail and letters are all safe (the contact page asks everyone).
SAFE_EVERY_WAY = ["phone", "voicemail", "letters"]


def answers_for(kind: str, role: str, **overrides: Answers) -> dict[str, Answers]:
    """A full set of plausible answers for every step this person could be asked.
    `overrides` replaces whole steps by slug with underscores (what_happened=...)."""
    recent = london_today() - timedelta(days=20)
    what_happened: Answers = {"what_happened": "Nobody came to the review meeting."}
    if kind in ("complaint", "representation"):
        what_happened |= {"when_it_happened": "last_month", "event_date": date_parts(recent)}
    if kind == "advocacy":
        what_happened = {
            "what_happened": "I want help to say where I want to live.",
            "also_complain": "no",
        }
    if kind == "compliment":
        what_happened = {"what_happened": "Our social worker listened and came every week."}
    organisation: Answers = (
        {"organisation": "Speak Up Advocacy"}
        if role == "advocate"
        else {"professional_type": "school", "organisation": "Northmoor Academy"}
    )
    # A child says who it is about in their own words: "where I live" points to the
    # same team as an adult's "Children in care" (CHILD_TOPIC_TEAMS).
    about: Answers = {"about": "where_i_live"} if role == "child" else {"team": team_id()}
    if kind == "compliment":
        about |= {"worker_name": "Jo Bloggs"}
    steps: dict[str, Answers] = {
        "who-are-you": {"role": role},
        "are-you-safe": {"in_danger": "no"},
        "your-organisation": organisation,
        "about-the-child": {
            "child_name": "Sam Taylor",
            "child_date_of_birth": ["14", "3", "2012"],
            "child_age": "",
        },
        "the-childs-views": {"child_agreement": "agrees", "child_reply_preference": "through_me"},
        "your-age": {"age": "14"},
        "what-it-is-about": about,
        "what-happened": what_happened,
        "put-it-right": {"put_right": "An apology, and a worker who turns up."},
        "files": {},  # no file: sending one is optional
        "advocate": {"advocacy": "accepted"},
        "contact": {
            "name": "Alex Morgan",
            "contact_preference": "email",
            "email": "alex@example.com",
            "safe_to_contact": SAFE_EVERY_WAY,
        },
        "support": {"support": "none"},
    }
    for name, answers in overrides.items():
        steps[name.replace("_", "-")] = answers
    return steps


# --- driving a journey -------------------------------------------------------------------


class Journey:
    """One person's way through one journey, on one browser (test client)."""

    def __init__(self, client: FlaskClient, kind: str) -> None:
        self.client = client
        self.kind = kind
        self.slug = JOURNEYS[kind]
        self._token: str | None = None

    def url(self, step: str) -> str:
        return f"/{self.slug}/{step}"

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = page_of(self.client.get(self.url("who-are-you"))).csrf_token
        return self._token

    def get(self, step: str) -> Page:
        response = self.client.get(self.url(step))
        assert response.status_code == 200, (step, response.status_code, response.location)
        return page_of(response)

    def post(self, step: str, answers: Answers, *, token: str | None = "valid") -> TestResponse:
        data: dict[str, Any] = dict(answers)
        if token == "valid":
            data["csrf_token"] = self.token
        elif token is not None:
            data["csrf_token"] = token
        return self.client.post(self.url(step), data=data)

    def answer(self, step: str, answers: Answers) -> str:
        """Post one step; it must be accepted. Returns the slug the person is sent to.
        A page shown again with more to read ("not sure" about an advocate) is answered
        the same way again."""
        response = self.post(step, answers)
        if response.status_code == 302 and "more=yes" in response.location:
            data = {**answers, "csrf_token": self.token}
            response = self.client.post(response.location, data=data)
        if response.status_code != 302:
            page = page_of(response)
            raise AssertionError(f"{step} was not accepted: {page.error_summary}")
        return step_of(response.location)

    def fill(self, answers: dict[str, Answers], *, start: str = "who-are-you") -> list[str]:
        """Answer each step the portal asks for, in the order it asks, until check your
        answers. Returns the steps asked."""
        asked = []
        step = start
        while step != "check-answers":
            assert step not in asked, f"asked {step} twice: {asked}"
            if step not in answers:
                raise AssertionError(f"the portal asked {step!r}, which the test did not expect")
            asked.append(step)
            step = self.answer(step, answers[step])
        return asked

    def press_continue(self, step: str) -> str:
        """Press Continue on a page without typing: post what the page already shows."""
        page = self.get(step)
        return self.answer(step, page.shown_values())  # type: ignore[arg-type]

    def check_answers(self) -> Page:
        response = self.client.get(self.url("check-answers"))
        assert response.status_code == 200, response.location
        return page_of(response)

    def send(self, **extra: str) -> TestResponse:
        return self.client.post(self.url("check-answers"), data={"csrf_token": self.token, **extra})

    def send_and_confirm(self) -> Page:
        response = self.send()
        assert response.status_code == 302, response.status_code
        assert response.location.endswith(f"/{self.slug}/confirmation"), response.location
        return page_of(self.client.get(response.location))

    def complete(self, role: str, **overrides: Answers) -> tuple[list[str], Page]:
        asked = self.fill(answers_for(self.kind, role, **overrides))
        return asked, self.send_and_confirm()


def step_of(location: str) -> str:
    return location.rstrip("/").rsplit("/", 1)[-1].split("?")[0]


def submissions() -> list[Submission]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Submission).order_by(Submission.id)))


def only_submission() -> Submission:
    stored = submissions()
    assert len(stored) == 1, f"expected one submission, found {len(stored)}"
    return stored[0]


def in_words(day: date) -> str:
    """A date the way the GOV.UK style guide writes it: Wednesday 31 December 2025."""
    return f"{day:%A} {day.day} {day:%B %Y}"
