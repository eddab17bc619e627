"""An MP's or councillor's enquiry about a case (issue 16): recorded on the case with the
date it arrived and the date the council replies by (10 working days by default, bank
holidays skipped), shown overdue when that passes, and the reply kept on the case."""

from datetime import date

import sqlalchemy as sa
from backoffice_helpers import (
    audit_trail,
    browser,
    case_page,
    date_parts,
    errors_shown_twice,
    look,
    make_staff,
    new_complaint,
    post_form,
    read,
    received_at,
    sign_in,
    table_after,
    who_looked,
)
from flask import Flask
from flask.testing import FlaskClient

from portal.domain.access import Role
from portal.extensions import db
from portal.models import Enquiry, Staff, Submission
from portal.services import retention, subject_access

# Friday 19 December 2025: ten working days later skips Christmas Day, Boxing Day and
# New Year's Day.
ARRIVED = date(2025, 12, 19)
DUE = "7 January 2026"


def caseworker(app: Flask) -> FlaskClient:
    client = browser(app)
    sign_in(client, make_staff(Role.TEAM_MEMBER, team="Looked After Children"))
    return client


def a_case() -> str:
    return new_complaint(
        team="Looked After Children", when=received_at(date(2025, 12, 1))
    ).reference


def record(client: FlaskClient, reference: str, **fields: object) -> str:
    data = {
        "from_whom": "mp",
        "name": "Jane Smith MP",
        "received_on": date_parts(ARRIVED),
        **fields,
    }
    response = post_form(client, f"/staff/cases/{reference}/enquiries", data)
    assert response.status_code == 302, read(response).text
    return reference


def test_an_mp_enquiry_is_recorded_with_its_reply_date_shown_overdue_and_then_answered(
    app: Flask,
) -> None:
    client = caseworker(app)
    reference = record(client, a_case())
    page = case_page(client, reference)
    assert "Enquiry recorded. Reply by Wednesday 7 January 2026." in page.notification_banner
    (row,) = table_after(page, "MP and councillor enquiries")
    assert row[0] == "Jane Smith MP (MP)"
    assert row[1] == "19 December 2025"
    assert f"Overdue Due by {DUE}" in row[2]  # long past, and not answered
    assert any(
        e.startswith("team_member person: enquiry recorded; Reply due by: – → 2026-01-07")
        for e in audit_trail(page)
    ), audit_trail(page)

    (enquiry_id,) = db.session.scalars(sa.select(Enquiry.id)).all()
    reply_page = f"/staff/cases/{reference}/enquiries/{enquiry_id}/reply"
    response = post_form(
        client,
        reply_page,
        {"replied_on": date_parts(date(2026, 1, 6)), "reply": "We wrote back.\nAll is in hand."},
    )
    assert response.status_code == 302
    page = case_page(client, reference)
    (row,) = table_after(page, "MP and councillor enquiries")
    assert row[2].startswith("Replied 6 January 2026")
    assert "We wrote back." in row[2] and "Overdue" not in row[2]
    assert any(e.startswith("team_member person: enquiry replied") for e in audit_trail(page))


def test_opening_the_reply_form_is_a_view_of_the_case_in_its_trail(app: Flask) -> None:
    reference = record(caseworker(app), a_case())
    (enquiry_id,) = db.session.scalars(sa.select(Enquiry.id)).all()
    manager = browser(app)
    sign_in(manager, make_staff(Role.MANAGER))
    # From a link to the form, not from the case page: it shows who asked.
    page = look(manager, f"/staff/cases/{reference}/enquiries/{enquiry_id}/reply")
    assert page.headings == ["Record the reply to Jane Smith MP"]
    auditor = browser(app)
    sign_in(auditor, make_staff(Role.AUDITOR))
    assert who_looked(auditor, reference) == [["manager person", "Opened the case"]]


def test_the_reply_date_follows_the_council_s_setting(app: Flask) -> None:
    app.config["ENQUIRY_REPLY_WORKING_DAYS"] = 5
    client = caseworker(app)
    reference = record(client, a_case(), from_whom="councillor", name="Councillor Ali Khan")
    (row,) = table_after(case_page(client, reference), "MP and councillor enquiries")
    assert row[0] == "Councillor Ali Khan (Councillor)"
    assert "Due by 30 December 2025" in row[2]


def test_what_is_missing_or_impossible_is_said_beside_its_field(app: Flask) -> None:
    client = caseworker(app)
    reference = a_case()
    url = f"/staff/cases/{reference}/enquiries"
    empty = read(post_form(client, url, {}))
    assert errors_shown_twice(empty) == {
        "from_whom": "Select who the enquiry is from",
        "name": "Enter their name",
        "received_on": "Enter the date it arrived",
    }
    before_the_case = read(
        post_form(
            client,
            url,
            {
                "from_whom": "mp",
                "name": "Jane Smith MP",
                "received_on": date_parts(date(2025, 11, 3)),
            },
        )
    )
    assert "on or after the case was received" in " ".join(
        errors_shown_twice(before_the_case).values()
    )
    in_the_future = read(
        post_form(
            client,
            url,
            {
                "from_whom": "mp",
                "name": "Jane Smith MP",
                "received_on": date_parts(date(2099, 1, 5)),
            },
        )
    )
    assert errors_shown_twice(in_the_future) == {
        "received_on": "The date it arrived must be today or in the past"
    }
    assert db.session.scalar(sa.select(sa.func.count(Enquiry.id))) == 0


def test_an_auditor_reads_enquiries_but_records_none_and_another_case_s_is_not_found(
    app: Flask,
) -> None:
    client = caseworker(app)
    reference = record(client, a_case())
    other = a_case()
    (enquiry_id,) = db.session.scalars(sa.select(Enquiry.id)).all()
    assert client.get(f"/staff/cases/{other}/enquiries/{enquiry_id}/reply").status_code == 404
    auditor = browser(app)
    sign_in(auditor, make_staff(Role.AUDITOR))
    page = case_page(auditor, reference)
    assert "Jane Smith MP" in page.text and "Record the reply" not in page.text
    refused = auditor.post(
        f"/staff/cases/{reference}/enquiries",
        data={"csrf_token": page.csrf_token, "from_whom": "mp", "name": "X"},
    )
    assert refused.status_code == 403


def test_enquiries_are_in_a_subject_access_export_and_names_go_when_purged(app: Flask) -> None:
    client = caseworker(app)
    reference = record(client, a_case())
    manager = make_staff(Role.MANAGER)
    exporter = db.session.scalars(sa.select(Staff).where(Staff.email == manager)).one()
    (record_,) = subject_access.export(exporter, reference=reference)["cases"]
    assert record_["enquiries"][0]["name"] == "Jane Smith MP"
    assert record_["enquiries"][0]["reply_due"] == "2026-01-07"

    case = db.session.scalars(sa.select(Submission).where(Submission.reference == reference)).one()
    case.case.closed_on = date(2015, 1, 5)
    case.case.stage = "closed"
    db.session.commit()
    retention.purge(date(2026, 12, 5))
    (kept,) = db.session.scalars(sa.select(Enquiry)).all()
    assert (kept.name, kept.reply, kept.from_whom) == (retention.REMOVED, None, "mp")
