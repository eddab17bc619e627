"""Each of the four public journeys, completed by each kind of person it is for.

A journey is checked the way a person and a complaints officer would: which questions
were asked, what check your answers and the confirmation show, and what was stored.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from journey_helpers import (
    JOURNEYS,
    Answers,
    Journey,
    answers_for,
    in_words,
    london_today,
    only_submission,
    page_of,
    team_id,
)

from portal.domain.clock import add_working_days, london_date
from portal.models import Submission

WHO, ORG, CHILD, VIEWS, AGE = (
    "who-are-you",
    "your-organisation",
    "about-the-child",
    "the-childs-views",
    "your-age",
)
ABOUT, HAPPENED, PUT_RIGHT, FILES, ADVOCATE, CONTACT, SUPPORT = (
    "what-it-is-about",
    "what-happened",
    "put-it-right",
    "files",
    "advocate",
    "contact",
    "support",
)
SAFE = "are-you-safe"

# What each kind of person says about themselves: different ways to be contacted and
# different help needed, so every field of the stored record is exercised.
CONTACT_BY_ROLE: dict[str, Answers] = {
    "child": {
        "name": "Alex Morgan",
        "contact_preference": "phone",
        "phone": "07911 123456",
        "safe_to_contact": ["phone"],
    },
    "parent": {
        "name": "Alex Morgan",
        "contact_preference": "email",
        "email": "alex@example.com",
        "safe_to_contact": "none",
    },
    "foster_carer": {
        "name": "Alex Morgan",
        "contact_preference": "post",
        "address": "1 High Street\nNorthmoor",
        "postcode": "nm1 1aa",
        "safe_to_contact": ["letters", "phone", "voicemail"],
    },
    "professional": {
        "name": "Alex Morgan",
        "contact_preference": "email",
        "email": "alex.morgan@school.example",
        "safe_to_contact": ["phone", "voicemail"],
    },
    "advocate": {
        "name": "Alex Morgan",
        "contact_preference": "phone",
        "phone": "020 7946 0000",
        "safe_to_contact": ["phone", "voicemail", "letters"],
    },
}
# What each says is safe, as stored: (phone, voicemail, letters).
SAFETY_BY_ROLE = {
    "child": (True, False, False),
    "parent": (False, False, False),
    "foster_carer": (True, True, True),
    "professional": (True, True, False),
    "advocate": (True, True, True),
}
SUPPORT_BY_ROLE: dict[str, Answers] = {
    "child": {"support": "none"},
    "parent": {"support": "interpreter", "interpreter_language": "Polish"},
    "foster_carer": {"support": ["large_print", "easy_read"]},
    "professional": {"support": "none"},
    "advocate": {"support": "other", "other_support": "Meetings after school, please"},
}
ADVOCACY_BY_ROLE = {
    "child": "accepted",
    "parent": "declined",
    "foster_carer": "already_has_one",
    "professional": "not_sure",
}
AGREEMENT_BY_ROLE = {"professional": "knows_not_agreed"}


@dataclass
class Case:
    kind: str
    role: str
    asked: list[str]
    advocacy_answer: str | None
    flags: set[str] = field(default_factory=set)

    def __str__(self) -> str:
        return f"{self.kind}-{self.role}"


ADULT_ABOUT_CHILD = [CHILD, VIEWS]
CASES = [
    # A complaint: every child is offered an advocate, except when an advocate files it.
    Case(
        "complaint",
        "child",
        [WHO, SAFE, AGE, ABOUT, HAPPENED, PUT_RIGHT, FILES, ADVOCATE, CONTACT, SUPPORT],
        "accepted",
        {"acknowledge_without_email", "advocate_wanted"},
    ),
    Case(
        "complaint",
        "parent",
        [
            WHO,
            SAFE,
            *ADULT_ABOUT_CHILD,
            ABOUT,
            HAPPENED,
            PUT_RIGHT,
            FILES,
            ADVOCATE,
            CONTACT,
            SUPPORT,
        ],
        "declined",
    ),
    Case(
        "complaint",
        "foster_carer",
        [
            WHO,
            SAFE,
            *ADULT_ABOUT_CHILD,
            ABOUT,
            HAPPENED,
            PUT_RIGHT,
            FILES,
            ADVOCATE,
            CONTACT,
            SUPPORT,
        ],
        "already_has_one",
        {"acknowledge_without_email"},
    ),
    Case(
        "complaint",
        "professional",
        [
            WHO,
            SAFE,
            ORG,
            *ADULT_ABOUT_CHILD,
            ABOUT,
            HAPPENED,
            PUT_RIGHT,
            FILES,
            ADVOCATE,
            CONTACT,
            SUPPORT,
        ],
        "not_sure",
        {"child_has_not_agreed"},
    ),
    Case(
        "complaint",
        "advocate",
        [WHO, SAFE, ORG, *ADULT_ABOUT_CHILD, ABOUT, HAPPENED, PUT_RIGHT, FILES, CONTACT, SUPPORT],
        "filed_by_advocate",
        {"acknowledge_without_email"},
    ),
    # Telling us something is wrong: the same questions, but nothing to put right.
    Case(
        "representation",
        "child",
        [WHO, SAFE, AGE, ABOUT, HAPPENED, FILES, ADVOCATE, CONTACT, SUPPORT],
        "accepted",
        {"acknowledge_without_email", "advocate_wanted"},
    ),
    Case(
        "representation",
        "parent",
        [WHO, SAFE, *ADULT_ABOUT_CHILD, ABOUT, HAPPENED, FILES, ADVOCATE, CONTACT, SUPPORT],
        "declined",
    ),
    Case(
        "representation",
        "foster_carer",
        [WHO, SAFE, *ADULT_ABOUT_CHILD, ABOUT, HAPPENED, FILES, ADVOCATE, CONTACT, SUPPORT],
        "already_has_one",
        {"acknowledge_without_email"},
    ),
    Case(
        "representation",
        "professional",
        [WHO, SAFE, ORG, *ADULT_ABOUT_CHILD, ABOUT, HAPPENED, FILES, ADVOCATE, CONTACT, SUPPORT],
        "not_sure",
        {"child_has_not_agreed"},
    ),
    Case(
        "representation",
        "advocate",
        [WHO, SAFE, ORG, *ADULT_ABOUT_CHILD, ABOUT, HAPPENED, FILES, CONTACT, SUPPORT],
        "filed_by_advocate",
        {"acknowledge_without_email"},
    ),
    # A compliment asks nothing about the child and offers no advocate.
    Case(
        "compliment",
        "child",
        [WHO, SAFE, ABOUT, HAPPENED, FILES, CONTACT, SUPPORT],
        None,
        {"acknowledge_without_email"},
    ),
    Case("compliment", "parent", [WHO, SAFE, ABOUT, HAPPENED, FILES, CONTACT, SUPPORT], None),
    Case(
        "compliment",
        "foster_carer",
        [WHO, SAFE, ABOUT, HAPPENED, FILES, CONTACT, SUPPORT],
        None,
        {"acknowledge_without_email"},
    ),
    Case(
        "compliment",
        "professional",
        [WHO, SAFE, ORG, ABOUT, HAPPENED, FILES, CONTACT, SUPPORT],
        None,
    ),
    Case(
        "compliment",
        "advocate",
        [WHO, SAFE, ORG, ABOUT, HAPPENED, FILES, CONTACT, SUPPORT],
        None,
        {"acknowledge_without_email"},
    ),
    # Asking for an advocate is the offer taken up: it is not asked again.
    Case(
        "advocacy",
        "child",
        [WHO, SAFE, AGE, ABOUT, HAPPENED, CONTACT, SUPPORT],
        "requested",
        {"acknowledge_without_email", "advocate_wanted"},
    ),
    Case(
        "advocacy",
        "parent",
        [WHO, SAFE, *ADULT_ABOUT_CHILD, ABOUT, HAPPENED, CONTACT, SUPPORT],
        "requested",
        {"advocate_wanted"},
    ),
    Case(
        "advocacy",
        "foster_carer",
        [WHO, SAFE, *ADULT_ABOUT_CHILD, ABOUT, HAPPENED, CONTACT, SUPPORT],
        "requested",
        {"acknowledge_without_email", "advocate_wanted"},
    ),
    Case(
        "advocacy",
        "professional",
        [WHO, SAFE, ORG, *ADULT_ABOUT_CHILD, ABOUT, HAPPENED, CONTACT, SUPPORT],
        "requested",
        {"child_has_not_agreed", "advocate_wanted"},
    ),
]


def answers_of(case: Case) -> dict[str, Answers]:
    answers = answers_for(case.kind, case.role)
    answers[CONTACT] = CONTACT_BY_ROLE[case.role]
    answers[SUPPORT] = SUPPORT_BY_ROLE[case.role]
    if case.role in ADVOCACY_BY_ROLE:
        answers[ADVOCATE] = {"advocacy": ADVOCACY_BY_ROLE[case.role]}
    answers[VIEWS] = {
        "child_agreement": AGREEMENT_BY_ROLE.get(case.role, "agrees"),
        # An advocate writing is the child's advocate: "through me" says it.
        "child_reply_preference": "through_me" if case.role == "advocate" else "through_advocate",
    }
    return answers


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_journey_asks_the_right_questions_and_stores_every_answer(
    client: FlaskClient, case: Case
) -> None:
    journey = Journey(client, case.kind)
    answers = answers_of(case)

    asked = journey.fill(answers)
    assert asked == case.asked

    shown = journey.check_answers().summary_answers
    assert shown["Name"] == "Alex Morgan"
    assert str(answers[HAPPENED]["what_happened"]) in shown.values()

    before = datetime.now(UTC)
    confirmation = journey.send_and_confirm()
    after = datetime.now(UTC)
    stored = only_submission()

    # Who sent it, and what it is.
    assert stored.case.kind == case.kind
    assert stored.submitter_role == case.role
    assert stored.submitter_name == "Alex Morgan"
    assert stored.about_team_id == int(team_id())
    assert stored.what_happened == answers[HAPPENED]["what_happened"]
    assert stored.advocacy_answer == case.advocacy_answer
    assert set(stored.flags) == case.flags
    # The record of answers holds exactly the questions this person was asked.
    assert set(stored.answers) == set(case.asked)
    assert stored.answers[WHO] == {"role": case.role}

    _assert_contact_stored(stored, case.role)
    _assert_child_stored(stored, case)
    _assert_kind_specific_answers_stored(stored, case, answers)

    # When it came in, and when it must be acknowledged, by the statutory clock.
    assert stored.received_at.utcoffset() == timedelta(0)
    assert before <= stored.received_at <= after
    assert stored.received_on == london_date(stored.received_at)
    assert stored.acknowledge_by == add_working_days(stored.received_on, 3)
    assert stored.jurisdiction == "england"
    assert stored.acknowledge_by_statutory is None

    # The confirmation gives the reference, and (except for thanks) the date in words.
    match = re.fullmatch(r"CSC-(\d{4})-(\d{4})", stored.reference)
    assert match and int(match.group(1)) == stored.received_on.year
    assert stored.reference in confirmation.text
    if case.kind != "compliment":
        assert f"by {in_words(stored.acknowledge_by)}" in confirmation.text


def _assert_contact_stored(stored: Submission, role: str) -> None:
    contact = CONTACT_BY_ROLE[role]
    assert stored.contact_preference == contact["contact_preference"]
    assert stored.email == contact.get("email")
    assert stored.phone == contact.get("phone")
    assert stored.postal_address == contact.get("address")
    postcode = contact.get("postcode")
    assert stored.postcode == (str(postcode).upper() if postcode else None)
    assert (
        stored.safe_to_phone,
        stored.safe_to_leave_voicemail,
        stored.safe_to_send_letters,
    ) == SAFETY_BY_ROLE[role]
    support = SUPPORT_BY_ROLE[role]
    needs = support["support"]
    expected_needs = [] if needs == "none" else ([needs] if isinstance(needs, str) else needs)
    assert stored.support_needs == expected_needs
    assert stored.interpreter_language == support.get("interpreter_language")
    assert stored.other_support == support.get("other_support")


def _assert_child_stored(stored: Submission, case: Case) -> None:
    if case.kind == "compliment":
        assert stored.child_name is None
        assert stored.child_date_of_birth is None
        assert stored.child_age is None
        assert stored.child_agreement is None
    elif case.role == "child":
        assert stored.child_age == 14
        assert stored.child_name is None
        assert stored.child_agreement is None
    else:
        assert stored.child_name == "Sam Taylor"
        assert stored.child_date_of_birth == date(2012, 3, 14)
        assert stored.child_age is None
        assert stored.child_agreement == AGREEMENT_BY_ROLE.get(case.role, "agrees")
        assert stored.child_reply_preference == (
            "through_me" if case.role == "advocate" else "through_advocate"
        )
    organisation = {"professional": "Northmoor Academy", "advocate": "Speak Up Advocacy"}
    assert stored.organisation == organisation.get(case.role)


def _assert_kind_specific_answers_stored(
    stored: Submission, case: Case, answers: dict[str, Answers]
) -> None:
    if case.kind in ("complaint", "representation"):
        assert stored.when_it_happened == "last_month"
        day, month, year = answers[HAPPENED]["event_date"]
        assert stored.event_date == date(int(year), int(month), int(day))
    else:
        assert stored.when_it_happened is None
        assert stored.event_date is None
    if case.kind == "complaint":
        assert stored.put_right == answers[PUT_RIGHT]["put_right"]
    else:
        assert stored.put_right is None
    if case.kind == "compliment":
        assert stored.worker_name == "Jo Bloggs"
    else:
        assert stored.worker_name is None


def test_a_person_not_sure_which_service_can_still_send_it(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent", what_it_is_about={"team": "not_sure"}))
    journey.send_and_confirm()
    assert only_submission().about_team_id is None


def test_someone_else_is_flagged_for_a_sufficient_interest_decision(
    client: FlaskClient,
) -> None:
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "other"))
    journey.send_and_confirm()
    assert "sufficient_interest_decision" in only_submission().flags


def test_a_child_who_gives_only_an_age_is_recorded_with_that_age(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    journey.fill(
        answers_for(
            "complaint",
            "parent",
            about_the_child={
                "child_name": "Sam",
                "child_date_of_birth": ["", "", ""],
                "child_age": "9",
            },
        )
    )
    journey.send_and_confirm()
    stored = only_submission()
    assert (stored.child_age, stored.child_date_of_birth) == (9, None)


def test_the_date_it_happened_is_optional(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    journey.fill(
        answers_for(
            "complaint",
            "parent",
            what_happened={
                "what_happened": "It is still going on.",
                "when_it_happened": "still_happening",
                "event_date": ["", "", ""],
            },
        )
    )
    journey.send_and_confirm()
    stored = only_submission()
    assert (stored.when_it_happened, stored.event_date) == ("still_happening", None)
    assert "outside_time_limit" not in stored.flags


def test_today_is_an_accepted_date_for_when_it_happened(client: FlaskClient) -> None:
    today = london_today()
    journey = Journey(client, "complaint")
    journey.fill(
        answers_for(
            "complaint",
            "parent",
            what_happened={
                "what_happened": "It happened this morning.",
                "when_it_happened": "last_month",
                "event_date": [str(today.day), str(today.month), str(today.year)],
            },
        )
    )
    journey.send_and_confirm()
    assert only_submission().event_date == today


def test_the_start_page_links_to_every_journey(client: FlaskClient) -> None:
    start = page_of(client.get("/"))
    links = {a.attrs.get("href") for a in start.find_all("a")}
    for slug in JOURNEYS.values():
        assert f"/{slug}/who-are-you" in links
        assert client.get(f"/{slug}").location.endswith(f"/{slug}/who-are-you")
