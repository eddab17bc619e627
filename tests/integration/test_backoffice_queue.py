"""The triage queue: every open submission with what the council owes next and by when,
filtered, searched, counted by status, sorted by due date and paged; htmx updates the
results and single rows in place, and every control works as a plain form without it."""

from datetime import date, datetime, timedelta
from typing import NamedTuple
from urllib.parse import quote

import pytest
from backoffice_helpers import (
    browser,
    date_parts,
    errors_shown_twice,
    look,
    new_complaint,
    post_form,
    queue_references,
    read,
    received_at,
    save,
    sign_in_as_manager,
    team_id,
)
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.domain.clock import LONDON, add_working_days
from portal.domain.types import Kind
from portal.services import triage

JAN_5_2026 = date(2026, 1, 5)


def london_today() -> date:
    return datetime.now(LONDON).date()


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    client = browser(app)
    sign_in_as_manager(client)
    return client


class Queue(NamedTuple):
    overdue: str  # acknowledgement due Thu 8 Jan 2026
    stage1: str  # stage 1 response due Mon 19 Jan 2026
    due_soon: str  # acknowledgement due within 2 working days
    compliment: str  # acknowledgement due in 3 working days
    nothing_due: str  # answered at stage 1: nothing owed until stage 2 is asked for
    closed: str  # withdrawn: not in the queue


def due_soon_receipt(today: date) -> date:
    """A day of receipt whose 3-day acknowledgement falls due within 2 working days."""
    soon = add_working_days(today, 2)
    for back in range(10):
        received = today - timedelta(days=back)
        if today <= add_working_days(received, 3) <= soon:
            return received
    raise AssertionError("no such day")


@pytest.fixture
def queue(manager: FlaskClient) -> Queue:
    today = london_today()
    overdue = new_complaint(when=received_at(JAN_5_2026)).reference
    stage1 = new_complaint(team="Fostering", when=received_at(JAN_5_2026)).reference
    save(
        manager,
        f"/staff/cases/{stage1}/acknowledge",
        {"how": "letter", "on": date_parts(JAN_5_2026)},
    )
    save(manager, f"/staff/cases/{stage1}/move/accept", {"on": date_parts(JAN_5_2026)})
    due_soon = new_complaint(team="Fostering", when=received_at(due_soon_receipt(today)))
    compliment = new_complaint(kind=Kind.COMPLIMENT, when=received_at(today))
    nothing_due = new_complaint(when=received_at(JAN_5_2026)).reference
    save(
        manager,
        f"/staff/cases/{nothing_due}/acknowledge",
        {"how": "phone", "on": date_parts(JAN_5_2026)},
    )
    save(manager, f"/staff/cases/{nothing_due}/move/accept", {"on": date_parts(JAN_5_2026)})
    save(
        manager,
        f"/staff/cases/{nothing_due}/move/respond_stage1",
        {"on": date_parts(date(2026, 1, 9)), "outcome": "upheld"},
    )
    closed = new_complaint(when=received_at(JAN_5_2026)).reference
    save(manager, f"/staff/cases/{closed}/move/withdraw", {"on": date_parts(JAN_5_2026)})
    return Queue(overdue, stage1, due_soon.reference, compliment.reference, nothing_due, closed)


def in_words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def counts(page_text: str) -> str:
    start = page_text.index("Overdue:")
    return page_text[start : page_text.index(" open case")].rsplit(" ", 1)[0]


def test_every_open_submission_is_listed_with_its_next_due_date_status_team_and_stage(
    manager: FlaskClient, queue: Queue
) -> None:
    page = look(manager, "/staff/")
    assert page.headings == ["Triage queue"]
    assert queue.closed not in page.text
    rows = {ref: page.by_id(f"row-{ref}") for ref in queue_references(page)}
    texts = {ref: row.text.split(" Actions ")[0] for ref, row in rows.items() if row}
    # The stage 1 response runs from receipt, beside the acknowledgement.
    assert texts[queue.overdue] == (
        f"{queue.overdue} Complaint 5 January 2026 Acknowledge by 8 January 2026 "
        "Stage 1 response by 19 January 2026 Overdue Looked After Children Triage"
    )
    assert texts[queue.stage1] == (
        f"{queue.stage1} Complaint 5 January 2026 Stage 1 response by 19 January 2026 Overdue "
        "Fostering Stage 1"
    )
    assert " Due within 2 working days Fostering Triage" in texts[queue.due_soon]
    assert texts[queue.compliment].startswith(f"{queue.compliment} Compliment ")
    assert texts[queue.compliment].endswith(" On track Looked After Children Triage")
    assert texts[queue.nothing_due] == (
        f"{queue.nothing_due} Complaint 5 January 2026 Nothing due On track "
        "Looked After Children Stage 1"
    )


def test_the_queue_is_sorted_by_due_date_with_nothing_due_last(
    manager: FlaskClient, queue: Queue
) -> None:
    assert queue_references(look(manager, "/staff/")) == [
        queue.overdue,
        queue.stage1,
        queue.due_soon,
        queue.compliment,
        queue.nothing_due,
    ]


def test_the_counts_show_how_many_are_overdue_due_soon_and_on_track(
    manager: FlaskClient, queue: Queue
) -> None:
    page = look(manager, "/staff/")
    assert counts(page.text) == "Overdue: 2 Due within 2 working days: 1 On track: 2"
    assert "5 open cases, sorted by the next due date." in page.text


@pytest.mark.parametrize(
    ("query", "expected", "shown_counts"),
    [
        (
            "status=overdue",
            ["overdue", "stage1"],
            "Overdue: 2 Due within 2 working days: 1 On track: 2",
        ),
        ("status=due_soon", ["due_soon"], "Overdue: 2 Due within 2 working days: 1 On track: 2"),
        (
            "status=on_track",
            ["compliment", "nothing_due"],
            "Overdue: 2 Due within 2 working days: 1 On track: 2",
        ),
        ("kind=compliment", ["compliment"], "Overdue: 0 Due within 2 working days: 0 On track: 1"),
        (
            "stage=stage1",
            ["stage1", "nothing_due"],
            "Overdue: 1 Due within 2 working days: 0 On track: 1",
        ),
        (
            "team={fostering}",
            ["stage1", "due_soon"],
            "Overdue: 1 Due within 2 working days: 1 On track: 0",
        ),
        (
            "team={fostering}&status=overdue",
            ["stage1"],
            "Overdue: 1 Due within 2 working days: 1 On track: 0",
        ),
        (
            "kind=complaint&stage=triage",
            ["overdue", "due_soon"],
            "Overdue: 1 Due within 2 working days: 1 On track: 0",
        ),
        ("stage=stage3", [], "Overdue: 0 Due within 2 working days: 0 On track: 0"),
    ],
)
def test_the_filters_narrow_the_list_and_the_counts(
    manager: FlaskClient, queue: Queue, query: str, expected: list[str], shown_counts: str
) -> None:
    page = look(manager, "/staff/?" + query.format(fostering=team_id("Fostering")))
    assert queue_references(page) == [getattr(queue, name) for name in expected]
    assert counts(page.text) == shown_counts
    if not expected:
        assert "No open cases match these filters." in page.text


def test_the_filters_are_shown_as_chosen(manager: FlaskClient, queue: Queue) -> None:
    fostering = str(team_id("Fostering"))
    page = look(manager, f"/staff/?kind=complaint&team={fostering}&stage=stage1&status=overdue")
    selected = {
        select.attrs["name"]: option.attrs["value"]
        for select in page.find_all("select")
        for option in _options(page, select.attrs["id"])
        if "selected" in option.attrs
    }
    assert selected == {
        "kind": "complaint",
        "team": fostering,
        "stage": "stage1",
        "status": "overdue",
    }


def _options(page, select_id: str):  # type: ignore[no-untyped-def]
    start = page.elements.index(page.by_id(select_id))
    options = []
    for element in page.elements[start + 1 :]:
        if element.tag != "option":
            break
        options.append(element)
    return options


@pytest.mark.parametrize(
    "typed", ["{ref}", "{ref_lower}", "  {ref}  ", "{number}", "{spaced}", "{no_dashes}"]
)
def test_a_reference_can_be_found_by_searching_for_it(
    manager: FlaskClient, queue: Queue, typed: str
) -> None:
    ref = queue.due_soon
    search = typed.format(
        ref=ref,
        ref_lower=ref.lower(),
        number=ref.rsplit("-", 1)[1],
        spaced=ref.lower().replace("-", " "),
        no_dashes=ref.replace("-", ""),
    )
    page = look(manager, f"/staff/?reference={search}")
    assert queue_references(page) == [ref]
    assert page.value_of("reference") == search.strip() or page.value_of("reference") == search


def test_searching_for_a_closed_case_finds_nothing_in_the_queue(
    manager: FlaskClient, queue: Queue
) -> None:
    page = look(manager, f"/staff/?reference={queue.closed}")
    assert queue_references(page) == []
    assert "0 open cases" in page.text


@pytest.mark.parametrize("listed", [1000, 2])
def test_part_of_a_reference_finds_every_open_case_it_is_in_however_many_match(
    manager: FlaskClient, queue: Queue, monkeypatch: pytest.MonkeyPatch, listed: int
) -> None:
    # Up to MATCHES_LISTED matches are looked up once and asked for by id; more are asked
    # for by the search itself: the same cases either way, never the closed one.
    monkeypatch.setattr(triage, "MATCHES_LISTED", listed)
    prefix = queue.overdue.rsplit("-", 1)[0]  # in every reference of the year
    assert all(ref.startswith(prefix) for ref in queue)
    found = queue_references(look(manager, f"/staff/?reference={prefix.lower()}"))
    assert sorted(found) == sorted(ref for ref in queue if ref != queue.closed)


def test_the_filter_form_is_a_plain_get_form_that_htmx_only_enhances(
    manager: FlaskClient, queue: Queue
) -> None:
    page = look(manager, "/staff/")
    form = next(f for f in page.find_all("form") if "portal-filters" in f.classes)
    assert (form.attrs["method"], form.attrs["action"]) == ("get", "/staff/")
    assert form.attrs["data-hx-get"] == "/staff/"
    assert form.attrs["data-hx-target"] == "#queue-results"
    names = {e.attrs["name"] for e in page.find_all() if e.tag in ("input", "select")}
    assert {"reference", "kind", "team", "stage", "status"} <= names


def test_with_htmx_the_queue_answers_with_only_its_results(
    manager: FlaskClient, queue: Queue
) -> None:
    response = manager.get("/staff/?kind=compliment", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="queue-results">')
    assert html.rstrip().endswith("</div>")
    assert "<html" not in html and "<h1" not in html and "portal-filters" not in html
    page = read(response)
    assert queue_references(page) == [queue.compliment]
    assert "Overdue: 0" in page.find_all("ul", "portal-counts")[0].text


def test_without_htmx_the_same_address_answers_with_the_whole_page(
    manager: FlaskClient, queue: Queue
) -> None:
    response = manager.get("/staff/?kind=compliment")
    html = response.get_data(as_text=True)
    assert "<html" in html and '<div id="queue-results">' in html
    assert "HX-Request" in response.headers["Vary"]


def test_the_queue_comes_in_pages_of_50_and_the_links_keep_the_filters(
    manager: FlaskClient,
) -> None:
    refs = [new_complaint(when=received_at(JAN_5_2026)).reference for _ in range(53)]
    first = look(manager, "/staff/?kind=complaint")
    assert queue_references(first) == refs[:50]
    assert "53 open cases, page 1 of 2, sorted by the next due date." in first.text
    next_page = first.link_to("Next page")
    assert "kind=complaint" in next_page and "page=2" in next_page
    second = look(manager, next_page)
    assert queue_references(second) == refs[50:]
    assert "page 2 of 2" in second.text
    assert "kind=complaint" in second.link_to("Previous page")
    # A page past the end shows the last page.
    assert queue_references(look(manager, "/staff/?kind=complaint&page=9")) == refs[50:]


def test_a_team_member_sees_only_their_own_teams_cases_and_counts(app: Flask, queue: Queue) -> None:
    from backoffice_helpers import make_staff, sign_in

    from portal.domain.access import Role

    member = browser(app)
    sign_in(member, make_staff(Role.TEAM_MEMBER, team="Fostering"))
    page = look(member, "/staff/")
    assert queue_references(page) == [queue.stage1, queue.due_soon]
    assert counts(page.text) == "Overdue: 1 Due within 2 working days: 1 On track: 0"


# --- inline actions ------------------------------------------------------------------------------


def row_only(response: TestResponse, ref: str) -> str:
    """The response is the case's queue row and nothing else; returns its text."""
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<tr class="govuk-table__row" id="row-{ref}">'), html[:200]
    assert html.rstrip().endswith("</tr>")
    assert "<html" not in html
    row = read(response).by_id(f"row-{ref}")
    assert row is not None
    return row.text


def test_acknowledging_inline_with_htmx_returns_the_updated_row(
    manager: FlaskClient, queue: Queue
) -> None:
    today = london_today()
    ref = queue.due_soon
    response = post_form(
        manager,
        f"/staff/cases/{ref}/acknowledge?from=queue",
        {"how": "phone", "on": date_parts(today)},
        htmx=True,
    )
    assert response.status_code == 200
    row = row_only(response, ref)
    assert "Acknowledgement recorded." in row
    # What is owed now is the stage 1 response, counted from receipt.
    received = due_soon_receipt(today)
    assert f"Stage 1 response by {in_words(add_working_days(received, 10))} On track" in row
    assert "Acknowledge by" not in row and "Acknowledged late" not in row
    assert "Record acknowledgement" not in row


def test_assigning_inline_with_htmx_returns_the_row_with_the_new_team(
    manager: FlaskClient, queue: Queue
) -> None:
    ref = queue.overdue
    url = f"/staff/cases/{ref}/assign?from=queue"
    refused = post_form(manager, url, {"team": str(team_id("Leaving Care"))}, htmx=True)
    row = row_only(refused, ref)
    assert "Error: Enter why you are changing the team" in row
    assert " Overdue Looked After Children Triage " in row
    saved = post_form(
        manager,
        url,
        {"team": str(team_id("Leaving Care")), "reason": "The young person is 17"},
        htmx=True,
    )
    row = row_only(saved, ref)
    assert "Assignment saved." in row
    assert " Overdue Leaving Care Triage " in row


def test_reclassifying_inline_with_htmx_returns_the_row_and_a_missing_reason_is_said_there(
    manager: FlaskClient, queue: Queue
) -> None:
    ref = queue.overdue
    url = f"/staff/cases/{ref}/reclassify?from=queue"
    refused = post_form(manager, url, {"kind": "representation", "reason": ""}, htmx=True)
    assert "Error: Enter why" in row_only(refused, ref)
    saved = post_form(
        manager, url, {"kind": "representation", "reason": "Not a formal complaint"}, htmx=True
    )
    row = row_only(saved, ref)
    assert row.startswith(f"{ref} Representation ")
    assert "Reclassified." in row


def test_an_inline_action_on_a_stale_row_says_someone_else_changed_the_case(
    manager: FlaskClient, queue: Queue
) -> None:
    ref = queue.overdue
    save(manager, f"/staff/cases/{ref}/reclassify", {"kind": "representation", "reason": "R"})
    response = manager.post(
        f"/staff/cases/{ref}/acknowledge?from=queue",
        data={
            "csrf_token": read(manager.get("/staff/")).csrf_token,
            "version": "1",
            "how": "phone",
            "on": date_parts(london_today()),
        },
        headers={"HX-Request": "true"},
    )
    assert "Error: Someone else changed this case while you were working on it." in (
        row_only(response, ref)
    )


def test_without_javascript_an_inline_action_goes_back_to_the_queue_with_a_message(
    manager: FlaskClient, queue: Queue
) -> None:
    ref = queue.due_soon
    response = post_form(
        manager,
        f"/staff/cases/{ref}/acknowledge?from=queue",
        {"how": "letter", "on": date_parts(london_today())},
    )
    assert response.status_code == 302
    assert response.location == "/staff/"
    page = look(manager, response.location)
    assert page.notification_banner == f"Success {ref}: Acknowledgement recorded."
    assert "Stage 1 response by" in page.by_id(f"row-{ref}").text  # type: ignore[union-attr]


def test_without_javascript_an_inline_action_with_a_mistake_shows_the_full_form(
    manager: FlaskClient, queue: Queue
) -> None:
    response = post_form(
        manager,
        f"/staff/cases/{queue.overdue}/reclassify?from=queue",
        {"kind": "representation", "reason": ""},
    )
    assert response.status_code == 200
    assert errors_shown_twice(read(response)) == {"reason": "Enter why"}


def test_possible_danger_stays_on_top_of_the_first_page_and_the_rest_follow_by_due_date(
    manager: FlaskClient,
) -> None:
    due_8_jan = [new_complaint(when=received_at(JAN_5_2026)).reference for _ in range(50)]
    due_9_jan = new_complaint(when=received_at(date(2026, 1, 6))).reference
    danger = new_complaint(text="My dad hit me again last night.", when=received_at(london_today()))
    first = look(manager, "/staff/")
    assert queue_references(first) == [danger.reference, *due_8_jan[:49]]
    assert "Possible danger" in first.by_id(f"row-{danger.reference}").text  # type: ignore[union-attr]
    assert queue_references(look(manager, "/staff/?page=2")) == [due_8_jan[49], due_9_jan]


@pytest.mark.parametrize("typed", ["%", "_", "CSC-2026-00%"])
def test_a_search_is_for_the_characters_typed_not_a_pattern(
    manager: FlaskClient, queue: Queue, typed: str
) -> None:
    assert queue_references(look(manager, f"/staff/?reference={quote(typed)}")) == []
