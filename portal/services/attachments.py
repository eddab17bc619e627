"""Files sent with a submission: checked from their content, images re-encoded (which
drops hidden content and location data), scanned when a scanner is configured, and kept
outside the web root under a random name."""

import hashlib
import io
import secrets
import socket
import struct
import warnings
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from PIL import Image, PngImagePlugin, UnidentifiedImageError

from portal.database import utcnow
from portal.domain.access import Permission
from portal.domain.files import (
    IMAGE_MAX_PIXELS,
    IMAGES,
    FileType,
    image_pixel_limit,
    jpeg_buffered_samples,
    safe_filename,
    sniff,
)
from portal.extensions import db
from portal.models import Attachment, Draft, Staff, Submission
from portal.services import audit
from portal.services.common import require

# A PNG's text is thrown away, but read first: Pillow allows 64 MB of it, unpacked.
PngImagePlugin.MAX_TEXT_MEMORY = 4 * PngImagePlugin.MAX_TEXT_CHUNK

# Pillow only warns between MAX_IMAGE_PIXELS and twice that, and raises
# DecompressionBombError above: so twice this is our limit, and wherever Pillow itself
# looks (every plugin, every frame it seeks to) a bigger picture is an error. Its warning
# below that says nothing we act on: our own check of the declared size comes first.
Image.MAX_IMAGE_PIXELS = IMAGE_MAX_PIXELS // 2
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)

# What the decoders of the accepted types produce is what their encoders store, so a
# picture is saved from the one decoded copy, never converted into a second.
PILLOW_FORMAT = {FileType.JPEG: "JPEG", FileType.PNG: "PNG"}
ORIENTATION = 0x0112


class FileRejected(ValueError):
    """A file we cannot accept; the message says why, in GOV.UK wording."""


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _too_large(limit: int = IMAGE_MAX_PIXELS) -> FileRejected:
    return FileRejected(
        _(
            "The selected picture must be %(megapixels)d megapixels or smaller",
            megapixels=limit // 1_000_000,
        )
    )


def _unreadable() -> FileRejected:
    return FileRejected(_("The selected file could not be opened: try another picture"))


UNREADABLE = (UnidentifiedImageError, OSError, ValueError)


def _reencode(content: bytes, file_type: FileType) -> bytes:
    """The picture's pixels, and which way up they go, in a new file: no EXIF, location,
    comments, colour profiles or hidden chunks. The size it declares is checked before
    anything is decoded; only the first frame of an animation or a multi-picture JPEG is
    decoded and kept; one decoded copy is held, never two."""
    try:
        # Reads the header only: nothing is decoded until load().
        image = Image.open(io.BytesIO(content), formats=[PILLOW_FORMAT[file_type]])
    except Image.DecompressionBombError as error:
        raise _too_large() from error
    except UNREADABLE as error:
        raise _unreadable() from error
    with image:
        buffered = jpeg_buffered_samples(content) if file_type is FileType.JPEG else 0.0
        limit = image_pixel_limit(buffered)
        if image.width * image.height > limit:
            raise _too_large(limit)
        try:
            image.load()
            orientation = image.getexif().get(ORIENTATION, 1)
            # Transparency is part of the picture; everything else in `info` is not, and
            # some encoders copy from it (JPEG comments, PNG colour profiles).
            image.info = {k: v for k, v in image.info.items() if k == "transparency"}
            options: dict[str, object] = {"quality": 90} if file_type is FileType.JPEG else {}
            if orientation in range(2, 9):
                # Turning the pixels would take a second copy; the tag alone says it.
                upright = Image.Exif()
                upright[ORIENTATION] = orientation
                options["exif"] = upright.tobytes()
            out = io.BytesIO()
            image.save(out, PILLOW_FORMAT[file_type], **options)
        except Image.DecompressionBombError as error:
            raise _too_large() from error
        except UNREADABLE as error:
            raise _unreadable() from error
    return out.getvalue()


def scan(content: bytes) -> str:
    """ "clean", or "unscanned" when no scanner is configured. Raises FileRejected for
    a file the scanner finds infected, or when the configured scanner cannot be reached."""
    address = str(current_app.config.get("CLAMAV_ADDRESS") or "")
    if not address:
        return "unscanned"
    try:
        if ":" in address and not address.startswith("/"):
            host, port = address.rsplit(":", 1)
            connection = socket.create_connection((host, int(port)), timeout=30)
        else:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.settimeout(30)
            connection.connect(address)
        with connection:
            connection.sendall(b"zINSTREAM\0")
            for start in range(0, len(content), 65536):
                chunk = content[start : start + 65536]
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            reply = connection.recv(4096).decode(errors="replace")
    except OSError as error:
        raise FileRejected(
            _("The selected file could not be checked for viruses: try again later")
        ) from error
    if "FOUND" in reply:
        raise FileRejected(_("The selected file contains a virus"))
    if "OK" not in reply:
        raise FileRejected(_("The selected file could not be checked for viruses: try again later"))
    return "clean"


def for_draft(draft_id: str) -> list[Attachment]:
    return list(
        db.session.scalars(
            sa.select(Attachment).where(Attachment.draft_id == draft_id).order_by(Attachment.id)
        )
    )


def _too_many(count: int) -> FileRejected:
    return FileRejected(_("You can send up to %(count)d files", count=count))


def _checked(content: bytes) -> tuple[FileType, bytes, str]:
    """A file's type, its content as kept (a picture re-encoded without its metadata),
    and its scan; FileRejected with the reason the person reads."""
    limit_mb = current_app.config["ATTACHMENT_MAX_MB"]
    if not content:
        raise FileRejected(_("The selected file is empty"))
    if len(content) > limit_mb * 1024 * 1024:
        raise FileRejected(_("The selected file must be smaller than %(size)dMB", size=limit_mb))
    file_type = sniff(content)
    if file_type is None:
        raise FileRejected(_("The selected file must be a PDF, JPG, PNG or Word document"))
    if file_type in IMAGES:
        content = _reencode(content, file_type)
    return file_type, content, scan(content)


def _kept(filename: str, content: bytes) -> tuple[Path, Attachment]:
    """A file checked, scanned and written under a random key, and its row (not yet
    added to the session)."""
    file_type, content, scan_status = _checked(content)
    key = secrets.token_hex(24)
    stored = _folder() / key
    stored.write_bytes(content)
    return stored, Attachment(
        filename=safe_filename(filename, file_type),
        file_type=file_type.value,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        storage_key=key,
        scan_status=scan_status,
    )


def keep_sent(files: list[tuple[str, bytes]]) -> tuple[list[Path], list[Attachment]]:
    """Files the person sends later (from the tracking page), each checked, cleaned and
    scanned like the form's, written under a random key; their rows are not yet added.
    FileRejected (the file's name and why) for the first that cannot be taken: then none
    is kept. The caller adds the rows, and deletes the files if its transaction fails."""
    limit = int(current_app.config["ATTACHMENT_MAX_FILES"])
    if len(files) > limit:
        raise _too_many(limit)
    stored: list[Path] = []
    rows: list[Attachment] = []
    try:
        for filename, content in files:
            try:
                path, row = _kept(filename, content)
            except FileRejected as problem:
                shown = filename.replace("\\", "/").rsplit("/", 1)[-1][:80]
                raise FileRejected(f"{shown}: {problem}") from problem
            stored.append(path)
            rows.append(row)
    except Exception:
        for path in stored:
            path.unlink(missing_ok=True)
        raise
    return stored, rows


def for_steps(case: Submission) -> dict[int, list[Attachment]]:
    """The files sent later from the tracking page, by the step they came with."""
    found: dict[int, list[Attachment]] = {}
    for attachment in db.session.scalars(
        sa.select(Attachment)
        .where(Attachment.submission_id == case.id, Attachment.step_id.is_not(None))
        .order_by(Attachment.id)
    ):
        found.setdefault(int(attachment.step_id or 0), []).append(attachment)
    return found


def add_to_case(
    staff: Staff, case: Submission, filename: str, content: bytes, *, description: str
) -> Attachment:
    """A document a member of staff adds to the case, checked and scanned as the
    public's files are."""
    require(staff, Permission.WORK_CASES)
    stored, attachment = _kept(filename, content)
    attachment.submission_id = case.id
    attachment.added_by = staff.id
    attachment.description = description or None
    db.session.add(attachment)
    try:
        db.session.flush()
        audit.record(
            "document_added", staff=staff, submission=case, detail={"attachment_id": attachment.id}
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        stored.unlink(missing_ok=True)
        raise
    return attachment


def add_to_draft(draft: Draft, filename: str, content: bytes) -> Attachment | None:
    """Check, clean and keep a file sent with a draft. None if the draft was sent or
    deleted while the file was on its way: nothing is kept."""
    config = current_app.config
    limit = int(config["ATTACHMENT_MAX_FILES"])
    # Said at once, before any checking; _files_under_lock decides.
    if len(for_draft(draft.id)) >= limit:
        raise _too_many(limit)
    stored, attachment = _kept(filename, content)
    draft_id = draft.id
    files = _files_under_lock(draft_id)
    if files is None or files >= limit:
        db.session.rollback()
        stored.unlink(missing_ok=True)
        if files is None:
            return None
        raise _too_many(limit)
    attachment.draft_id = draft_id
    db.session.add(attachment)
    db.session.commit()
    return attachment


def _files_under_lock(draft_id: str) -> int | None:
    """How many files the draft has, counted once its row is locked: the row is written
    first (PostgreSQL's row lock, SQLite's write lock), so a second file sent at the same
    instant waits until this one is committed, then counts it. (A count inside the
    inserting statement is not enough on PostgreSQL: two such statements each count
    before the other's file is there.) None when the draft is gone. The caller commits
    or rolls back, which ends the lock."""
    locked = db.session.execute(
        sa.update(Draft)
        .where(Draft.id == draft_id)
        .values(updated_at=utcnow())
        .returning(Draft.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if locked is None:
        return None
    return int(
        db.session.scalar(
            sa.select(sa.func.count(Attachment.id)).where(Attachment.draft_id == draft_id)
        )
        or 0
    )


def remove_from_draft(draft: Draft, attachment_id: int) -> None:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.draft_id != draft.id:
        return
    (_folder() / attachment.storage_key).unlink(missing_ok=True)
    db.session.delete(attachment)
    db.session.commit()


def move_to_submission(ids: list[int], submission: Submission) -> None:
    """In the submission's transaction: the draft's files (by id) now belong to the case."""
    db.session.execute(
        sa.update(Attachment)
        .where(Attachment.id.in_(ids))
        .values(submission_id=submission.id, draft_id=None)
        .execution_options(synchronize_session=False)
    )


def for_case(case: Submission) -> list[Attachment]:
    return list(
        db.session.scalars(
            sa.select(Attachment).where(Attachment.submission_id == case.id).order_by(Attachment.id)
        )
    )


def open_for_staff(
    staff: Staff, case: Submission, attachment_id: int
) -> tuple[Path, Attachment] | None:
    """The stored file of one of this case's attachments (audited), or None."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.submission_id != case.id:
        return None
    audit.record(
        "file_downloaded", staff=staff, submission=case, detail={"attachment_id": attachment.id}
    )
    db.session.commit()
    return _folder() / attachment.storage_key, attachment
