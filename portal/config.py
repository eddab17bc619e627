"""Configuration: the only module that reads the environment.

The council is configuration, not code: its name, colour, contact details and the
jurisdiction whose law applies (England or Wales).
"""

import json
import os
from datetime import date
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


# Signs every session cookie: whoever knows it can make a complaints manager's session.
# Only development (`make run`, PORTAL_ENV=development) and the tests may use this one.
DEVELOPMENT_SECRET_KEY = "dev-only-secret-change-me"
MIN_SECRET_KEY_LENGTH = 32


def _date(name: str, default: str) -> date:
    return date.fromisoformat(_env(name, default))


class Config:
    SECRET_KEY = _env("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    # How staff passwords and the save-and-return answers and codes are hashed:
    # werkzeug's scrypt at its default work factor (about 0.1 s a hash on these machines).
    SECRET_HASH_METHOD = "scrypt:32768:8:1"
    # "production" unless said otherwise: a server started without thought is safe.
    PORTAL_ENV = _env("PORTAL_ENV", "production")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'portal.sqlite3'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {"pool_pre_ping": True}

    # The CSRF token lives as long as the session: a person who takes an hour over
    # "what happened" must not be refused when they finally press Continue.
    WTF_CSRF_TIME_LIMIT = None

    # The public's form pages (the questions, get help now, save for later, check your
    # answers) shown from HTML kept for each shape of page (portal/public/kept_pages.py);
    # false: every page made in full, as a way out if one were ever in doubt.
    KEPT_PAGES = _env("KEPT_PAGES", "true") == "true"
    KEPT_PAGES_CHECK = False
    # A statement that writes, on a connection a page took only to read, refused
    # (portal/database.py, `watch_connections`): a check for the portal's bugs, on in the
    # tests and development, off in production (it costs every statement a little).
    REFUSE_WRITES_WHILE_READING = _env("PORTAL_ENV", "production") == "development"

    PERMANENT_SESSION_LIFETIME = int(_env("SESSION_LIFETIME_SECONDS", str(24 * 3600)))
    # A session that has not changed is signed again (its cookie sent again) once its
    # cookie is this old, not on every page (portal/sessions.py).
    SESSION_REFRESH_AFTER_SECONDS = int(_env("SESSION_REFRESH_AFTER_SECONDS", "60"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Secure outside development: `make run` (plain http on 127.0.0.1) turns it off.
    SESSION_COOKIE_SECURE = _env("SESSION_COOKIE_SECURE", "true") == "true"

    # How long a half-finished journey is kept on the server.
    DRAFT_LIFETIME_HOURS = int(_env("DRAFT_LIFETIME_HOURS", "24"))
    # Save and come back later: how long the emailed link works, and how many wrong
    # answers (or codes) are allowed before the saved answers are deleted.
    SAVE_RETURN_DAYS = int(_env("SAVE_RETURN_DAYS", "7"))
    SAVE_RETURN_MAX_TRIES = int(_env("SAVE_RETURN_MAX_TRIES", "5"))

    COUNCIL_NAME = _env("COUNCIL_NAME", "Northmoor Borough Council")
    COUNCIL_SHORT_NAME = _env("COUNCIL_SHORT_NAME", "Northmoor")
    COUNCIL_NAME_CY = _env("COUNCIL_NAME_CY", "")
    COUNCIL_SHORT_NAME_CY = _env("COUNCIL_SHORT_NAME_CY", "")
    COUNCIL_COLOUR = _env("COUNCIL_COLOUR", "#00594f")
    COUNCIL_PHONE = _env("COUNCIL_PHONE", "0300 123 4567")
    COUNCIL_ADDRESS = _env(
        "COUNCIL_ADDRESS",
        "Children's Complaints Team, Town Hall, 1 Market Street, Northmoor, NM1 1AA",
    )
    COUNCIL_EMAIL = _env("COUNCIL_EMAIL", "childrens.complaints@northmoor.example")
    # The privacy notice, the accessibility statement and the cookies page (in every
    # public page's footer) name these: the council's data protection officer, who to
    # tell about an accessibility problem, how soon they answer, and when each page was
    # last looked at (YYYY-MM-DD: change them when the council reviews the words).
    COUNCIL_DPO_EMAIL = _env("COUNCIL_DPO_EMAIL", "data.protection@northmoor.example")
    COUNCIL_DPO_ADDRESS = _env(
        "COUNCIL_DPO_ADDRESS",
        "Data Protection Officer, Town Hall, 1 Market Street, Northmoor, NM1 1AA",
    )
    COUNCIL_ACCESSIBILITY_EMAIL = _env(
        "COUNCIL_ACCESSIBILITY_EMAIL", "accessibility@northmoor.example"
    )
    ACCESSIBILITY_REPLY_WORKING_DAYS = int(_env("ACCESSIBILITY_REPLY_WORKING_DAYS", "5"))
    PRIVACY_NOTICE_UPDATED = _date("PRIVACY_NOTICE_UPDATED", "2026-12-04")
    ACCESSIBILITY_STATEMENT_PREPARED = _date("ACCESSIBILITY_STATEMENT_PREPARED", "2026-12-04")
    ACCESSIBILITY_STATEMENT_REVIEWED = _date("ACCESSIBILITY_STATEMENT_REVIEWED", "2026-12-04")
    # "england" or "wales": decides which statute's clock applies.
    JURISDICTION = _env("JURISDICTION", "england")
    # England sets no acknowledgement period in law; this is the council's own target.
    # In Wales the law says 2 working days and a longer target is not allowed.
    # Welsh on every public page: always for a council in Wales, by choice in England.
    WELSH_ENABLED = _env("WELSH_ENABLED", "true" if JURISDICTION == "wales" else "false") == "true"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).parent / "translations")
    ACKNOWLEDGEMENT_TARGET_WORKING_DAYS = int(_env("ACKNOWLEDGEMENT_TARGET_WORKING_DAYS", "3"))
    # Some councils promise a stage 1 response sooner (or later) than the law's 10 working
    # days: both dates are kept and shown. Empty: no local target.
    STAGE1_LOCAL_TARGET_WORKING_DAYS = _env("STAGE1_LOCAL_TARGET_WORKING_DAYS", "")
    # A representation has no statutory clock (domain.md): the council's own target for
    # replying, in working days from receipt.
    REPRESENTATION_REPLY_TARGET_WORKING_DAYS = int(
        _env("REPRESENTATION_REPLY_TARGET_WORKING_DAYS", "10")
    )
    # Stage 2's clock: from the "request" (the ombudsman's view) or the agreed "statement".
    STAGE2_CLOCK_START = _env("STAGE2_CLOCK_START", "request")
    # The window to ask for the next stage; later requests are flagged, never refused.
    NEXT_STAGE_WINDOW_WORKING_DAYS = int(_env("NEXT_STAGE_WINDOW_WORKING_DAYS", "20"))
    # A response letter is approved by someone other than whoever wrote it; a small
    # council with one complaints manager can let them approve their own (docs/letters.md).
    LETTER_SELF_APPROVAL_ALLOWED = _env("LETTER_SELF_APPROVAL_ALLOWED", "false") == "true"
    # An MP's or councillor's enquiry about a case is answered within this many working
    # days of its arrival (the council's own standard; docs/casework.md).
    ENQUIRY_REPLY_WORKING_DAYS = int(_env("ENQUIRY_REPLY_WORKING_DAYS", "10"))
    # How soon the advocacy provider should have picked up a request.
    ADVOCACY_TARGET_WORKING_DAYS = int(_env("ADVOCACY_TARGET_WORKING_DAYS", "5"))
    # `flask deadlines remind` (docs/reminders.md): how many working days before a due
    # date the case's owner and team are reminded; the teams' digests look as far ahead.
    REMINDER_WORKING_DAYS_BEFORE = int(_env("REMINDER_WORKING_DAYS_BEFORE", "3"))

    # Staff sign-in: lock an account for a while after repeated failures; sign out after
    # a spell of inactivity.
    SIGN_IN_MAX_FAILURES = int(_env("SIGN_IN_MAX_FAILURES", "5"))
    SIGN_IN_LOCK_MINUTES = int(_env("SIGN_IN_LOCK_MINUTES", "15"))
    STAFF_IDLE_MINUTES = int(_env("STAFF_IDLE_MINUTES", "30"))
    # Everyone who can see case data signs in with a second factor; a council may make it
    # optional for some roles (comma-separated: "auditor,team_member"), never managers.
    SECOND_FACTOR_OPTIONAL_FOR: tuple[str, ...] = tuple(
        role.strip() for role in _env("SECOND_FACTOR_OPTIONAL_FOR", "").split(",") if role.strip()
    )
    # How long a link to set a password (an invitation, or a reset) works.
    STAFF_PASSWORD_LINK_HOURS = int(_env("STAFF_PASSWORD_LINK_HOURS", "72"))
    # How long before that sign-out the warning with "Stay signed in" appears.
    STAFF_IDLE_WARNING_SECONDS = int(_env("STAFF_IDLE_WARNING_SECONDS", "120"))

    REFERENCE_PREFIX = _env("REFERENCE_PREFIX", "CSC")
    # Where "Exit this page" takes a person: somewhere ordinary and safe.
    EXIT_PAGE_URL = _env("EXIT_PAGE_URL", "https://www.bbc.co.uk/weather")

    # Where links in emails point (the tracking page).
    PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Until routing rules exist, a submission whose person was not sure goes here.
    DEFAULT_TEAM_NAME = _env("DEFAULT_TEAM_NAME", "First Response / Referral and Assessment")
    # A child is asked who it is about in their own words ("my foster carer"); each answer
    # sends the case towards a team, by the team's name (JSON, e.g. {"foster_carer":
    # "Fostering"}). An answer left out (or a team not found) goes where "not sure" goes.
    CHILD_TOPIC_TEAMS: dict[str, str] = json.loads(
        _env(
            "CHILD_TOPIC_TEAMS",
            '{"foster_carer": "Fostering", "where_i_live": "Looked After Children", '
            '"leaving_care": "Leaving Care"}',
        )
    )

    # The outbox worker: retries grow from the base (30 s, 60 s, 2 min ...); after the
    # last try a message is marked failed and shown to staff; a message left "sending"
    # by a crashed worker is taken again after the stuck time.
    OUTBOX_RETRY_BASE_SECONDS = float(_env("OUTBOX_RETRY_BASE_SECONDS", "30"))
    OUTBOX_MAX_ATTEMPTS = int(_env("OUTBOX_MAX_ATTEMPTS", "8"))
    OUTBOX_STUCK_AFTER_SECONDS = float(_env("OUTBOX_STUCK_AFTER_SECONDS", "300"))
    OUTBOX_POLL_SECONDS = float(_env("OUTBOX_POLL_SECONDS", "1"))
    SMTP_TIMEOUT_SECONDS = float(_env("SMTP_TIMEOUT_SECONDS", "30"))

    # How many proxies (load balancer, CDN) stand in front of the portal and add to
    # X-Forwarded-For / X-Forwarded-Proto. 0: the headers are ignored, so nobody can
    # dodge a per-address limit by writing their own. Behind one load balancer: 1.
    TRUSTED_PROXIES = int(_env("TRUSTED_PROXIES", "0"))
    # Without REDIS_URL the limits live in memory (fine for one development process).
    RATELIMIT_STORAGE_URI = _env("REDIS_URL", "memory://")
    # No X-RateLimit-* headers on every limited page: reading a window for them took two
    # more round trips to Redis a request (issue 19). A refusal (429) says when to try
    # again in its own Retry-After (portal/errors.py).
    RATELIMIT_HEADERS_ENABLED = False
    # Complaint files are commonly kept 6 years after the case ends (domain.md).
    RETENTION_YEARS = int(_env("RETENTION_YEARS", "6"))
    TRACKING_RATE_LIMIT = _env("TRACKING_RATE_LIMIT", "20 per minute;200 per day")
    # Sending a complaint (and starting a save-and-return) per address: generous enough
    # for a school or a care home sharing one address, tight enough to stop a flood.
    SUBMISSION_RATE_LIMIT = _env("SUBMISSION_RATE_LIMIT", "10 per minute;60 per hour")
    # Emails the public can ask for (a save-and-return link, its code) to any one address,
    # from anywhere: enough for a person who tries again, too few to flood an inbox.
    PUBLIC_EMAILS_PER_RECIPIENT = _env("PUBLIC_EMAILS_PER_RECIPIENT", "3 per hour;10 per day")
    # Signing in with the council's account, per address: a whole council's staff arrive
    # through one address at nine o'clock, and the provider, not the portal, guards their
    # passwords; this only stops a flood of requests to the provider.
    COUNCIL_SIGN_IN_RATE_LIMIT = _env("COUNCIL_SIGN_IN_RATE_LIMIT", "300 per minute")
    # "Find your complaint" from one address: a person who mistypes tries a few times;
    # someone guessing references and contacts gets nowhere.
    FIND_LINK_RATE_LIMIT = _env("FIND_LINK_RATE_LIMIT", "5 per 10 minutes;20 per day")

    # Files sent with a submission: how many, how big, where they are kept (outside the
    # web root), and the ClamAV daemon that scans them ("host:port" or a socket path;
    # empty: files are kept and marked unscanned for staff).
    ATTACHMENT_MAX_FILES = int(_env("ATTACHMENT_MAX_FILES", "5"))
    ATTACHMENT_MAX_MB = int(_env("ATTACHMENT_MAX_MB", "10"))
    UPLOAD_FOLDER = _env("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    CLAMAV_ADDRESS = _env("CLAMAV_ADDRESS", "")
    MAX_CONTENT_LENGTH = (int(_env("ATTACHMENT_MAX_MB", "10")) + 1) * 1024 * 1024

    # Safeguarding: who is alerted when a submission shows signs of immediate danger, and
    # the numbers a child is shown at once. DANGER_PHRASES_FILE adds the council's own
    # words to the shipped list.
    SAFEGUARDING_TEAM_NAME = _env(
        "SAFEGUARDING_TEAM_NAME", "First Response / Referral and Assessment"
    )
    COMPLAINTS_MANAGER_EMAIL = _env(
        "COMPLAINTS_MANAGER_EMAIL", "complaints.manager@northmoor.example"
    )
    FRONT_DOOR_PHONE = _env("FRONT_DOOR_PHONE", "0300 123 4000")
    OUT_OF_HOURS_PHONE = _env("OUT_OF_HOURS_PHONE", "0300 123 4999")
    DANGER_PHRASES_FILE = os.environ.get("DANGER_PHRASES_FILE")
    # What happens after (docs/safeguarding-what-happens.md). A child shown the help page
    # who has not sent within this time, and left a way to reach them: staff get a
    # "possible concern, not sent" task. An urgent alert nobody has recorded what was done
    # about within this time (round the clock) goes again to the complaints manager and
    # to the out-of-hours / front door (MASH) address. The outbox worker sweeps for both
    # every SAFEGUARDING_SWEEP_SECONDS; `flask safeguarding sweep` does it from cron.
    SAFEGUARDING_UNSENT_AFTER_MINUTES = int(_env("SAFEGUARDING_UNSENT_AFTER_MINUTES", "60"))
    SAFEGUARDING_ESCALATE_AFTER_MINUTES = int(_env("SAFEGUARDING_ESCALATE_AFTER_MINUTES", "60"))
    SAFEGUARDING_ESCALATION_EMAIL = _env(
        "SAFEGUARDING_ESCALATION_EMAIL", "out.of.hours@northmoor.example"
    )
    SAFEGUARDING_SWEEP_SECONDS = float(_env("SAFEGUARDING_SWEEP_SECONDS", "120"))

    # GOV.UK Notify (docs/notify.md). With NOTIFY_API_KEY set, emails, text messages and
    # printed letters go through Notify with the council's templates, each holding the
    # portal's words as personalisation; without it emails go over SMTP (below) and
    # texts to the SMS_EMAIL_GATEWAY, if there is one. NOTIFY_BASE_URL is Notify's own
    # unless a test points it at the local server. Notify's delivery receipts are posted
    # to /notify/receipts with NOTIFY_CALLBACK_TOKEN as the bearer token.
    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY")
    NOTIFY_BASE_URL = _env("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
    NOTIFY_EMAIL_TEMPLATE_ID = os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID")
    NOTIFY_SMS_TEMPLATE_ID = os.environ.get("NOTIFY_SMS_TEMPLATE_ID")
    NOTIFY_LETTER_TEMPLATE_ID = os.environ.get("NOTIFY_LETTER_TEMPLATE_ID")
    NOTIFY_CALLBACK_TOKEN = os.environ.get("NOTIFY_CALLBACK_TOKEN")
    NOTIFY_TIMEOUT_SECONDS = float(_env("NOTIFY_TIMEOUT_SECONDS", "10"))
    # Without Notify, a text message is sent as an email to <number>@SMS_EMAIL_GATEWAY
    # (a council's email-to-SMS service; `make run` points it at the local mail sink).
    # Empty, and without Notify: nobody is offered "text me".
    SMS_EMAIL_GATEWAY = _env("SMS_EMAIL_GATEWAY", "")

    # Staff sign-in through the council's OpenID Connect provider (docs/oidc.md). With
    # OIDC_ISSUER set, staff sign in there; the groups claim maps to the portal's role
    # and teams; only accounts marked break-glass, and those outside the council
    # (OIDC_PASSWORD_ROLES), keep the portal's own password and second factor. Without
    # it, every account signs in with the portal's own.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET")
    OIDC_GROUPS_CLAIM = _env("OIDC_GROUPS_CLAIM", "groups")
    # {"<group id or name>": "<role>"}: the highest role of a person's groups is theirs.
    OIDC_GROUP_ROLES: dict[str, str] = json.loads(_env("OIDC_GROUP_ROLES", "{}"))
    # {"<group id or name>": "<team name>"}: the teams a person works in.
    OIDC_GROUP_TEAMS: dict[str, str] = json.loads(_env("OIDC_GROUP_TEAMS", "{}"))
    # People outside the council's directory keep the portal's own password and second
    # factor: advocates and the advocacy provider's manager, unless the council invites
    # them to its directory as guests (then empty). Only these two roles may be named.
    OIDC_PASSWORD_ROLES: tuple[str, ...] = tuple(
        role.strip()
        for role in _env("OIDC_PASSWORD_ROLES", "advocate,provider_manager").split(",")
        if role.strip()
    )

    MAIL_SERVER = _env("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(_env("MAIL_PORT", "8025"))
    MAIL_USE_TLS = _env("MAIL_USE_TLS", "false") == "true"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "no-reply@northmoor.example")


class TestConfig(Config):
    TESTING = True
    # Tests deliver to a real local SMTP server (aiosmtpd), never a fake mailer.
    MAIL_SUPPRESS_SEND = False
    SECRET_KEY = "test-secret"
    # The same scrypt with 1/32 of the work: the tests sign in hundreds of times, and the
    # hash's strength is not what they check (20 times faster).
    SECRET_HASH_METHOD = "scrypt:1024:8:1"
    # The test client speaks plain http.
    SESSION_COOKIE_SECURE = False
    # Every test sends from 127.0.0.1; the limit's own test sets a low one.
    SUBMISSION_RATE_LIMIT = "10000 per minute"
    FIND_LINK_RATE_LIMIT = "10000 per minute"
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", "sqlite://")
    # The language switch is on every page the tests (axe, the Nu checker) look at.
    WELSH_ENABLED = True
    # "Text me" is offered, and texts are queued (tests that need it off set it empty).
    SMS_EMAIL_GATEWAY = "sms.test"
    # Every page shown from a kept page is made again in full and compared
    # (portal/public/kept_pages.py): the whole suite checks the kept pages.
    KEPT_PAGES_CHECK = True
    REFUSE_WRITES_WHILE_READING = True
