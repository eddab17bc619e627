"""The danger matcher measured on a labelled corpus of sentences we wrote
(tests/unit/data/danger_*.tsv; docs/safeguarding.md): no danger sentence is missed, fewer
than one ordinary sentence in twenty raises anything, and staff are shown the sentence
that holds the danger, with why in plain words."""

import csv
from pathlib import Path

from portal.domain.safeguarding import Signal, Strength, assess

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "danger_corpus.tsv"
# Written after the matcher, to measure it on words it was not written against; each was
# measured once before the matcher was widened (docs/safeguarding.md gives both numbers).
HELD_OUT = [DATA / f"danger_heldout{n}.tsv" for n in ("", "2", "3")]


def rows(*paths: Path) -> list[dict[str, str]]:
    found = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as file:
            found.extend(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))
    return found


EVERYTHING = rows(CORPUS, *HELD_OUT)
DANGER = [row for row in EVERYTHING if row["label"] == "danger"]
ORDINARY = [row for row in EVERYTHING if row["label"] == "ordinary"]
READ = {row["text"]: assess([row["text"]]) for row in EVERYTHING}

PLAIN_WORDS = {
    "someone hurting a child", "violence at home", "sexual abuse",
    "thoughts of suicide or self-harm", "an overdose or too many pills", "a child left alone",
    "an adult online asking a child for pictures", "made to carry or sell drugs",
    "fear at home", "not feeling safe", "a threat to kill or hurt",
    "thrown out, with nowhere safe to sleep", "no food at home", "being locked in",
    "running away or going missing", "injuries such as bruises, burns or marks",
    "not wanting to go home", "told to keep a secret", "said to be in danger",
    "signs of grooming", "someone following or watching a child",
}  # fmt: skip


def test_the_corpus_has_over_400_sentences_of_every_kind() -> None:
    corpus = rows(CORPUS)
    assert len(corpus) >= 400
    kinds = {(row["label"], row["language"], row["writer"]) for row in corpus}
    for label in ("danger", "ordinary"):
        for language in ("en", "cy"):
            for writer in ("child", "adult"):
                assert (label, language, writer) in kinds
    assert all(row["label"] in ("danger", "ordinary") for row in EVERYTHING)
    long_texts = [row for row in corpus if row["danger_in"] and row["danger_in"] != row["text"]]
    assert len(long_texts) >= 20


def test_every_example_in_the_issue_is_in_the_corpus_with_its_label() -> None:
    labelled = {row["text"]: row["label"] for row in EVERYTHING}
    issue = {
        "he hitted me": "danger",
        "i want 2 die": "danger",
        "kms": "danger",
        "i want to unalive myself": "danger",
        "he strangled me": "danger",
        "Mae dad yn fy nharo.": "danger",
        "Dw i eisiau lladd fy hun.": "danger",
        "Dw i ddim yn teimlo'n ddiogel.": "danger",
        "I'm scared to go home.": "danger",
        "I don't feel safe at home.": "danger",
        "I am not in any danger.": "ordinary",
        "he never hits me": "ordinary",
        "Nobody hurts me": "ordinary",
        "I'm not scared": "ordinary",
        "My brother beat me at chess and my carer laughed.": "ordinary",
        "I went to a knife crime workshop at school and it was good.": "ordinary",
        "my team ran away with the prize at the quiz": "ordinary",
        "My social worker picked me up late from school.": "ordinary",
        "I looked in my file and the dates are wrong.": "ordinary",
        "I rated the meeting 2 out of 10.": "ordinary",
        "we were just killing time in the waiting room for an hour": "ordinary",
        "the meeting killed me it was so long": "ordinary",
    }
    assert {text: labelled.get(text) for text in issue} == issue


def test_no_danger_sentence_is_missed() -> None:
    missed = [row["text"] for row in DANGER if not READ[row["text"]]]
    assert missed == []


def test_fewer_than_one_ordinary_sentence_in_twenty_raises_anything() -> None:
    raised = [row["text"] for row in ORDINARY if READ[row["text"]]]
    assert len(raised) / len(ORDINARY) < 0.05, raised


def test_most_danger_is_urgent_and_the_rest_a_possible_concern() -> None:
    urgent = [row for row in DANGER if READ[row["text"]][0].strength is Strength.URGENT]
    assert len(urgent) / len(DANGER) >= 0.85


def test_staff_are_shown_the_sentence_that_holds_the_danger() -> None:
    wrong = []
    for row in DANGER:
        wanted = row["danger_in"] or row["text"]
        if not any(wanted in signal.sentence for signal in READ[row["text"]]):
            wrong.append((wanted, [signal.sentence for signal in READ[row["text"]]]))
    assert wrong == []


def test_why_is_always_plain_words_never_a_keyword() -> None:
    signals: list[Signal] = [signal for found in READ.values() for signal in found]
    assert {signal.why for signal in signals} <= PLAIN_WORDS
