"""How the danger matcher reads: precise signs are urgent, weaker ones a possible concern;
"not" and "never" are read; figures of speech are left alone; a slip of spelling is
forgiven only where the typed word is not itself a word; Welsh is read with its mutations;
and a council can add its own phrases."""

import tomllib
from pathlib import Path

import pytest

from portal.domain.safeguarding import (
    WELSH_WORDS,
    Signal,
    Strength,
    assess,
    load_phrases,
    sentences,
    strongest,
)


def read(text: str) -> list[tuple[str, str]]:
    return [(signal.strength.value, signal.why) for signal in assess([text])]


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("he hitted me", "someone hurting a child"),
        ("my stepdad slapped my little sister", "someone hurting a child"),
        ("mum SMACKS me with her slipper", "someone hurting a child"),
        ("my brother's friend hits me when no one is looking", "someone hurting a child"),
        ("he put his hands round my neck", "someone hurting a child"),
        ("i want 2 die", "thoughts of suicide or self-harm"),
        ("kms", "thoughts of suicide or self-harm"),
        ("i want to unalive myself", "thoughts of suicide or self-harm"),
        ("I want to kill my self", "thoughts of suicide or self-harm"),
        ("i took a load of pills", "an overdose or too many pills"),
        ("I'm left home alone all weekend", "a child left alone"),
        (
            "a older man online keeps asking me for pictures",
            "an adult online asking a child for pictures",
        ),
        ("They make me carry drugs", "made to carry or sell drugs"),
        ("I'm scared to go home", "fear at home"),
        ("I don't feel safe at home", "not feeling safe"),
        ("my mum kicked me out", "thrown out, with nowhere safe to sleep"),
        ("There is no food in the house", "no food at home"),
        ("they lock me in my room", "being locked in"),
        ("i am going to hurt myself tonight", "thoughts of suicide or self-harm"),
        ("I want to harm myself", "thoughts of suicide or self-harm"),
        ("he dont let me eat", "no food at home"),
        ("my stepmum doesn't let us have dinner", "no food at home"),
        ("he locks me out the house at night", "thrown out, with nowhere safe to sleep"),
        ("Mae dad yn fy nharo.", "someone hurting a child"),
        ("Dw i eisiau lladd fy hun.", "thoughts of suicide or self-harm"),
        ("dw i ddim yn teimlo'n ddiogel", "not feeling safe"),
    ],
)
def test_a_clear_sign_of_danger_is_urgent_and_says_why_in_plain_words(
    written: str, why: str
) -> None:
    assert read(written) == [("urgent", why)]


@pytest.mark.parametrize(
    "written",
    [
        "I want to run away from home",
        "she has bruises she cannot explain",
        "i dont want to go home",
    ],
)
def test_a_weaker_sign_is_a_possible_concern(written: str) -> None:
    assert [strength for strength, _ in read(written)] == ["concern"]


@pytest.mark.parametrize(
    "written",
    [
        "I am not in any danger",
        "he never hits me",
        "nobody hurts me",
        "I'm not scared",
        "My husband does not hurt the children and never has",
        "I don't think he would ever hurt them",
        "i am not going to hurt myself",
        "dyw dad byth yn fy mrifo",
        "does neb yn fy nharo i",
        "dw i ddim ofn",
    ],
)
def test_not_never_and_nobody_are_read(written: str) -> None:
    assert read(written) == []


@pytest.mark.parametrize(
    "written",
    [
        "I don't know why he hits me",
        "He doesn't hit me but he hits my brother",
        "he doesn't just hit me, he hits my mum too",
        "i'm not suicidal but i do cut myself sometimes",
        "i dont want to live anymore",
        "dw i ddim eisiau byw rhagor",
    ],
)
def test_a_not_that_belongs_elsewhere_does_not_hide_danger(written: str) -> None:
    assert strongest(assess([written])) is Strength.URGENT


@pytest.mark.parametrize(
    "written",
    [
        "My brother beat me at chess",
        "I went to a knife crime workshop",
        "my team ran away with the prize",
        "we were just killing time",
        "the meeting killed me",
        "My social worker hit the roof when she saw my room",
        "keep in touch with my brother please",
        "the portal locked me out of my account",
        "I hurt my ankle playing football",
        "the pony kicked her at the stables",
        "I got kicked out of the football team",
        "There was no food provided at the meeting",
        "mum doesnt let me eat sweets before tea",
        "the school wont let me eat my packed lunch in class",
        "we locked ourselves out of the house",
        "I was worried I would hurt myself on the trampoline",
        "Mae hi'n bwrw glaw",
        "Curodd fy mrawd fi mewn gêm gwyddbwyll",
    ],
)
def test_words_of_harm_out_of_context_are_left_alone(written: str) -> None:
    assert read(written) == []


@pytest.mark.parametrize(
    "written",
    ["My social worker picked me up late", "I looked in my file", "I rated the meeting"],
)
def test_a_real_word_is_never_read_as_a_slip_for_another(written: str) -> None:
    # One letter from "kicked me", "locked in", "raped": but each is a word of its own.
    assert read(written) == []


@pytest.mark.parametrize(
    "written",
    ["i feel suicdal", "he stranggled me", "she smaked me", "he punshed me in the face"],
)
def test_a_slip_in_a_word_that_is_not_a_word_is_forgiven(written: str) -> None:
    assert strongest(assess([written])) is Strength.URGENT


@pytest.mark.parametrize(
    "written",
    [
        "Mae e'n taro fi",  # radical, with the one hit after it
        "Mae e wedi ei daro fe",  # soft: hit him
        "Mae ei thad yn ei tharo hi",  # aspirate: hit her
        "Mae dad yn fy nharo",  # nasal: hit me
        "Mae mam yn fy nghuro i",
        "Mae e'n fy mrifo",
        "wnaeth o fy nhagu i",
    ],
)
def test_welsh_is_read_whatever_the_mutation(written: str) -> None:
    assert read(written) == [("urgent", "someone hurting a child")]


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("Dw i ddim yn teimlo’n ddiogel", "not feeling safe"),
        ("I don’t feel safe at home", "not feeling safe"),
        ("he’ll kill me if i tell anyone", "a threat to kill or hurt"),
    ],
)
def test_the_curly_apostrophes_phones_type_are_read_like_straight_ones(
    written: str, why: str
) -> None:
    assert read(written) == [("urgent", why)]


def test_the_welsh_words_are_marked_for_review_by_a_welsh_speaking_lead() -> None:
    review = tomllib.loads(WELSH_WORDS.read_text(encoding="utf-8"))["review"]
    assert "Welsh-speaking safeguarding lead" in review["status"]


def test_each_worrying_sentence_is_quoted_once_urgent_first() -> None:
    text = (
        "The letters are late. I want to run away from home. "
        "My contact was moved. My stepdad hits me."
    )
    assert assess([text]) == (
        Signal(Strength.URGENT, "My stepdad hits me.", "someone hurting a child"),
        Signal(Strength.CONCERN, "I want to run away from home.", "running away or going missing"),
    )
    assert strongest(assess([text])) is Strength.URGENT
    assert strongest(assess(["The letters are late."])) is None


def test_sentences_end_at_full_stops_and_new_lines() -> None:
    assert sentences("One. Two!\nthree four  ") == ["One.", "Two!", "three four"]


def test_a_council_can_add_its_own_phrases(tmp_path: Path) -> None:
    extra = tmp_path / "ours.txt"
    extra.write_text("# our own words\nno heating\n", encoding="utf-8")
    phrases = load_phrases(extra)
    assert read("There is NO heating in the flat") == []
    assert assess(["There is NO heating in the flat"], phrases) == (
        Signal(
            Strength.URGENT,
            "There is NO heating in the flat",
            "words the council asked us to look out for",
        ),
    )
