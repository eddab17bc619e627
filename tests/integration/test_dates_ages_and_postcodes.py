"""Answers read as the person meant them: a month typed as a name ("June", "jun",
"Sept", "Mehefin"), as the GOV.UK date pattern advises; a young person of 25 or more
asked to check, and let through when they say it is right; a postcode written the
same way on every route, however it was typed."""

from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from journey_helpers import (
    SAFE_EVERY_WAY,
    Journey,
    Page,
    answers_for,
    date_parts,
    london_today,
    only_submission,
    page_of,
)
from werkzeug.test import TestResponse

DOB_CHECK = (
    "Check their date of birth. It means they are 25 or older. If it is right, press Continue"
)


def about_the_child(journey: Journey, born: list[str]) -> TestResponse:
    """A parent says who they are and that no child is in danger now, then gives the
    child's date of birth."""
    journey.answer("who-are-you", {"role": "parent"})
    journey.answer("are-you-safe", {"in_danger": "no"})
    return journey.post(
        "about-the-child",
        {"child_name": "Sam Taylor", "child_date_of_birth": born, "child_age": ""},
    )


def hidden(page: Page) -> dict[str, str]:
    """The page's hidden answers (what it asked the person to check), as a browser sends
    them with the rest."""
    return {
        e.attrs["name"]: e.attrs.get("value", "")
        for e in page.find_all("input")
        if e.attrs.get("type") == "hidden" and e.attrs.get("name") != "csrf_token"
    }


@pytest.mark.parametrize(
    ("month", "number"),
    [
        ("June", 6),
        ("jun", 6),
        ("JUNE", 6),
        ("Sept", 9),
        ("sep", 9),
        ("sept.", 9),
        ("Mehefin", 6),
        ("meh", 6),
        ("Mawrth", 3),
        ("Chwefror", 2),
        ("06", 6),
    ],
)
def test_a_month_typed_as_a_name_or_a_short_name_is_read_as_that_month(
    client: FlaskClient, month: str, number: int
) -> None:
    journey = Journey(client, "complaint")
    response = about_the_child(journey, ["14", month, "2015"])

    assert response.status_code == 302, page_of(response).error_summary
    journey.fill(answers_for("complaint", "parent"), start="the-childs-views")
    shown = journey.check_answers().summary_answers
    assert shown["Child's date of birth"] == f"14 {date(2015, number, 1):%B} 2015"


@pytest.mark.parametrize(
    "born",
    [
        ["\uff11\uff14", "\uff13", "\uff12\uff10\uff11\uff15"],  # a full-width keyboard's digits
        ["1\u2074", "3", "2015"],  # a superscript 4, as copied from a document
        [" 14\u00a0", "03", "2015"],  # a no-break space copied with it
    ],
)
def test_a_date_typed_in_other_digits_is_read_as_the_date(
    client: FlaskClient, born: list[str]
) -> None:
    """Before, "1⁴" was shown as Python's "invalid literal for int() with base 10" in the
    error summary, and full-width digits were read only by chance."""
    journey = Journey(client, "complaint")
    response = about_the_child(journey, born)

    assert response.status_code == 302, page_of(response).error_summary
    journey.fill(answers_for("complaint", "parent"), start="the-childs-views")
    assert journey.check_answers().summary_answers["Child's date of birth"] == "14 March 2015"


def test_a_day_written_as_a_word_gets_the_date_pattern_s_message(client: FlaskClient) -> None:
    response = about_the_child(Journey(client, "complaint"), ["14th", "3", "2015"])

    assert page_of(response).error_summary == [
        ("#child_date_of_birth-day", "Their date of birth must be a real date")
    ]


def test_the_month_is_shown_again_as_it_was_typed(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    about_the_child(journey, ["14", "jun", "2015"])

    assert journey.get("about-the-child").value_of("child_date_of_birth") == ["14", "jun", "2015"]


def test_a_month_name_in_an_event_date_is_read_too(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "parent")
    long_ago = london_today() - timedelta(days=800)
    answers["what-happened"] = {
        "what_happened": "Nobody came.",
        "when_it_happened": "over_a_year",
        "event_date": [str(long_ago.day), f"{long_ago:%b}".lower(), str(long_ago.year)],
    }
    journey.fill(answers)
    journey.send_and_confirm()

    assert only_submission().event_date == long_ago


# --- a young person of 25 or more ----------------------------------------------------------


def born_years_ago(years: int, *, days_later: int = 0) -> date:
    today = london_today()
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        birthday = today.replace(year=today.year - years, day=28)
    return birthday + timedelta(days=days_later)


def test_a_child_who_turns_25_today_is_asked_to_check_their_date_of_birth(
    client: FlaskClient,
) -> None:
    page = page_of(about_the_child(Journey(client, "complaint"), date_parts(born_years_ago(25))))

    assert page.status == 200
    assert page.inline_errors == {"child_date_of_birth": DOB_CHECK}


def test_a_young_person_of_24_is_not_asked_to_check(client: FlaskClient) -> None:
    born = date_parts(born_years_ago(25, days_later=1))

    assert about_the_child(Journey(client, "complaint"), born).status_code == 302


def test_pressing_continue_again_says_the_date_of_birth_is_right_and_it_is_kept(
    client: FlaskClient,
) -> None:
    born = date_parts(born_years_ago(30))
    journey = Journey(client, "complaint")
    asked = page_of(about_the_child(journey, born))
    assert asked.inline_errors == {"child_date_of_birth": DOB_CHECK}

    # The page shows the answers again: the person presses Continue.
    response = journey.post("about-the-child", asked.shown_values() | hidden(asked))

    assert response.status_code == 302, page_of(response).error_summary
    journey.fill(answers_for("complaint", "parent"), start="the-childs-views")
    check = journey.check_answers()
    assert check.summary_answers["Child's date of birth"] == born_years_ago(30).strftime(
        "%-d %B %Y"
    )
    journey.send_and_confirm()
    stored = only_submission()
    assert stored.child_date_of_birth == born_years_ago(30)
    assert set(stored.answers["about-the-child"]) == {
        "child_name",
        "child_date_of_birth",
        "child_age",
    }


def test_another_date_of_birth_of_25_or_more_is_asked_about_again(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    asked = page_of(about_the_child(journey, date_parts(born_years_ago(30))))

    changed = asked.shown_values() | hidden(asked)
    changed["child_date_of_birth"] = date_parts(born_years_ago(40))
    page = page_of(journey.post("about-the-child", changed))

    assert page.inline_errors == {"child_date_of_birth": DOB_CHECK}


def test_a_child_who_says_they_are_25_can_say_it_is_right(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "child"})
    journey.answer("are-you-safe", {"in_danger": "no"})
    asked = page_of(journey.post("your-age", {"age": "25"}))
    assert asked.inline_errors == {"age": "Check your age. If you are 25 or older, press Continue"}

    response = journey.post("your-age", asked.shown_values() | hidden(asked))

    assert response.status_code == 302


# --- dates that disagree with when it happened ---------------------------------------------


@pytest.mark.parametrize(
    ("when", "days"),
    [("last_month", 10), ("last_year", 100), ("over_a_year", 500), ("still_happening", 900)],
)
def test_a_date_in_the_time_chosen_is_accepted(client: FlaskClient, when: str, days: int) -> None:
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})

    response = journey.post(
        "what-happened",
        {
            "what_happened": "Nobody came.",
            "when_it_happened": when,
            "event_date": date_parts(london_today() - timedelta(days=days)),
        },
    )

    assert response.status_code == 302, page_of(response).error_summary


# --- postcodes ------------------------------------------------------------------------------

BY_POST = {
    "name": "Alex Morgan",
    "contact_preference": "post",
    "address": "2 Mill Lane, Northmoor",
    "safe_to_contact": SAFE_EVERY_WAY,
}


@pytest.mark.parametrize(
    ("kind", "typed"),
    [
        ("complaint", "nm2 3ab"),
        ("compliment", "nm2 3ab"),
        ("advocacy", "NM23AB"),
        ("representation", " Nm2   3aB "),
        # Full-width, as some keyboards type it, with a no-break space.
        ("complaint", "\uff2e\uff2d\uff12\u00a0\uff13\uff21\uff22"),
    ],
)
def test_a_postcode_is_written_the_same_way_on_every_route(
    client: FlaskClient, kind: str, typed: str
) -> None:
    journey = Journey(client, kind)
    journey.fill(answers_for(kind, "parent", contact={**BY_POST, "postcode": typed}))

    assert journey.check_answers().summary_answers["Postcode"] == "NM2 3AB"
    journey.send_and_confirm()
    stored = only_submission()
    assert stored.postcode == "NM2 3AB"
    assert stored.answers["contact"]["postcode"] == "NM2 3AB"


@pytest.mark.parametrize("typed", ["BFPO 105", "bfpo105", " Bfpo  105 "])
def test_a_forces_familys_bfpo_number_is_a_postcode(client: FlaskClient, typed: str) -> None:
    """A parent posted abroad with the forces is written to at "BFPO 105", the last line
    of their address in the Royal Mail's own format: it was refused as "Enter a real
    postcode", and they could not ask for letters."""
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent", contact={**BY_POST, "postcode": typed}))

    assert journey.check_answers().summary_answers["Postcode"] == "BFPO 105"
    journey.send_and_confirm()
    assert only_submission().postcode == "BFPO 105"
