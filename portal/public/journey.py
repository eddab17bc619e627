"""Reading and checking a draft journey: the glue between the question forms and the
journey rules in portal/domain/journeys.py."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import format_date, get_locale
from werkzeug.datastructures import MultiDict
from wtforms import Field, RadioField, SelectMultipleField

from portal.domain.journeys import steps_for
from portal.domain.types import Kind, SubmitterRole
from portal.fields import GovDateField
from portal.i18n import lazy_gettext as _l
from portal.models import Draft, Submission
from portal.models.draft import DraftAnswers, ShownDraft
from portal.public.forms import FORMS, QuestionForm, today
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


def role_of(draft: DraftAnswers | None) -> SubmitterRole | None:
    """The person's role once they have answered "who are you" correctly."""
    if draft is None or not draft.complete.get("who-are-you"):
        return None
    values = draft.answers.get("who-are-you", {}).get("role") or [""]
    try:
        return SubmitterRole(values[0])
    except ValueError:
        return None


def earlier_answers(draft: DraftAnswers | None) -> dict[str, dict[str, list[str]]]:
    """The answers of the steps the person has finished, as typed."""
    if draft is None:
        return {}
    return {step: typed for step, typed in draft.answers.items() if draft.complete.get(step)}


def build_form(
    step: str,
    kind: Kind,
    role: SubmitterRole | None,
    formdata: Any = None,
    draft: DraftAnswers | None = None,
    earlier: dict[str, dict[str, list[str]]] | None = None,
) -> QuestionForm:
    """`earlier`: the draft's earlier answers, when the caller has them already."""
    teams = intake.public_team_choices() if step == "what-it-is-about" else None
    if earlier is None:
        earlier = earlier_answers(draft)
    return FORMS[step](formdata, kind=kind, role=role, teams=teams, earlier=earlier)


def typed_values(form: QuestionForm, posted: MultiDict[str, str]) -> dict[str, list[str]]:
    """What was posted for this form's own fields, exactly as typed."""
    return {name: posted.getlist(name)[:10] for name in form._fields if name in posted}


def stored_form(
    draft: DraftAnswers,
    step: str,
    kind: Kind,
    role: SubmitterRole | None,
    earlier: dict[str, dict[str, list[str]]] | None = None,
) -> QuestionForm:
    typed = draft.answers.get(step)
    return build_form(step, kind, role, MultiDict(typed) if typed else None, draft, earlier)


@dataclass
class SummaryRow:
    step: str
    field_id: str
    question: str
    answer: str


@dataclass
class Checked:
    """Where a draft stands before it is sent: the first step that is not answered
    (or no longer passes its checks), and the rows of the steps that do."""

    first_incomplete: str | None
    rows: list[SummaryRow]  # none after `check_draft(..., again=True)`
    forms: dict[str, QuestionForm]  # the steps checked again this time

    def answers(self) -> dict[str, dict[str, Any]]:
        """Every step's answers: only after `check_draft(..., again=True)`."""
        return {step: form.answers() for step, form in self.forms.items()}


def _fingerprint(
    typed: dict[str, list[str]] | None,
    earlier: dict[str, dict[str, list[str]]],
    kind: Kind,
    role: SubmitterRole | None,
    reads: list[list[str]],
    when: tuple[str, str] | None = None,
) -> str:
    """What a step's checked rows were worked out from (what was typed on it, and the
    earlier answers its page read, in the language and on the day: `when`, worked out
    here unless given): if any of it changes, the step is checked again."""
    language, day = when or _language_and_day()
    basis = [
        kind.value,
        role.value if role else None,
        language,
        day,
        typed,
        [[s, n, earlier.get(s, {}).get(n)] for s, n in reads],
    ]
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()


def _language_and_day() -> tuple[str, str]:
    return str(get_locale()), today().isoformat()


def kept_answers(
    form: QuestionForm,
    step: str,
    typed: dict[str, list[str]],
    draft: DraftAnswers | None,
) -> dict[str, Any]:
    """A step that passed its checks (`typed` on it), as check your answers shows it."""
    reads = sorted([s, n] for s, n in form.earlier_read)
    earlier = earlier_answers(draft)
    return {
        "language": str(get_locale()),
        "fingerprint": _fingerprint(typed, earlier, form.journey_kind, form.submitter_role, reads),
        "reads": reads,
        "rows": [[row.field_id, row.question, row.answer] for row in _rows(step, form)],
    }


def check_draft(draft: Draft | ShownDraft, kind: Kind, *, again: bool = False) -> Checked:
    """Each step in turn: its kept rows while nothing they came from has changed, else
    its form built and checked (and the rows kept for next time). `again`: every step's
    form built and checked, whatever was kept (before a submission is recorded); then
    only the forms are returned, without rows."""
    role = role_of(draft)
    # The language and the day, once for every step's fingerprint. Kept per language
    # (the rows are in words): switching back and forth keeps both.
    when = _language_and_day()
    language = when[0]
    # Send neither reads nor keeps them (its draft is read without them).
    kept_before = {} if again else (draft.checked or {}).get(language, {})
    kept = dict(kept_before)
    forms: dict[str, QuestionForm] = {}
    rows: list[SummaryRow] = []
    first_incomplete = None
    earlier = earlier_answers(draft)
    for step in steps_for(kind, role):
        entry = kept.get(step)
        if step not in draft.answers:
            first_incomplete = step
            break
        if (
            not again
            and entry is not None
            and entry["fingerprint"]
            == _fingerprint(draft.answers[step], earlier, kind, role, entry["reads"], when)
        ):
            rows += [SummaryRow(step, *row) for row in entry["rows"]]
            continue
        form = stored_form(draft, step, kind, role, earlier)
        if not form.validate():
            kept.pop(step, None)
            first_incomplete = step
            break
        forms[step] = form
        if again:
            # Send: the answers are what it needs; no rows are shown or kept.
            continue
        kept[step] = kept_answers(form, step, draft.answers[step], draft)
        rows += [SummaryRow(step, *row) for row in kept[step]["rows"]]
    if not again and kept != kept_before:
        intake.keep_checked(draft, {**(draft.checked or {}), language: kept})
    return Checked(first_incomplete, rows, forms)


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
        return str(format_date(data, "d MMMM y"))
    return str(data)


# Check your answers names each answer in a few words (the GOV.UK pattern: "Name",
# "Email address"), not with the whole question.
SUMMARY_LABELS: dict[str, Any] = {
    "role": _l("Who you are"),
    "in_danger": _l("In danger now"),
    "organisation": _l("Organisation"),
    "professional_type": _l("Where you work"),
    "child_name": _l("Child's name"),
    "child_date_of_birth": _l("Child's date of birth"),
    "child_age": _l("Child's age"),
    "child_agreement": _l("Child knows and agrees"),
    "child_reply_preference": _l("How the child wants to hear"),
    "age": _l("Your age"),
    "team": _l("Service"),
    "about": _l("Who it is about"),
    "worker_name": _l("Worker to thank"),
    "what_happened": _l("What happened"),
    "when_it_happened": _l("When it happened"),
    "event_date": _l("Date it happened"),
    "also_complain": _l("A complaint as well"),
    "put_right": _l("What would put it right"),
    "advocacy": _l("Advocate"),
    "name": _l("Name"),
    "contact_preference": _l("How to contact you"),
    "email": _l("Email address"),
    "phone": _l("Phone number"),
    "mobile": _l("Mobile phone number"),
    "address": _l("Address"),
    "postcode": _l("Postcode"),
    "advocate_name": _l("Advocate's name"),
    "advocate_email": _l("Advocate's email address"),
    "safe_to_contact": _l("Safe ways to contact you"),
    "support": _l("Help to talk to us"),
    "interpreter_language": _l("Language"),
    "other_support": _l("Other help"),
}
# Where the words depend on what is being sent, or on who is sending it.
SUMMARY_LABELS_BY_KIND: dict[tuple[str, Kind], Any] = {
    ("what_happened", Kind.REPRESENTATION): _l("What is wrong"),
    ("what_happened", Kind.COMPLIMENT): _l("What you want to tell us"),
    ("what_happened", Kind.ADVOCACY): _l("What you want help with"),
    ("team", Kind.COMPLIMENT): _l("Team to thank"),
}
SUMMARY_LABELS_FOR_A_CHILD: dict[str, Any] = {
    "team": _l("Who it is about"),
    "put_right": _l("What would make it better"),
}


def summary_label(form: QuestionForm, name: str, question: str) -> str:
    """The few words that name an answer; the question itself if none are set."""
    label = SUMMARY_LABELS_BY_KIND.get((name, form.journey_kind))
    if label is None and form.child:
        label = SUMMARY_LABELS_FOR_A_CHILD.get(name)
    return str(label or SUMMARY_LABELS.get(name) or question)


def _rows(step: str, form: QuestionForm) -> list[SummaryRow]:
    """A row for each answer that was given and still applies."""
    rows = []
    for name, field in form.applicable().items():
        answer = display_value(field)
        if answer is not None:
            label = summary_label(form, name, str(field.label.text))
            rows.append(SummaryRow(step, field.id, label, answer))
    return rows


def answers_as_sent(case: Submission) -> list[SummaryRow]:
    """The person's answers as they sent them, in the words of check your answers (in
    the language the caller has set): each page's form rebuilt from what was kept on
    receipt. "A copy of what you sent" on the tracking page, and its PDF."""
    kind = Kind(case.case.reclassified_from or case.case.kind)
    try:
        role: SubmitterRole | None = SubmitterRole(case.submitter_role)
    except ValueError:
        role = None
    kept: dict[str, dict[str, Any]] = case.answers or {}
    # What the later pages read of the earlier ones, as typed.
    earlier = {
        step: {name: [_typed(value)] for name, value in page.items() if value is not None}
        for step, page in kept.items()
    }
    teams = intake.public_team_choices()
    rows: list[SummaryRow] = []
    for step in steps_for(kind, role):
        if step not in kept or step not in FORMS:
            continue
        form = FORMS[step](
            None, kind=kind, role=role, teams=teams, earlier=earlier, data=_as_data(kept[step])
        )
        rows += _rows(step, form)
    return rows


def _typed(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _as_data(page: dict[str, Any]) -> dict[str, Any]:
    """A page's answers as its form holds them: dates back from the text they were kept as."""
    data: dict[str, Any] = {}
    for name, value in page.items():
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                data[name] = date.fromisoformat(value)
                continue
            except ValueError:
                pass
        data[name] = value
    return data
