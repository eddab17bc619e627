"""Which questions each journey asks, and of whom (portal/domain/journeys.py), and the
s26A offer of an advocate (portal/domain/advocacy.py, domain.md "Advocacy")."""

import pytest

from portal.domain.advocacy import must_offer_advocate
from portal.domain.journeys import CHECK_ANSWERS, next_step, previous_step, steps_for
from portal.domain.types import Kind, SubmitterRole

CHILD, PARENT, FOSTER, KINSHIP, RELATIVE, PROFESSIONAL, ADVOCATE, OTHER = (
    SubmitterRole.CHILD,
    SubmitterRole.PARENT,
    SubmitterRole.FOSTER_CARER,
    SubmitterRole.KINSHIP_CARER,
    SubmitterRole.RELATIVE,
    SubmitterRole.PROFESSIONAL,
    SubmitterRole.ADVOCATE,
    SubmitterRole.OTHER,
)
ADULTS_ABOUT_A_CHILD = ["about-the-child", "the-childs-views"]

STEPS_ASKED = [
    (
        Kind.COMPLAINT,
        CHILD,
        [
            "who-are-you",
            "are-you-safe",
            "your-age",
            "what-it-is-about",
            "what-happened",
            "put-it-right",
            "files",
            "advocate",
            "contact",
            "support",
        ],
    ),
    (
        Kind.COMPLAINT,
        PARENT,
        [
            "who-are-you",
            "are-you-safe",
            *ADULTS_ABOUT_A_CHILD,
            "what-it-is-about",
            "what-happened",
            "put-it-right",
            "files",
            "advocate",
            "contact",
            "support",
        ],
    ),
    (
        Kind.COMPLAINT,
        PROFESSIONAL,
        [
            "who-are-you",
            "are-you-safe",
            "your-organisation",
            *ADULTS_ABOUT_A_CHILD,
            "what-it-is-about",
            "what-happened",
            "put-it-right",
            "files",
            "advocate",
            "contact",
            "support",
        ],
    ),
    (
        Kind.COMPLAINT,
        ADVOCATE,
        [
            "who-are-you",
            "are-you-safe",
            "your-organisation",
            *ADULTS_ABOUT_A_CHILD,
            "what-it-is-about",
            "what-happened",
            "put-it-right",
            "files",
            "contact",
            "support",
        ],
    ),
    (
        Kind.REPRESENTATION,
        CHILD,
        [
            "who-are-you",
            "are-you-safe",
            "your-age",
            "what-it-is-about",
            "what-happened",
            "files",
            "advocate",
            "contact",
            "support",
        ],
    ),
    (
        Kind.REPRESENTATION,
        FOSTER,
        [
            "who-are-you",
            "are-you-safe",
            *ADULTS_ABOUT_A_CHILD,
            "what-it-is-about",
            "what-happened",
            "files",
            "advocate",
            "contact",
            "support",
        ],
    ),
    (
        Kind.COMPLIMENT,
        CHILD,
        [
            "who-are-you",
            "are-you-safe",
            "what-it-is-about",
            "what-happened",
            "files",
            "contact",
            "support",
        ],
    ),
    (
        Kind.COMPLIMENT,
        PARENT,
        [
            "who-are-you",
            "are-you-safe",
            "what-it-is-about",
            "what-happened",
            "files",
            "contact",
            "support",
        ],
    ),
    (
        Kind.COMPLIMENT,
        PROFESSIONAL,
        [
            "who-are-you",
            "are-you-safe",
            "your-organisation",
            "what-it-is-about",
            "what-happened",
            "files",
            "contact",
            "support",
        ],
    ),
    (
        Kind.ADVOCACY,
        CHILD,
        [
            "who-are-you",
            "are-you-safe",
            "your-age",
            "what-it-is-about",
            "what-happened",
            "contact",
            "support",
        ],
    ),
    (
        Kind.ADVOCACY,
        KINSHIP,
        [
            "who-are-you",
            "are-you-safe",
            *ADULTS_ABOUT_A_CHILD,
            "what-it-is-about",
            "what-happened",
            "contact",
            "support",
        ],
    ),
    (
        Kind.ADVOCACY,
        PROFESSIONAL,
        [
            "who-are-you",
            "are-you-safe",
            "your-organisation",
            *ADULTS_ABOUT_A_CHILD,
            "what-it-is-about",
            "what-happened",
            "contact",
            "support",
        ],
    ),
]


@pytest.mark.parametrize(
    "kind, role, asked", STEPS_ASKED, ids=[f"{k}-{r}" for k, r, _ in STEPS_ASKED]
)
def test_each_person_is_asked_only_what_applies_to_them(
    kind: Kind, role: SubmitterRole, asked: list[str]
) -> None:
    assert steps_for(kind, role) == asked


@pytest.mark.parametrize("kind", list(Kind))
def test_before_they_say_who_they_are_only_the_first_question_is_known(kind: Kind) -> None:
    assert steps_for(kind, None) == ["who-are-you"]


@pytest.mark.parametrize("kind", [Kind.COMPLAINT, Kind.REPRESENTATION])
@pytest.mark.parametrize("role", [r for r in SubmitterRole if r is not ADVOCATE])
def test_the_advocate_is_offered_on_every_complaint_and_representation(
    kind: Kind, role: SubmitterRole
) -> None:
    assert must_offer_advocate(kind, role)
    assert "advocate" in steps_for(kind, role)


@pytest.mark.parametrize("kind", [Kind.COMPLAINT, Kind.REPRESENTATION])
def test_an_advocate_filing_for_a_child_is_not_asked_about_an_advocate(kind: Kind) -> None:
    assert not must_offer_advocate(kind, ADVOCATE)
    assert "advocate" not in steps_for(kind, ADVOCATE)


@pytest.mark.parametrize("kind", [Kind.COMPLIMENT, Kind.ADVOCACY])
@pytest.mark.parametrize("role", list(SubmitterRole))
def test_a_compliment_or_a_request_for_an_advocate_carries_no_offer(
    kind: Kind, role: SubmitterRole
) -> None:
    assert not must_offer_advocate(kind, role)
    assert "advocate" not in steps_for(kind, role)


@pytest.mark.parametrize("role", list(SubmitterRole))
def test_only_a_complaint_asks_what_would_put_it_right(role: SubmitterRole) -> None:
    for kind in Kind:
        assert ("put-it-right" in steps_for(kind, role)) is (kind is Kind.COMPLAINT)


@pytest.mark.parametrize("role", [r for r in SubmitterRole if r is not CHILD])
def test_an_adult_is_asked_about_the_child_except_for_a_compliment(role: SubmitterRole) -> None:
    for kind in Kind:
        asked = steps_for(kind, role)
        assert ("about-the-child" in asked) is (kind is not Kind.COMPLIMENT)
        assert "your-age" not in asked


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("role", list(SubmitterRole))
def test_everyone_is_asked_about_danger_straight_after_saying_who_they_are(
    kind: Kind, role: SubmitterRole
) -> None:
    assert steps_for(kind, role)[:2] == ["who-are-you", "are-you-safe"]


@pytest.mark.parametrize("role", [PARENT, FOSTER, KINSHIP, RELATIVE, OTHER])
def test_only_professionals_and_advocates_are_asked_for_an_organisation(
    role: SubmitterRole,
) -> None:
    assert "your-organisation" not in steps_for(Kind.COMPLAINT, role)
    assert "your-organisation" in steps_for(Kind.COMPLAINT, PROFESSIONAL)
    assert "your-organisation" in steps_for(Kind.COMPLAINT, ADVOCATE)


def test_continue_from_the_last_question_goes_to_check_your_answers() -> None:
    asked = steps_for(Kind.COMPLAINT, PARENT)
    assert next_step(Kind.COMPLAINT, PARENT, asked[-1]) == CHECK_ANSWERS
    assert previous_step(Kind.COMPLAINT, PARENT, CHECK_ANSWERS) == asked[-1]


def test_each_question_leads_to_the_next_and_back() -> None:
    asked = steps_for(Kind.COMPLAINT, CHILD)
    for earlier, later in zip(asked, asked[1:], strict=False):
        assert next_step(Kind.COMPLAINT, CHILD, earlier) == later
        assert previous_step(Kind.COMPLAINT, CHILD, later) == earlier
    assert previous_step(Kind.COMPLAINT, CHILD, "who-are-you") is None


def test_a_question_that_does_not_apply_leads_to_the_first() -> None:
    assert next_step(Kind.COMPLIMENT, PARENT, "put-it-right") == "who-are-you"
    assert previous_step(Kind.COMPLIMENT, PARENT, "put-it-right") is None
