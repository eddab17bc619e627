"""The words of the response letters (portal/domain/letters.py): each complaint point with
its finding, the outcome, the redress and what the person can do next, with the real date
to ask by and the right ombudsman; the children's wording for a child."""

import dataclasses
import re
from datetime import date

import pytest

from portal.domain import letters
from portal.domain.letters import Action, LetterFacts, Point, draft, has_text_to_write, pounds
from portal.domain.timescales import Procedure

FRI_5_DEC_2025 = date(2025, 12, 5)
FRI_19_DEC_2025 = date(2025, 12, 19)

STAGE1 = LetterFacts(
    stage=1,
    procedure=Procedure.ENGLAND_CHILDREN,
    jurisdiction="england",
    reference="CSC-2025-0042",
    name="Pat Parent",
    for_child=False,
    received_on=FRI_5_DEC_2025,
    dated=FRI_19_DEC_2025,
    window_working_days=20,
    council_phone="0300 123 4567",
    council_email="complaints@council.example",
    council_address="Town Hall, 1 Market Street, NM1 1AA",
    points=(
        Point("Nobody came to the review meeting.", "upheld"),
        Point("The social worker was rude on the phone.", "not_upheld"),
    ),
    outcome="partially_upheld",
    apology=True,
    ex_gratia_pence=15000,
)


def facts(**changes: object) -> LetterFacts:
    return dataclasses.replace(STAGE1, **changes)  # type: ignore[arg-type]


def paragraph_after(body: str, start: str) -> str:
    """The paragraph that begins with `start`, with its lines."""
    return next(p for p in body.split("\n\n") if p.startswith(start))


def test_a_stage_1_letter_names_each_point_with_its_finding_and_the_overall_outcome() -> None:
    letter = draft(STAGE1)
    assert letter.subject == "Your complaint CSC-2025-0042: our stage 1 response"
    assert letter.greeting == "Dear Pat Parent,"
    assert paragraph_after(letter.body, "1.") == (
        "1. Nobody came to the review meeting.\n"
        "   Our finding: upheld. We agree that this went wrong."
    )
    assert paragraph_after(letter.body, "2.") == (
        "2. The social worker was rude on the phone.\n"
        "   Our finding: not upheld. We do not find that this went wrong."
    )
    assert "Overall, we partly uphold your complaint." in letter.body
    assert "received on Friday 5 December 2025" in letter.body


def test_a_stage_1_letter_gives_the_redress_with_the_payment_in_pounds() -> None:
    body = draft(STAGE1).body
    assert "We apologise for what went wrong." in body
    assert "We will pay you £150 for your time and trouble." in body


def test_after_stage_1_in_england_the_person_may_ask_for_stage_2_within_20_working_days() -> None:
    body = draft(STAGE1).body
    # Friday 19 December 2025 + 20 working days, over Christmas (domain.md's example).
    assert (
        "Please ask by Wednesday 21 January 2026 (20 working days after Friday 19 December "
        "2025)." in body
    )
    assert "investigating officer and an independent person" in body
    assert (
        "call 0300 123 4567, email complaints@council.example or write to Town Hall, 1 Market "
        "Street, NM1 1AA, quoting reference CSC-2025-0042" in body
    )
    assert "Ombudsman" not in body
    assert not has_text_to_write(body)
    assert body.endswith("Yours sincerely,\nChildren's Complaints Team")


def test_the_date_to_ask_by_follows_the_councils_window() -> None:
    body = draft(facts(window_working_days=10)).body
    assert "Please ask by Wednesday 7 January 2026 (10 working days after" in body


def test_what_the_caseworker_must_still_write_is_marked_and_found() -> None:
    letter = draft(facts(points=(), outcome=None, explanation=True))
    assert "[[List each complaint point and its finding]]" in letter.body
    assert "[[Explain what happened and why]]" in letter.body
    assert has_text_to_write(letter.body)
    # Without points the overall outcome is left to the list the caseworker writes.
    assert "Overall" not in letter.body


def test_an_outcome_not_yet_recorded_is_left_to_the_caseworker() -> None:
    body = draft(facts(outcome=None)).body
    assert "\n\n[[Say whether the complaint is upheld, partly upheld or not upheld]]\n\n" in body


def test_a_service_review_lists_what_will_change_from_the_lessons_learned() -> None:
    body = draft(
        facts(
            service_review=True,
            actions=(
                Action("Reviews are booked with the family", date(2026, 3, 31)),
                Action("Managers check the minutes"),
            ),
        )
    ).body
    assert "We will review how we work, so that this does not happen to anyone else." in body
    assert paragraph_after(body, "What will change:") == (
        "What will change:\n"
        "- Reviews are booked with the family (by Tuesday 31 March 2026)\n"
        "- Managers check the minutes"
    )


def test_after_stage_2_in_england_the_person_may_ask_for_a_review_panel_by_a_date() -> None:
    letter = draft(facts(stage=2, dated=date(2026, 2, 2)))
    assert letter.subject == "Your complaint CSC-2025-0042: our stage 2 decision"
    assert "a review panel to look at your complaint (stage 3)" in letter.body
    assert "It meets within 30 working days of your request" in letter.body
    assert "Please ask by Monday 2 March 2026" in letter.body
    assert "Ombudsman" not in letter.body


def test_after_stage_2_in_wales_the_person_may_go_to_the_welsh_ombudsman() -> None:
    body = draft(facts(stage=2, procedure=Procedure.WALES_CHILDREN, jurisdiction="wales")).body
    assert "An independent investigator looked into your complaint" in body
    assert "ask the Public Services Ombudsman for Wales to look at your complaint" in body
    assert paragraph_after(body, "Public Services Ombudsman for Wales") == (
        "Public Services Ombudsman for Wales\n"
        "Website: www.ombudsman.wales\n"
        "Phone: 0300 790 0203\n"
        "Post: 1 Ffordd yr Hen Gae, Pencoed, CF35 5LJ"
    )
    assert "Please ask by" not in body


@pytest.mark.parametrize(
    "jurisdiction, ombudsman",
    [
        ("england", "the Local Government and Social Care Ombudsman"),
        ("wales", "the Public Services Ombudsman for Wales"),
    ],
)
def test_after_stage_2_of_the_corporate_procedure_comes_the_councils_ombudsman(
    jurisdiction: str, ombudsman: str
) -> None:
    body = draft(facts(stage=2, procedure=Procedure.CORPORATE, jurisdiction=jurisdiction)).body
    assert "A senior manager has looked at your complaint again" in body
    assert f"you can ask {ombudsman} to look at your complaint" in body


def test_after_stage_3_the_person_may_go_to_the_ombudsman_with_its_details() -> None:
    letter = draft(
        facts(stage=3, panel_recommendations="Apologise in person.\nReview the care plan.")
    )
    assert letter.subject == "Your complaint CSC-2025-0042: our response to the review panel"
    assert "The panel recommended:\n\nApologise in person.\nReview the care plan." in letter.body
    assert "[[Say what the council will do about each recommendation]]" in letter.body
    assert paragraph_after(letter.body, "Local Government and Social Care Ombudsman") == (
        "Local Government and Social Care Ombudsman\n"
        "Website: www.lgo.org.uk\n"
        "Phone: 0300 061 0614\n"
        "Post: PO Box 4771, Coventry, CV4 0EH"
    )
    assert "within 12 months" in letter.body


def test_there_is_no_stage_3_letter_outside_englands_childrens_procedure() -> None:
    with pytest.raises(ValueError):
        draft(facts(stage=3, procedure=Procedure.WALES_CHILDREN, jurisdiction="wales"))
    assert letters.stages_of(Procedure.CORPORATE) == (1, 2)


def test_a_child_is_told_in_short_sentences_that_someone_else_can_look_at_it() -> None:
    letter = draft(facts(for_child=True, name="Sam"))
    assert letter.greeting == "Hello Sam,"
    body = letter.body
    assert "1. Nobody came to the review meeting.\n   We agree with you." in body
    assert "We do not agree that this went wrong." in body
    assert "We are sorry for what went wrong." in body
    assert "you can ask someone else to look at it. Tell us by Wednesday 21 January 2026." in body
    assert "An advocate can help you say what you think. It is free. Call 0300 123 4567" in body
    assert "investigating officer" not in body
    assert body.endswith("Best wishes,\nChildren's Complaints Team")
    sentences = [
        sentence
        for line in body.splitlines()
        for sentence in re.split(r"(?<=[.?!])\s+", line)
        if sentence
    ]
    assert max(len(s.split()) for s in sentences) <= 20, max(sentences, key=len)


def test_a_child_with_an_advocate_is_told_their_advocate_can_help() -> None:
    body = draft(facts(for_child=True, advocate_name="Alex from Coram Voice")).body
    assert "Your advocate, Alex from Coram Voice, can help you with any of this." in body
    assert "An advocate can help you say what you think" not in body


def test_a_child_who_has_an_advocate_we_do_not_know_the_name_of_is_not_told_to_ask_for_one() -> (
    None
):
    body = draft(facts(for_child=True, has_advocate=True)).body
    assert "Your advocate can help you with any of this." in body
    assert "to ask for one" not in body


def test_every_word_of_the_letter_goes_through_the_translator() -> None:
    """Only the case's own text stands outside what the translator returned."""
    for stage, procedure, child in [
        (1, Procedure.ENGLAND_CHILDREN, False),
        (1, Procedure.ENGLAND_CHILDREN, True),
        (2, Procedure.WALES_CHILDREN, False),
        (3, Procedure.ENGLAND_CHILDREN, True),
    ]:
        letter = draft(
            facts(
                stage=stage,
                procedure=procedure,
                for_child=child,
                service_review=True,
                actions=(Action("Book reviews"),),
                panel_recommendations="Apologise.",
            ),
            lambda text: f"«{text}»",
        )
        left = letter.body
        while "«" in left:  # a translated name inside a translated sentence
            left = re.sub(r"«[^«»]*»", "", left)
        for own in (
            "Nobody came to the review meeting.",
            "The social worker was rude on the phone.",
            "Book reviews",
            "Apologise.",
            "[[",
            "]]",
        ):
            left = left.replace(own, "")
        assert re.fullmatch(r"[\s\d.\-]*", left), left
        assert re.fullmatch(r"«[^«»]*»", letter.subject)


@pytest.mark.parametrize(
    "pence, words", [(15000, "£150"), (4999, "£49.99"), (125050, "£1,250.50"), (5, "£0.05")]
)
def test_payments_are_written_in_pounds(pence: int, words: str) -> None:
    assert pounds(pence) == words


def test_the_points_of_a_stage_are_those_found_at_it_or_else_at_the_stage_before() -> None:
    recorded = [("1", "Late visits", "upheld"), ("2", "Late visits", "not_upheld")]
    assert letters.points_for(2, recorded) == [Point("Late visits", "not_upheld")]
    assert letters.points_for(3, recorded) == [Point("Late visits", "not_upheld")]
    assert letters.points_for(1, recorded[1:]) == []


def test_in_wales_the_stage_1_letter_is_the_written_resolution_of_the_discussion() -> None:
    welsh = dataclasses.replace(
        STAGE1,
        procedure=Procedure.WALES_CHILDREN,
        jurisdiction="wales",
        discussion_on=date(2025, 12, 15),
    )
    body = draft(welsh).body
    assert (
        "Thank you for talking with us about your complaint on Monday 15 December 2025. This "
        "letter sets out what we agreed: it is our written response at stage 1" in body
    )
    child = draft(dataclasses.replace(welsh, for_child=True)).body
    assert "Thank you for talking with us. This letter says what we agreed." in child
    # Without a discussion (the person did not want one) it is the ordinary stage 1 response.
    assert (
        "This letter is our response at stage 1"
        in draft(dataclasses.replace(welsh, discussion_on=None)).body
    )
