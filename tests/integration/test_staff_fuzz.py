"""Every back-office route, as each role (complaints manager, team member, auditor), with
odd values in its address, its query and every field of every staff form: the portal
answers with a page, a redirect or a refusal, never a server error.

The routes come from the app's URL map, so a new one is fuzzed without being listed; its
path parameters get the largest number the database holds, numbers too big for it, a
real case's reference and junk; the query and the body are drawn from the names every
staff form and view reads, and a few others."""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
import sqlalchemy as sa
from backoffice_helpers import browser, csrf_token, make_staff, new_complaint, sign_in
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz import HOSTILE, unicode_text
from werkzeug.routing import Rule
from wtforms import Form
from wtforms.fields.core import UnboundField

from portal.backoffice import forms as staff_forms
from portal.domain.access import Role
from portal.domain.stages import Move
from portal.extensions import db
from portal.models import Category, ComparatorFigure, RoutingRule, Team
from portal.numbers import DATABASE_INT_MAX

# Signing out ends the session the other examples use; the rest is fair game.
LEFT_OUT = {"backoffice.sign_out"}
ROLES = [Role.MANAGER, Role.TEAM_MEMBER, Role.AUDITOR]
TEAM = "Looked After Children"

QUERY_NAMES = [
    "team",
    "page",
    "kind",
    "stage",
    "status",
    "reference",
    "from",
    "to",
    "category",
    "next",
    "format",
]
OTHER_FIELDS = ["csrf_token", "version", "action", "direction", "hide", "upload"]


def form_fields() -> list[str]:
    """The field names of every staff form."""
    names = set(OTHER_FIELDS)
    for form in vars(staff_forms).values():
        if isinstance(form, type) and issubclass(form, Form):
            names |= {n for n in dir(form) if isinstance(getattr(form, n), UnboundField)}
    return sorted(names)


FIELDS = form_fields()
HUGE = ["2147483648", "9" * 30, "-1", "²", "0"]
PLAUSIBLE = [
    "",
    "1",
    "2",
    "3",
    "yes",
    "no",
    "up",
    "down",
    "save",
    "submit",
    "approve",
    "return",
    "place",
    "lift",
    "json",
    "complaint",
    "compliment",
    "stage1",
    "upheld",
    "apology",
    "phone",
    "letter",
    "complainant",
    "advocate",
    "/staff/",
    "/staff/%0d%0a",
    "//elsewhere.example",
    "2025-04-01",
    "2026-03-31",
    "0001-01-01",
    "9999-12-31",
    "pat@example.com",
    "queue",
    str(DATABASE_INT_MAX),
]
a_date = st.sampled_from(
    [
        ["1", "1", "9999"],
        ["31", "12", "9999"],
        ["1", "1", "1900"],
        ["29", "2", "2026"],
        ["1", "1", "2026"],
        ["15", "6", str(date.today().year)],
        ["0", "0", "0"],
        ["9" * 30, "1", "2026"],
    ]
)
small = st.one_of(
    st.sampled_from(PLAUSIBLE),
    st.sampled_from(HUGE),
    st.sampled_from(HOSTILE),
    unicode_text,
    st.integers(-(10**30), 10**30).map(str),
)
field_value = st.one_of(small, a_date, st.lists(small, max_size=4))
any_name = st.one_of(st.sampled_from(FIELDS), unicode_text)


class FormOptions(HTMLParser):
    """What a page's forms offer for each field: the value shown in a box or hidden
    field, and every option of a radio, a box to tick or a select."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.options: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        name = found.get("name")
        if tag == "select":
            self._select = name
        elif tag == "option" and self._select:
            self.options.setdefault(self._select, []).append(found.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.options.setdefault(name, [])
        elif tag == "input" and name and found.get("type") not in ("submit", "button"):
            self.options.setdefault(name, []).append(found.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.options[self._textarea].append(data)


def as_the_page_offers(page: str) -> st.SearchStrategy[dict[str, Any]]:
    """A body a person could send from the page: one of the offered values each."""
    offered = {name: values or [""] for name, values in FormOptions(page).options.items()}
    return st.fixed_dictionaries({name: st.sampled_from(v) for name, v in offered.items()})


@dataclass
class Place:
    """What the fuzz has to work on: a real case, rule, team, category and comparator."""

    reference: str
    ids: list[str]


@dataclass
class Staff:
    role: Role
    client: FlaskClient
    token: str


@pytest.fixture
def place(app: Flask) -> Place:
    case = new_complaint(team=TEAM)
    team = db.session.scalars(sa.select(Team).where(Team.name == TEAM)).one()
    db.session.add(RoutingRule(name="Foster", team_id=team.id, position=10, words=["foster"]))
    db.session.add(ComparatorFigure(council="Southmoor", year="2025 to 26", complaints=120))
    db.session.commit()
    ids = {
        str(i)
        for model in (RoutingRule, Team, Category, ComparatorFigure)
        for i in db.session.scalars(sa.select(model.id))
    }
    return Place(case.reference, sorted(ids))


@pytest.fixture
def staff(app: Flask, place: Place) -> Iterator[dict[Role, Staff]]:
    """One signed-in browser for each role."""
    signed_in = {}
    for role in ROLES:
        client = browser(app)
        sign_in(client, make_staff(role, team=TEAM if role is Role.TEAM_MEMBER else None))
        token = csrf_token(client.get("/staff/").get_data(as_text=True))
        signed_in[role] = Staff(role, client, token)
    yield signed_in


def staff_routes(app: Flask) -> list[Rule]:
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/staff") and rule.endpoint not in LEFT_OUT
        ),
        key=lambda rule: (rule.rule, rule.endpoint),
    )


def path_value(rule: Rule, name: str) -> st.SearchStrategy[str]:
    """Values for one path parameter: real ones mostly, so the view's own code runs."""
    converter = type(rule._converters[name]).__name__  # type: ignore[attr-defined]
    if "Int" in converter:
        return st.one_of(
            st.sampled_from(["1", "2", "3", str(DATABASE_INT_MAX), *HUGE]),
            st.integers(0, DATABASE_INT_MAX).map(str),
        )
    if name == "move":
        return st.one_of(st.sampled_from([m.value for m in Move]), unicode_text)
    if name == "section":
        return st.one_of(
            st.sampled_from(["contacts", "stages", "timeliness", "feedback", "categories"]),
            unicode_text,
        )
    return unicode_text


def url_for_rule(rule: Rule, values: dict[str, str]) -> str:
    """The rule's address with `values` in place of its parameters (quoted, since
    anything can be in them)."""
    from urllib.parse import quote

    path = rule.rule
    for name, value in values.items():
        converter = rule._converters[name]  # type: ignore[attr-defined]
        kind = {"DatabaseIntConverter": "int"}.get(type(converter).__name__)
        placeholder = f"<{kind}:{name}>" if kind else f"<{name}>"
        path = path.replace(placeholder, quote(value, safe="") or "x")
    return path


def sent(staff: Staff, method: str, url: str, query: Any, body: Any, htmx: bool) -> int:
    headers = {"HX-Request": "true"} if htmx else {}
    if method == "GET":
        response = staff.client.get(url, query_string=query, headers=headers)
    else:
        response = staff.client.post(url, query_string=query, data=body, headers=headers)
    return response.status_code


# Each odd input sent to every route: numbers just past what the database holds and far
# past it (in the address, the query and every field of every staff form at once), and
# dates at the ends of the calendar.
TOO_BIG = "9" * 30
ODD_INPUTS = [
    ("the largest number", str(DATABASE_INT_MAX), {}),
    ("a number just too big", str(DATABASE_INT_MAX + 1), {}),
    ("30 digits everywhere", TOO_BIG, {name: TOO_BIG for name in QUERY_NAMES + FIELDS}),
    ("from the year 1", str(DATABASE_INT_MAX), {"from": "0001-01-01", "to": "2026-03-31"}),
    ("to the year 9999", str(DATABASE_INT_MAX), {"from": "2025-04-01", "to": "9999-12-31"}),
]


def fixed_values(rule: Rule, number: str, reference: str) -> dict[str, str]:
    values = {}
    for name, converter in rule._converters.items():  # type: ignore[attr-defined]
        is_number = "Int" in type(converter).__name__
        values[name] = number if is_number else reference
    if "move" in values:
        values["move"] = Move.ACCEPT.value
    if "section" in values:
        values["section"] = "contacts"
    return values


def test_every_staff_route_as_every_role_with_odd_input_is_no_server_error(
    app: Flask, place: Place, staff: dict[Role, Staff]
) -> None:
    """Each route once a role and method for each odd input: the real case's reference,
    the odd input in the address and the query, and in every field of the body."""
    failures = []
    for odd, number, query in ODD_INPUTS:
        for rule in staff_routes(app):
            converters = rule._converters.values()  # type: ignore[attr-defined]
            has_number = any("Int" in type(c).__name__ for c in converters)
            if not query and not has_number and number != str(DATABASE_INT_MAX):
                continue  # the same request as with the largest number
            url = url_for_rule(rule, fixed_values(rule, number, place.reference))
            for person in staff.values():
                body = {name: value for name, value in query.items() if name in FIELDS}
                body["csrf_token"] = person.token
                for method in sorted(rule.methods & {"GET", "POST"}):  # type: ignore[operator]
                    status = sent(person, method, url, query, body, False)
                    if status >= 500:
                        failures.append((odd, person.role.value, method, url, status))
    assert failures == []


@settings(
    max_examples=int(os.environ.get("STAFF_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_query_or_form_sent_to_any_staff_route_by_any_role_is_a_server_error(
    app: Flask, place: Place, staff: dict[Role, Staff], data: st.DataObject
) -> None:
    rule = data.draw(st.sampled_from(staff_routes(app)), label="route")
    person = staff[data.draw(st.sampled_from(ROLES), label="role")]
    values = {
        name: data.draw(
            st.one_of(
                st.just(place.reference) if name == "reference" else st.sampled_from(place.ids),
                path_value(rule, name),
            ),
            label=name,
        )
        for name in rule.arguments
    }
    method = data.draw(st.sampled_from(sorted(rule.methods & {"GET", "POST"})), label="method")  # type: ignore[operator]
    query = data.draw(
        st.dictionaries(
            st.one_of(st.sampled_from(QUERY_NAMES + FIELDS), unicode_text), small, max_size=4
        ),
        label="query",
    )
    url = url_for_rule(rule, values)
    body: dict[str, Any] = {}
    if method == "POST":
        body = data.draw(st.dictionaries(any_name, field_value, max_size=8), label="body")
        if "GET" in rule.methods and data.draw(st.booleans(), label="from the page"):  # type: ignore[operator]
            # Mostly what the page offers, with a few changes: past the form's checks.
            page = person.client.get(url, query_string=query)
            if page.status_code == 200:
                offered = as_the_page_offers(page.get_data(as_text=True))
                changes = data.draw(st.dictionaries(any_name, field_value, max_size=3))
                body = data.draw(offered, label="offered") | changes
        # Hypothesis leans to the first choice: with the token, most of the time.
        if data.draw(st.sampled_from(["with"] * 7 + ["without"]), label="token") == "with":
            body["csrf_token"] = person.token
    htmx = data.draw(st.booleans(), label="htmx")

    status = sent(person, method, url, query, body, htmx)

    assert status < 500, (person.role.value, method, url, query, body, status)
