"""A child can read every page on their route: the start page, each question (and the
same question sent empty), check your answers and the confirmation, in all four
journeys. The Flesch-Kincaid grade of the text of <main> must be 6 or lower.

Each line of the page (a heading, a label, an answer, a sentence) is read as its own
sentence: headings and radio labels carry no full stop, and running them together into
one endless "sentence" would measure the markup, not the words.
"""

import pytest
import textstat
from page_checks import Crawl
from portal_browser import childs_route

pytestmark = pytest.mark.browser

HIGHEST_GRADE = 6.0


def sentences(text: str) -> list[str]:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return [line if line[-1] in ".!?" else f"{line}." for line in lines if line]


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(text))


@pytest.mark.parametrize("name", childs_route())
def test_a_child_can_read_it(crawl: Crawl, name: str) -> None:
    lines = sentences(crawl.get(name).main_text)
    whole = grade(" ".join(lines))
    if whole > HIGHEST_GRADE:
        hardest = sorted(((grade(line), line) for line in lines), reverse=True)[:8]
        listed = "\n".join(f"  grade {g:5.1f}: {line}" for g, line in hardest if g > HIGHEST_GRADE)
        pytest.fail(
            f"{name} reads at grade {whole:.1f} (a child's pages must be {HIGHEST_GRADE:g} or"
            f" lower). The text that raises it most:\n{listed}"
        )


def test_the_measure_tells_hard_words_from_plain_ones() -> None:
    """The grade is a real measure: an official sentence fails, a plain one passes."""
    hard = (
        "Representations concerning the discharge of statutory functions are considered "
        "in accordance with the procedure prescribed by the relevant regulations."
    )
    plain = "Tell us what went wrong. We will look at it and reply."
    assert grade(" ".join(sentences(hard))) > HIGHEST_GRADE
    assert grade(" ".join(sentences(plain))) <= HIGHEST_GRADE
