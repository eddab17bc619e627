"""Reading and checking a draft journey: the glue between the question forms and the
journey rules in portal/domain/journeys.py."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import format_date
from werkzeug.datastructures import MultiDict
from wtforms import Field, RadioField, SelectMultipleField

from portal.domain.journeys import steps_for
from portal.domain.types import Kind, SubmitterRole
from portal.models import Draft
from portal.public.fields import GovDateField
from portal.public.forms import FORMS, QuestionForm
from portal.services import intake

KIND_SLUGS: dict[Kind, str] = {
    Kind.COMPLAINT: "make-a-complaint",
    Kind.COMPLIMENT: "give-a-compliment",
    Kind.ADVOCACY: "ask-for-an-advocate",
    Kind.REPRESENTATION: "tell-us-something-is-wrong",
}
KINDS_BY_SLUG = {slug: kind for kind, slug in KIND_SLUGS.items()}

# Steps whose answers carry over to a complaint started after asking for an advocate.
CARRIED_TO_COMPLAINT = [
    "who-are-you",
    "are-you-safe",
    "your-organisation",
    "about-the-child",
    "the-childs-views",
    "your-age",
    "contact",
    "support",
]


def role_of(draft: Draft | None) -> SubmitterRole | None:
    """The person's role once they have answered "who are you" correctly."""
    if draft is None or not draft.complete.get("who-are-you"):
        return None
    values = draft.answers.get("who-are-you", {}).get("role") or [""]
    try:
        return SubmitterRole(values[0])
    except ValueError:
        return None


def build_form(
    step: str, kind: Kind, role: SubmitterRole | None, formdata: Any = None
) -> QuestionForm:
    teams = intake.public_team_choices() if step == "what-it-is-about" else None
    return FORMS[step](formdata, kind=kind, role=role, teams=teams)


def typed_values(form: QuestionForm, posted: MultiDict[str, str]) -> dict[str, list[str]]:
    """What was posted for this form's own fields, exactly as typed."""
    return {name: posted.getlist(name)[:10] for name in form._fields if name in posted}


def stored_form(draft: Draft, step: str, kind: Kind, role: SubmitterRole | None) -> QuestionForm:
    typed = draft.answers.get(step)
    return build_form(step, kind, role, MultiDict(typed) if typed else None)


@dataclass
class Checked:
    """The result of re-checking every step of a draft before it is sent."""

    first_incomplete: str | None
    forms: dict[str, QuestionForm]

    def answers(self) -> dict[str, dict[str, Any]]:
        return {step: form.answers() for step, form in self.forms.items()}


def check_draft(draft: Draft, kind: Kind) -> Checked:
    role = role_of(draft)
    forms: dict[str, QuestionForm] = {}
    for step in steps_for(kind, role):
        form = stored_form(draft, step, kind, role)
        if step not in draft.answers or not form.validate():
            return Checked(first_incomplete=step, forms=forms)
        forms[step] = form
    return Checked(first_incomplete=None, forms=forms)


def display_value(field: Field) -> str | None:
    """A checked answer as the person would say it, or None when left empty."""
    data = field.data
    if data in (None, "", []):
        return None
    if isinstance(field, SelectMultipleField):
        labels = dict(field.choices)
        return "\n".join(str(labels.get(value, value)) for value in data)
    if isinstance(field, RadioField):
        return str(dict(field.choices).get(data, data))
    if isinstance(field, GovDateField) and isinstance(data, date):
        return format_date(data, "d MMMM y")
    return str(data)


@dataclass
class SummaryRow:
    step: str
    field_id: str
    question: str
    answer: str


def summary_rows(checked: Checked) -> list[SummaryRow]:
    rows = []
    for step, form in checked.forms.items():
        for name, field in form._fields.items():
            if name == "csrf_token":
                continue
            answer = display_value(field)
            if answer is not None:
                rows.append(SummaryRow(step, field.id, str(field.label.text), answer))
    return rows
