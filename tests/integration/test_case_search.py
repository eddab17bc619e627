"""Finding a case (issue 16): one search across every case, open and closed, by
reference, name, email, phone, postcode, the child's date of birth and words in what was
written; only what the searcher's role and team allow; every search in the audit trail,
its terms as keyed hashes only."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    browser,
    errors_shown_twice,
    look,
    make_staff,
    read,
    sign_in,
    sign_in_as_manager,
    table_after,
    team_id,
)
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import SAFE_EVERY_WAY, Journey, answers_for

from portal.domain.access import Role
from portal.domain.types import ContactPreference, Kind, SubmitterRole
from portal.extensions import db
from portal.models import AuditEvent, Case, Submission
from portal.services import audit, intake, search, teams

SEARCH = "/staff/search"


def recorded(
    *,
    name: str = "Pat Parent",
    child: str | None = "Sam Jones",
    born: date | None = date(2015, 3, 4),
    email: str | None = "pat@example.com",
    phone: str | None = None,
    postcode: str | None = None,
    text: str = "Nobody came to the review meeting.",
    team: str = "Looked After Children",
    **more: str,
) -> Submission:
    return intake.record_submission(
        intake.NewSubmission(
            kind=Kind.COMPLAINT,
            role=SubmitterRole.PARENT,
            name=name,
            contact_preference=ContactPreference.EMAIL if email else ContactPreference.PHONE,
            email=email,
            phone=phone,
            address="1 High Street, Northmoor" if postcode else None,
            postcode=postcode,
            what_happened=text,
            child_name=child,
            child_date_of_birth=born,
            team_id=team_id(team),
            answers={},
            **more,
        ),
        now=datetime.now(UTC),
    )


def close(case: Submission) -> None:
    db.session.execute(sa.update(Case).where(Case.submission_id == case.id).values(stage="closed"))
    db.session.commit()


def find(client: FlaskClient, **terms: object) -> list[list[str]]:
    """Search as a person would (the form's own token); the rows of the results."""
    token = look(client, SEARCH).csrf_token
    response = client.post(SEARCH, data={"csrf_token": token, **terms})
    assert response.status_code == 200
    page = read(response)
    assert not page.error_summary, page.error_summary
    heading = next(e.text for e in page.elements if e.tag == "h2" and "found" in e.text)
    return table_after(page, heading) if not heading.startswith("0 ") else []


def references(rows: list[list[str]]) -> set[str]:
    return {row[0] for row in rows}


@pytest.fixture
def cases(app: Flask) -> dict[str, Submission]:
    teams.load_default_categories()
    found = {
        "closed_child": recorded(child="Robin Ashworth", born=date(2012, 7, 9)),
        "phone": recorded(name="Alex Moss", child="Kit Moss", email=None, phone="+44 7700 900 123"),
        "postcode": recorded(name="Jo Field", postcode="NM2 3AB", email="Jo.Field@Example.com"),
        "fostering": recorded(
            name="Lee Other",
            child="Robin Ashworth",
            team="Fostering",
            text="The foster carer never got the placement plan.",
        ),
    }
    close(found["closed_child"])
    return found


def test_a_manager_finds_a_closed_case_by_the_childs_name_and_another_teams_member_does_not(
    app: Flask, cases: dict[str, Submission]
) -> None:
    manager = browser(app)
    sign_in_as_manager(manager)
    rows = find(manager, name="  robin   ASHWORTH ")
    assert references(rows) == {cases["closed_child"].reference, cases["fostering"].reference}
    closed = next(r for r in rows if r[0] == cases["closed_child"].reference)
    assert closed[1:] == ["Complaint", closed[2], "Closed", "Looked After Children"]

    fostering = browser(app)
    sign_in(fostering, make_staff(Role.TEAM_MEMBER, team="Fostering"))
    assert references(find(fostering, name="Robin Ashworth")) == {cases["fostering"].reference}

    own_team = browser(app)
    sign_in(own_team, make_staff(Role.TEAM_MEMBER, team="Looked After Children"))
    assert references(find(own_team, name="Ashworth")) == {cases["closed_child"].reference}


def test_a_number_typed_on_the_form_with_a_phones_dash_is_found_by_its_digits(
    app: Flask, client: FlaskClient
) -> None:
    """A phone's keyboard puts "–" for "-"; copied text brings no-break spaces. The number
    is kept in plain characters, so the search (which strips the separators people
    write) finds it by the digits staff type."""
    contact = {
        "name": "Alex Morgan",
        "contact_preference": "phone",
        "phone": "07700\u2013900\u00a0124",
        "safe_to_contact": SAFE_EVERY_WAY,
    }
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent", contact=contact))
    journey.send_and_confirm()
    kept = db.session.scalars(sa.select(Submission)).one()
    assert kept.phone == "07700-900 124"

    manager = browser(app)
    sign_in_as_manager(manager)
    assert references(find(manager, phone="07700 900124")) == {kept.reference}


def test_what_people_type_is_normalised(app: Flask, cases: dict[str, Submission]) -> None:
    client = browser(app)
    sign_in_as_manager(client)
    phone = cases["phone"].reference
    for typed in (
        "07700900123",
        "07700 900 123",
        "+447700900123",
        "0044 7700 900123",
        "07700\u2013900\u2013123",  # a phone's own dashes
        "07700\u00a0900\u00a0123",  # copied with no-break spaces
        "\uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10 \uff11\uff12\uff13",  # full-width
    ):
        assert references(find(client, phone=typed)) == {phone}, typed
    postcode = cases["postcode"].reference
    for typed in ("nm23ab", " NM2  3AB", "\uff2e\uff2d\uff12\u3000\uff13\uff21\uff22"):
        assert references(find(client, postcode=typed)) == {postcode}, typed
    assert references(find(client, email=" JO.FIELD@example.COM ")) == {postcode}
    assert references(find(client, child_date_of_birth=["9", "7", "2012"])) == {
        cases["closed_child"].reference
    }
    # Every word, anywhere, in any case; a word of two letters is left out.
    assert references(find(client, words="PLACEMENT carer of")) == {cases["fostering"].reference}
    assert find(client, words="placement meeting") == []
    # Part of a reference; several fields at once must all match.
    number = cases["phone"].reference[-5:]
    assert references(find(client, reference=number.lower())) == {phone}
    assert find(client, reference=number, name="Jo Field") == []
    # What is typed is text, not a pattern.
    assert find(client, name="%_") == []


def test_names_and_words_typed_on_a_phone_are_found_by_what_staff_type_on_a_keyboard(
    app: Flask, client: FlaskClient
) -> None:
    """A phone puts "’" for "'" and "–" for "-" as they are typed; a name is written with
    a space or a dash alike. The search finds the case whichever was typed on either side."""
    answers = answers_for("complaint", "parent")
    answers["about-the-child"] |= {"child_name": "Kai Smith\u2013Jones"}
    answers["contact"] |= {"name": "Aoife O\u2019Brien"}
    answers["what-happened"] |= {"what_happened": "They didn\u2019t ring back after the review."}
    journey = Journey(client, "complaint")
    journey.fill(answers)
    journey.send_and_confirm()
    kept = db.session.scalars(sa.select(Submission)).one()
    assert (kept.submitter_name, kept.child_name) == ("Aoife O\u2019Brien", "Kai Smith\u2013Jones")
    straight = recorded(name="Sean O'Brien", child="Ellis Smith Jones")

    manager = browser(app)
    sign_in_as_manager(manager)
    both = {kept.reference, straight.reference}
    for typed in (
        "o'brien",
        "O\u2019Brien",
        "o brien",
        "smith-jones",
        "Smith Jones",
        "smith\u2013jones",
    ):
        assert references(find(manager, name=typed)) == both, typed
    assert references(find(manager, words="didn't ring")) == {kept.reference}
    # Only those: a name that merely contains the letters is not found.
    assert find(manager, name="obrien") == []
    assert find(manager, name="smithjones") == []


def test_a_name_is_found_whatever_its_accents(app: Flask, cases: dict[str, Submission]) -> None:
    """Staff type names on a keyboard without accents, and a name kept may have them (or
    the reverse): "Zoe" finds Zoë, "siobhan o suilleabhain" Siobhán Ó Súilleabháin."""
    zoe = recorded(name="Zoë Prys", child="Siobhán Ó Súilleabháin")
    soren = recorded(name="Søren Łukasz", child="Gwenllïan Prys")
    plain = recorded(name="Sian Hughes", child="Elis Hughes")
    # A child's own complaint has no child's name: nothing to fold, and no error.
    recorded(name="Ffion Jones", child=None, born=None)
    manager = browser(app)
    sign_in_as_manager(manager)
    for typed, wanted in (
        ("zoe", {zoe}),
        ("ZOË PRYS", {zoe}),
        ("siobhan o suilleabhain", {zoe}),
        ("Súilleabháin", {zoe}),
        ("soren lukasz", {soren}),
        ("gwenllian", {soren}),
        ("Sián", {plain}),
        ("prys", {zoe, soren}),
    ):
        assert references(find(manager, name=typed)) == {c.reference for c in wanted}, typed
    # Letters are still letters: "zoa" is not "zoë".
    assert find(manager, name="zoa") == []


def test_a_search_is_answered_in_the_trail_however_its_apostrophes_were_typed(
    app: Flask, cases: dict[str, Submission]
) -> None:
    """ "Who looked up Aoife O'Brien?" finds the searches typed with a phone's apostrophe
    too, and those kept before names were read in plain characters, asked as typed."""
    manager = browser(app)
    sign_in_as_manager(manager)
    find(manager, name="Aoife O\u2019Brien")
    find(manager, name="aoife o'brien")
    typed_then = search.SearchTerms(name="Aoife O\u2019Brien")
    kept_before = audit.record(
        "searched",
        staff=None,
        detail={
            "by": ["name"],
            "found": 0,
            "terms": {"name": search.term_hash("name", typed_then.normalised_before()["name"])},
        },
    )
    db.session.commit()
    searched = db.session.scalars(
        sa.select(AuditEvent.id).where(
            AuditEvent.action == "searched", AuditEvent.staff_id.is_not(None)
        )
    ).all()
    assert len(searched) == 2
    assert {e.id for e in search.searches_for(search.SearchTerms(name="AOIFE O'BRIEN"))} == set(
        searched
    )
    assert {e.id for e in search.searches_for(typed_then)} == {*searched, kept_before.id}


@pytest.mark.parametrize(
    ("terms", "field", "message"),
    [
        ({}, "reference", "Enter something to search for: a reference, a name ..."),
        (
            {"child_date_of_birth": ["31", "2", "2014"]},
            "child_date_of_birth",
            "The child's date of birth must be a real date",
        ),
        (
            {"child_date_of_birth": ["1", "1", "2999"]},
            "child_date_of_birth",
            "The child's date of birth must be today or in the past",
        ),
        ({"phone": "call me"}, "phone", None),
        ({"postcode": "NM2"}, "postcode", "Enter a full postcode, like NM2 3AB"),
        ({"words": "of a"}, "words", "Enter at least one word of 3 letters or more"),
        ({"name": "J"}, "name", "Enter at least 2 letters of the name"),
    ],
)
def test_what_cannot_be_searched_is_said_beside_the_field(
    app: Flask, terms: dict[str, object], field: str, message: str | None
) -> None:
    client = browser(app)
    sign_in_as_manager(client)
    token = look(client, SEARCH).csrf_token
    page = read(client.post(SEARCH, data={"csrf_token": token, **terms}))
    shown = errors_shown_twice(page)
    assert list(shown) == [field]
    assert message is None or shown[field] == message
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "searched")) == 0


def test_every_search_is_in_the_audit_trail_without_the_words_searched_for(
    app: Flask, cases: dict[str, Submission]
) -> None:
    client = browser(app)
    sign_in_as_manager(client)
    find(client, name="Robin Ashworth", child_date_of_birth=["9", "7", "2012"])
    searched = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "searched")
    ).one()
    assert searched.submission_id is None
    assert searched.detail["by"] == ["name", "child_date_of_birth"]
    assert searched.detail["found"] == 1
    stored = str(searched.detail).lower()
    assert "robin" not in stored and "ashworth" not in stored and "2012" not in stored
    # The case shown records who found it: its own trail answers "who looked this child up?"
    closed = cases["closed_child"]
    found = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == "found_in_search", AuditEvent.submission_id == closed.id
        )
    ).one()
    assert found.staff_id == searched.staff_id and found.detail["search"] == searched.id
    assert "found in search" in look(client, f"/staff/cases/{closed.reference}").text
    # ... and so do the terms, typed again however they were typed the first time.
    asked = search.SearchTerms(name="robin  ashworth", child_date_of_birth=date(2012, 7, 9))
    assert [e.id for e in search.searches_for(asked)] == [searched.id]
    assert search.searches_for(search.SearchTerms(name="Robin Ash")) == []


def test_words_are_found_in_what_would_put_it_right_and_the_advocates_name_and_email(
    app: Flask, cases: dict[str, Submission]
) -> None:
    advocated = recorded(
        text="The review was cancelled again.",
        put_right="A written apology and a new social worker",
        advocate_name="Morgan Whitlock",
        advocate_email="m.whitlock@advocacy.example",
    )
    manager = browser(app)
    sign_in_as_manager(manager)
    for words in ("apology social", "whitlock", "advocacy.example", "cancelled whitlock"):
        assert references(find(manager, words=words)) == {advocated.reference}, words
    # Every word must be found somewhere in the case: one nowhere in it finds nothing.
    assert find(manager, words="apology placement") == []


def test_managers_and_auditors_see_who_has_looked_for_a_case(
    app: Flask, cases: dict[str, Submission]
) -> None:
    closed = cases["closed_child"]
    manager = browser(app)
    sign_in(manager, make_staff(Role.MANAGER, email="searcher@example.com"))
    find(manager, name="Robin Ashworth", child_date_of_birth=["9", "7", "2012"])
    look(manager, f"/staff/cases/{closed.reference}")

    auditor = browser(app)
    sign_in(auditor, make_staff(Role.AUDITOR))
    case_page = look(auditor, f"/staff/cases/{closed.reference}")
    assert "Who has looked for this case?" in case_page.text
    page = look(auditor, f"/staff/cases/{closed.reference}/who-looked")
    assert page.title.startswith("Who has looked for this case?")
    rows = table_after(page, "Who has looked for this case?")
    # Newest first: the auditor's own view, the manager's view, the manager's search.
    assert [row[1] for row in rows] == ["auditor person", "manager person", "manager person"]
    assert [row[2] for row in rows[:2]] == ["Opened the case", "Opened the case"]
    assert rows[2][2].startswith("Found it in a search by name, child's date of birth (search ")
    assert rows[0][1:] == ["auditor person", "Opened the case"]
    assert "Robin" not in page.text.split("Who has looked for this case?", 2)[-1]
    # Asking is itself recorded; a team member may not ask.
    asked = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "who_looked_viewed")
    ).one()
    assert asked.submission_id == closed.id
    member = browser(app)
    sign_in(member, make_staff(Role.TEAM_MEMBER, team="Looked After Children"))
    assert "Who has looked" not in look(member, f"/staff/cases/{closed.reference}").text
    assert member.get(f"/staff/cases/{closed.reference}/who-looked").status_code == 403


def test_the_search_is_sent_by_post_so_no_name_is_in_an_address(
    app: Flask, cases: dict[str, Submission]
) -> None:
    client = browser(app)
    sign_in_as_manager(client)
    page = look(client, SEARCH)
    form = next(e for e in page.find_all("form") if e.attrs.get("action") == SEARCH)
    assert form.attrs["method"] == "post"
