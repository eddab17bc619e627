"""Signs of immediate danger in what a child writes: recognised generously (case,
punctuation and a slip of spelling do not hide them), and ordinary words are left alone."""

import pytest

from portal.domain.safeguarding import DEFAULT_PHRASES, check_text, load_phrases

PHRASES = load_phrases(DEFAULT_PHRASES)


@pytest.mark.parametrize(
    ("written", "phrase"),
    [
        ("My stepdad hits me when he drinks", "hits me"),
        ("MY STEPDAD HITS ME", "hits me"),
        ("he is hurtting me", "hurting me"),  # a letter too many
        ("i want to kil myself", "kill myself"),  # a doubled letter typed once
        ("I feel suicdal", "suicidal"),  # a letter missing
        ("I am scared to go home.", "scared to go home"),
        ("Sometimes I self-harm", "self harm"),
        ("they locked me in my room!!!", "locked me in"),
    ],
)
def test_signs_of_danger_are_recognised_whatever_the_spelling_or_case(
    written: str, phrase: str
) -> None:
    found = check_text([written], PHRASES)
    assert found.found
    assert phrase in found.matched


@pytest.mark.parametrize(
    "written",
    [
        "My social worker never visits",
        "The meeting was moved twice and nobody told us",
        "the rate of payments was wrong",
        "My foster carer is kind",
        "the dangerously late letter",
    ],
)
def test_ordinary_complaints_are_not_flagged(written: str) -> None:
    assert not check_text([written], PHRASES).found


def test_a_council_can_add_its_own_phrases(tmp_path) -> None:
    extra = tmp_path / "ours.txt"
    extra.write_text("# our own words\nno heating\n", encoding="utf-8")
    phrases = load_phrases(DEFAULT_PHRASES, extra)
    assert check_text(["There is NO heating in the flat"], phrases).found
    assert not check_text(["There is NO heating in the flat"], PHRASES).found
