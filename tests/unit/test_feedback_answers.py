"""The feedback questionnaire's rules (portal/domain/feedback.py): a comment made
anonymous before it is kept, and the answers counted for the annual report."""

from datetime import date

from portal.domain.feedback import Answer, anonymise, comments, figures, month_of, stage_reached


def test_a_comment_loses_emails_phone_numbers_references_postcodes_and_dates() -> None:
    said = (
        "Email me at pat.parent@example.com or call 07700 900982 or +44 1632 960001 "
        "about CSC-2026-0042. We live at NM1 1AA. The meeting on 12/03/2026 and on "
        "14 March 2026 and March 3rd were cancelled."
    )
    kept = anonymise(said)
    for gone in ("pat.parent", "07700", "1632", "CSC-2026", "NM1", "12/03", "14 March", "3rd"):
        assert gone not in kept, (gone, kept)
    assert "[email removed]" in kept
    assert "[phone number removed]" in kept
    assert "[reference removed]" in kept
    assert "[postcode removed]" in kept
    assert kept.count("[date removed]") == 3
    assert kept.startswith("Email me at")


def test_a_comment_loses_the_names_the_case_knows_but_keeps_ordinary_words() -> None:
    said = "Sam Taylor's worker, Jo Bloggs, never called. As a parent, PAT PARENT is fed up."
    kept = anonymise(said, ["Pat Parent", "Sam Taylor", "Jo Bloggs"])
    assert "Sam" not in kept and "Taylor" not in kept and "Bloggs" not in kept
    assert "PAT PARENT" not in kept
    # "parent" as an ordinary word stays: only a name written as a name goes.
    assert "As a parent," in kept
    assert kept.count("[name removed]") == 3
    # A part of two letters would remove too much; the whole name still goes.
    assert anonymise("Jo was late, jo.", ["Jo Bloggs"]) == "Jo was late, jo."
    assert anonymise("jo bloggs was late", ["Jo Bloggs"]) == "[name removed] was late"


def test_the_stage_reached_is_the_furthest_one() -> None:
    assert (
        stage_reached(
            accepted=True, resolved_informally=False, stage2_requested=True, stage3_requested=False
        )
        == "2"
    )
    assert (
        stage_reached(
            accepted=False, resolved_informally=True, stage2_requested=False, stage3_requested=False
        )
        == "informal"
    )
    assert (
        stage_reached(
            accepted=False,
            resolved_informally=False,
            stage2_requested=False,
            stage3_requested=False,
        )
        == "none"
    )


def _answer(child: bool, points: int, comment: str = "", hidden: bool = False) -> Answer:
    questions = ("easy", "informed", "on_time", "respect", "satisfied")
    return Answer(
        month=month_of(date(2026, 5, 17)),
        child=child,
        stage_reached="1",
        procedure="england_children",
        ratings=dict.fromkeys(questions, points),
        comment=comment,
        comment_hidden=hidden,
    )


def test_the_answers_are_counted_for_adults_and_children_apart() -> None:
    answers = [_answer(False, 5), _answer(False, 4), _answer(False, 1), _answer(True, 2)]
    counted = figures(answers, invited=8, answered=4)
    assert counted["invited"] == 8
    assert counted["response_rate_percent"] == 50.0
    assert counted["answers"] == 4 and counted["from_children"] == 1
    adults = counted["adults"]["satisfied"]  # type: ignore[index]
    assert adults == {"5": 1, "4": 1, "3": 0, "2": 0, "1": 1, "agree_percent": 66.7}
    children = counted["children"]["easy"]  # type: ignore[index]
    assert children["2"] == 1 and children["agree_percent"] == 0.0
    assert counted["by_stage"] == {"none": 0, "informal": 0, "1": 4, "2": 0, "3": 0}


def test_nothing_answered_is_a_share_of_nothing_not_zero() -> None:
    counted = figures([], invited=0, answered=0)
    assert counted["response_rate_percent"] is None
    assert counted["adults"]["easy"]["agree_percent"] is None  # type: ignore[index]


def test_a_hidden_comment_is_left_out_of_the_report() -> None:
    answers = [_answer(True, 5, "Thank you"), _answer(False, 1, "Too slow", hidden=True)]
    assert comments(answers) == [{"from": "child", "comment": "Thank you"}]
    assert month_of(date(2026, 5, 17)) == date(2026, 5, 1)
