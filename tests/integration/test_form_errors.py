"""Every message a question page can show, where GOV.UK says it must appear: in the
error summary linking to the field, beside the field, and in the page title."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from journey_helpers import Answers, Journey, date_parts, london_today, page_of, team_id


@dataclass
class Problem:
    """A field and the message a person should see for it."""

    field: str
    message: str
    is_date: bool = False

    @property
    def summary_link(self) -> str:
        # A date's summary link goes to its first box, the day.
        return f"#{self.field}-day" if self.is_date else f"#{self.field}"


@dataclass
class ErrorCase:
    name: str
    kind: str
    role: str
    step: str
    posted: Answers
    problems: list[Problem]

    def __str__(self) -> str:
        return self.name


# Tomorrow, worked out when the answer is posted, not when the cases are collected: a
# run that goes past midnight would otherwise post today's date as "tomorrow".
TOMORROW = "TOMORROW"


def posted_now(value: object) -> object:
    """A case's answer as it is posted: the placeholders made real."""
    if value == "TEAM":
        return team_id()
    if value == TOMORROW:
        return date_parts(london_today() + timedelta(days=1))
    return value


def days_ago(days: int) -> list[str]:
    return date_parts(london_today() - timedelta(days=days))


def years_ago(years: int) -> list[str]:
    return days_ago(366 * years)


LONG_NAME = "N" * 201
SAFE = ["phone", "voicemail", "letters"]  # every way is safe
CASES = [
    # Who are you
    ErrorCase(
        "who-are-you empty",
        "complaint",
        "parent",
        "who-are-you",
        {},
        [Problem("role", "Select who you are")],
    ),
    # Are you safe (asked of children)
    ErrorCase(
        "danger question unanswered",
        "complaint",
        "child",
        "are-you-safe",
        {},
        [Problem("in_danger", "Choose yes, no or I'm not sure")],
    ),
    # Your organisation
    ErrorCase(
        "professional's organisation empty",
        "complaint",
        "professional",
        "your-organisation",
        {},
        [Problem("professional_type", "Select where you work")],
    ),
    ErrorCase(
        "advocate's organisation empty",
        "complaint",
        "advocate",
        "your-organisation",
        {},
        [Problem("organisation", "Enter the name of your organisation")],
    ),
    ErrorCase(
        "organisation too long",
        "complaint",
        "advocate",
        "your-organisation",
        {"organisation": LONG_NAME},
        [Problem("organisation", "The name of your organisation must be 200 characters or fewer")],
    ),
    # About the child
    ErrorCase(
        "about the child empty",
        "complaint",
        "parent",
        "about-the-child",
        {"child_name": "", "child_date_of_birth": ["", "", ""], "child_age": ""},
        [
            Problem("child_name", "Enter the child's name"),
            Problem("child_date_of_birth", "Enter their date of birth or their age", True),
        ],
    ),
    ErrorCase(
        "date of birth in the future",
        "complaint",
        "parent",
        "about-the-child",
        {"child_name": "Sam", "child_date_of_birth": TOMORROW, "child_age": ""},
        [Problem("child_date_of_birth", "Their date of birth must be today or in the past", True)],
    ),
    ErrorCase(
        "date of birth that does not exist",
        "complaint",
        "parent",
        "about-the-child",
        {"child_name": "Sam", "child_date_of_birth": ["31", "2", "2020"], "child_age": ""},
        [Problem("child_date_of_birth", "Their date of birth must be a real date", True)],
    ),
    ErrorCase(
        # Found by tests/integration/test_fuzz.py: a day of 30 digits overflowed.
        "date of birth with a day too long for any calendar",
        "complaint",
        "parent",
        "about-the-child",
        {"child_name": "Sam", "child_date_of_birth": ["9" * 30, "9" * 30, "2020"], "child_age": ""},
        [Problem("child_date_of_birth", "Their date of birth must be a real date", True)],
    ),
    ErrorCase(
        "date of birth in words",
        "complaint",
        "parent",
        "about-the-child",
        {"child_name": "Sam", "child_date_of_birth": ["first", "May", "2015"], "child_age": ""},
        [Problem("child_date_of_birth", "Their date of birth must be a real date", True)],
    ),
    ErrorCase(
        "date of birth with a two-figure year",
        "complaint",
        "parent",
        "about-the-child",
        {"child_name": "Sam", "child_date_of_birth": ["1", "5", "15"], "child_age": ""},
        [
            Problem(
                "child_date_of_birth",
                "Their date of birth must include a year with 4 numbers, like 2015",
                True,
            )
        ],
    ),
    ErrorCase(
        "child's age in words",
        "complaint",
        "parent",
        "about-the-child",
        {"child_name": "Sam", "child_date_of_birth": ["", "", ""], "child_age": "twelve"},
        [Problem("child_age", "Enter their age as a number, like 12")],
    ),
    ErrorCase(
        "child's age too high",
        "complaint",
        "parent",
        "about-the-child",
        {"child_name": "Sam", "child_date_of_birth": ["", "", ""], "child_age": "40"},
        [Problem("child_age", "Enter an age between 0 and 25")],
    ),
    ErrorCase(
        "child's name too long",
        "complaint",
        "parent",
        "about-the-child",
        {"child_name": LONG_NAME, "child_date_of_birth": ["", "", ""], "child_age": "9"},
        [Problem("child_name", "The child's name must be 200 characters or fewer")],
    ),
    # What the child thinks
    ErrorCase(
        "the child's views empty",
        "complaint",
        "parent",
        "the-childs-views",
        {},
        [
            Problem("child_agreement", "Select whether the child knows and agrees"),
            Problem("child_reply_preference", "Select how the child wants to hear what happens"),
        ],
    ),
    # Your age
    ErrorCase(
        "your age empty",
        "complaint",
        "child",
        "your-age",
        {"age": ""},
        [Problem("age", "Enter how old you are")],
    ),
    ErrorCase(
        "your age in words",
        "complaint",
        "child",
        "your-age",
        {"age": "ten"},
        [Problem("age", "Enter your age as a number, like 12")],
    ),
    ErrorCase(
        "your age too high",
        "complaint",
        "child",
        "your-age",
        {"age": "26"},
        [Problem("age", "Enter an age between 0 and 25")],
    ),
    # What it is about
    ErrorCase(
        "service empty for an adult",
        "complaint",
        "parent",
        "what-it-is-about",
        {},
        [Problem("team", "Select which service it is about, or I'm not sure")],
    ),
    ErrorCase(
        "who it is about empty, for a child",
        "complaint",
        "child",
        "what-it-is-about",
        {},
        [Problem("about", "Choose who it is about, or I'm not sure")],
    ),
    ErrorCase(
        "who to thank empty, for a child",
        "compliment",
        "child",
        "what-it-is-about",
        {},
        [Problem("about", "Choose who you want to thank, or I'm not sure")],
    ),
    ErrorCase(
        "team to thank empty",
        "compliment",
        "parent",
        "what-it-is-about",
        {},
        [Problem("team", "Select which team, or I'm not sure")],
    ),
    ErrorCase(
        "worker's name too long",
        "compliment",
        "parent",
        "what-it-is-about",
        {"team": "TEAM", "worker_name": LONG_NAME},
        [Problem("worker_name", "The worker's name must be 200 characters or fewer")],
    ),
    # What happened
    ErrorCase(
        "complaint from an adult empty",
        "complaint",
        "parent",
        "what-happened",
        {"what_happened": "", "event_date": ["", "", ""]},
        [
            Problem("what_happened", "Enter what happened"),
            Problem("when_it_happened", "Select when it happened"),
        ],
    ),
    ErrorCase(
        "complaint from a child empty",
        "complaint",
        "child",
        "what-happened",
        {"what_happened": "", "event_date": ["", "", ""]},
        [
            Problem("what_happened", "Tell us what happened"),
            Problem("when_it_happened", "Select when it happened"),
        ],
    ),
    ErrorCase(
        "something wrong, from an adult, empty",
        "representation",
        "parent",
        "what-happened",
        {"when_it_happened": "last_month"},
        [Problem("what_happened", "Enter what is wrong")],
    ),
    ErrorCase(
        "something wrong, from a child, empty",
        "representation",
        "child",
        "what-happened",
        {"when_it_happened": "last_month"},
        [Problem("what_happened", "Tell us what is wrong")],
    ),
    ErrorCase(
        "compliment from an adult empty",
        "compliment",
        "parent",
        "what-happened",
        {},
        [Problem("what_happened", "Enter what you would like to tell us")],
    ),
    ErrorCase(
        "compliment from a child empty",
        "compliment",
        "child",
        "what-happened",
        {},
        [Problem("what_happened", "Tell us what you want to say")],
    ),
    ErrorCase(
        "advocate request from an adult empty",
        "advocacy",
        "parent",
        "what-happened",
        {},
        [
            Problem("what_happened", "Enter what you would like help with"),
            Problem("also_complain", "Select whether you want to make a complaint as well"),
        ],
    ),
    ErrorCase(
        "advocate request from a child empty",
        "advocacy",
        "child",
        "what-happened",
        {},
        [
            Problem("what_happened", "Tell us what you want help with"),
            Problem("also_complain", "Select whether you want to make a complaint as well"),
        ],
    ),
    ErrorCase(
        "what happened too long",
        "complaint",
        "parent",
        "what-happened",
        {"what_happened": "a" * 5001, "when_it_happened": "last_month"},
        [Problem("what_happened", "Your answer must be 5,000 characters or fewer")],
    ),
    ErrorCase(
        "date it happened in the future",
        "complaint",
        "parent",
        "what-happened",
        {"what_happened": "x", "when_it_happened": "last_month", "event_date": TOMORROW},
        [Problem("event_date", "The date it happened must be today or in the past", True)],
    ),
    ErrorCase(
        "date it happened that does not exist",
        "complaint",
        "parent",
        "what-happened",
        {"what_happened": "x", "when_it_happened": "last_month", "event_date": ["31", "2", "2020"]},
        [Problem("event_date", "The date it happened must be a real date", True)],
    ),
    # What would put it right
    ErrorCase(
        "put it right empty, adult",
        "complaint",
        "parent",
        "put-it-right",
        {"put_right": ""},
        [Problem("put_right", "Enter what would put it right")],
    ),
    ErrorCase(
        "put it right empty, child",
        "complaint",
        "child",
        "put-it-right",
        {"put_right": ""},
        [Problem("put_right", "Tell us what would make it better")],
    ),
    ErrorCase(
        "put it right too long",
        "complaint",
        "parent",
        "put-it-right",
        {"put_right": "b" * 3001},
        [Problem("put_right", "Your answer must be 3,000 characters or fewer")],
    ),
    # Files
    ErrorCase(
        "upload pressed without a file",
        "complaint",
        "parent",
        "files",
        {"upload": "yes"},
        [Problem("file", "Select a file")],
    ),
    # The advocate
    ErrorCase(
        "advocate offer unanswered, adult",
        "complaint",
        "parent",
        "advocate",
        {},
        [Problem("advocacy", "Select whether the child would like an advocate")],
    ),
    ErrorCase(
        "advocate offer unanswered, child",
        "representation",
        "child",
        "advocate",
        {},
        [Problem("advocacy", "Choose if you would like an advocate")],
    ),
    # Contact
    ErrorCase(
        "contact empty",
        "complaint",
        "parent",
        "contact",
        {},
        [
            Problem("name", "Enter your name"),
            Problem("contact_preference", "Select how we should contact you"),
            Problem(
                "safe_to_contact", "Select what is safe for us to do, or none of these are safe"
            ),
        ],
    ),
    ErrorCase(
        "email chosen but not given",
        "complaint",
        "parent",
        "contact",
        {"name": "Alex", "contact_preference": "email", "safe_to_contact": SAFE, "email": ""},
        [Problem("email", "Enter your email address")],
    ),
    ErrorCase(
        "email in the wrong format",
        "complaint",
        "parent",
        "contact",
        {"name": "Alex", "contact_preference": "email", "safe_to_contact": SAFE, "email": "alex@"},
        [Problem("email", "Enter an email address in the correct format, like name@example.com")],
    ),
    ErrorCase(
        "phone chosen but not given",
        "complaint",
        "parent",
        "contact",
        {"name": "Alex", "contact_preference": "phone", "safe_to_contact": SAFE, "phone": ""},
        [Problem("phone", "Enter your phone number")],
    ),
    ErrorCase(
        "phone number that is not a UK number",
        "complaint",
        "parent",
        "contact",
        {"name": "Alex", "contact_preference": "phone", "safe_to_contact": SAFE, "phone": "12345"},
        [Problem("phone", "Enter a phone number, like 01632 960 001 or 07700 900 982")],
    ),
    ErrorCase(
        "post chosen but no address",
        "complaint",
        "parent",
        "contact",
        {"name": "Alex", "contact_preference": "post", "safe_to_contact": SAFE},
        [Problem("address", "Enter your address"), Problem("postcode", "Enter your postcode")],
    ),
    ErrorCase(
        "postcode that is not a postcode",
        "complaint",
        "parent",
        "contact",
        {
            "name": "Alex",
            "contact_preference": "post",
            "safe_to_contact": SAFE,
            "address": "1 High St",
            "postcode": "ABC 123",
        },
        [Problem("postcode", "Enter a real postcode, like NM1 1AA")],
    ),
    ErrorCase(
        "name too long",
        "complaint",
        "parent",
        "contact",
        {
            "name": LONG_NAME,
            "contact_preference": "email",
            "safe_to_contact": SAFE,
            "email": "alex@example.com",
        },
        [Problem("name", "Your name must be 200 characters or fewer")],
    ),
    # Support
    ErrorCase(
        "support empty",
        "complaint",
        "parent",
        "support",
        {},
        [Problem("support", "Select the help you need, or no, I do not need help")],
    ),
    ErrorCase(
        "interpreter without a language",
        "complaint",
        "parent",
        "support",
        {"support": "interpreter", "interpreter_language": ""},
        [Problem("interpreter_language", "Enter the language you need an interpreter for")],
    ),
    ErrorCase(
        "something else without saying what",
        "complaint",
        "parent",
        "support",
        {"support": "other", "other_support": ""},
        [Problem("other_support", "Enter the help you need")],
    ),
    ErrorCase(
        "help and no help at once",
        "complaint",
        "parent",
        "support",
        {"support": ["large_print", "none"]},
        [Problem("support", "Select the help you need, or select no, I do not need help")],
    ),
    ErrorCase(
        "language too long",
        "complaint",
        "parent",
        "support",
        {"support": "interpreter", "interpreter_language": "L" * 101},
        [Problem("interpreter_language", "The language must be 100 characters or fewer")],
    ),
    ErrorCase(
        "other help too long",
        "complaint",
        "parent",
        "support",
        {"support": "other", "other_support": "h" * 501},
        [Problem("other_support", "Your answer must be 500 characters or fewer")],
    ),
]

CASES += [
    # Answers to check (issue 13): a young person of 25 or more, a date outside the time
    # chosen, a month that is not one.
    ErrorCase(
        "date of birth makes them 25 or older",
        "complaint",
        "parent",
        "about-the-child",
        {"child_name": "Sam", "child_date_of_birth": years_ago(30), "child_age": ""},
        [
            Problem(
                "child_date_of_birth",
                "Check their date of birth. It means they are 25 or older. "
                "If it is right, press Continue",
                True,
            )
        ],
    ),
    ErrorCase(
        "the child's age is 25",
        "complaint",
        "parent",
        "about-the-child",
        {"child_name": "Sam", "child_date_of_birth": ["", "", ""], "child_age": "25"},
        [Problem("child_age", "Check their age. If they are 25 or older, press Continue")],
    ),
    ErrorCase(
        "a child says they are 25",
        "complaint",
        "child",
        "your-age",
        {"age": "25"},
        [Problem("age", "Check your age. If you are 25 or older, press Continue")],
    ),
    ErrorCase(
        "a date months ago said to be in the last month",
        "complaint",
        "parent",
        "what-happened",
        {"what_happened": "x", "when_it_happened": "last_month", "event_date": days_ago(90)},
        [
            Problem(
                "event_date",
                "The date it happened must be in the last month, or choose another answer to "
                "when it happened",
                True,
            )
        ],
    ),
    ErrorCase(
        "a date years ago said to be between 1 and 12 months ago",
        "representation",
        "parent",
        "what-happened",
        {"what_happened": "x", "when_it_happened": "last_year", "event_date": years_ago(2)},
        [
            Problem(
                "event_date",
                "The date it happened must be between 1 and 12 months ago, or choose another "
                "answer to when it happened",
                True,
            )
        ],
    ),
    ErrorCase(
        "a date last week said to be more than a year ago",
        "complaint",
        "parent",
        "what-happened",
        {"what_happened": "x", "when_it_happened": "over_a_year", "event_date": days_ago(7)},
        [
            Problem(
                "event_date",
                "The date it happened must be more than a year ago, or choose another answer to "
                "when it happened",
                True,
            )
        ],
    ),
    ErrorCase(
        "a month name that is not one",
        "complaint",
        "parent",
        "about-the-child",
        {"child_name": "Sam", "child_date_of_birth": ["1", "Junuary", "2015"], "child_age": ""},
        [Problem("child_date_of_birth", "Their date of birth must be a real date", True)],
    ),
]


def reach(client: FlaskClient, kind: str, role: str) -> Journey:
    """A person who has said who they are, so every page for their role is open."""
    journey = Journey(client, kind)
    journey.answer("who-are-you", {"role": role})
    return journey


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_error_is_shown_in_the_summary_beside_its_field_and_in_the_title(
    client: FlaskClient, case: ErrorCase
) -> None:
    journey = (
        reach(client, case.kind, case.role)
        if case.step != "who-are-you"
        else Journey(client, case.kind)
    )
    posted = {k: posted_now(v) for k, v in case.posted.items()}

    response = journey.post(case.step, posted)

    assert response.status_code == 200, "an answer with a problem must not move the person on"
    page = page_of(response)
    assert page.title.startswith("Error: ")
    assert page.error_summary == [(p.summary_link, p.message) for p in case.problems]
    for problem in case.problems:
        assert page.by_id(problem.summary_link[1:]) is not None, "the link must go somewhere"
        assert page.inline_errors.get(problem.field) == problem.message
    assert len(page.inline_errors) == len(case.problems)
    assert len(page.headings) == 1
    assert page.duplicate_ids() == []


@pytest.mark.parametrize(
    "kind, role, step",
    [
        ("complaint", "parent", "about-the-child"),
        ("complaint", "child", "your-age"),
        ("complaint", "parent", "what-happened"),
        ("complaint", "parent", "contact"),
        ("complaint", "parent", "support"),
    ],
)
def test_a_page_without_errors_has_no_error_in_its_title(
    client: FlaskClient, kind: str, role: str, step: str
) -> None:
    page = reach(client, kind, role).get(step)
    assert not page.title.startswith("Error")
    assert page.error_summary == []
    assert page.inline_errors == {}


@pytest.mark.parametrize("phone", ["01632 960 001", "07700 900 982"])
def test_the_phone_numbers_given_as_examples_are_accepted(client: FlaskClient, phone: str) -> None:
    journey = reach(client, "complaint", "parent")

    response = journey.post(
        "contact",
        {"name": "Alex", "contact_preference": "phone", "phone": phone, "safe_to_contact": SAFE},
    )

    assert response.status_code == 302


@pytest.mark.parametrize(
    "phone", ["020 7946 0000", "07911 123456", "+44 7911 123456", "0300 123 4567"]
)
def test_real_uk_phone_numbers_are_accepted(client: FlaskClient, phone: str) -> None:
    journey = reach(client, "complaint", "parent")

    response = journey.post(
        "contact",
        {"name": "Alex", "contact_preference": "phone", "phone": phone, "safe_to_contact": SAFE},
    )

    assert response.status_code == 302
