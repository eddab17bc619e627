"""Routing rules (portal/domain/routing.py): tried in order, the first that matches decides
the team and the procedure; a default team catches the rest (domain.md, "What goes
through which procedure" and "Teams")."""

from datetime import date

import pytest

from portal.domain.routing import Facts, Rule, age_on, matches, route
from portal.domain.timescales import Procedure

LOOKED_AFTER, LEAVING_CARE, FAMILY_SUPPORT, ADVOCACY, FIRST_RESPONSE, FOSTERING = 1, 2, 3, 4, 5, 6


def facts(
    *,
    kind: str = "complaint",
    role: str = "parent",
    chosen: int | None = LOOKED_AFTER,
    age: int | None = 9,
    text: str = "Nobody came to the review meeting.",
) -> Facts:
    return Facts(kind=kind, role=role, chosen_team_id=chosen, child_age=age, text=text)


def decide(rules: list[Rule], sample: Facts, statutory: Procedure = Procedure.ENGLAND_CHILDREN):
    return route(rules, sample, default_team_id=FIRST_RESPONSE, statutory=statutory)


LEAVING_CARE_BY_AGE = Rule(
    id=10, name="16 to 25 go to leaving care", team_id=LEAVING_CARE, age_min=16, age_max=25
)
CHILD_PROTECTION = Rule(
    id=20,
    name="Child protection follows the corporate procedure",
    team_id=FAMILY_SUPPORT,
    procedure=Procedure.CORPORATE,
    words=("child protection conference", "section 47"),
)


# --- order -------------------------------------------------------------------------------


def test_the_first_rule_that_matches_wins() -> None:
    sample = facts(age=17, text="The child protection conference ignored my son.")
    assert decide([CHILD_PROTECTION, LEAVING_CARE_BY_AGE], sample).rule_id == 20
    assert decide([LEAVING_CARE_BY_AGE, CHILD_PROTECTION], sample).rule_id == 10


def test_a_rule_that_does_not_match_is_passed_over_for_a_later_one() -> None:
    sample = facts(age=17)
    routing = decide([CHILD_PROTECTION, LEAVING_CARE_BY_AGE], sample)
    assert (routing.team_id, routing.rule_id, routing.rule_name) == (
        LEAVING_CARE,
        10,
        "16 to 25 go to leaving care",
    )


def test_a_rule_with_no_conditions_matches_everything() -> None:
    catch_all = Rule(id=1, name="Everything to fostering", team_id=FOSTERING)
    assert matches(catch_all, facts())
    assert matches(catch_all, facts(kind="compliment", role="child", chosen=None, age=None))


def test_every_condition_of_a_rule_must_hold() -> None:
    rule = Rule(
        id=1,
        name="Children over 12 about care",
        team_id=LOOKED_AFTER,
        roles=frozenset({"child"}),
        age_min=13,
        kinds=frozenset({"complaint"}),
    )
    assert matches(rule, facts(role="child", age=14))
    assert not matches(rule, facts(role="parent", age=14))
    assert not matches(rule, facts(role="child", age=12))
    assert not matches(rule, facts(role="child", age=14, kind="compliment"))


# --- each condition ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "matched"),
    [("advocacy", True), ("complaint", False), ("compliment", False), ("representation", False)],
)
def test_a_rule_on_kind_matches_only_that_kind(kind: str, matched: bool) -> None:
    rule = Rule(id=1, name="Advocacy", team_id=ADVOCACY, kinds=frozenset({"advocacy"}))
    assert matches(rule, facts(kind=kind)) is matched


@pytest.mark.parametrize(
    ("chosen", "matched"), [(FOSTERING, True), (LEAVING_CARE, True), (LOOKED_AFTER, False)]
)
def test_a_rule_on_the_service_chosen_matches_any_of_its_services(
    chosen: int, matched: bool
) -> None:
    rule = Rule(
        id=1, name="Carers", team_id=FOSTERING, chosen_team_ids=frozenset({FOSTERING, LEAVING_CARE})
    )
    assert matches(rule, facts(chosen=chosen)) is matched


def test_a_rule_on_the_service_chosen_never_matches_someone_who_was_not_sure() -> None:
    rule = Rule(id=1, name="Fostering", team_id=FOSTERING, chosen_team_ids=frozenset({FOSTERING}))
    assert not matches(rule, facts(chosen=None))


@pytest.mark.parametrize(
    ("role", "matched"),
    [("foster_carer", True), ("kinship_carer", True), ("parent", False), ("child", False)],
)
def test_a_rule_on_who_is_writing_matches_only_those_roles(role: str, matched: bool) -> None:
    rule = Rule(
        id=1,
        name="Carers",
        team_id=FOSTERING,
        roles=frozenset({"foster_carer", "kinship_carer"}),
    )
    assert matches(rule, facts(role=role)) is matched


@pytest.mark.parametrize(
    ("age", "matched"),
    [(15, False), (16, True), (17, True), (25, True), (26, False), (None, False)],
)
def test_an_age_band_includes_both_ends_and_never_matches_an_unknown_age(
    age: int | None, matched: bool
) -> None:
    assert matches(LEAVING_CARE_BY_AGE, facts(age=age)) is matched


@pytest.mark.parametrize(
    ("age_min", "age_max", "age", "matched"),
    [
        (None, 12, 0, True),
        (None, 12, 12, True),
        (None, 12, 13, False),
        (13, None, 12, False),
        (13, None, 13, True),
        (13, None, 25, True),
    ],
)
def test_an_age_band_may_be_open_at_either_end(
    age_min: int | None, age_max: int | None, age: int, matched: bool
) -> None:
    rule = Rule(id=1, name="Band", team_id=LOOKED_AFTER, age_min=age_min, age_max=age_max)
    assert matches(rule, facts(age=age)) is matched


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2009, 11, 25), date(2026, 11, 24), 16),  # the day before the birthday
        (date(2009, 11, 25), date(2026, 11, 25), 17),  # on the birthday
        (date(2008, 2, 29), date(2026, 2, 28), 17),  # born on 29 February
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2010, 12, 31), date(2026, 1, 1), 15),
    ],
)
def test_the_childs_age_is_counted_in_whole_years_on_the_day(
    born: date, on: date, age: int
) -> None:
    assert age_on(born, on) == age


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("The child protection conference ignored us.", True),
        ("THE CHILD PROTECTION CONFERENCE IGNORED US.", True),
        ("At the Child Protection Conference nobody listened", True),
        ("child protection conference", True),
        ("(child protection conference)", True),
        ("They did a Section 47 enquiry.", True),
        ("They did a section 47.", True),
        ("They quoted section 470 of something.", False),
        ("They quoted subsection 47", False),
        ("A child protection meeting", False),
        ("Nobody came to the review meeting.", False),
    ],
)
def test_words_match_whatever_the_case_and_only_as_whole_words(text: str, matched: bool) -> None:
    assert matches(CHILD_PROTECTION, facts(text=text)) is matched


def test_a_single_word_does_not_match_inside_a_longer_word() -> None:
    rule = Rule(id=1, name="Court", team_id=FAMILY_SUPPORT, words=("court",))
    assert matches(rule, facts(text="The court said so."))
    assert matches(rule, facts(text="Court-ordered contact stopped."))
    assert not matches(rule, facts(text="They were courteous but did nothing."))
    assert not matches(rule, facts(text="Contact in the courtyard."))


def test_words_typed_with_spaces_around_them_still_match() -> None:
    rule = Rule(id=1, name="Court", team_id=FAMILY_SUPPORT, words=("  Court Report ",))
    assert matches(rule, facts(text="The court report was wrong."))


# --- the default team, and the procedure -------------------------------------------------------


def test_when_no_rule_matches_the_team_the_person_chose_is_used() -> None:
    routing = decide([CHILD_PROTECTION], facts(chosen=FOSTERING))
    assert (routing.team_id, routing.rule_id, routing.rule_name) == (
        FOSTERING,
        None,
        "The team the person chose",
    )


def test_when_no_rule_matches_and_the_person_was_not_sure_the_default_team_catches_it() -> None:
    routing = decide([CHILD_PROTECTION], facts(chosen=None))
    assert (routing.team_id, routing.rule_id, routing.rule_name) == (
        FIRST_RESPONSE,
        None,
        "The default team",
    )
    assert decide([], facts(chosen=None)).team_id == FIRST_RESPONSE


def test_a_rule_can_send_a_submission_to_the_corporate_procedure() -> None:
    routing = decide([CHILD_PROTECTION], facts(text="a section 47 enquiry"))
    assert (routing.team_id, routing.procedure) == (FAMILY_SUPPORT, Procedure.CORPORATE)


@pytest.mark.parametrize("statutory", [Procedure.ENGLAND_CHILDREN, Procedure.WALES_CHILDREN])
def test_a_rule_without_a_procedure_and_the_default_keep_the_statutory_procedure(
    statutory: Procedure,
) -> None:
    assert decide([LEAVING_CARE_BY_AGE], facts(age=17), statutory).procedure is statutory
    assert decide([LEAVING_CARE_BY_AGE], facts(age=9), statutory).procedure is statutory
