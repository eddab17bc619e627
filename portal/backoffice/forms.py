"""Back-office forms, in GOV.UK wording, rendered with the GOV.UK macros."""

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DecimalField,
    Field,
    Form,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, Regexp, StopValidation, ValidationError

from portal.domain import labels
from portal.domain import search as search_terms
from portal.domain.access import ROLE_NAMES, Role
from portal.domain.clock import LONDON
from portal.domain.labels import ACKNOWLEDGED_HOW, FINDINGS, OMBUDSMAN_DECISIONS, PAUSE_REASONS
from portal.domain.references import EMAIL_DOMAIN as DOMAIN
from portal.domain.referrals import MOST_RESPONSE_WORKING_DAYS
from portal.domain.stages import Move
from portal.fields import (
    GovDateField,
    Validator,
    clean_text,
    email_address,
    max_length,
    not_in_future,
    required,
)
from portal.numbers import whole_number


def today() -> date:
    """Today in London: the day staff record things on."""
    return datetime.now(LONDON).date()


# A date something happened on (a decision, a thank-you, a pause): not after today.
HAPPENED = not_in_future(today, "The date")


def required_date(message: str) -> Validator:
    """Like `required`, but a date typed wrongly keeps its own message ("The date must be
    a real date") instead of being told to enter a date it can see it entered."""

    def check(form: Form, field: Field) -> None:
        if field.process_errors:
            raise StopValidation()
        if field.data is None:
            raise StopValidation(message)

    return check


# Every character Python counts as the end of a line: in an email header any of them
# could end the header and begin another ("Update\nBcc: someone@example.com").
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def one_line(what: str) -> Validator:
    """For each field that becomes part of an email's headers: a subject, or a name the
    subject carries. (Email addresses are checked by `email_address`, which refuses a
    line break with the rest of what an address cannot hold.)"""

    def check(form: Form, field: Field) -> None:
        if field.data and not LINE_BREAKS.isdisjoint(field.data):
            raise ValidationError(f"{what} must be on one line")

    return check


class PoundsField(DecimalField):
    """An amount in pounds. What cannot be read as one is answered in plain words, not
    WTForms' "Not a valid decimal value."."""

    def __init__(self, label: str, *, not_an_amount: str, **kwargs: Any) -> None:
        super().__init__(label, places=2, **kwargs)
        self.not_an_amount = not_an_amount

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.not_an_amount) from error


class AgeField(IntegerField):
    """A child's age in years, with a plain message for what is not a number."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter the age as a number, like 16") from error


class CountField(IntegerField):
    """A whole number of things, with a plain message for what is not one, or for more
    than any council counts (and than the database holds)."""

    most = 1_000_000_000

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter a whole number, like 7140") from error

    def pre_validate(self, form: Form) -> None:
        if isinstance(self.data, int) and self.data > self.most:
            raise StopValidation(f"Enter a number of {self.most:,} or fewer")


class SignInForm(FlaskForm):
    email = StringField(
        "Email address", validators=[required("Enter your email address")], widget=GovTextInput()
    )
    password = PasswordField(
        "Password", validators=[required("Enter your password")], widget=GovPasswordInput()
    )


class CaseForm(FlaskForm):
    """Every form that changes a case carries the version the person was looking at."""

    version = HiddenField()


class MoveForm(CaseForm):
    on = GovDateField("Date", what="The date", validators=[required_date("Enter the date")])
    # Details, used by the moves that need them (see MOVE_FIELDS).
    informal_resolution_terms = TextAreaField(
        "What was agreed with the person",
        filters=[clean_text],
        validators=[max_length(3000, "What was agreed")],
        widget=GovTextArea(),
    )
    stage1_extension_reason = TextAreaField(
        "Why more time is needed",
        description="The complainant is sent this in writing, with the new date",
        filters=[clean_text],
        validators=[max_length(500, "The reason")],
        widget=GovTextArea(),
    )
    extension_agreement = StringField(
        "How and when the complainant agreed",
        description="For example: by phone with their mother on 5 January",
        filters=[clean_text],
        validators=[max_length(300, "How they agreed")],
        widget=GovTextInput(),
    )
    # Radios need their own `required`: otherwise WTForms says "Not a valid choice." first.
    outcome = RadioField(
        "Overall finding",
        choices=list(FINDINGS.items()),
        validators=[required("Select the overall finding")],
        widget=GovRadioInput(),
    )
    redress = SelectMultipleField(
        "Redress",
        choices=[
            ("apology", "Apology"),
            ("explanation", "Explanation"),
            ("service_review", "Service review"),
        ],
        widget=GovCheckboxesInput(),
    )
    ex_gratia = PoundsField(
        "Ex gratia payment for time and trouble, in pounds (optional)",
        not_an_amount="Enter the ex gratia payment as an amount in pounds, like 50 or 49.99",
        validators=[
            Optional(),
            NumberRange(min=0, max=100000, message="Enter an amount between 0 and 100,000"),
        ],
        widget=GovTextInput(),
    )
    investigating_officer = StringField(
        "Investigating officer",
        filters=[clean_text],
        validators=[max_length(200, "The name")],
        widget=GovTextInput(),
    )
    independent_person = StringField(
        "Independent person",
        description="Not a member or officer of the council, nor their spouse or civil partner",
        filters=[clean_text],
        validators=[max_length(200, "The name")],
        widget=GovTextInput(),
    )
    stage2_extended_to = GovDateField("New date for the stage 2 response", what="The new date")
    stage2_extension_reason = TextAreaField(
        "Why the response will be late",
        description="The complainant is sent this in writing with the new date, as the law asks",
        filters=[clean_text],
        validators=[max_length(500, "The reason")],
        widget=GovTextArea(),
    )
    stage2_cost = PoundsField(
        "Cost of the investigation, in pounds",
        not_an_amount="Enter the cost as an amount in pounds, like 2450 or 2450.50",
        validators=[
            Optional(),
            NumberRange(min=0, max=1000000, message="Enter an amount between 0 and 1,000,000"),
        ],
        widget=GovTextInput(),
    )
    panel_members = TextAreaField(
        "Panel members (three independent people)",
        description="The stage 2 independent person may not sit on the panel",
        filters=[clean_text],
        validators=[max_length(600, "Panel members")],
        widget=GovTextArea(),
    )
    panel_recommendations = TextAreaField(
        "The panel's recommendations",
        filters=[clean_text],
        validators=[max_length(5000, "The recommendations")],
        widget=GovTextArea(),
    )

    REQUIRED: dict[str, str] = {
        "outcome": "Select the overall finding",
        "informal_resolution_terms": "Enter what was agreed",
        "stage1_extension_reason": "Enter why more time is needed",
        "extension_agreement": "Enter how and when the complainant agreed",
        "investigating_officer": "Enter the investigating officer's name",
        "independent_person": "Enter the independent person's name",
        "stage2_extended_to": "Enter the new date",
        "stage2_extension_reason": "Enter why the response will be late",
        "panel_members": "Enter the panel members",
    }

    def __init__(self, *args: Any, move: Move, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.move = move
        keep = set(MOVE_FIELDS.get(move, ())) | {"on", "version", "csrf_token"}
        for name in list(self._fields):
            if name not in keep:
                del self[name]
        if move is Move.RESPOND_STAGE3:
            self.outcome.label.text = "The council's decision on the panel's findings"

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        for name, message in self.REQUIRED.items():
            if name in self._fields and not self[name].data and not self[name].errors:
                self[name].errors = [message]
                valid = False
        return valid

    def details(self) -> dict[str, Any]:
        details: dict[str, Any] = {}
        for name in MOVE_FIELDS.get(self.move, ()):
            value = self[name].data
            if name == "redress":
                chosen = value or []
                details |= {
                    f"redress_{r}": r in chosen
                    for r in ("apology", "explanation", "service_review")
                }
            elif name in ("ex_gratia", "stage2_cost"):
                target = "ex_gratia_pence" if name == "ex_gratia" else "stage2_cost_pence"
                details[target] = int(value * 100) if value is not None else None
            else:
                details[name] = value
        return details


MOVE_FIELDS: dict[Move, tuple[str, ...]] = {
    Move.RESOLVE_INFORMALLY: ("informal_resolution_terms",),
    Move.EXTEND_STAGE1: ("stage1_extension_reason", "extension_agreement"),
    Move.RESPOND_STAGE1: ("outcome", "redress", "ex_gratia"),
    Move.APPOINT_INVESTIGATORS: ("investigating_officer", "independent_person"),
    Move.EXTEND_STAGE2: ("stage2_extended_to", "stage2_extension_reason"),
    Move.ADJUDICATE_STAGE2: ("outcome", "redress", "ex_gratia", "stage2_cost"),
    Move.SET_PANEL: ("panel_members",),
    Move.PANEL_REPORT: ("panel_recommendations",),
    Move.RESPOND_STAGE3: ("outcome",),
}


class AssignForm(CaseForm):
    team = SelectField("Team", coerce=str, widget=GovSelect())
    person = SelectField("Person (optional)", coerce=str, widget=GovSelect())
    # Kept on the case as "Re-routed by staff: <reason>", which holds 200 characters.
    reason = StringField(
        "Why (if you are changing the team)",
        filters=[clean_text],
        validators=[max_length(180, "The reason")],
        widget=GovTextInput(),
    )


class AcknowledgementForm(CaseForm):
    how = RadioField(
        "How was it acknowledged?",
        # Staff's own email: the portal's email records itself.
        choices=list((ACKNOWLEDGED_HOW | {"email": "By email, outside the portal"}).items()),
        validators=[required("Select how it was acknowledged")],
        widget=GovRadioInput(),
    )
    on = GovDateField("Date", what="The date", validators=[required_date("Enter the date")])


class ReclassifyForm(CaseForm):
    kind = RadioField(
        "What is it?",
        choices=[
            ("complaint", "A complaint"),
            ("representation", "A representation"),
            ("compliment", "A compliment"),
        ],
        validators=[required("Select what it is")],
        widget=GovRadioInput(),
    )
    reason = TextAreaField(
        "Why",
        filters=[clean_text],
        validators=[required("Enter why"), max_length(500, "The reason")],
        widget=GovTextArea(),
    )


class ProcedureForm(CaseForm):
    procedure = RadioField(
        "Procedure", validators=[required("Select the procedure")], widget=GovRadioInput()
    )
    reason = TextAreaField(
        "Why",
        filters=[clean_text],
        validators=[required("Enter why the procedure is changing"), max_length(500, "The reason")],
        widget=GovTextArea(),
    )


class SufficientInterestForm(CaseForm):
    decision = RadioField(
        "Does the person have sufficient interest in the child's welfare?",
        choices=[("yes", "Yes: the complaint goes ahead"), ("no", "No: tell the person")],
        validators=[required("Select yes or no")],
        widget=GovRadioInput(),
    )
    reason = TextAreaField(
        "Reasons, taking account of the child's views",
        filters=[clean_text],
        validators=[required("Enter the reasons"), max_length(500, "The reasons")],
        widget=GovTextArea(),
    )
    on = GovDateField(
        "Date decided", what="The date", validators=[required_date("Enter the date"), HAPPENED]
    )


class AdvocacyForm(CaseForm):
    status = RadioField(
        "Where does the advocacy request stand?",
        validators=[required("Select where it stands")],
        widget=GovRadioInput(),
    )
    advocate = StringField(
        "Advocate's name (optional)",
        filters=[clean_text],
        validators=[max_length(200, "The name")],
        widget=GovTextInput(),
    )
    advocate_account = SelectField(
        "Advocate's account (optional)",
        description="The advocate then sees this case when they sign in",
        choices=[],
        validators=[Optional()],
        widget=GovSelect(),
    )


class ThankForm(CaseForm):
    on = GovDateField(
        "Date the team was thanked",
        what="The date",
        validators=[required_date("Enter the date"), HAPPENED],
    )


class CategoriesForm(CaseForm):
    categories = SelectMultipleField("Categories", coerce=str, widget=GovCheckboxesInput())


class PointForm(CaseForm):
    stage = RadioField(
        "Stage",
        choices=[("1", "Stage 1"), ("2", "Stage 2"), ("3", "Stage 3")],
        validators=[required("Select the stage")],
        widget=GovRadioInput(),
    )
    summary = TextAreaField(
        "The complaint point",
        filters=[clean_text],
        validators=[required("Enter the complaint point"), max_length(1000, "The point")],
        widget=GovTextArea(),
    )
    outcome = RadioField(
        "Finding",
        choices=list(FINDINGS.items()),
        validators=[required("Select the finding")],
        widget=GovRadioInput(),
    )


class LessonForm(CaseForm):
    lesson = TextAreaField(
        "What was learned",
        filters=[clean_text],
        validators=[required("Enter what was learned"), max_length(2000, "The lesson")],
        widget=GovTextArea(),
    )
    action = TextAreaField(
        "What will change",
        filters=[clean_text],
        validators=[required("Enter the action"), max_length(2000, "The action")],
        widget=GovTextArea(),
    )
    due = GovDateField("By when (optional)", what="The date")


class NoteForm(CaseForm):
    text = TextAreaField(
        "Add an internal note",
        description="Only staff read it. It is never sent to the complainant, but it is "
        "part of their records: they can ask for a copy.",
        filters=[clean_text],
        validators=[required("Enter the note"), max_length(5000, "The note")],
        widget=GovTextArea(),
    )


class EnquiryForm(CaseForm):
    from_whom = RadioField(
        "Who is the enquiry from?",
        choices=list(labels.ENQUIRY_FROM.items()),
        validators=[required("Select who the enquiry is from")],
        widget=GovRadioInput(),
    )
    name = StringField(
        "Their name",
        description="For example, Jane Smith MP, or Councillor Ali Khan",
        filters=[clean_text],
        validators=[required("Enter their name"), max_length(200, "The name")],
        widget=GovTextInput(),
    )
    received_on = GovDateField(
        "Date it arrived", what="The date", validators=[required_date("Enter the date it arrived")]
    )


class EnquiryReplyForm(CaseForm):
    replied_on = GovDateField(
        "Date of the reply", what="The date", validators=[required_date("Enter the date")]
    )
    reply = TextAreaField(
        "The reply, or what it said",
        filters=[clean_text],
        validators=[required("Enter the reply"), max_length(20000, "The reply")],
        widget=GovTextArea(),
    )


class OmbudsmanEnquiryForm(CaseForm):
    reference = StringField(
        "The ombudsman's reference (optional)",
        filters=[clean_text],
        validators=[max_length(40, "The reference")],
        widget=GovTextInput(),
    )
    received_on = GovDateField(
        "Date the enquiry arrived",
        what="The date",
        validators=[required_date("Enter the date the enquiry arrived")],
    )
    reply_due_on = GovDateField(
        "Date the council must reply by (optional)",
        description="As the ombudsman set it in the enquiry",
        what="The date",
    )


class OmbudsmanReplyForm(CaseForm):
    replied_on = GovDateField(
        "Date the council replied",
        what="The date",
        validators=[required_date("Enter the date the council replied")],
    )


class OmbudsmanDraftForm(CaseForm):
    draft_decision_on = GovDateField(
        "Date of the draft decision",
        what="The date",
        validators=[required_date("Enter the date of the draft decision")],
    )
    comments_due_on = GovDateField(
        "Date the council's comments are due (optional)",
        description="As the ombudsman set it with the draft decision",
        what="The date",
    )


class OmbudsmanCommentsForm(CaseForm):
    comments_sent_on = GovDateField(
        "Date the council sent its comments",
        what="The date",
        validators=[required_date("Enter the date the comments were sent")],
    )


class OmbudsmanDecisionForm(CaseForm):
    decided_on = GovDateField(
        "Date of the final decision",
        what="The date",
        validators=[required_date("Enter the date of the final decision")],
    )
    decision = RadioField(
        "The ombudsman's decision",
        choices=list(OMBUDSMAN_DECISIONS.items()),
        validators=[required("Select the ombudsman's decision")],
        widget=GovRadioInput(),
    )
    maladministration = RadioField(
        "Did the ombudsman find fault (maladministration)?",
        choices=list(labels.MALADMINISTRATION.items()),
        validators=[Optional()],
        widget=GovRadioInput(),
    )
    injustice = RadioField(
        "Did the ombudsman find that the fault caused injustice?",
        choices=list(labels.INJUSTICE.items()),
        validators=[Optional()],
        widget=GovRadioInput(),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        """After an investigation (upheld or not) the ombudsman says whether it found
        fault, and whether the fault caused injustice; a decision not to investigate, or
        a complaint sent back as premature, says neither."""
        valid: bool = super().validate(extra_validators)
        if self.decision.data in ("upheld", "not_upheld"):
            for name, message in (
                ("maladministration", "Select whether the ombudsman found fault"),
                ("injustice", "Select whether the ombudsman found injustice"),
            ):
                if not self[name].data and not self[name].errors:
                    self[name].errors = [message]
                    valid = False
        return valid

    def finding(self, name: str) -> bool | None:
        if self.decision.data not in ("upheld", "not_upheld"):
            return None
        return {"yes": True, "no": False}.get(self[name].data or "")


class OmbudsmanRemedyForm(CaseForm):
    what = TextAreaField(
        "The remedy the ombudsman recommends",
        description="For example, apologise in writing, pay £300 for the distress caused, "
        "review how the team shares assessments",
        filters=[clean_text],
        validators=[required("Enter the remedy"), max_length(5000, "The remedy")],
        widget=GovTextArea(),
    )
    due_on = GovDateField(
        "Date the council must comply by",
        what="The date",
        validators=[required_date("Enter the date the council must comply by")],
    )


class OmbudsmanComplianceForm(CaseForm):
    complied_on = GovDateField(
        "Date the council complied",
        what="The date",
        validators=[required_date("Enter the date the council complied")],
    )
    evidence = TextAreaField(
        "The evidence of compliance",
        description="What was done, and what was sent to the ombudsman to show it",
        filters=[clean_text],
        validators=[required("Enter the evidence"), max_length(5000, "The evidence")],
        widget=GovTextArea(),
    )
    document = SelectField(
        "A document added to the case that shows it (optional)",
        description='Add it first with "Add a document" on the case',
        coerce=str,
        widget=GovSelect(),
    )


class ReopenForm(CaseForm):
    reason = RadioField(
        "Why is the case being reopened?",
        choices=list(labels.REOPEN_REASONS.items()),
        validators=[required("Select why the case is being reopened")],
        widget=GovRadioInput(),
    )
    words = TextAreaField(
        "Say why",
        description="Needed for another reason; for the others, anything to add.",
        filters=[clean_text],
        validators=[max_length(1000, "Why")],
        widget=GovTextArea(),
    )
    to = RadioField(
        "Which stage does it go back to?",
        validators=[required("Select the stage it goes back to")],
        widget=GovRadioInput(),
    )


class LinkForm(CaseForm):
    reference = StringField(
        "Reference of the related case",
        description="For example, CSC-2026-0042.",
        filters=[clean_text],
        validators=[
            required("Enter the reference of the related case"),
            max_length(30, "The reference"),
        ],
        widget=GovTextInput(),
    )
    note = TextAreaField(
        "Why are they related?",
        filters=[clean_text],
        validators=[required("Enter why the cases are related"), max_length(1000, "Why")],
        widget=GovTextArea(),
    )


class MergeForm(CaseForm):
    into = StringField(
        "Reference of the case to keep",
        description="This case is closed as a duplicate, merged into that one. Nothing of "
        "either case is deleted.",
        filters=[clean_text],
        validators=[
            required("Enter the reference of the case to keep"),
            max_length(30, "The reference"),
        ],
        widget=GovTextInput(),
    )
    note = TextAreaField(
        "Why is this case a duplicate?",
        description="For example, the same person complained by phone and online.",
        filters=[clean_text],
        validators=[required("Enter why this case is a duplicate"), max_length(1000, "Why")],
        widget=GovTextArea(),
    )


class DocumentForm(FlaskForm):
    """A document staff add to a case (the file input is written in the page)."""

    file = FileField("Document", validators=[FileRequired("Select a file")])
    description = StringField(
        "What it is (optional)",
        description="For example, the complainant's letter of 3 March, or the "
        "investigator's report",
        filters=[clean_text],
        validators=[max_length(200, "What it is")],
        widget=GovTextInput(),
    )


# What staff write to a person is shown as HTML from a small markup (portal/security.py).
WRITING_HINT = (
    "A blank line starts a new paragraph. A line starting with a dash and a space, like "
    '"- this", is a bullet point. **Two stars each side** make words bold, and '
    "[words](https://example.org) is a link."
)


class ResponseLetterForm(FlaskForm):
    """A response letter's words. `version` is the letter's own (empty for a new one)."""

    version = HiddenField()
    subject = StringField(
        "Subject",
        filters=[clean_text],
        validators=[
            required("Enter the subject"),
            max_length(200, "The subject"),
            one_line("The subject"),
        ],
        widget=GovTextInput(),
    )
    body = TextAreaField(
        "The letter",
        description="Written to the person, in their language. Replace anything in double "
        "square brackets, like [[this]], before you send it for approval. " + WRITING_HINT,
        filters=[clean_text],
        validators=[required("Enter the letter"), max_length(20000, "The letter")],
        widget=GovTextArea(),
    )


class LetterDecisionForm(FlaskForm):
    version = HiddenField()
    decision = RadioField(
        "What do you want to do with this letter?",
        choices=[
            ("email", "Approve it and send it by email"),
            ("post", "Approve it for printing, to post it"),
            ("in_person", "Approve it for printing, to give it to them in person"),
            ("return", "Return it to the caseworker with comments"),
        ],
        validators=[required("Select what you want to do with the letter")],
        widget=GovRadioInput(),
    )
    comments = TextAreaField(
        "Comments for the caseworker",
        description="Needed if you return the letter: say what needs to change",
        filters=[clean_text],
        validators=[max_length(3000, "The comments")],
        widget=GovTextArea(),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        if self.decision.data == "return" and not self.comments.data and not self.comments.errors:
            self.comments.errors = ["Enter what needs to change"]
            valid = False
        return valid


class RuleForm(FlaskForm):
    version = HiddenField()  # the rule's, as the manager opened it (none for a new rule)
    name = StringField(
        "Rule name",
        filters=[clean_text],
        validators=[required("Enter a name for the rule"), max_length(120, "The name")],
        widget=GovTextInput(),
    )
    team = SelectField(
        "Send to team", coerce=str, validators=[required("Select a team")], widget=GovSelect()
    )
    # "": the statutory children's procedure, chosen unless the manager picks another.
    procedure = RadioField("Procedure", default="", widget=GovRadioInput())
    kinds = SelectMultipleField(
        "Kind (leave empty for any)",
        choices=[
            ("complaint", "Complaint"),
            ("representation", "Representation"),
            ("compliment", "Compliment"),
            ("advocacy", "Advocacy request"),
        ],
        widget=GovCheckboxesInput(),
    )
    chosen_teams = SelectMultipleField(
        "Service the person chose (leave empty for any)", coerce=str, widget=GovCheckboxesInput()
    )
    roles = SelectMultipleField(
        "Who the person is (leave empty for anyone)", widget=GovCheckboxesInput()
    )
    age_min = AgeField(
        "Child's age from (optional)",
        validators=[Optional(), NumberRange(0, 25, "Enter an age from 0 to 25")],
        widget=GovTextInput(),
    )
    age_max = AgeField(
        "Child's age to (optional)",
        validators=[Optional(), NumberRange(0, 25, "Enter an age from 0 to 25")],
        widget=GovTextInput(),
    )
    words = TextAreaField(
        "Words in what happened (one per line; any of them matches)",
        filters=[clean_text],
        validators=[max_length(2000, "The words")],
        widget=GovTextArea(),
    )
    is_active = BooleanField("This rule is on", widget=GovCheckboxInput())

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        if (
            self.age_min.data is not None
            and self.age_max.data is not None
            and self.age_min.data > self.age_max.data
        ):
            self.age_max.errors = ["The age to must be the same as or more than the age from"]
            valid = False
        return valid


class PreviewForm(FlaskForm):
    class Meta:
        csrf = False

    kind = SelectField(
        "Kind",
        choices=[
            ("complaint", "Complaint"),
            ("representation", "Representation"),
            ("compliment", "Compliment"),
            ("advocacy", "Advocacy request"),
        ],
        widget=GovSelect(),
    )
    role = SelectField("Who the person is", widget=GovSelect())
    chosen_team = SelectField("Service chosen", coerce=str, widget=GovSelect())
    age = AgeField(
        "Child's age",
        validators=[Optional(), NumberRange(0, 25, "Enter an age from 0 to 25")],
        widget=GovTextInput(),
    )
    text = TextAreaField(
        "What happened",
        filters=[clean_text],
        validators=[max_length(5000, "What happened")],
        widget=GovTextArea(),
    )


def _what_was_done(example: str) -> TextAreaField:
    return TextAreaField(
        "What was done",
        description=f"For example: {example}.",
        filters=[clean_text],
        validators=[required("Enter what was done"), max_length(3000, "What was done")],
        widget=GovTextArea(),
    )


class SafeguardingForm(CaseForm):
    action = _what_was_done("called the child back, referred to the front door")


class ConcernActionForm(FlaskForm):
    """What was done about a "possible concern, not sent" task (it has no case version)."""

    action = _what_was_done("phoned the child on the number they gave, referred to the front door")


class LegalHoldForm(CaseForm):
    hold = RadioField(
        "Legal hold",
        choices=[
            ("place", "Place the case under legal hold: it is never purged"),
            ("lift", "Lift the legal hold: the case is purged when its time comes"),
        ],
        validators=[required("Select whether to place or lift the hold")],
        widget=GovRadioInput(),
    )
    reason = TextAreaField(
        "Why (needed to place a hold)",
        description="For example, the instruction of an inquiry not to destroy its records.",
        filters=[clean_text],
        validators=[max_length(500, "Why")],
        widget=GovTextArea(),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        if self.hold.data == "place" and not self.reason.data:
            self.reason.errors = ["Enter why the case is held"]
            valid = False
        return valid


class SubjectAccessForm(FlaskForm):
    email = StringField(
        "Email address",
        description="The person's, or the advocate's who wrote for a child",
        filters=[clean_text],
        validators=[Optional(), max_length(254, "The email address"), email_address()],
        widget=GovTextInput(),
    )
    reference = StringField(
        "Or a case reference",
        description="For example, CSC-2026-0042",
        filters=[clean_text],
        validators=[max_length(20, "The reference")],
        widget=GovTextInput(),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        if valid and not self.email.data and not self.reference.data:
            self.email.errors = ["Enter an email address or a case reference"]
            valid = False
        return valid


class TeamForm(FlaskForm):
    version = HiddenField()  # the team's, as the manager opened it (none for a new team)
    name = StringField(
        "Team name (staff see this)",
        filters=[clean_text],
        validators=[
            required("Enter the team's name"),
            max_length(120, "The team's name"),
            # It is in the subject of the team's daily digest.
            one_line("The team's name"),
        ],
        widget=GovTextInput(),
    )
    public_name = StringField(
        "What the public sees",
        description="Plain words a child understands, like \u201cChildren in care\u201d",
        filters=[clean_text],
        validators=[
            required("Enter what the public sees"),
            max_length(120, "What the public sees"),
        ],
        widget=GovTextInput(),
    )
    public_description = StringField(
        "A short description for the public (optional)",
        filters=[clean_text],
        validators=[max_length(300, "The description")],
        widget=GovTextInput(),
    )
    public_name_cy = StringField(
        "What the public sees, in Welsh (optional)",
        description="Shown on the Welsh pages; without it they show the English",
        filters=[clean_text],
        validators=[max_length(120, "The Welsh name")],
        widget=GovTextInput(),
    )
    public_description_cy = StringField(
        "The description in Welsh (optional)",
        filters=[clean_text],
        validators=[max_length(300, "The Welsh description")],
        widget=GovTextInput(),
    )
    inbox_email = StringField(
        "Team inbox email address",
        filters=[clean_text],
        validators=[
            required("Enter the team's inbox email address"),
            max_length(254, "The email address"),
            email_address(),
        ],
        widget=GovTextInput(),
    )
    manager_email = StringField(
        "Team manager's email address (optional)",
        description="Told when one of the team's cases misses a deadline; "
        "without it the team inbox is told",
        filters=[clean_text],
        validators=[max_length(254, "The email address"), email_address()],
        widget=GovTextInput(),
    )
    is_active = BooleanField("The team is active", widget=GovCheckboxInput())
    shown_to_public = BooleanField(
        "People can choose it in \u201cwhat is it about\u201d", widget=GovCheckboxInput()
    )
    is_advocacy_provider = BooleanField("This is the advocacy provider", widget=GovCheckboxInput())
    response_working_days = CountField(
        "The advocacy provider's response time, in working days",
        description="From its contract: working days to accept a referral and make the first "
        "contact with the child. A referral not accepted in time is escalated.",
        default=1,
        validators=[
            required("Enter the response time in working days"),
            NumberRange(
                min=1,
                max=MOST_RESPONSE_WORKING_DAYS,
                message="Enter a response time between 1 and "
                f"{MOST_RESPONSE_WORKING_DAYS} working days",
            ),
        ],
        widget=GovTextInput(),
    )

    def fields(self) -> dict[str, object]:
        return {
            "name": self.name.data,
            "public_name": self.public_name.data,
            "public_description": self.public_description.data or "",
            "public_name_cy": self.public_name_cy.data or "",
            "public_description_cy": self.public_description_cy.data or "",
            "inbox_email": self.inbox_email.data,
            "manager_email": self.manager_email.data or None,
            "is_active": bool(self.is_active.data),
            "shown_to_public": bool(self.shown_to_public.data),
            "is_advocacy_provider": bool(self.is_advocacy_provider.data),
            "response_working_days": self.response_working_days.data,
        }


class CategoryForm(FlaskForm):
    name = StringField(
        "Category name",
        filters=[clean_text],
        validators=[required("Enter the category's name"), max_length(120, "The category's name")],
        widget=GovTextInput(),
    )
    is_active = BooleanField("Staff can choose this category", widget=GovCheckboxInput())


# --- the annual report -------------------------------------------------------------------


class ReportContextForm(FlaskForm):
    """Figures from outside the portal that turn complaint counts into rates."""

    social_care_contacts = CountField(
        "Contacts with children's social care in the period (optional)",
        validators=[Optional(), NumberRange(min=0, message="Enter a number of 0 or more")],
        widget=GovTextInput(),
    )
    referrals = CountField(
        "Referrals to children's social care (optional)",
        validators=[Optional(), NumberRange(min=0, message="Enter a number of 0 or more")],
        widget=GovTextInput(),
    )
    children_looked_after = CountField(
        "Children looked after (optional)",
        validators=[Optional(), NumberRange(min=0, message="Enter a number of 0 or more")],
        widget=GovTextInput(),
    )


class ComparatorForm(FlaskForm):
    """Another council's published figures for a year."""

    council = StringField(
        "Council",
        filters=[clean_text],
        validators=[required("Enter the council's name"), max_length(120, "The council's name")],
        widget=GovTextInput(),
    )
    year = StringField(
        "Year",
        description="As their report gives it, for example 2025 to 26",
        filters=[clean_text],
        validators=[required("Enter the year"), max_length(20, "The year")],
        widget=GovTextInput(),
    )
    complaints = CountField(
        "Complaints",
        validators=[
            required("Enter the number of complaints"),
            NumberRange(min=0, message="Enter a number of 0 or more"),
        ],
        widget=GovTextInput(),
    )
    comparator_referrals = CountField(
        "Referrals (optional)",
        validators=[Optional(), NumberRange(min=0, message="Enter a number of 0 or more")],
        widget=GovTextInput(),
    )


class SignInCodeForm(FlaskForm):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = StringField(
        "Enter the 6-digit code from your authenticator app",
        validators=[required("Enter the 6-digit code from your authenticator app")],
        widget=GovTextInput(),
        description="The code changes every 30 seconds. If you do not have your phone, "
        "enter one of your recovery codes instead.",
    )


class StaffAccountForm(FlaskForm):
    """A member of staff's role and team, and whether they can sign in."""

    role = RadioField(
        "Role",
        choices=[(role.value, name) for role, name in ROLE_NAMES.items()],
        validators=[required("Select a role")],
        widget=GovRadioInput(),
    )
    team = SelectField(
        "Team",
        description="A team member sees their own team's cases; for other roles it is optional",
        choices=[],
        validators=[Optional()],
        widget=GovSelect(),
    )
    can_sign_in = RadioField(
        "Can they sign in?",
        choices=[("yes", "Yes"), ("no", "No, the account is disabled (for example, a leaver)")],
        validators=[required("Select whether they can sign in")],
        widget=GovRadioInput(),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        if valid and self.role.data == Role.TEAM_MEMBER.value and not self.team.data:
            self.team.errors = ["Select the team a team member belongs to"]
            valid = False
        return valid


class InviteStaffForm(StaffAccountForm):
    """A new member of staff: they are emailed a one-time link to set their password."""

    name = StringField(
        "Full name",
        filters=[clean_text],
        validators=[required("Enter their full name"), max_length(200, "The name")],
        widget=GovTextInput(),
    )
    email = StringField(
        "Work email address",
        description="The link to set their password is sent here; they sign in with it",
        filters=[clean_text],
        validators=[
            required("Enter their work email address"),
            max_length(254, "The email address"),
            email_address(),
        ],
        widget=GovTextInput(),
    )
    organisation = SelectField(
        "Advocate's organisation",
        description="For an advocate from an approved organisation. An advocate of the "
        "advocacy provider has its team instead",
        choices=[],
        validators=[Optional()],
        widget=GovSelect(),
    )
    can_sign_in = None  # a new account can sign in once it is set up

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        advocate = self.role.data == Role.ADVOCATE.value
        if valid and advocate and not (self.organisation.data or self.team.data):
            self.organisation.errors = [
                "Select the advocate's organisation, or the advocacy provider as their team"
            ]
            valid = False
        if valid and not advocate and self.organisation.data:
            self.organisation.errors = ["Only an advocate has an organisation: leave it empty"]
            valid = False
        return valid


class AdvocateOrganisationForm(FlaskForm):
    """An organisation whose advocates may register themselves (services/advocates.py)."""

    name = StringField(
        "Organisation's name",
        filters=[clean_text],
        validators=[required("Enter the organisation's name"), max_length(200, "The name")],
        widget=GovTextInput(),
    )
    email_domain = StringField(
        "Email domain",
        description="The part of its advocates' work email addresses after the @, like "
        "speakup.org.uk",
        filters=[clean_text],
        validators=[
            required("Enter the email domain"),
            max_length(200, "The email domain"),
            Regexp(
                r"^@?" + DOMAIN + r"$",
                flags=re.IGNORECASE,
                message="Enter the email domain like speakup.org.uk",
            ),
        ],
        widget=GovTextInput(),
    )


class RegisterAdvocateForm(FlaskForm):
    """An advocate asks for an account with their work email address."""

    name = StringField(
        "Full name",
        filters=[clean_text],
        validators=[required("Enter your full name"), max_length(200, "Your name")],
        widget=GovTextInput(),
    )
    organisation = SelectField(
        "Organisation",
        description="If yours is not listed, ask the council's complaints team to approve it",
        choices=[],
        validators=[required("Select your organisation")],
        widget=GovSelect(),
    )
    email = StringField(
        "Work email address",
        description="At your organisation's email domain. We send a link to set your password here",
        filters=[clean_text],
        validators=[
            required("Enter your work email address"),
            max_length(254, "Your email address"),
            email_address(),
        ],
        widget=GovTextInput(),
    )
    phone = StringField(
        "Work phone number (optional)",
        description="Filled in for you when you send a complaint for a child",
        filters=[clean_text],
        validators=[Optional(), max_length(40, "Your phone number"), one_line("Your phone number")],
        widget=GovTextInput(),
    )


class WithdrawConsentForm(CaseForm):
    """The advocate withdraws the child's consent to copies (no fields: a button)."""


ON_BEHALF_LIMIT = 5000


class OnBehalfForm(FlaskForm):
    """An advocate replies or adds information for the child (files read from the
    request beside it, as the tracking page's)."""

    text = TextAreaField(
        "Your message",
        filters=[clean_text],
        validators=[max_length(ON_BEHALF_LIMIT, "Your message")],
        widget=GovTextArea(),
    )


class OnBehalfStage2Form(FlaskForm):
    """An advocate asks for stage 2 for the child."""

    reasons = TextAreaField(
        "Why is the child not happy with the council's stage 1 response?",
        description="What the child still wants looked at, and what they think would put "
        "it right, in their words where you can.",
        filters=[clean_text],
        validators=[
            required("Enter why the child is not happy with the stage 1 response"),
            max_length(ON_BEHALF_LIMIT, "The reasons"),
        ],
        widget=GovTextArea(),
    )


class OnBehalfStage3Form(FlaskForm):
    """An advocate asks for a review panel (stage 3) for the child."""

    reasons = TextAreaField(
        "Why is the child not happy with the stage 2 adjudication?",
        description="What the child wants the review panel to look at, in their words where "
        "you can.",
        filters=[clean_text],
        validators=[
            required("Enter why the child is not happy with the stage 2 adjudication"),
            max_length(ON_BEHALF_LIMIT, "The reasons"),
        ],
        widget=GovTextArea(),
    )


class ConsentForm(CaseForm):
    """Staff record the child's consent to copying, or its withdrawal."""

    action = RadioField(
        "What did the child say?",
        choices=[
            ("give", "They agree that their advocate gets a copy of every letter and message"),
            ("withdraw", "They no longer want their advocate to get copies"),
        ],
        validators=[required("Select what the child said")],
        widget=GovRadioInput(),
    )
    on = GovDateField(
        "Date the child said it",
        what="The date",
        validators=[required_date("Enter the date"), HAPPENED],
    )


class SetPasswordForm(FlaskForm):
    new = PasswordField(
        "Password",
        validators=[required("Enter a password")],
        widget=GovPasswordInput(),
        description="At least 12 characters. Three or four words that are not connected are "
        "easy to remember and hard to guess.",
    )


class ProveItIsYouForm(FlaskForm):
    """Before the second factor changes: the password and a code from the present app."""

    password = PasswordField(
        "Your password", validators=[required("Enter your password")], widget=GovPasswordInput()
    )
    current_code = StringField(
        "A code from your present authenticator app",
        validators=[required("Enter a code from your present authenticator app")],
        widget=GovTextInput(),
        description="If you no longer have the app, enter one of your recovery codes.",
    )


class AppCodeForm(FlaskForm):
    """Setting up an authenticator app: a code from it shows it was set up right."""

    code = StringField(
        "Enter the 6-digit code your app shows",
        validators=[required("Enter the 6-digit code your app shows")],
        widget=GovTextInput(),
    )


class ReplaceAppForm(ProveItIsYouForm, AppCodeForm):
    """Moving to a new app: who you are, then a code from the new one."""


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        "Your current password",
        validators=[required("Enter your current password")],
        widget=GovPasswordInput(),
    )
    new = PasswordField(
        "New password",
        validators=[required("Enter a new password")],
        widget=GovPasswordInput(),
        description="At least 12 characters. Three or four words that are not connected are "
        "easy to remember and hard to guess.",
    )


class PauseForm(CaseForm):
    on = GovDateField(
        "Paused from", what="The date", validators=[required_date("Enter the date"), HAPPENED]
    )
    reason = RadioField(
        "Why the clock is paused",
        choices=list(PAUSE_REASONS.items()),
        validators=[required("Select why the clock is paused")],
        widget=GovRadioInput(),
    )
    detail = StringField(
        "Say more (the complainant is told why)",
        filters=[clean_text],
        validators=[max_length(300, "What you say")],
        widget=GovTextInput(),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        if self.reason.data == "other" and not self.detail.data and not self.detail.errors:
            self.detail.errors = ["Say why the clock is paused"]
            valid = False
        return valid


class RestartForm(CaseForm):
    on = GovDateField(
        "Restarted on", what="The date", validators=[required_date("Enter the date"), HAPPENED]
    )


class MessageForm(CaseForm):
    to = SelectMultipleField(
        "Send it to",
        choices=[("complainant", "The complainant"), ("advocate", "Their advocate")],
        validators=[required("Select who to send it to")],
        widget=GovCheckboxesInput(),
    )
    subject = StringField(
        "Subject",
        filters=[clean_text],
        validators=[
            required("Enter a subject"),
            max_length(150, "The subject"),
            one_line("The subject"),
        ],
        widget=GovTextInput(),
    )
    body = TextAreaField(
        "Message",
        description="Written to the person: plain words, no jargon. A child gets only a "
        "notice by email and reads it on their tracking page. " + WRITING_HINT,
        filters=[clean_text],
        validators=[required("Enter the message"), max_length(5000, "The message")],
        widget=GovTextArea(),
    )


class CaseSearchForm(FlaskForm):
    """The case search (services/search.py): any of these, at least one. Sent by POST, so
    what was searched for is never in an address (access logs, browser history)."""

    reference = StringField(
        "Reference",
        description="All of it or part, for example CSC-2026-00042 or 00042",
        filters=[clean_text],
        validators=[max_length(30, "The reference")],
        widget=GovTextInput(),
    )
    name = StringField(
        "Name",
        description="The person who wrote, or the child: all of a name or part of it",
        filters=[clean_text],
        validators=[max_length(200, "The name")],
        widget=GovTextInput(),
    )
    email = StringField(
        "Email address",
        filters=[clean_text],
        validators=[max_length(254, "The email address")],
        widget=GovTextInput(),
    )
    phone = StringField(
        "Phone number",
        description="With or without spaces, 0 or +44",
        filters=[clean_text],
        validators=[max_length(40, "The phone number")],
        widget=GovTextInput(),
    )
    postcode = StringField(
        "Postcode",
        filters=[clean_text],
        validators=[max_length(10, "The postcode")],
        widget=GovTextInput(),
    )
    child_date_of_birth = GovDateField(
        "The child's date of birth", what="The child's date of birth"
    )
    words = StringField(
        "Words in what they wrote",
        description="In what happened, what would put it right and the advocate's name "
        "and email. Every word is looked for; words shorter than 3 letters are left out",
        filters=[clean_text],
        validators=[max_length(200, "The words")],
        widget=GovTextInput(),
    )
    page = HiddenField()

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        checks: dict[Field, tuple[Callable[[str], bool], str]] = {
            self.name: (
                lambda v: len(search_terms.squeeze(v)) >= search_terms.SHORTEST_NAME,
                "Enter at least 2 letters of the name",
            ),
            self.phone: (
                lambda v: bool(search_terms.phone_keys(v)),
                "Enter a phone number, like 01632 960 001 or +44 7700 900 982",
            ),
            self.postcode: (
                lambda v: bool(search_terms.postcode_key(v)),
                "Enter a full postcode, like NM2 3AB",
            ),
            self.words: (
                lambda v: bool(search_terms.words(v)),
                "Enter at least one word of 3 letters or more",
            ),
            self.email: (lambda v: "@" in v, "Enter an email address, like name@example.com"),
        }
        for found, (ok, message) in checks.items():
            if found.data and not found.errors and not ok(found.data):
                found.errors = [message]
                valid = False
        dob = self.child_date_of_birth
        if dob.data and dob.data > today():
            dob.errors = ["The child's date of birth must be today or in the past"]
            valid = False
        filled = [f for f in self if f.name not in ("csrf_token", "page") and f.data]
        if valid and not filled and not dob.process_errors:
            self.reference.errors = ["Enter something to search for: a reference, a name ..."]
            valid = False
        return valid


class BulkAssignForm(FlaskForm):
    """Assign the cases chosen in the queue (each "reference@version") at once."""

    cases = SelectMultipleField("Cases", validate_choice=False, widget=GovCheckboxesInput())
    team = SelectField("Move them to the team", coerce=str, default="", widget=GovSelect())
    reason = StringField(
        "Why (if you are changing the team)",
        filters=[clean_text],
        validators=[max_length(180, "The reason")],
        widget=GovTextInput(),
    )
    person = SelectField("Assign them to", coerce=str, default="", widget=GovSelect())

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        if not self.chosen():  # none, or none as the queue's boxes send them
            self.cases.errors = ["Select the cases to assign"]
            valid = False
        if valid and not self.team.data and not self.person.data:
            self.team.errors = ["Choose a team or a person to assign them to"]
            valid = False
        return valid

    def chosen(self) -> dict[str, int]:
        """{reference: the version the person was looking at}."""
        found = {}
        for value in self.cases.data or []:
            reference, _, version = str(value).rpartition("@")
            number = whole_number(version)
            if reference and number is not None:
                found[reference] = number
        return found


class FromThemForm(CaseForm):
    """Staff's answer to something the person sent from the tracking page."""

    decision = RadioField(
        "Decision",
        choices=[("granted", "Yes"), ("refused", "No")],
        validators=[Optional()],
        widget=GovRadioInput(),
    )
    granted_to = GovDateField(
        "More time until (if given)", what="The date", validators=[Optional()]
    )
    note = TextAreaField(
        "Why, or what was agreed (needed for a no)",
        filters=[clean_text],
        validators=[max_length(3000, "The note")],
        widget=GovTextArea(),
    )
