"""The advocacy provider's forms: each step of a referral (docs/advocacy-provider.md)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, TextAreaField

from portal.backoffice.forms import CaseForm, required_date
from portal.domain.labels import REFERRAL_OUTCOMES
from portal.fields import GovDateField, clean_text, max_length, required


class AcceptForm(FlaskForm):
    on = GovDateField(
        "Date accepted", what="The date", validators=[required_date("Enter the date accepted")]
    )


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        "Why is the referral declined?",
        description="The council's complaints team reads this. Do not write what the child said.",
        filters=[clean_text],
        validators=[required("Enter why the referral is declined"), max_length(1000, "The reason")],
        widget=GovTextArea(),
    )
    on = GovDateField(
        "Date declined", what="The date", validators=[required_date("Enter the date declined")]
    )


class AdvocateForm(FlaskForm):
    """One of the provider's advocate accounts, or a name typed when it has none in the
    portal (the view removes the field that does not apply)."""

    advocate = RadioField(
        "Which advocate will work with the child?",
        choices=[],
        validators=[required("Select the advocate")],
        widget=GovRadioInput(),
    )
    advocate_name = StringField(
        "Advocate's name",
        filters=[clean_text],
        validators=[required("Enter the advocate's name"), max_length(200, "The name")],
        widget=GovTextInput(),
    )


class FirstContactForm(FlaskForm):
    on = GovDateField(
        "Date of the first contact with the child",
        what="The date",
        validators=[required_date("Enter the date of the first contact")],
    )


class VisitForm(FlaskForm):
    on = GovDateField(
        "Date of the visit", what="The date", validators=[required_date("Enter the date")]
    )
    note = TextAreaField(
        "What was the visit for?",
        description="A short note for the council's record, like \u201cprepared for the "
        "stage 1 meeting\u201d. Do not write what the child said.",
        filters=[clean_text],
        validators=[required("Enter what the visit was for"), max_length(500, "The note")],
        widget=GovTextArea(),
    )


class CloseForm(FlaskForm):
    outcome = RadioField(
        "How did the referral end?",
        choices=list(REFERRAL_OUTCOMES.items()),
        validators=[required("Select how the referral ended")],
        widget=GovRadioInput(),
    )
    on = GovDateField(
        "Date closed", what="The date", validators=[required_date("Enter the date closed")]
    )


class ReferForm(CaseForm):
    """ "Refer to the advocacy provider" on the case page: the case's version only."""
