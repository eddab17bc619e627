"""The annual report in the back office, as the complaints manager uses it: the page's
tables, a section as CSV, the whole report as a PDF, the context figures and other
councils' figures, and the audit trail of each. (What each figure counts is tested in
test_annual_report.py.)"""

import codecs
import csv
import io
from datetime import date

import sqlalchemy as sa
from backoffice_helpers import (
    errors_shown_twice,
    look,
    make_staff,
    new_complaint,
    post_form,
    read,
    received_at,
    sign_in,
    sign_in_as_manager,
    table_after,
)
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Page
from test_annual_report import FAMILY_SUPPORT, PARENT, a_desk, a_welsh_childs_complaint, at

from portal.domain.access import Role
from portal.domain.stages import Move
from portal.domain.types import Kind
from portal.extensions import db
from portal.models import AuditEvent

YEAR = "?from=2025-04-01&to=2026-03-31"


def some_contacts() -> None:
    """Three complaints and a compliment in 2025 to 26, one complaint the year before."""
    for day in (date(2025, 5, 6), date(2025, 9, 10), date(2026, 2, 3)):
        new_complaint(when=received_at(day))
    new_complaint(when=received_at(date(2025, 7, 1)), kind=Kind.COMPLIMENT)
    new_complaint(when=received_at(date(2024, 11, 12)))


def send(client: FlaskClient, url: str, data: dict[str, str]) -> Page:
    """Fill in a form on the report page and send it; the page it leads to."""
    token = look(client, f"/staff/reports/annual{YEAR}").csrf_token
    response = client.post(url, data={"csrf_token": token, **data})
    return look(client, response.location) if response.status_code == 302 else read(response)


def actions() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_page_shows_each_figure_beside_the_previous_year(
    app: Flask, client: FlaskClient
) -> None:
    some_contacts()
    sign_in_as_manager(client)
    page = look(client, f"/staff/reports/annual{YEAR}")
    assert page.headings[0] == "2025 to 26"
    rows = {row[0]: row[1:] for row in table_after(page, "Contacts received")}
    # This year 3 complaints, last year 1: up 200%.
    assert rows["Complaints"] == ["3", "1", "200.0"]
    assert rows["Compliments"] == ["1", "0", "–"]
    assert rows["All contacts"] == ["4", "1", "300.0"]
    assert "report_viewed" in actions()


def test_a_complaint_moved_to_the_corporate_procedure_is_shown_apart_from_the_statutory_ones(
    app: Flask, client: FlaskClient
) -> None:
    """Of the three complaints of 2025 to 26, one is about a child protection conference,
    which staff move to the council's corporate procedure: not a statutory complaint
    (domain.md), so the committee reads two complaints, and the one apart."""
    some_contacts()
    moved = new_complaint(when=received_at(date(2025, 10, 7)))
    sign_in_as_manager(client)
    url = f"/staff/cases/{moved.reference}/procedure"
    sent = post_form(client, url, {"procedure": "corporate", "reason": "A conference decision"})
    assert sent.status_code == 302
    page = look(client, f"/staff/reports/annual{YEAR}")
    contacts = {row[0]: row[1:] for row in table_after(page, "Contacts received")}
    assert contacts["Complaints"] == ["3", "1", "200.0"]
    assert contacts["All contacts"] == ["4", "1", "300.0"]
    stages = {row[0]: row[1:] for row in table_after(page, "Complaints by stage")}
    assert stages["Complaints received"] == ["3", "1", "200.0"]
    assert stages["Complaints under the corporate procedure"] == ["1", "0", "–"]
    assert "it is in no other figure of this report" in page.text


def test_each_section_downloads_as_csv_with_the_same_figures(
    app: Flask, client: FlaskClient
) -> None:
    some_contacts()
    sign_in_as_manager(client)
    response = client.get(f"/staff/reports/annual/contacts.csv{YEAR}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(codecs.BOM_UTF8)  # a spreadsheet reads it as UTF-8
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["Contacts received", "This period", "Previous period", "Change (%)"]
    assert ["Complaints", "3", "1", "200.0"] in rows
    assert client.get(f"/staff/reports/annual/no-such-table.csv{YEAR}").status_code == 404


def test_the_whole_report_downloads_as_a_pdf(app: Flask, client: FlaskClient) -> None:
    some_contacts()
    sign_in_as_manager(client)
    response = client.get(f"/staff/reports/annual.pdf{YEAR}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert len(response.data) > 5000
    assert "annual-report-2025-04-01-to-2026-03-31.pdf" in response.headers["Content-Disposition"]


def test_dates_that_are_not_dates_are_explained_and_the_year_is_shown(
    app: Flask, client: FlaskClient
) -> None:
    sign_in_as_manager(client)
    page = look(client, "/staff/reports/annual?from=2025-13-01&to=2026-03-31")
    assert "Enter real dates as YYYY-MM-DD" in page.text
    later_than = look(client, "/staff/reports/annual?from=2026-03-31&to=2025-04-01")
    assert "the end on or after the start" in later_than.text


def test_the_manager_adds_the_periods_referrals_and_sees_the_rate(
    app: Flask, client: FlaskClient
) -> None:
    some_contacts()
    sign_in_as_manager(client)
    url = f"/staff/reports/context{YEAR}"
    wrong = send(client, url, {"referrals": "lots", "social_care_contacts": "-4"})
    assert errors_shown_twice(wrong) == {
        "referrals": "Enter a whole number, like 7140",
        "social_care_contacts": "Enter a number of 0 or more",
    }
    send(client, url, {"referrals": "300", "social_care_contacts": "", "children_looked_after": ""})
    page = look(client, f"/staff/reports/annual{YEAR}")
    rows = {row[0]: row[1:] for row in table_after(page, "Complaints in context")}
    # 3 complaints from 300 referrals: 1.0%.
    assert rows["Referrals"] == ["300", "1.0"]
    assert "report_context_saved" in actions()


def test_the_manager_adds_and_removes_another_councils_figures(
    app: Flask, client: FlaskClient
) -> None:
    sign_in_as_manager(client)
    wrong = send(client, f"/staff/reports/comparators{YEAR}", {"council": "", "year": ""})
    assert set(errors_shown_twice(wrong)) == {"council", "year", "complaints"}
    send(
        client,
        f"/staff/reports/comparators{YEAR}",
        {
            "council": "Southmoor",
            "year": "2024 to 25",
            "complaints": "129",
            "comparator_referrals": "7140",
        },
    )
    page = look(client, f"/staff/reports/annual{YEAR}")
    rows = {row[0]: row[1:] for row in table_after(page, "Other councils")}
    # The committee's own example: 129 complaints from 7,140 referrals is 1.8%.
    assert rows["Southmoor"] == ["2024 to 25", "129", "7140", "1.8"]
    from portal.models import ComparatorFigure

    (added,) = db.session.scalars(sa.select(ComparatorFigure))
    send(client, f"/staff/reports/comparators/{added.id}/delete{YEAR}", {})
    page = look(client, f"/staff/reports/annual{YEAR}")
    assert "Southmoor" not in [row[0] for row in table_after(page, "Other councils")]
    assert "comparator_saved" in actions() and "comparator_removed" in actions()


def test_an_auditor_reads_the_report_but_cannot_change_its_figures(
    app: Flask, client: FlaskClient
) -> None:
    sign_in(client, make_staff(Role.AUDITOR))
    page = look(client, f"/staff/reports/annual{YEAR}")
    assert "Save the figures" not in page.text
    assert "Add the figures" not in page.text
    assert client.post(f"/staff/reports/context{YEAR}", data={}).status_code in (400, 403)


def test_a_welsh_councils_timeliness_leads_with_stage1_in_time_as_the_case_page_says(
    app: Flask, client: FlaskClient
) -> None:
    """A child's complaint in Wales, received Fri 19 Dec 2025 and acknowledged Mon 22 Dec;
    the discussion Thu 8 Jan 2026, the 10th working day after the acknowledgement (25, 26
    Dec and 1 Jan are bank holidays); the written resolution Wed 14 Jan, 4 working days
    after it. Both within WSI 2014/1795's limits (10, then 5): in time, as the case's Due
    dates page says, although 15 working days from receipt. The page used to lead with
    "within 10 working days: 0" and say nothing else; now, for a Welsh council, the first
    stage 1 figure after the responses is "in time": 1, 100%, and none late."""
    app.config.update(JURISDICTION="wales", ACKNOWLEDGEMENT_TARGET_WORKING_DAYS=2)
    desk = a_desk()
    case = a_welsh_childs_complaint(desk, discussion=date(2026, 1, 8), resolution=date(2026, 1, 14))
    sign_in(client, desk.staff.email)

    history = look(client, f"/staff/cases/{case.reference}/due-dates").text
    assert "In time (10 working days)" in history  # the discussion
    assert "In time (4 working days)" in history  # the written resolution

    page = look(client, f"/staff/reports/annual{YEAR}")
    rows = table_after(page, "Timeliness")
    labels = [row[0] for row in rows]
    after_responses = labels[labels.index("Stage 1 responses") + 1 :]
    assert after_responses[:4] == [
        "Stage 1 responses in time (by the procedure's own limits)",
        "Stage 1 responses in time (%)",
        "Of those, in time within an agreed extension",
        "Stage 1 responses late",
    ]
    figures = {row[0]: row[1] for row in rows}
    assert figures["Stage 1 responses in time (by the procedure's own limits)"] == "1"
    assert figures["Stage 1 responses in time (%)"] == "100.0"
    assert figures["Stage 1 responses late"] == "0"
    # England's bands are still there, after it, counted from receipt.
    assert figures["Stage 1 responses in 11 to 20 working days"] == "1"
    assert "Wales: the discussion within 10 working days of the acknowledgement" in page.text


def test_an_english_councils_timeliness_keeps_the_bands_first_and_adds_in_time(
    app: Flask, client: FlaskClient
) -> None:
    """England: a parent's complaint received Mon 2 Feb 2026 and answered Tue 17 Feb, the
    11th working day: "in 11 to 20", and late (10 working days, no extension agreed)."""
    desk = a_desk()
    case = desk.receive(Kind.COMPLAINT, PARENT, at(date(2026, 2, 2)), FAMILY_SUPPORT)
    desk.acknowledge(case, date(2026, 2, 3))
    desk.move(case, Move.ACCEPT, date(2026, 2, 3))
    desk.move(case, Move.RESPOND_STAGE1, date(2026, 2, 17), outcome="upheld")
    sign_in(client, desk.staff.email)
    rows = table_after(look(client, f"/staff/reports/annual{YEAR}"), "Timeliness")
    labels = [row[0] for row in rows]
    assert labels[labels.index("Stage 1 responses") + 1] == (
        "Stage 1 responses within 10 working days"
    )
    figures = {row[0]: row[1] for row in rows}
    assert figures["Stage 1 responses in 11 to 20 working days"] == "1"
    assert figures["Stage 1 responses in time (by the procedure's own limits)"] == "0"
    assert figures["Stage 1 responses late"] == "1"
