"""Documents staff add to a case (issue 16): a letter that came by post, scanned in, or an
investigator's report. Checked and scanned as the public's files are, kept apart from what
the person sent, downloaded only as a download, and every addition is in the trail."""

import io
from pathlib import Path

import sqlalchemy as sa
from backoffice_helpers import (
    audit_trail,
    browser,
    case_page,
    make_staff,
    new_complaint,
    read,
    sign_in,
)
from flask import Flask
from flask.testing import FlaskClient
from test_attachments import PDF, WRONG_TYPE, closed_port, png_with_location, stored_files
from werkzeug.test import TestResponse

from portal.domain.access import Role
from portal.extensions import db
from portal.models import Attachment

GPS = 0x8825


def caseworker(app: Flask) -> FlaskClient:
    client = browser(app)
    sign_in(client, make_staff(Role.TEAM_MEMBER, team="Looked After Children"))
    return client


def add(
    client: FlaskClient, reference: str, name: str, content: bytes, what: str = ""
) -> TestResponse:
    url = f"/staff/cases/{reference}/documents"
    token = read(client.get(url)).csrf_token
    return client.post(
        url,
        data={"csrf_token": token, "description": what, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def refused_with(response: TestResponse) -> str:
    """The one error, in the summary and beside the file input."""
    assert response.status_code == 200
    page = read(response)
    ((href, message),) = page.error_summary
    assert href == "#file" and page.inline_errors == {"file": message}
    return message


def test_a_caseworker_adds_a_scanned_letter_which_is_listed_apart_and_downloads(
    app: Flask, uploads: Path
) -> None:
    reference = new_complaint(team="Looked After Children").reference
    client = caseworker(app)
    response = add(
        client, reference, "scan 3 March.pdf", PDF, "The complainant's letter of 3 March"
    )
    assert response.location == f"/staff/cases/{reference}"

    page = case_page(client, reference)
    assert "Document added." in page.notification_banner
    documents = page.by_id("documents")
    assert documents is not None
    sections = [h.text for h in page.find_all("h2")]
    assert "Documents added by staff" in sections
    assert "Files sent" not in sections  # the person sent none
    assert "The complainant's letter of 3 March" in page.text
    assert "Added by team_member person" in page.text
    assert "Not scanned for viruses" in page.text
    download = client.get(page.link_to("scan 3 March.pdf"))
    assert download.status_code == 200 and download.get_data() == PDF
    assert download.mimetype == "application/octet-stream"
    trail = audit_trail(case_page(client, reference))
    assert any(e.startswith("team_member person: document added") for e in trail)
    assert any(e.startswith("team_member person: file downloaded") for e in trail)
    (stored,) = db.session.scalars(sa.select(Attachment)).all()
    assert stored.added_by is not None and stored.draft_id is None


def test_a_photo_loses_its_location_as_the_public_s_do(app: Flask, uploads: Path) -> None:
    reference = new_complaint(team="Looked After Children").reference
    client = caseworker(app)
    assert add(client, reference, "photo.png", png_with_location()).status_code == 302
    (kept,) = stored_files(uploads)
    assert b"GPS" not in kept.read_bytes()


def test_a_wrong_or_missing_file_or_an_unreachable_scanner_is_refused_beside_the_field(
    app: Flask, uploads: Path
) -> None:
    reference = new_complaint(team="Looked After Children").reference
    client = caseworker(app)
    assert refused_with(add(client, reference, "report.pdf", b"MZ not a pdf")) == WRONG_TYPE
    assert refused_with(add(client, reference, "", b"")) == "Select a file"
    app.config["CLAMAV_ADDRESS"] = f"127.0.0.1:{closed_port()}"
    assert refused_with(add(client, reference, "report.pdf", PDF)) == (
        "The selected file could not be checked for viruses: try again later"
    )
    assert stored_files(uploads) == []
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0


def test_an_auditor_cannot_add_one(app: Flask, uploads: Path) -> None:
    reference = new_complaint(team="Looked After Children").reference
    auditor = browser(app)
    sign_in(auditor, make_staff(Role.AUDITOR))
    page = case_page(auditor, reference)
    assert "Add a document" not in page.text
    response = auditor.post(
        f"/staff/cases/{reference}/documents",
        data={"csrf_token": page.csrf_token, "file": (io.BytesIO(PDF), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert stored_files(uploads) == []
