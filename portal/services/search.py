"""Finding a case: one search across every case, open and closed, by reference, a name
(the person's or the child's), email, phone, postcode, the child's date of birth and
words in what was written. Only the cases the searcher may see are found (the queue's
rule, services/cases.py `visible_to`), and every search is in the audit trail: who, when,
by what, how many were found, and on each case shown that it was found, by whom. The
terms themselves are kept only as keyed hashes, so the trail holds no name or address a
purge would have to find (docs/casework.md, "Finding a case")."""

import hashlib
import hmac
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.domain import search as normal
from portal.domain.access import Permission
from portal.domain.characters import plain
from portal.extensions import db
from portal.models import AuditEvent, Case, Staff, Submission, Team
from portal.models.submission import email_key, folded, phone_key, postcode_key
from portal.services import audit
from portal.services.cases import visible_to
from portal.services.common import require
from portal.services.triage import reference_matches

PAGE_SIZE = 50
# Counted no further: "more than 1,000" asks for more to narrow it, and spares the
# database counting every case that mentions a common word.
MOST_COUNTED = 1000

# The fields in the order the page asks them, as the audit trail names them.
FIELDS = ("reference", "name", "email", "phone", "postcode", "child_date_of_birth", "words")


# Where words are looked for: what was written, what would put it right, and the
# advocate's name and email (each answered by a trigram index on PostgreSQL).
WORDS_IN = (
    Submission.what_happened,
    Submission.put_right,
    Submission.advocate_name,
    Submission.advocate_email,
)


@dataclass
class SearchTerms:
    reference: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    postcode: str = ""
    child_date_of_birth: date | None = None
    words: str = ""

    def used(self) -> list[str]:
        """The fields searched by, in FIELDS order."""
        given = asdict(self)
        return [name for name in FIELDS if given[name] not in (None, "")]

    def normalised(self) -> dict[str, str]:
        """Each field used, as it is compared: what the audit trail's hashes are of."""
        return self._normalised(
            plain(self.reference).strip().upper(),
            plain(normal.squeeze(self.name)).lower(),
            " ".join(normal.words(self.words)),
        )

    def normalised_before(self) -> dict[str, str]:
        """As `normalised`, but a reference, a name and words in the characters typed, as
        searches were kept before 7 December 2026 (a phone's "’" and "–" were not yet read
        as "'" and "-")."""
        typed = re.findall(r"[\w'’-]+", self.words.lower())
        words = [w for w in dict.fromkeys(typed) if len(w) >= normal.SHORTEST_WORD]
        return self._normalised(
            self.reference.strip().upper(), normal.squeeze(self.name).lower(), " ".join(words)
        )

    def _normalised(self, reference: str, name_key: str, words: str) -> dict[str, str]:
        made = {
            "reference": reference,
            "name": name_key,
            "email": self.email.strip().lower(),
            "phone": (normal.phone_keys(self.phone) or [""])[0],
            "postcode": normal.postcode_key(self.postcode),
            "child_date_of_birth": self.child_date_of_birth.isoformat()
            if self.child_date_of_birth
            else "",
            "words": words,
        }
        return {name: made[name] for name in self.used()}


@dataclass
class Found:
    reference: str
    kind: str
    received_on: date
    stage: str
    team_name: str | None


@dataclass
class SearchPage:
    rows: list[Found] = field(default_factory=list)
    total: int = 0  # at most MOST_COUNTED + 1
    page: int = 1
    pages: int = 1

    @property
    def more_than_counted(self) -> bool:
        return self.total > MOST_COUNTED


class NothingToSearch(ValueError):
    pass


# What matches any one character of what is kept (`_contains`).
_ANY_ONE_HERE = str.maketrans({"'": "_", "-": "_", " ": "_"})


def _contains(column: Any, typed: str, *, fold: bool = False) -> sa.ColumnElement[bool]:
    """Contains what was typed, in any case: ILIKE, which the trigram indexes serve on
    PostgreSQL; with `fold`, also whatever its accents, each side folded by the database
    (models/submission.py `folded`: "Zoe" finds Zoë, "Sián" finds Sian). What is typed is
    text to find, not a pattern: % and _ match themselves.
    An apostrophe, a dash or a space typed matches any one character there: what is kept
    may have been typed on a phone, which puts "’" for "'" and "–" for "-", and a name
    is written with a space or a dash alike (O'Brien finds O’Brien and O Brien; Smith
    Jones finds Smith-Jones and Smith–Jones). Typed, those are read in plain characters
    (domain/characters.py)."""
    text = plain(typed).replace("/", "//").replace("%", "/%").replace("_", "/_")
    text = text.translate(_ANY_ONE_HERE)
    found: sa.ColumnElement[bool] = (
        folded(column).like(folded(sa.literal(f"%{text}%")), escape="/")
        if fold
        else column.ilike(f"%{text}%", escape="/")
    )
    return found


def _named(name: str) -> sa.CTE:
    """The submissions by or about someone of this name (folded: `_contains`), found
    first and kept (MATERIALIZED) before the rest of the search reads them, through the
    trigram indexes of the folded names. PostgreSQL guesses how many cases part of a name
    matches from a sample; guessing a thousand where there were 150, it read every case
    newest first, folding both names of each, until 50 matched (0.3 to 0.5 s at 100,000
    cases: docs/performance.md, "Finding cases")."""
    return (
        sa.select(Submission.id)
        .where(
            sa.or_(
                _contains(Submission.submitter_name, name, fold=True),
                _contains(Submission.child_name, name, fold=True),
            )
        )
        .cte("named")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )


def conditions(terms: SearchTerms) -> list[sa.ColumnElement[bool]]:
    """What each field asks, on submissions (or, for the reference, on cases)."""
    found: list[sa.ColumnElement[bool]] = []
    if terms.reference.strip():
        found.append(reference_matches(terms.reference))
    name = normal.squeeze(terms.name)
    if name:
        found.append(Submission.id.in_(sa.select(_named(name).c.id)))
    if terms.email.strip():
        found.append(email_key(Submission.email) == terms.email.strip().lower())
    if terms.phone.strip():
        found.append(phone_key(Submission.phone).in_(normal.phone_keys(terms.phone)))
    if terms.postcode.strip():
        found.append(postcode_key(Submission.postcode) == normal.postcode_key(terms.postcode))
    if terms.child_date_of_birth is not None:
        found.append(Submission.child_date_of_birth == terms.child_date_of_birth)
    for word in normal.words(terms.words):
        found.append(sa.or_(*(_contains(column, word) for column in WORDS_IN)))
    return found


def search(staff: Staff, terms: SearchTerms, *, page: int = 1) -> SearchPage:
    """The cases found that this member of staff may see, newest first, a page at a time;
    the search and each case shown recorded in the audit trail, then committed."""
    require(staff, Permission.VIEW_CASES)
    asked = conditions(terms)
    if not asked:
        raise NothingToSearch("Enter something to search for")
    where = [*asked, visible_to(staff)]
    matching = (
        sa.select(Submission.id).join(Case, Case.submission_id == Submission.id).where(*where)
    )
    total = (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(matching.limit(MOST_COUNTED + 1).subquery())
        )
        or 0
    )
    pages = max(1, -(-min(total, MOST_COUNTED) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        sa.select(
            Submission.id,
            Submission.reference,
            Case.kind,
            Submission.received_on,
            Case.stage,
            Team.name,
        )
        .join(Case, Case.submission_id == Submission.id)
        .outerjoin(Team, Team.id == Case.team_id)
        .where(*where)
        .order_by(Submission.received_at.desc(), Submission.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    used = terms.used()
    searched = audit.record(
        "searched",
        staff=staff,
        detail={
            "by": used,
            "terms": {name: term_hash(name, value) for name, value in terms.normalised().items()},
            "found": total,
            "page": page,
        },
    )
    db.session.flush()  # its id, which each case's event names
    for row in rows:
        audit.record(
            "found_in_search",
            staff=staff,
            submission_id=row.id,
            detail={"by": used, "search": searched.id},
        )
    db.session.commit()
    return SearchPage(
        rows=[Found(r.reference, r.kind, r.received_on, r.stage, r.name) for r in rows],
        total=total,
        page=page,
        pages=pages,
    )


def term_hash(name: str, normalised: str) -> str:
    """A keyed hash (HMAC-SHA256, a key made from SECRET_KEY) of one field as compared:
    the trail can say whether a search was for a given name without holding the name.
    Changing SECRET_KEY makes the earlier searches' terms unanswerable."""
    key = b"portal case search\0" + str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"{name}\0{normalised}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class LookedUp:
    """Someone who found the case in a search (by which fields, in which search) or
    opened its page."""

    at: datetime
    who: str | None
    viewed: bool  # opened the case's page; else found it in a search
    by: list[str]
    search_id: int | None


# The trail's events that say someone looked for, or at, a case.
LOOKING = ("found_in_search", "viewed")


def who_looked(staff: Staff, case: Submission) -> list[LookedUp]:
    """Who has looked for this case: each search that showed it (who, when, by which
    fields, which search) and each opening of its page, newest first, from its audit
    trail. Asking is itself recorded (`who_looked_viewed`)."""
    require(staff, Permission.SEE_WHO_LOOKED)
    rows = db.session.execute(
        sa.select(AuditEvent, Staff.name)
        .outerjoin(Staff, Staff.id == AuditEvent.staff_id)
        .where(AuditEvent.submission_id == case.id, AuditEvent.action.in_(LOOKING))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).all()
    audit.record("who_looked_viewed", staff=staff, submission=case)
    db.session.commit()
    return [
        LookedUp(
            at=event.at,
            who=name,
            viewed=event.action == "viewed",
            by=list(event.detail.get("by") or []),
            search_id=event.detail.get("search"),
        )
        for event, name in rows
    ]


def searches_for(terms: SearchTerms) -> list[AuditEvent]:
    """The searches made by exactly these terms (each field as compared), newest first:
    the answer to "who looked up this child?" with the child's name or date of birth.
    The searches that showed a case are also in that case's own trail
    (`found_in_search`)."""
    now, before = terms.normalised(), terms.normalised_before()
    wanted = {name: {term_hash(name, now[name]), term_hash(name, before[name])} for name in now}
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "searched", AuditEvent.submission_id.is_(None))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    return [
        e
        for e in events
        if all((e.detail.get("terms") or {}).get(n) in h for n, h in wanted.items())
    ]
