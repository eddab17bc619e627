"""Which answers still apply, and which to ask the person to check.

Some questions are revealed by a choice on the same page (the email box under "Email",
the language under "An interpreter"). When the person chooses something else, what they
typed in the revealed box no longer applies: it is not checked, not shown at check your
answers, and not sent or stored, so nobody acts on a stale answer (docs/journeys.md,
"Answers that no longer apply").

Question names are unique across the public question pages, so a rule names the
question alone. Questions asked only of some people (a professional's organisation)
are dropped with their page or field, by portal/domain/journeys.py and the forms.

Some answers are possible but unlikely, or disagree with another answer: a young
person of 25 or more, a date outside the rough time chosen. The person is asked to
check them.
"""

from calendar import monthrange
from collections.abc import Mapping
from datetime import date
from typing import Any

from portal.domain.types import ContactPreference, SupportNeed, WhenItHappened

# question -> (the question whose answer reveals it, the answer that reveals it)
REVEALED_BY: dict[str, tuple[str, str]] = {
    "email": ("contact_preference", ContactPreference.EMAIL.value),
    "phone": ("contact_preference", ContactPreference.PHONE.value),
    "address": ("contact_preference", ContactPreference.POST.value),
    "postcode": ("contact_preference", ContactPreference.POST.value),
    "advocate_name": ("contact_preference", ContactPreference.ADVOCATE.value),
    "advocate_email": ("contact_preference", ContactPreference.ADVOCATE.value),
    "mobile": ("contact_preference", ContactPreference.TEXT.value),
    "interpreter_language": ("support", SupportNeed.INTERPRETER.value),
    "other_support": ("support", SupportNeed.OTHER.value),
}


def applies(name: str, answers: Mapping[str, Any]) -> bool:
    """Whether the question `name` applies, given the other answers on its page."""
    rule = REVEALED_BY.get(name)
    if rule is None:
        return True
    revealer, value = rule
    chosen = answers.get(revealer)
    if isinstance(chosen, list | tuple | set):
        return value in chosen
    return bool(chosen == value)


def still_applying(answers: Mapping[str, Any]) -> dict[str, Any]:
    """One page's answers without those that no longer apply."""
    return {name: value for name, value in answers.items() if applies(name, answers)}


# --- answers that disagree with what we know -----------------------------------------

# Care leavers may use the procedure up to the age of 25 (domain.md, "Who may use the
# procedure"): a child or young person this age or older is asked to check their answer.
AGE_TO_CHECK = 25


def age_to_check(age: int) -> bool:
    return age >= AGE_TO_CHECK


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (31 May - 1 month = 30 April)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last_day = monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def date_fits_when(when: WhenItHappened | None, event_date: date | None, today: date) -> bool:
    """Whether the date something happened agrees with the rough time the person chose
    ("In the last month" and a date in March, asked in June, do not). Between 1 and 12
    months ago is held to its year only: which side of the time limit a date falls
    matters (staff are told of a complaint about events over a year ago); whether it
    was three weeks or five weeks ago does not."""
    if when is None or event_date is None:
        return True
    a_month_ago, a_year_ago = months_before(today, 1), months_before(today, 12)
    match when:
        case WhenItHappened.LAST_MONTH:
            return event_date >= a_month_ago
        case WhenItHappened.LAST_YEAR:
            return event_date >= a_year_ago
        case WhenItHappened.OVER_A_YEAR:
            return event_date <= a_year_ago
        case _:
            return True  # still happening, or not sure: any date
