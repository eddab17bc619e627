"""Files sent with a complaint: judged by what they are, not what they are called; photos
lose their hidden location; staff can only download them, and each download is recorded."""

import io
import socket
import zipfile
from pathlib import Path

import sqlalchemy as sa
from backoffice_helpers import browser, look, make_staff, sign_in, sign_in_as_manager
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Journey, Page, answers_for, only_submission, page_of, step_of
from PIL import Image
from werkzeug.test import TestResponse

from portal.domain.access import Role
from portal.extensions import db
from portal.models import Attachment, AuditEvent

GPS = 0x8825
WRONG_TYPE = "The selected file must be a PDF, JPG, PNG or Word document"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def stored_files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


def on_the_files_page(client: FlaskClient) -> tuple[Journey, dict]:
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "parent")
    step = "who-are-you"
    while step != "files":
        step = journey.answer(step, answers[step])
    return journey, answers


def upload(journey: Journey, name: str, content: bytes) -> TestResponse:
    return journey.client.post(
        journey.url("files"),
        data={"csrf_token": journey.token, "upload": "yes", "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def accepted(journey: Journey, name: str, content: bytes) -> Page:
    response = upload(journey, name, content)
    assert response.status_code == 302, page_of(response).error_summary
    return journey.get("files")


def refused(journey: Journey, name: str, content: bytes) -> str:
    """The one error shown, checked to be in the summary and beside the field."""
    response = upload(journey, name, content)
    assert response.status_code == 200
    page = page_of(response)
    assert page.title.startswith("Error: "), page.title
    ((href, message),) = page.error_summary
    assert href == "#file" and page.by_id("file") is not None
    assert page.inline_errors == {"file": message}
    return message


def files_listed(page: Page) -> list[str]:
    return [dt.text for dt in page.find_all("dt", "govuk-summary-list__key")]


def png_with_location() -> bytes:
    image = Image.new("RGB", (24, 16), (200, 30, 30))
    exif = Image.Exif()
    exif[GPS] = {1: "N", 2: (51.0, 30.0, 12.0), 3: "W", 4: (0.0, 7.0, 40.0)}
    out = io.BytesIO()
    image.save(out, "PNG", exif=exif)
    return out.getvalue()


def minimal_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"/>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Letter</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
    return out.getvalue()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def send(journey: Journey, answers: dict) -> str:
    """Carry on from the files page to the end and send; the case's reference."""
    following = journey.answer("files", {})
    journey.fill(answers, start=following)
    journey.send_and_confirm()
    return only_submission().reference


# --- what is accepted -----------------------------------------------------------------------


def test_a_photo_is_kept_without_its_location_data(client: FlaskClient, uploads: Path) -> None:
    original = png_with_location()
    with Image.open(io.BytesIO(original)) as sent:
        assert sent.getexif().get_ifd(GPS), "the test photo should carry a location"
    assert b"eXIf" in original
    journey, _ = on_the_files_page(client)

    page = accepted(journey, "photo.png", original)

    assert files_listed(page) == ["photo.png"]
    (stored,) = stored_files(uploads)
    content = stored.read_bytes()
    assert content != original
    assert b"eXIf" not in content
    with Image.open(io.BytesIO(content)) as kept:
        assert kept.format == "PNG"
        assert not kept.getexif().get_ifd(GPS)
        assert len(kept.getexif()) == 0
        assert kept.size == (24, 16)
        assert kept.convert("RGB").getpixel((3, 3)) == (200, 30, 30)


def test_a_word_document_is_accepted(client: FlaskClient, uploads: Path) -> None:
    journey, _ = on_the_files_page(client)
    content = minimal_docx()

    page = accepted(journey, "letter.docx", content)

    assert files_listed(page) == ["letter.docx"]
    (stored,) = stored_files(uploads)
    assert stored.read_bytes() == content


def test_a_path_in_the_file_name_is_stored_with_a_safe_name(
    client: FlaskClient, uploads: Path, tmp_path: Path
) -> None:
    journey, _ = on_the_files_page(client)

    page = accepted(journey, "../../etc/x.pdf", PDF)

    assert files_listed(page) == ["x.pdf"]
    db.session.expire_all()
    attachment = db.session.scalars(sa.select(Attachment)).one()
    assert attachment.filename == "x.pdf"
    assert "/" not in attachment.storage_key and ".." not in attachment.storage_key
    (stored,) = stored_files(uploads)
    assert stored.parent == uploads
    assert not (tmp_path / "etc").exists()


# --- what is refused --------------------------------------------------------------------------


def test_a_file_called_pdf_that_is_not_one_is_refused_and_the_other_answers_are_kept(
    client: FlaskClient, uploads: Path
) -> None:
    journey, answers = on_the_files_page(client)

    message = refused(journey, "letter.pdf", b"MZ\x90\x00 this is a program, not a letter")

    assert message == WRONG_TYPE
    assert stored_files(uploads) == []
    what_happened = answers["what-happened"]["what_happened"]
    assert journey.get("what-happened").value_of("what_happened") == what_happened
    assert journey.get("about-the-child").value_of("child_name") == "Sam Taylor"
    assert journey.get("put-it-right").value_of("put_right") == answers["put-it-right"]["put_right"]


def test_an_empty_file_is_refused(client: FlaskClient, uploads: Path) -> None:
    journey, _ = on_the_files_page(client)
    assert refused(journey, "letter.pdf", b"") == "The selected file is empty"
    assert stored_files(uploads) == []


def test_a_file_over_the_size_limit_is_refused(
    client: FlaskClient, app: Flask, uploads: Path
) -> None:
    app.config["ATTACHMENT_MAX_MB"] = 1
    journey, _ = on_the_files_page(client)
    too_big = PDF + b"0" * (1024 * 1024)

    assert refused(journey, "report.pdf", too_big) == "The selected file must be smaller than 1MB"
    assert stored_files(uploads) == []
    assert "smaller than 1MB" in journey.get("files").text


def test_no_more_files_than_the_limit_are_accepted(
    client: FlaskClient, app: Flask, uploads: Path
) -> None:
    app.config["ATTACHMENT_MAX_FILES"] = 2
    journey, _ = on_the_files_page(client)
    accepted(journey, "one.pdf", PDF)
    page = accepted(journey, "two.pdf", PDF)
    assert page.by_id("file") is None, "the page should no longer offer another upload"

    response = upload(journey, "three.pdf", PDF)

    assert response.status_code == 200
    assert page_of(response).error_summary == [("#file", "You can send up to 2 files")]
    assert files_listed(journey.get("files")) == ["one.pdf", "two.pdf"]
    assert len(stored_files(uploads)) == 2


def test_a_file_is_refused_when_the_virus_scanner_cannot_be_reached(
    client: FlaskClient, app: Flask, uploads: Path
) -> None:
    app.config["CLAMAV_ADDRESS"] = f"127.0.0.1:{closed_port()}"
    journey, _ = on_the_files_page(client)

    message = refused(journey, "letter.pdf", PDF)

    assert message == "The selected file could not be checked for viruses: try again later"
    assert stored_files(uploads) == []


# --- after sending ----------------------------------------------------------------------------


def test_the_case_has_the_files_and_a_manager_downloads_one_as_an_attachment(
    client: FlaskClient, app: Flask, uploads: Path
) -> None:
    journey, answers = on_the_files_page(client)
    accepted(journey, "letter.pdf", PDF)
    accepted(journey, "letter.docx", minimal_docx())
    reference = send(journey, answers)

    db.session.expire_all()
    case_files = db.session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()
    assert [(a.filename, a.submission_id, a.draft_id) for a in case_files] == [
        ("letter.pdf", only_submission().id, None),
        ("letter.docx", only_submission().id, None),
    ]

    manager = browser(app)
    sign_in_as_manager(manager)
    case = look(manager, f"/staff/cases/{reference}")
    assert "letter.pdf" in case.text and "letter.docx" in case.text
    assert case.text.count("Not scanned for viruses") == 2

    response = manager.get(case.link_to("letter.pdf"))

    assert response.status_code == 200
    assert response.get_data() == PDF
    assert response.mimetype == "application/octet-stream"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "letter.pdf" in disposition
    assert "sandbox" in response.headers["Content-Security-Policy"]
    db.session.expire_all()
    downloads = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "file_downloaded")
    ).all()
    assert [(e.submission_id, e.detail.get("attachment_id")) for e in downloads] == [
        (only_submission().id, case_files[0].id)
    ]


def test_a_team_member_of_another_team_cannot_download_the_file(
    client: FlaskClient, app: Flask, uploads: Path
) -> None:
    journey, answers = on_the_files_page(client)
    accepted(journey, "letter.pdf", PDF)
    reference = send(journey, answers)
    db.session.expire_all()
    attachment = db.session.scalars(sa.select(Attachment)).one()
    url = f"/staff/cases/{reference}/files/{attachment.id}"

    own_team = browser(app)
    sign_in(own_team, make_staff(Role.TEAM_MEMBER, team="Looked After Children"))
    assert own_team.get(url).status_code == 200

    other_team = browser(app)
    sign_in(other_team, make_staff(Role.TEAM_MEMBER, team="Fostering"))
    response = other_team.get(url)

    assert response.status_code == 404
    assert response.get_data() != PDF
    db.session.expire_all()
    downloads = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "file_downloaded")
    ).all()
    assert len(downloads) == 1


def test_a_file_of_another_case_cannot_be_downloaded_through_this_one(
    client: FlaskClient, app: Flask, uploads: Path
) -> None:
    journey, answers = on_the_files_page(client)
    accepted(journey, "letter.pdf", PDF)
    reference = send(journey, answers)
    db.session.expire_all()
    attachment = db.session.scalars(sa.select(Attachment)).one()
    manager = browser(app)
    sign_in_as_manager(manager)

    response = manager.get(f"/staff/cases/{reference}/files/{attachment.id + 1}")

    assert response.status_code == 404


def test_continuing_from_the_files_page_without_a_file_is_fine(
    client: FlaskClient, uploads: Path
) -> None:
    journey, _ = on_the_files_page(client)
    assert step_of(journey.post("files", {}).location) != "files"
    assert stored_files(uploads) == []
