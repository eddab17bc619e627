"""Advocates' accounts and what they see (docs/advocates.md).

An advocate's account is a row of the staff table with Role.ADVOCATE: it signs in like
staff, with a second factor always (services/two_factor.py), and sees only its own pages.
A complaints manager approves an organisation with its email domain; an advocate with an
address at an approved domain registers, and sets a password from a one-time link
(services/staff_links.py) that reaches only that address. The advocacy provider's advocates
are invited by a manager.

Which cases an advocate sees is one condition, `visible_to`: those they filed (as the
advocate on the form, from the address of their account), those where a child named them
(the advocate's email on the form), and those staff named their account on
(`cases.advocate_id`). Any other case is answered as one that does not exist.
"""

import logging
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portal.domain import labels
from portal.domain.access import Role
from portal.domain.stages import Due
from portal.domain.types import Kind, SubmitterRole
from portal.extensions import db
from portal.models import (
    AdvocateOrganisation,
    Case,
    CopyConsent,
    Correspondence,
    Staff,
    Submission,
    Team,
)
from portal.models.submission import with_case
from portal.services import audit, clock, consent, correspondence, staff_links
from portal.services.common import check_version

log = logging.getLogger(__name__)


class AdvocateRefused(ValueError):
    pass


# --- organisations ---------------------------------------------------------------------


def organisations(*, approved_only: bool = False) -> list[AdvocateOrganisation]:
    query = sa.select(AdvocateOrganisation).order_by(AdvocateOrganisation.name)
    if approved_only:
        query = query.where(AdvocateOrganisation.is_approved)
    return list(db.session.scalars(query))


def domain_of(email: str) -> str:
    return email.strip().lower().rpartition("@")[2]


def approve_organisation(*, name: str, email_domain: str, by: Staff) -> AdvocateOrganisation:
    """A manager approves an organisation: its advocates may register with an address at
    its domain."""
    domain = email_domain.strip().lower().lstrip("@")
    if db.session.scalar(
        sa.select(AdvocateOrganisation.id).where(AdvocateOrganisation.email_domain == domain)
    ):
        raise AdvocateRefused("An organisation with that email domain is already approved")
    organisation = AdvocateOrganisation(
        name=name.strip(), email_domain=domain, approved_by_id=by.id
    )
    db.session.add(organisation)
    db.session.flush()
    audit.record(
        "advocate_organisation_approved",
        staff=by,
        detail={"organisation": organisation.id, "email_domain": domain},
    )
    db.session.commit()
    return organisation


def set_organisation_approved(organisation_id: int, approved: bool, *, by: Staff) -> None:
    """Stop (or allow again) registrations from an organisation's domain."""
    organisation = db.session.get(AdvocateOrganisation, organisation_id)
    if organisation is None:
        raise AdvocateRefused("There is no such organisation")
    organisation.is_approved = approved
    audit.record(
        "advocate_organisation_approved" if approved else "advocate_organisation_withdrawn",
        staff=by,
        detail={"organisation": organisation.id},
    )
    db.session.commit()


def organisation_name(advocate: Staff) -> str:
    """The advocate's organisation: the approved one, or the advocacy provider's team."""
    if advocate.organisation_id is not None:
        found = db.session.get(AdvocateOrganisation, advocate.organisation_id)
        if found is not None:
            return found.name
    if advocate.team_id is not None:
        team = db.session.get(Team, advocate.team_id)
        if team is not None:
            return team.name
    return ""


# --- accounts --------------------------------------------------------------------------


def register(*, name: str, email: str, organisation_id: int, phone: str | None) -> None:
    """An advocate asks for an account. Only an address at the approved organisation's
    domain may; the link to set a password goes to that address, so using it proves the
    address is theirs. An address that already has an account gets nothing and is told
    nothing different (no one learns who has an account)."""
    email = email.strip().lower()
    organisation = db.session.get(AdvocateOrganisation, organisation_id)
    if organisation is None or not organisation.is_approved:
        raise AdvocateRefused("Select your organisation from the list")
    if domain_of(email) != organisation.email_domain:
        raise AdvocateRefused(
            f"Enter your work email address at {organisation.name}: it ends "
            f"@{organisation.email_domain}"
        )
    if db.session.scalar(sa.select(Staff.id).where(Staff.email == email)) is not None:
        log.info("advocate registration for an address that has an account")
        return
    staff_links.invite(
        email=email,
        name=name,
        role=Role.ADVOCATE,
        team_id=None,
        organisation_id=organisation.id,
        phone=phone,
        by=None,
    )


# --- which cases ------------------------------------------------------------------------


def visible_to(advocate: Staff) -> sa.ColumnElement[bool]:
    """The one rule of which cases an advocate sees (a condition on submissions joined to
    their cases): filed by them, naming them, or their account named by staff."""
    email = advocate.email.strip().lower()
    return sa.or_(
        Case.advocate_id == advocate.id,
        sa.and_(
            Submission.submitter_role == SubmitterRole.ADVOCATE.value,
            sa.func.lower(Submission.email) == email,
        ),
        sa.func.lower(Submission.advocate_email) == email,
    )


def _theirs(advocate: Staff) -> "sa.Select[Submission]":
    if advocate.role != Role.ADVOCATE.value or not advocate.is_active_account:
        return with_case().where(sa.false())
    return with_case().where(visible_to(advocate), Case.purged_at.is_(None))


@dataclass(frozen=True)
class Row:
    reference: str
    kind: str
    stage: str
    next_due_on: date | None
    next_due_what: str | None
    child_name: str | None


def cases_of(advocate: Staff) -> list[Row]:
    """ "Your cases": newest first, each with its stage and next due date in words."""
    found = db.session.scalars(
        _theirs(advocate).order_by(Submission.received_at.desc(), Submission.id.desc())
    ).all()
    audit.record("advocate_cases_listed", staff=advocate, detail={"count": len(found)})
    db.session.commit()
    return [
        Row(
            reference=case.reference,
            kind=labels.label("kind", case.case.kind),
            stage=labels.label("stage", case.case.stage),
            next_due_on=case.case.next_due_on,
            next_due_what=case.case.next_due_what,
            child_name=case.child_name,
        )
        for case in found
    ]


def find(advocate: Staff, reference: str) -> Submission | None:
    """One of the advocate's cases, or None (another's is answered as one not found)."""
    return db.session.scalar(_theirs(advocate).where(Submission.reference == reference))


def record_view(advocate: Staff, case: Submission) -> None:
    audit.record("advocate_viewed", staff=advocate, submission=case)
    db.session.commit()


# --- what an advocate's case page shows ---------------------------------------------------


@dataclass(frozen=True)
class Wishes:
    """What the child wants the advocate to do, and how the child wants to hear back, in
    the words of the form's answers (each None when not asked)."""

    wants_label: str | None
    wants: str | None
    hear_back: str | None


def wishes_of(case: Submission) -> Wishes:
    kind = case.case.kind
    if kind == Kind.ADVOCACY.value:
        label, wants = "What they want help with", case.what_happened
    elif kind == Kind.COMPLAINT.value and case.put_right:
        label, wants = "What would put it right", case.put_right
    else:
        label, wants = None, None
    hear_back = (
        labels.label("reply_preference", case.child_reply_preference)
        if case.child_reply_preference
        else (
            labels.label("contact_preference", case.contact_preference)
            if case.submitter_role == SubmitterRole.CHILD.value
            else None
        )
    )
    return Wishes(label, wants, hear_back)


def filed_it(advocate: Staff, case: Submission) -> bool:
    """The advocate is the complainant: they sent it, from their account's address."""
    return case.submitter_role == SubmitterRole.ADVOCATE.value and (
        (case.email or "").strip().lower() == advocate.email.strip().lower()
        or case.case.advocate_id == advocate.id
    )


def letters_for(advocate: Staff, case: Submission) -> list[Correspondence]:
    """The letters and messages the advocate may read, oldest first: every one sent to
    the complainant when the advocate is the complainant; otherwise those sent to the
    advocate, which are the copies made while the child's consent stood (and anything
    staff wrote to the advocate). So a withdrawn consent also closes the page to what
    follows."""
    wanted = (
        correspondence.Recipient.COMPLAINANT
        if filed_it(advocate, case)
        else correspondence.Recipient.ADVOCATE
    )
    return [item for item in correspondence.on_case(case) if item.recipient == wanted.value]


def owed(case: Submission) -> list[Due]:
    """What the council owes on the case now and by when: the dates staff work to."""
    return clock.owed(case)


# --- naming the advocate's account on a case (staff) ----------------------------------------


def advocate_choices() -> list[tuple[str, str]]:
    """Advocates' accounts that can sign in, "Name (Organisation)", for a select."""
    found = db.session.scalars(
        sa.select(Staff)
        .where(Staff.role == Role.ADVOCATE.value, Staff.is_active_account)
        .order_by(Staff.name, Staff.id)
    )
    return [
        (str(person.id), f"{person.name} ({organisation_name(person) or 'no organisation'})")
        for person in found
    ]


def check_advocate(advocate_id: int | None) -> Staff | None:
    """The advocate's account chosen by staff, if any: an advocate who can sign in."""
    if advocate_id is None:
        return None
    person = db.session.get(Staff, advocate_id)
    if person is None or person.role != Role.ADVOCATE.value or not person.is_active_account:
        raise AdvocateRefused("Select an advocate from the list")
    return person


# --- consent, from the advocate's page -------------------------------------------------------


def withdraw_consent(advocate: Staff, case: Submission, *, on: date, version: int) -> None:
    """The advocate withdraws the child's consent to copying: nothing more is copied."""
    check_version(case, version)
    try:
        consent.withdraw(case, by="advocate", on=on, staff=advocate)
    except consent.ConsentRefused as refused:
        raise AdvocateRefused(str(refused)) from refused
    db.session.commit()


def give_consent(advocate: Staff, case: Submission, *, on: date, version: int) -> None:
    """The advocate records the child's word that they agree to copies."""
    check_version(case, version)
    try:
        consent.give(case, by="advocate", on=on, staff=advocate)
    except consent.ConsentRefused as refused:
        raise AdvocateRefused(str(refused)) from refused
    db.session.commit()


@dataclass(frozen=True)
class Summary:
    """What the staff case page and the advocate's page say about the child's advocate:
    the child's wishes, who the advocate is, and the consent to copies."""

    wishes: Wishes
    name: str | None
    email: str | None
    organisation: str | None
    account: Staff | None
    consent: CopyConsent | None
    copied: bool


def summary(case: Submission) -> Summary:
    account = correspondence.advocate_account(case)
    filed = case.submitter_role == SubmitterRole.ADVOCATE.value
    name = (
        (account.name if account else None)
        or case.case.advocate_assigned
        or case.advocate_name
        or (case.submitter_name if filed else None)
    )
    organisation = (organisation_name(account) if account else None) or (
        case.organisation if filed else None
    )
    email = correspondence.address_of(case, correspondence.Recipient.ADVOCATE) or (
        case.email if filed else None
    )
    return Summary(
        wishes=wishes_of(case),
        name=name,
        email=email,
        organisation=organisation or None,
        account=account,
        consent=consent.latest(case),
        copied=correspondence.Recipient.ADVOCATE in correspondence.recipients_of(case),
    )


# --- filing again: what the public form fills in from the advocate's account -----------------


@dataclass(frozen=True)
class EarlierChild:
    reference: str
    name: str


def earlier_children(advocate: Staff) -> list[EarlierChild]:
    """The children of the advocate's own earlier cases (each child once, newest first),
    to fill the child's details from: never another advocate's."""
    found = db.session.scalars(
        _theirs(advocate)
        .where(Submission.child_name.is_not(None))
        .order_by(Submission.received_at.desc(), Submission.id.desc())
    ).all()
    seen: set[tuple[str, str]] = set()
    children = []
    for case in found:
        key = ((case.child_name or "").strip().lower(), str(case.child_date_of_birth))
        if key not in seen:
            seen.add(key)
            children.append(EarlierChild(case.reference, case.child_name or ""))
    return children


def filled_in(advocate: Staff, step: str, child: str | None = None) -> dict[str, list[str]]:
    """What a page of the public form starts with for a signed-in advocate who has not
    answered it yet: their organisation, their contact details, and the child of an
    earlier case of theirs (`child`, its reference) when they choose one."""
    if step == "your-organisation":
        return {"organisation": [organisation_name(advocate)]}
    if step == "contact":
        filled = {"name": [advocate.name], "contact_preference": ["email"]}
        filled["email"] = [advocate.email]
        if advocate.phone:
            filled["phone"] = [advocate.phone]
        return filled
    if step == "about-the-child" and child:
        case = find(advocate, child)
        if case is None:
            return {}
        born = case.child_date_of_birth
        return {
            "child_name": [case.child_name or ""],
            "child_date_of_birth": [str(born.day), str(born.month), str(born.year)]
            if born
            else ["", "", ""],
            "child_age": [str(case.child_age) if case.child_age is not None and not born else ""],
        }
    return {}
