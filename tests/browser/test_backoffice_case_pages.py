"""Every page of a case in the back office, in a browser, as the complaints manager:
the case at each stage of the procedure, every step of the procedure a case can reach,
every other action on a case, and the response letters (drafted, sent for approval,
returned, approved by email or for printing, printed), each form as it arrives and sent
empty or wrong so that its error summary shows. axe-core and the Nu HTML checker judge
each page.

The cases are brought to their stages through the service layer, inside the live
server's app (the functions the pages themselves call); the browser then opens every
page, as a member of staff would."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

import pytest
import sqlalchemy as sa
from backoffice_browser import (
    RECEIVED,
    Crawler,
    form_and_errors,
    make_staff,
    manager_email,
    new_complaint,
    received_at,
    rules_crawled,
    shows_errors,
    staff_pages,
    walker_signs_in,
)
from browser_env import LiveServer
from page_checks import Crawl, NuReport, Walker, check_html, judge_axe, judge_html
from playwright.sync_api import Browser, Page

from portal.domain.access import Role
from portal.domain.stages import MOVE_LABELS, Move, ReopenReason
from portal.domain.timescales import Procedure
from portal.domain.types import AdvocacyAnswer, Kind, SubmitterRole
from portal.extensions import db
from portal.models import (
    Correspondence,
    Enquiry,
    OmbudsmanEnquiry,
    OmbudsmanRemedy,
    Referral,
    Staff,
    Submission,
)
from portal.services import (
    case_notes,
    cases,
    clock,
    complainant_steps,
    enquiries,
    ombudsman,
    referrals,
    related_cases,
    reopening,
    response_letters,
    retention,
    teams,
)
from portal.services import staff as staff_service

pytestmark = pytest.mark.browser

# One complaint through the whole procedure, step by step, with what each step records.
THE_PROCEDURE: list[tuple[Move, date, dict[str, Any]]] = [
    (Move.ACCEPT, date(2025, 12, 22), {}),
    (
        Move.RESPOND_STAGE1,
        date(2026, 1, 6),
        {"outcome": "partially_upheld", "redress_apology": True, "ex_gratia_pence": 5000},
    ),
    (Move.REQUEST_STAGE2, date(2026, 1, 12), {}),
    (Move.AGREE_STATEMENT, date(2026, 1, 19), {}),
    (
        Move.APPOINT_INVESTIGATORS,
        date(2026, 1, 19),
        {"investigating_officer": "Dana Reed", "independent_person": "Lee Marsh"},
    ),
    (Move.ADJUDICATE_STAGE2, date(2026, 2, 23), {"outcome": "upheld", "stage2_cost_pence": 245000}),
    (Move.REQUEST_STAGE3, date(2026, 3, 2), {}),
    (Move.SET_PANEL, date(2026, 3, 23), {"panel_members": "Ann Cole\nRaj Patel\nSue Hart"}),
    (Move.PANEL_REPORT, date(2026, 3, 26), {"panel_recommendations": "Visit as agreed."}),
    (Move.RESPOND_STAGE3, date(2026, 4, 9), {"outcome": "upheld"}),
    (Move.CLOSE, date(2026, 7, 2), {}),
]
# A complaint at each stage, by how many steps of THE_PROCEDURE it has taken.
STAGES = {
    "new": 0,
    "at stage 1": 1,
    "stage 1 responded": 2,
    "at stage 2": 3,
    "stage 2 adjudicated": 6,
    "at stage 3": 7,
    "panel met": 8,
    "panel reported": 9,
    "with the ombudsman": 10,  # and an enquiry from the ombudsman (_to_the_ombudsman)
    "closed": 11,
}


def move_page(move: Move) -> str:
    label = MOVE_LABELS[move]
    return label[0].lower() + label[1:]


@dataclass(frozen=True)
class Action:
    """A page of a case that is not a step of the procedure, and the case it is met on."""

    name: str
    path: str  # after /staff/cases/<reference>/
    case: str
    button: str = "Save"


ACTIONS = [
    Action("assign the case", "assign", "new"),
    Action("record an acknowledgement", "acknowledge", "new"),
    Action("reclassify", "reclassify", "new"),
    Action("change the procedure", "procedure", "new"),
    Action("add a complaint point", "points", "new"),
    Action("add a lesson learned", "lessons", "new"),
    Action("add an internal note", "notes", "new"),
    Action("record an MP or councillor enquiry", "enquiries", "new"),
    Action("record an ombudsman enquiry", "ombudsman", "new"),
    Action("add a document", "documents", "new", button="Add the document"),
    Action("place under legal hold", "legal-hold", "new"),
    Action("set categories", "categories", "new"),
    Action("record what was done about danger", "safeguarding", "possible danger"),
    Action("record that the team was thanked", "thank", "a compliment"),
    Action("decide on sufficient interest", "sufficient-interest", "from someone else"),
    Action("update advocacy", "advocacy", "an advocate asked for"),
    # Refused: its referral to the advocacy provider is still open.
    Action(
        "refer to the advocacy provider",
        "refer-to-advocacy-provider",
        "an advocate asked for",
        button="Refer to the advocacy provider",
    ),
    Action("pause the clock", "clock/pause", "at stage 1"),
    Action("restart the clock", "clock/restart", "clock paused"),
    Action("send a message to the complainant", "message", "at stage 1"),
    Action("link a related case", "link", "reopened"),
    Action("merge this case into another (a duplicate)", "merge", "reopened"),
    Action("reopen the case", "reopen", "closed"),
]

# Cases under the other procedures, for the steps only they have: the discussion in Wales,
# and the corporate procedure's acknowledgement of a stage 2 request.
OTHER_PROCEDURES = {
    "in Wales, at stage 1": (Procedure.WALES_CHILDREN, 1),
    "corporate, at stage 2": (Procedure.CORPORATE, 3),
}
CASE_PAGES = [
    *(f"case ({stage})" for stage in STAGES),
    *(f"case ({name})" for name in OTHER_PROCEDURES),
    "case (possible danger)",
    "case (danger acted on)",
    "case (a compliment)",
    "case (clock paused)",
    "case (reopened, a duplicate merged in, a related case)",
    "case (a duplicate merged)",
    "case (its advocacy referral worked by the provider)",
    "who has looked for this case",
    "acknowledgement letter",
    "lift the legal hold",
    "how the due dates were worked out (at stage 2)",
    "how the due dates were worked out (clock paused)",
    "how the due dates were worked out (closed)",
]
# A response letter in each state its page has, as the manager meets it, each of its
# forms sent empty or wrong, and the letter printed as a draft and once sent.
LETTER_PAGES = [
    "stage 1 letter (not started)",
    "stage 1 letter (not started, errors)",
    "stage 1 letter (filled in again)",
    "stage 1 letter (text still to write)",
    "stage 1 letter (draft)",
    "print the stage 1 letter (draft)",
    "stage 1 letter (changed by someone else)",
    "stage 1 letter (waiting, written by you)",
    "stage 1 letter (waiting for approval)",
    "stage 1 letter (waiting for approval, errors)",
    "stage 1 letter (returned without comments)",
    "stage 1 letter (returned)",
    "stage 1 letter (sent)",
    "print the stage 1 letter (sent)",
    "case (a letter sent)",
    "stage 3 letter (approved by email, no email address)",
    "stage 3 letter (approved for printing)",
]
MOVE_PAGES = [name for move in Move for name in (move_page(move), f"{move_page(move)} (errors)")]
ACTION_PAGES = [name for action in ACTIONS for name in (action.name, f"{action.name} (errors)")]
# The reply to the closed case's enquiry, which has an id of its own.
REPLY_PAGES = [
    "record the reply to an enquiry",
    "record the reply to an enquiry (errors)",
    "print a message sent by post",
]
# Each step of the closed case's enquiry from the ombudsman, which has an id of its own.
OMBUDSMAN_STEPS = {
    "record the council's reply to the ombudsman": "reply",
    "record the ombudsman's draft decision": "draft",
    "record the council's comments on the draft decision": "comments",
    "record the ombudsman's final decision": "decision",
    "record a remedy the ombudsman recommends": "remedies",
}
OMBUDSMAN_PAGES = [
    name
    for step in [*OMBUDSMAN_STEPS, "record compliance with a remedy"]
    for name in (step, f"{step} (errors)")
]
# What the complainant sent from the tracking page (issue 17): a reply, and a stage 2
# request after the 20 working days, each with an id of its own.
FROM_THEM_PAGES = [
    "case (from them)",
    "decide on a late stage 2 request",
    "decide on a late stage 2 request (errors)",
    "mark a reply as dealt with",
]
PAGES = [
    *CASE_PAGES,
    *FROM_THEM_PAGES,
    *MOVE_PAGES,
    *ACTION_PAGES,
    *REPLY_PAGES,
    *OMBUDSMAN_PAGES,
    *LETTER_PAGES,
]


def _manager() -> Staff:
    found = staff_service.find_by_email(manager_email())
    assert found is not None
    return found


def _case(reference: str) -> Submission:
    found = cases.find(_manager(), reference)
    assert found is not None
    return found


def _take_steps(reference: str, steps: int) -> None:
    manager, case = _manager(), _case(reference)
    for move, on, details in THE_PROCEDURE[:steps]:
        cases.apply(manager, case, cases.MoveInput(move, on, details), version=case.case.version)


def _to_the_ombudsman(reference: str, *, decided: bool = False) -> None:
    """An enquiry from the ombudsman; decided, with a remedy to comply with, if asked."""
    manager, case = _manager(), _case(reference)
    enquiry = ombudsman.record(
        manager, case, reference="25 001 234", received_on=date(2026, 7, 6),
        reply_due_on=date(2026, 8, 3), today=date.today(), version=case.case.version,
    )  # fmt: skip
    if decided:  # no reply recorded: its page meets an empty form
        ombudsman.record_decision(
            manager, case, enquiry, decided_on=date(2026, 10, 1), decision="upheld",
            maladministration=True, injustice=True, today=date.today(), version=case.case.version,
        )  # fmt: skip
        ombudsman.add_remedy(
            manager, case, enquiry, what="Apologise in writing.\nReview the visit plan.",
            due_on=date(2026, 11, 2), version=case.case.version,
        )  # fmt: skip


def _fill_in_the_closed_case(reference: str) -> None:
    """The closed case carries everything its page can show: points, lessons, categories
    and a legal hold."""
    manager, case = _manager(), _case(reference)
    cases.add_point(manager, case, stage="1", summary="Visits were missed.", outcome="upheld")
    cases.add_lesson(
        manager,
        case,
        lesson="Visits were cancelled without telling the family",
        action="Tell families of every change the same day",
        action_due_on=date(2026, 9, 30),
    )
    first = cases.categories(case)[0].id
    cases.set_categories(manager, case, category_ids=[first], version=case.case.version)
    retention.set_legal_hold(manager, case, hold=True, reason="The inquiry asked us to keep it.")
    case_notes.add(manager, case, "Phoned the family.\nThey have the letter.")
    db.session.add(
        Correspondence(
            submission=case,
            kind="message",
            recipient="complainant",
            how="post",
            subject="Your meeting on Friday",
            body="We have booked the meeting.\n\n- Bring your letter",
        )
    )
    enquiries.record(
        manager,
        case,
        from_whom="councillor",
        name="Councillor Ali Khan",
        received_on=case.received_on,
        today=date.today(),
    )


CASEWORKER = "caseworker@council.example"


def _a_referral_worked(received: datetime) -> str:
    """A child's complaint whose referral to the advocacy provider was accepted, the
    advocate named, the child met twice and the referral closed."""
    case = new_complaint(when=received, role=SubmitterRole.CHILD, advocacy=AdvocacyAnswer.ACCEPTED)
    email = make_staff(Role.PROVIDER_MANAGER, team="Advocacy provider (Coram Voice)")
    provider = db.session.scalars(sa.select(Staff).where(Staff.email == email)).one()
    referral = db.session.scalars(
        sa.select(Referral).where(Referral.submission_id == case.id)
    ).one()
    on = RECEIVED + timedelta(days=3)
    referrals.accept(provider, referral.id, on=on, today=on)
    referrals.name_advocate(provider, referral.id, advocate_id=None, name="Alex Advocate", today=on)
    referrals.first_contact(provider, referral.id, on=on, today=on)
    later = on + timedelta(days=7)
    referrals.add_visit(provider, referral.id, on=later, note="Went to the meeting", today=later)
    referrals.close(provider, referral.id, on=later, outcome="supported_complaint", today=later)
    return case.reference


def _caseworker() -> Staff:
    found = staff_service.find_by_email(CASEWORKER)
    assert found is not None
    return found


def written(body: str) -> str:
    """A letter with the text the template left to write written in."""
    return re.sub(r"\[\[[^\]]*\]\]", "We found that the visits were missed.", body)


def _caseworker_saves(reference: str, stage: int, *, for_approval: bool = True) -> None:
    """The caseworker saves the stage's letter, written from the case when there is none
    yet and as it stands when there is, and sends it for approval unless told not to."""
    case = _case(reference)
    letter = response_letters.find(case, stage)
    drafted = response_letters.template(case, stage, date(2026, 7, 2))
    response_letters.save(
        _caseworker(),
        case,
        stage,
        subject=letter.subject if letter else drafted.subject,
        body=letter.body if letter else written(drafted.body),
        send_for_approval=for_approval,
        version=letter.version if letter else None,
        today=date(2026, 7, 2),
    )


def cases_to_crawl(server: LiveServer) -> dict[str, str]:
    """The manager's account and a case for each page to meet; returns each case's
    reference by what it is."""
    received = received_at(RECEIVED)
    with server.app.app_context():
        teams.load_default_categories()
        make_staff(Role.MANAGER)
        made = {
            # No email address: an acknowledgement to make by phone or letter.
            stage: new_complaint(when=received, email=None).reference
            for stage in STAGES
        }
        for stage, steps in STAGES.items():
            _take_steps(made[stage], steps)
        _to_the_ombudsman(made["with the ombudsman"])
        for name, (procedure, steps) in OTHER_PROCEDURES.items():
            made[name] = new_complaint(when=received, email=None).reference
            case = _case(made[name])
            cases.change_procedure(
                _manager(),
                case,
                procedure=procedure,
                reason="For the crawl",
                version=case.case.version,
            )
            _take_steps(made[name], steps)
        _fill_in_the_closed_case(made["closed"])
        _to_the_ombudsman(made["closed"], decided=True)
        made["possible danger"] = new_complaint(
            when=received, role=SubmitterRole.CHILD, text="My dad hurts me when he drinks."
        ).reference
        made["a compliment"] = new_complaint(when=received, kind=Kind.COMPLIMENT).reference
        made["from someone else"] = new_complaint(when=received, role=SubmitterRole.OTHER).reference
        made["an advocate asked for"] = new_complaint(
            when=received, advocacy=AdvocacyAnswer.REQUESTED
        ).reference
        made["an advocacy referral worked"] = _a_referral_worked(received)
        made["clock paused"] = new_complaint(when=received, email=None).reference
        _take_steps(made["clock paused"], 1)
        paused = _case(made["clock paused"])
        clock.pause(
            _manager(),
            paused,
            on=date(2025, 12, 29),
            reason="complainant",
            detail="They are away until the new year.",
            version=paused.case.version,
        )
        # Reopened after it was withdrawn, with a duplicate merged into it and a related
        # case linked: its page shows all three.
        made["reopened"] = new_complaint(when=received, email=None).reference
        made["a duplicate"] = new_complaint(when=received, email=None).reference
        cases.apply(
            _manager(),
            _case(made["reopened"]),
            cases.MoveInput(Move.WITHDRAW, date(2026, 1, 5), {}),
            version=_case(made["reopened"]).case.version,
        )
        reopening.reopen(
            _manager(),
            _case(made["reopened"]),
            reason=ReopenReason.OTHER,
            words="They wrote again: the visits stopped.",
            version=_case(made["reopened"]).case.version,
            today=date(2026, 2, 2),
        )
        related_cases.merge(
            _manager(),
            _case(made["a duplicate"]),
            into=made["reopened"],
            note="The same parent phoned and wrote.",
            version=_case(made["a duplicate"]).case.version,
            today=date(2026, 2, 2),
        )
        related_cases.link(
            _manager(),
            _case(made["reopened"]),
            reference=made["at stage 1"],
            note="The same child.",
        )
        # Response letters: one for the manager to write (the stage 1 response not yet
        # recorded), and the caseworker's for the manager to approve, one on a case with
        # an email address and one on the closed case, which has none.
        make_staff(Role.TEAM_MEMBER, email=CASEWORKER)
        for letter, steps in (("a letter to write", 1), ("a letter to approve", 2)):
            made[letter] = new_complaint(when=received).reference
            _take_steps(made[letter], steps)
        _caseworker_saves(made["a letter to approve"], 1)
        _caseworker_saves(made["closed"], 3)
        # Answered at stage 1 long ago: the complainant replies, then asks for stage 2 late.
        made["from them"] = new_complaint(when=received).reference
        _take_steps(made["from them"], 2)
        complainant_steps.reply(_case(made["from them"]), "<b>Thanks</b>.\nI will send the letter.")
        complainant_steps.ask_for_next_stage(_case(made["from them"]), "I was in hospital.")
        db.session.remove()
    return made


class CasePages:
    """The manager's walk through the pages of each case."""

    def __init__(self, walker: Walker, server: LiveServer, refs: dict[str, str]) -> None:
        self.walker = walker
        self.server = server
        self.refs = refs
        self.moves_seen: set[str] = set()

    @property
    def page(self) -> Page:
        return self.walker.page

    def case_at(self, stage: str) -> None:
        """The case page, then each step of the procedure it offers that no case before
        it offered, sent empty."""
        reference = self.refs[stage]
        self.walker.goto(f"/staff/cases/{reference}", f"case ({stage})")
        links = self.page.locator("a[href*='/move/']")
        offered = [
            href.rsplit("/", 1)[-1] for href in links.evaluate_all("a => a.map(e => e.href)")
        ]
        assert offered or stage == "closed", f"no next steps on the case {stage}"
        for value in offered:
            if value in self.moves_seen:
                continue
            self.moves_seen.add(value)
            path = f"/staff/cases/{reference}/move/{value}"
            form_and_errors(self.walker, path, move_page(Move(value)))

    def action(self, action: Action, make_it_wrong: Callable[[], None] | None = None) -> None:
        """The action's page, then sent empty, or made wrong first."""
        path = f"/staff/cases/{self.refs[action.case]}/{action.path}"
        form_and_errors(
            self.walker, path, action.name, button=action.button, make_it_wrong=make_it_wrong
        )

    def another_team_without_a_reason(self) -> None:
        self.page.get_by_label("Team", exact=True).select_option(label="Fostering")

    def too_long_a_name(self) -> None:
        self.walker.fill.text("advocate", "A" * 201)

    def someone_else_saves_first(self) -> None:
        """Another member of staff saves the case while this page is open."""
        self.page.locator("[name=categories]").first.check()
        with self.server.app.app_context():
            case = _case(self.refs["new"])
            cases.set_categories(_manager(), case, category_ids=[], version=case.case.version)
            db.session.remove()

    def the_new_case(self) -> None:
        self.case_at("new")
        self.walker.goto(
            f"/staff/cases/{self.refs['new']}/acknowledgement-letter", "acknowledgement letter"
        )
        wrong = {
            "assign": self.another_team_without_a_reason,
            "categories": self.someone_else_saves_first,
        }
        for action in ACTIONS:
            if action.case == "new":
                self.action(action, wrong.get(action.path))

    def danger(self) -> None:
        reference = self.refs["possible danger"]
        self.walker.goto(f"/staff/cases/{reference}", "case (possible danger)")
        self.action(ACTIONS_BY_PATH["safeguarding"])
        self.walker.fill.text("action", "Called the child back; referred to the front door.")
        self.walker.press("Save", "case (danger acted on)")
        assert self.page.locator(".govuk-notification-banner--success").is_visible()

    def other_cases(self) -> None:
        self.walker.goto(f"/staff/cases/{self.refs['a compliment']}", "case (a compliment)")
        self.action(ACTIONS_BY_PATH["thank"])
        self.action(ACTIONS_BY_PATH["sufficient-interest"])
        self.action(ACTIONS_BY_PATH["advocacy"], self.too_long_a_name)
        self.action(ACTIONS_BY_PATH["refer-to-advocacy-provider"])
        self.walker.goto(
            f"/staff/cases/{self.refs['an advocacy referral worked']}",
            "case (its advocacy referral worked by the provider)",
        )
        self.walker.goto(f"/staff/cases/{self.refs['closed']}/legal-hold", "lift the legal hold")
        with self.server.app.app_context():
            enquiry = db.session.scalar(sa.select(Enquiry.id))
            letter = db.session.scalar(sa.select(Correspondence.id))
            db.session.remove()
        self.walker.goto(
            f"/staff/cases/{self.refs['closed']}/letters/{letter}/print",
            "print a message sent by post",
        )
        form_and_errors(
            self.walker,
            f"/staff/cases/{self.refs['closed']}/enquiries/{enquiry}/reply",
            "record the reply to an enquiry",
        )

    def from_them(self) -> None:
        reference = self.refs["from them"]
        self.walker.goto(f"/staff/cases/{reference}", "case (from them)")
        assert "<b>Thanks</b>." in self.page.inner_text("main")
        with self.server.app.app_context():
            late, reply = (
                step.id
                for step in sorted(
                    complainant_steps.on_case(_case(reference)), key=lambda s: s.kind != "stage2"
                )
            )
            db.session.remove()
        form_and_errors(
            self.walker,
            f"/staff/cases/{reference}/from-them/{late}",
            "decide on a late stage 2 request",
        )
        self.walker.goto(
            f"/staff/cases/{reference}/from-them/{reply}", "mark a reply as dealt with"
        )

    def no_decision_date(self) -> None:
        self.page.locator("#decided_on-day").fill("")

    def the_ombudsman(self) -> None:
        """Each step of the closed case's enquiry, and compliance with its remedy."""
        with self.server.app.app_context():
            closed = _case(self.refs["closed"]).id
            enquiry = db.session.scalar(
                sa.select(OmbudsmanEnquiry.id).where(OmbudsmanEnquiry.submission_id == closed)
            )
            remedy = db.session.scalar(sa.select(OmbudsmanRemedy.id))
            db.session.remove()
        base = f"/staff/cases/{self.refs['closed']}/ombudsman"
        for name, step in OMBUDSMAN_STEPS.items():
            # The decision's page shows the decision recorded: its date taken away.
            wrong = self.no_decision_date if step == "decision" else None
            form_and_errors(self.walker, f"{base}/{enquiry}/{step}", name, make_it_wrong=wrong)
        form_and_errors(
            self.walker,
            f"{base}/remedies/{remedy}/compliance",
            "record compliance with a remedy",
        )

    def reopened_and_linked(self) -> None:
        self.walker.goto(
            f"/staff/cases/{self.refs['reopened']}",
            "case (reopened, a duplicate merged in, a related case)",
        )
        main = self.page.locator("main").inner_text()
        assert "Reopened" in main and self.refs["a duplicate"] in main, main
        self.action(ACTIONS_BY_PATH["link"])
        self.action(ACTIONS_BY_PATH["merge"])
        self.walker.goto(f"/staff/cases/{self.refs['a duplicate']}", "case (a duplicate merged)")
        self.action(ACTIONS_BY_PATH["reopen"])
        self.walker.goto(
            f"/staff/cases/{self.refs['closed']}/who-looked", "who has looked for this case"
        )

    def the_clock_and_messages(self) -> None:
        self.action(ACTIONS_BY_PATH["clock/pause"])
        self.action(ACTIONS_BY_PATH["message"])
        self.walker.goto(f"/staff/cases/{self.refs['clock paused']}", "case (clock paused)")
        self.action(ACTIONS_BY_PATH["clock/restart"])
        for stage in ("at stage 2", "clock paused", "closed"):
            self.walker.goto(
                f"/staff/cases/{self.refs[stage]}/due-dates",
                f"how the due dates were worked out ({stage})",
            )

    def letter_path(self, case: str, stage: int) -> str:
        return f"/staff/cases/{self.refs[case]}/response-letters/{stage}"

    def the_manager_writes_a_letter(self) -> None:
        """The manager drafts the stage 1 letter: sent empty, filled in again, sent for
        approval with text still to write, saved, printed as a draft, refused once the
        caseworker has changed it meanwhile, and sent for approval, which someone else
        must give."""
        walker, path = self.walker, self.letter_path("a letter to write", 1)
        walker.goto(path, "stage 1 letter (not started)")
        walker.fill.text("subject", "")
        walker.fill.text("body", "")
        walker.press("Save draft", "stage 1 letter (not started, errors)")
        shows_errors(walker)
        walker.press("Fill in again from the case", "stage 1 letter (filled in again)")
        drafted = self.page.locator("[name=body]").input_value()
        assert "[[" in drafted, "the template left nothing to write"
        walker.press("Send for approval", "stage 1 letter (text still to write)")
        shows_errors(walker)
        walker.fill.text("body", written(drafted))
        walker.press("Save draft", "stage 1 letter (draft)")
        walker.goto(f"{path}/print", "print the stage 1 letter (draft)")
        walker.goto(path)
        with self.server.app.app_context():
            _caseworker_saves(self.refs["a letter to write"], 1, for_approval=False)
            db.session.remove()
        walker.press("Save draft", "stage 1 letter (changed by someone else)")
        shows_errors(walker)
        assert "Someone else changed this letter" in self.page.inner_text("main")
        walker.goto(path)
        walker.press("Send for approval", "stage 1 letter (waiting, written by you)")
        assert "someone else must approve it" in self.page.inner_text("main")

    def the_manager_decides(self) -> None:
        """The caseworker's letter: confirmed with nothing chosen, returned without
        comments, returned with them; sent again, approved by email, printed. On the
        closed case, which has no email address: approved by email, then for printing."""
        walker, path = self.walker, self.letter_path("a letter to approve", 1)
        walker.goto(path, "stage 1 letter (waiting for approval)")
        walker.press("Confirm", "stage 1 letter (waiting for approval, errors)")
        shows_errors(walker)
        walker.fill.radio("decision", "return")
        walker.press("Confirm", "stage 1 letter (returned without comments)")
        shows_errors(walker)
        walker.fill.text("comments", "Say when the next review is.")
        walker.press("Confirm", "stage 1 letter (returned)")
        assert "Say when the next review is." in self.page.inner_text("main")
        with self.server.app.app_context():
            _caseworker_saves(self.refs["a letter to approve"], 1)
            db.session.remove()
        walker.goto(path)
        walker.fill.radio("decision", "email")
        walker.press("Confirm", "stage 1 letter (sent)")
        assert "By email" in self.page.inner_text("main")
        walker.goto(f"{path}/print", "print the stage 1 letter (sent)")
        walker.goto(f"/staff/cases/{self.refs['a letter to approve']}", "case (a letter sent)")
        walker.goto(self.letter_path("closed", 3))
        walker.fill.radio("decision", "email")
        walker.press("Confirm", "stage 3 letter (approved by email, no email address)")
        shows_errors(walker)
        assert "There is no email address" in self.page.inner_text("main")
        walker.fill.radio("decision", "post")
        walker.press("Confirm", "stage 3 letter (approved for printing)")
        assert "Printed for the post" in self.page.inner_text("main")


ACTIONS_BY_PATH = {action.path: action for action in ACTIONS}


@pytest.fixture(scope="module")
def case_pages(browser: Browser, server: LiveServer) -> Iterator[Crawl]:
    """Every page of a case, visited once for the module."""
    server.reset_database()
    refs = cases_to_crawl(server)
    with Crawler(browser, server) as crawler:
        walk = CasePages(crawler.walker, server, refs)
        crawler.attempt("sign in", lambda: walker_signs_in(crawler.walker, server, manager_email()))
        crawler.attempt("the new case", walk.the_new_case)
        for stage in [*list(STAGES)[1:], *OTHER_PROCEDURES]:
            crawler.attempt(f"the case {stage}", partial(walk.case_at, stage))
        crawler.attempt("possible danger", walk.danger)
        crawler.attempt("other cases", walk.other_cases)
        crawler.attempt("from them", walk.from_them)
        crawler.attempt("the ombudsman", walk.the_ombudsman)
        crawler.attempt("the clock and messages", walk.the_clock_and_messages)
        crawler.attempt("reopened and linked", walk.reopened_and_linked)
        crawler.attempt("the manager writes a letter", walk.the_manager_writes_a_letter)
        crawler.attempt("the manager decides on letters", walk.the_manager_decides)
        yield crawler.crawl()


@pytest.fixture(scope="module")
def case_pages_nu(case_pages: Crawl, tmp_path_factory: pytest.TempPathFactory) -> NuReport:
    return check_html(case_pages.pages, tmp_path_factory.mktemp("case-pages-html"))


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations(case_pages: Crawl, name: str) -> None:
    judge_axe(case_pages, name)


def test_the_checker_is_checking(case_pages_nu: NuReport) -> None:
    assert case_pages_nu.canary, "the Nu checker reported nothing for a page with a stray <div>"


@pytest.mark.parametrize("name", PAGES)
def test_valid_html(case_pages: Crawl, case_pages_nu: NuReport, name: str) -> None:
    judge_html(case_pages, case_pages_nu, name)


def test_every_page_of_a_case_is_crawled(server: LiveServer, case_pages: Crawl) -> None:
    wanted = {rule for rule in staff_pages(server.app) if rule.startswith("/staff/cases/")}
    missed = wanted - rules_crawled(server.app, case_pages)
    assert not missed, f"no page at these addresses was checked: {sorted(missed)}"
