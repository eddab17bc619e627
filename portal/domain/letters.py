"""The words of the response letters: the stage 1 response, the stage 2 adjudication and
the council's response to a stage 3 review panel (domain.md, "Timescales, England",
"Timescales, Wales", "Categories, outcomes, sources").

A letter is filled from the case: each complaint point with its finding, the overall
outcome, the redress, and what the person can do next with the actual date to ask by
(the next stage, or the ombudsman with its contact details). A child gets the children's
wording: short sentences, "you can ask someone else to look at it" and the advocate.

Pure: the caller passes the words' translator (`_`, gettext in the case's language) and
how to write a date, so the same function writes English and Welsh. Anything the
caseworker must still write is put between double square brackets; a letter with any
left is not sent for approval.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from portal.domain.clock import add_working_days
from portal.domain.timescales import Procedure

Translate = Callable[[str], str]
DateWords = Callable[[date], str]

# Text the caseworker must replace before the letter goes for approval.
TO_WRITE_START = "[["
TO_WRITE_END = "]]"

STAGES = (1, 2, 3)
# The stage 3 review panel is England's children's procedure only (domain.md).
PANEL_MEETS_WITHIN_WORKING_DAYS = 30


@dataclass(frozen=True)
class Point:
    summary: str
    outcome: str  # upheld, partially_upheld, not_upheld, no_finding


@dataclass(frozen=True)
class Action:
    """What will change, from a lesson learned on the case."""

    what: str
    by: date | None = None


@dataclass(frozen=True)
class LetterFacts:
    """What a response letter is written from: plain values taken from the case."""

    stage: int
    procedure: Procedure
    jurisdiction: str  # "england" or "wales": which ombudsman
    reference: str
    name: str
    for_child: bool
    received_on: date
    # The date the response is dated: the window to ask for the next stage runs from it.
    dated: date
    window_working_days: int
    council_phone: str
    council_email: str
    council_address: str
    points: Sequence[Point] = ()
    outcome: str | None = None
    apology: bool = False
    explanation: bool = False
    service_review: bool = False
    ex_gratia_pence: int | None = None
    actions: Sequence[Action] = ()
    advocate_name: str | None = None
    # The child has an advocate, named or not: they are not told to ask for one.
    has_advocate: bool = False
    panel_recommendations: str | None = None
    # Wales: the discussion held at stage 1; the stage 1 letter is its written resolution.
    discussion_on: date | None = None


@dataclass(frozen=True)
class Letter:
    subject: str
    greeting: str
    body: str


@dataclass(frozen=True)
class Ombudsman:
    name: Callable[[Translate], str]
    contact: Callable[[Translate], list[str]] = field(repr=False)
    phone: str = ""
    website: str = ""


def _same(text: str) -> str:
    return text


def english_date(day: date) -> str:
    """ "Wednesday 21 January 2026", as the portal writes a due date."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _to_write(text: str) -> str:
    return f"{TO_WRITE_START}{text}{TO_WRITE_END}"


def has_text_to_write(text: str) -> bool:
    return TO_WRITE_START in text


def pounds(pence: int) -> str:
    """ "£150" or "£1,250.50": whole pounds without pence."""
    whole, part = divmod(pence, 100)
    return f"£{whole:,}" + (f".{part:02d}" if part else "")


def ask_by(dated: date, window_working_days: int) -> date:
    """The last day to ask for the next stage: N working days after the response
    (domain.md: 20 in England after stage 1 and after stage 2; Wales is configuration)."""
    return add_working_days(dated, window_working_days)


def next_stage(procedure: Procedure, stage: int) -> int | None:
    """The stage the person can ask for after this stage's response; None: the ombudsman."""
    if stage == 1:
        return 2
    if stage == 2 and procedure is Procedure.ENGLAND_CHILDREN:
        return 3
    return None


def stages_of(procedure: Procedure) -> tuple[int, ...]:
    return STAGES if procedure is Procedure.ENGLAND_CHILDREN else STAGES[:2]


def points_for(stage: int, points: Sequence[tuple[str, str, str]]) -> list[Point]:
    """The points a stage's letter answers: (stage, summary, outcome) rows of that stage;
    when none were recorded at it, those of the latest stage before it."""
    for looked_at in range(stage, 0, -1):
        found = [Point(summary, outcome) for at, summary, outcome in points if at == str(looked_at)]
        if found:
            return found
    return []


# --- the ombudsman ------------------------------------------------------------------------

LGSCO = Ombudsman(
    name=lambda _: _("the Local Government and Social Care Ombudsman"),
    contact=lambda _: [
        _("Local Government and Social Care Ombudsman"),
        _("Website: www.lgo.org.uk"),
        _("Phone: 0300 061 0614"),
        _("Post: PO Box 4771, Coventry, CV4 0EH"),
    ],
    phone="0300 061 0614",
    website="www.lgo.org.uk",
)
PSOW = Ombudsman(
    name=lambda _: _("the Public Services Ombudsman for Wales"),
    contact=lambda _: [
        _("Public Services Ombudsman for Wales"),
        _("Website: www.ombudsman.wales"),
        _("Phone: 0300 790 0203"),
        _("Post: 1 Ffordd yr Hen Gae, Pencoed, CF35 5LJ"),
    ],
    phone="0300 790 0203",
    website="www.ombudsman.wales",
)


def ombudsman_for(procedure: Procedure, jurisdiction: str) -> Ombudsman:
    """After the council's procedure: the Public Services Ombudsman for Wales for a
    council in Wales, the Local Government and Social Care Ombudsman in England."""
    if procedure is Procedure.WALES_CHILDREN or jurisdiction == "wales":
        return PSOW
    return LGSCO


# --- the words ----------------------------------------------------------------------------


def _finding(outcome: str, child: bool, _: Translate) -> str:
    if child:
        words = {
            "upheld": _("We agree with you."),
            "partially_upheld": _("We agree with you about some of this."),
            "not_upheld": _("We do not agree that this went wrong."),
            "no_finding": _("We could not find out enough to decide."),
        }
    else:
        words = {
            "upheld": _("Our finding: upheld. We agree that this went wrong."),
            "partially_upheld": _(
                "Our finding: partially upheld. We agree that some of this went wrong."
            ),
            "not_upheld": _("Our finding: not upheld. We do not find that this went wrong."),
            "no_finding": _(
                "Our finding: no finding. We could not find enough evidence to decide."
            ),
        }
    return words.get(outcome, _to_write(_("Write the finding")))


def _overall(outcome: str | None, child: bool, _: Translate) -> str:
    if child:
        words = {
            "upheld": _("Overall, we agree with your complaint."),
            "partially_upheld": _("Overall, we agree with some of your complaint."),
            "not_upheld": _("Overall, we do not agree with your complaint."),
            "no_finding": _("Overall, we could not decide."),
        }
    else:
        words = {
            "upheld": _("Overall, we uphold your complaint."),
            "partially_upheld": _("Overall, we partly uphold your complaint."),
            "not_upheld": _("Overall, we do not uphold your complaint."),
            "no_finding": _("Overall, we could not reach a finding on your complaint."),
        }
    if outcome in words:
        return words[outcome]
    return _to_write(_("Say whether the complaint is upheld, partly upheld or not upheld"))


def _introduction(facts: LetterFacts, _: Translate, long_date: DateWords) -> str:
    child, procedure = facts.for_child, facts.procedure
    if facts.stage == 1 and procedure is Procedure.WALES_CHILDREN and facts.discussion_on:
        # WSI 2014/1795: the written terms of resolution, within 5 working days of it.
        if child:
            return _("Thank you for talking with us. This letter says what we agreed.")
        return _(
            "Thank you for talking with us about your complaint on %(discussion)s. This letter "
            "sets out what we agreed: it is our written response at stage 1 of the complaints "
            "procedure."
        ) % {"discussion": long_date(facts.discussion_on)}
    if facts.stage == 1:
        if child:
            return _(
                "Thank you for telling us what was wrong. We have looked into it. "
                "This letter tells you what we found."
            )
        return _(
            "Thank you for your complaint, which we received on %(received)s. This letter is "
            "our response at stage 1 of the complaints procedure."
        ) % {"received": long_date(facts.received_on)}
    if facts.stage == 2:
        if procedure is Procedure.ENGLAND_CHILDREN:
            if child:
                return _(
                    "Two people looked into your complaint. One of them does not work for the "
                    "council. A senior manager read what they found. This letter tells you "
                    "what we decided."
                )
            return _(
                "An investigating officer and an independent person looked into your complaint "
                "at stage 2 of the complaints procedure and wrote a report. A senior manager "
                "has read the report and decided on each point. This letter gives that decision."
            )
        if procedure is Procedure.WALES_CHILDREN:
            if child:
                return _(
                    "Someone who does not work for the council looked into your complaint. "
                    "This letter tells you what we decided."
                )
            return _(
                "An independent investigator looked into your complaint at stage 2 of the "
                "complaints procedure and wrote a report. This letter gives our response."
            )
        if child:
            return _(
                "A senior manager looked at your complaint again. "
                "This letter tells you what we decided."
            )
        return _(
            "A senior manager has looked at your complaint again at stage 2 of the "
            "complaints procedure. This letter gives our response."
        )
    if child:
        return _(
            "A panel of three people looked at your complaint. They do not work for the "
            "council. This letter tells you what we will do about what they said."
        )
    return _(
        "A review panel looked at your complaint at stage 3 of the complaints procedure and "
        "sent us its report. This letter is our response to the panel's findings and "
        "recommendations."
    )


def _points(facts: LetterFacts, _: Translate) -> list[str]:
    child = facts.for_child
    heading = (
        _("What you told us, and what we found")
        if child
        else _("What you complained about, and what we found")
    )
    if not facts.points:
        return [heading, _to_write(_("List each complaint point and its finding"))]
    lines = [
        f"{number}. {point.summary}\n   {_finding(point.outcome, child, _)}"
        for number, point in enumerate(facts.points, 1)
    ]
    return [heading, "\n\n".join(lines), _overall(facts.outcome, child, _)]


def _panel(facts: LetterFacts, _: Translate) -> list[str]:
    if facts.stage != 3:
        return []
    paragraphs = []
    if facts.panel_recommendations:
        paragraphs += [_("The panel recommended:"), facts.panel_recommendations]
    paragraphs.append(_to_write(_("Say what the council will do about each recommendation")))
    return paragraphs


def _redress(facts: LetterFacts, _: Translate, long_date: DateWords) -> list[str]:
    child = facts.for_child
    paragraphs = []
    if facts.apology:
        paragraphs.append(
            _("We are sorry for what went wrong.")
            if child
            else _("We apologise for what went wrong.")
        )
    if facts.explanation:
        paragraphs.append(
            _to_write(
                _("Explain what happened and why, in short sentences")
                if child
                else _("Explain what happened and why")
            )
        )
    if facts.service_review or facts.actions:
        paragraphs.append(
            _("We will change how we do things, so that this does not happen again.")
            if child
            else _("We will review how we work, so that this does not happen to anyone else.")
        )
        changes = [
            "- "
            + (
                _("%(action)s (by %(date)s)") % {"action": a.what, "date": long_date(a.by)}
                if a.by
                else a.what
            )
            for a in facts.actions
        ]
        if changes:
            paragraphs.append(_("What will change:") + "\n" + "\n".join(changes))
    if facts.ex_gratia_pence:
        amount = pounds(facts.ex_gratia_pence)
        paragraphs.append(
            _("We will give you %(amount)s for the time and trouble this caused you.")
            % {"amount": amount}
            if child
            else _("We will pay you %(amount)s for your time and trouble.") % {"amount": amount}
        )
    if not paragraphs:
        return []
    return [_("What we will do") if child else _("Putting things right"), *paragraphs]


def _how_to_ask(facts: LetterFacts, _: Translate) -> str:
    values = {
        "phone": facts.council_phone,
        "email": facts.council_email,
        "address": facts.council_address,
        "reference": facts.reference,
    }
    if facts.for_child:
        return _("Call us on %(phone)s or email %(email)s. Say your reference: %(reference)s.") % (
            values
        )
    return (
        _(
            "To ask, call %(phone)s, email %(email)s or write to %(address)s, "
            "quoting reference %(reference)s."
        )
        % values
    )


def _next(facts: LetterFacts, _: Translate, long_date: DateWords) -> list[str]:
    child, procedure = facts.for_child, facts.procedure
    following = next_stage(procedure, facts.stage)
    paragraphs = []
    if following is not None:
        by = long_date(ask_by(facts.dated, facts.window_working_days))
        if following == 2:
            if child:
                paragraphs.append(
                    _(
                        "If you are not happy with this, you can ask someone else to look at "
                        "it. Tell us by %(date)s."
                    )
                    % {"date": by}
                )
            else:
                paragraphs.append(
                    {
                        Procedure.ENGLAND_CHILDREN: _(
                            "If you are not happy with this response, you can ask for your "
                            "complaint to go to stage 2. At stage 2 an investigating officer "
                            "and an independent person will look into it."
                        ),
                        Procedure.WALES_CHILDREN: _(
                            "If you are not happy with this response, you can ask for your "
                            "complaint to go to stage 2. At stage 2 an independent "
                            "investigator will look into it."
                        ),
                        Procedure.CORPORATE: _(
                            "If you are not happy with this response, you can ask for your "
                            "complaint to go to stage 2, where a senior manager will look at "
                            "it again."
                        ),
                    }[procedure]
                )
        elif child:
            paragraphs.append(
                _(
                    "If you are still not happy, you can ask a panel of three people to look at "
                    "it. They do not work for the council. Tell us by %(date)s."
                )
                % {"date": by}
            )
        else:
            paragraphs.append(
                _(
                    "If you are not happy with this decision, you can ask for a review panel to "
                    "look at your complaint (stage 3). The panel is three people who are "
                    "independent of the council. It meets within %(days)s working days of your "
                    "request, and you can bring your advocate and one other person."
                )
                % {"days": PANEL_MEETS_WITHIN_WORKING_DAYS}
            )
        if child:
            paragraphs.append(_("If it is later than that, you can still ask. Tell us why."))
        else:
            paragraphs.append(
                _(
                    "Please ask by %(date)s (%(days)s working days after %(dated)s). If you ask "
                    "later, tell us why and we will consider it."
                )
                % {"date": by, "days": facts.window_working_days, "dated": long_date(facts.dated)}
            )
        paragraphs.append(_how_to_ask(facts, _))
    else:
        ombudsman = ombudsman_for(procedure, facts.jurisdiction)
        if child:
            paragraphs.append(
                _(
                    "If you are still not happy, you can ask the ombudsman to look at it. The "
                    "ombudsman does not work for the council. It is free."
                )
            )
        else:
            paragraphs.append(
                _(
                    "If you are still not happy, you can ask %(ombudsman)s to look at your "
                    "complaint. The ombudsman is independent and free to use. You should "
                    "usually contact them within 12 months."
                )
                % {"ombudsman": ombudsman.name(_)}
            )
        paragraphs.append("\n".join(ombudsman.contact(_)))
    if child and facts.advocate_name:
        paragraphs.append(
            _("Your advocate, %(advocate)s, can help you with any of this.")
            % {"advocate": facts.advocate_name}
        )
    elif child and facts.has_advocate:
        paragraphs.append(_("Your advocate can help you with any of this."))
    elif child:
        paragraphs.append(
            _(
                "An advocate can help you say what you think. It is free. "
                "Call %(phone)s to ask for one."
            )
            % {"phone": facts.council_phone}
        )
    return [_("What you can do next"), *paragraphs]


def _closing(facts: LetterFacts, _: Translate) -> list[str]:
    if facts.for_child:
        return [
            _("If you have a question, call us on %(phone)s.") % {"phone": facts.council_phone},
            _("Best wishes,") + "\n" + _("Children's Complaints Team"),
        ]
    return [
        _("If you have any questions about this letter, call %(phone)s, quoting %(reference)s.")
        % {"phone": facts.council_phone, "reference": facts.reference},
        _("Yours sincerely,") + "\n" + _("Children's Complaints Team"),
    ]


def subject(stage: int, reference: str, _: Translate = _same) -> str:
    words = {
        1: _("Your complaint %(reference)s: our stage 1 response"),
        2: _("Your complaint %(reference)s: our stage 2 decision"),
        3: _("Your complaint %(reference)s: our response to the review panel"),
    }
    return words[stage] % {"reference": reference}


def draft(facts: LetterFacts, _: Translate = _same, long_date: DateWords = english_date) -> Letter:
    """The letter for the stage's response, for the caseworker to edit: the greeting,
    then the body (what it was about and the findings, the redress, what happens next,
    the sign-off) as plain text with a blank line between paragraphs."""
    if facts.stage not in stages_of(facts.procedure):
        raise ValueError(f"{facts.procedure.value} has no stage {facts.stage}")
    greeting = (_("Hello %(name)s,") if facts.for_child else _("Dear %(name)s,")) % {
        "name": facts.name
    }
    paragraphs = [
        _introduction(facts, _, long_date),
        *_points(facts, _),
        *_panel(facts, _),
        *_redress(facts, _, long_date),
        *_next(facts, _, long_date),
        *_closing(facts, _),
    ]
    return Letter(subject(facts.stage, facts.reference, _), greeting, "\n\n".join(paragraphs))
