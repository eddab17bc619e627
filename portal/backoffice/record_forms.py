"""The form for a complaint, compliment, representation or request for an advocate that
came another way (a phone call, a letter, an email, a visit, a councillor, an MP or the
advocacy provider), typed in by a member of staff. It asks what the public form asks, in
one page, and its answers are kept in the public form's shape (the journey's steps), so
that the same intake reads them: the same routing, danger check, messages and tasks."""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import Field, Form, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional, ValidationError

from portal.backoffice.forms import AgeField, required_date, today
from portal.domain import labels
from portal.domain.channels import RECORDED_BY_STAFF, Channel
from portal.domain.contact_safety import NONE_SAFE, SAFE_LETTERS, SAFE_PHONE, SAFE_VOICEMAIL
from portal.domain.holidays import bank_holidays
from portal.domain.journeys import steps_for
from portal.domain.mobiles import uk_mobile
from portal.domain.types import AdvocacyAnswer, ContactPreference, Kind, SubmitterRole
from portal.fields import (
    GovDateField,
    clean_text,
    email_address,
    max_length,
    plain_characters,
    postcode_text,
    required,
    uk_phone,
    uk_postcode,
)
from portal.models import Staff
from portal.services.common import texts_can_be_sent
from portal.services.intake import NewSubmission

NOT_SURE = "not_sure"
STORY_LIMIT = 5000


def received_on_a_day_the_clock_counts(form: Form, field: Field) -> None:
    """Not after today (nothing arrives tomorrow), nor before the first year whose bank
    holidays are known: the deadlines are counted in working days from it."""
    if not field.data:
        return
    if field.data > today():
        raise ValidationError("The date it was received must be today or in the past")
    first = bank_holidays().first_year
    if field.data.year < first:
        raise ValidationError(f"The date it was received must be in {first} or later")


# What each way of hearing back needs (the public form's rule).
NEEDED_FOR = {
    ContactPreference.EMAIL.value: ("email", "Enter their email address"),
    ContactPreference.PHONE.value: ("phone", "Enter their phone number"),
    ContactPreference.POST.value: ("address", "Enter their address"),
    ContactPreference.TEXT.value: ("phone", "Enter their mobile phone number"),
}


class RecordForm(FlaskForm):
    channel = RadioField(
        "How did it reach us?",
        choices=[(c.value, labels.CHANNELS[c]) for c in RECORDED_BY_STAFF],
        validators=[required("Select how it reached us")],
        widget=GovRadioInput(),
    )
    received_on = GovDateField(
        "When did it reach the council?",
        what="The date it was received",
        description=(
            "The day it arrived, not the day you are recording it: the deadlines run from "
            "it. For example, 27 11 2026."
        ),
        validators=[
            required_date("Enter the date it was received"),
            received_on_a_day_the_clock_counts,
        ],
    )
    kind = RadioField(
        "What is it?",
        choices=list(labels.KINDS.items()),
        validators=[required("Select what it is")],
        widget=GovRadioInput(),
    )
    in_danger = RadioField(
        "Is a child in danger now?",
        description=(
            "For example, someone is hurting a child or might hurt them, or a child is "
            "scared to go home. Yes and not sure alert the safeguarding team at once."
        ),
        choices=[("yes", "Yes"), ("no", "No"), (NOT_SURE, "I'm not sure")],
        validators=[required("Select yes, no or I'm not sure")],
        widget=GovRadioInput(),
    )
    role = RadioField(
        "Who is it from?",
        choices=list(labels.SUBMITTER_ROLES.items()),
        validators=[required("Select who it is from")],
        widget=GovRadioInput(),
    )
    name = StringField(
        "Their name",
        filters=[clean_text],
        validators=[required("Enter their name"), max_length(200, "Their name")],
        widget=GovTextInput(),
    )
    organisation = StringField(
        "Their organisation (optional)",
        filters=[clean_text],
        validators=[max_length(200, "Their organisation")],
        widget=GovTextInput(),
    )
    contact_preference = RadioField(
        "How do they want to hear back?",
        choices=[
            (ContactPreference.EMAIL.value, "Email"),
            (ContactPreference.POST.value, "Letter"),
            (ContactPreference.PHONE.value, "Phone"),
            (ContactPreference.TEXT.value, "Text message (short texts with a link to follow it)"),
        ],
        validators=[required("Select how they want to hear back")],
        widget=GovRadioInput(),
    )
    email = StringField(
        "Email address",
        filters=[clean_text],
        validators=[max_length(254, "Email address"), email_address()],
        widget=GovTextInput(),
    )
    phone = StringField(
        "Phone number",
        filters=[clean_text, plain_characters],
        validators=[max_length(40, "Phone number"), uk_phone()],
        widget=GovTextInput(),
    )
    address = TextAreaField(
        "Address",
        filters=[clean_text],
        validators=[max_length(500, "Address")],
        widget=GovTextArea(),
    )
    postcode = StringField(
        "Postcode",
        filters=[clean_text, postcode_text],
        validators=[max_length(10, "Postcode"), uk_postcode()],
        widget=GovTextInput(),
    )
    safe_to_contact = SelectMultipleField(
        "Is it safe for us to do any of these?",
        description=(
            "Ask them: someone they live with might hear a phone call or open their post. "
            "Select all that are safe. We will not do the others."
        ),
        choices=[
            (SAFE_PHONE, "Phone them"),
            (SAFE_VOICEMAIL, "Leave a voicemail if they do not answer"),
            (SAFE_LETTERS, "Send letters to their address"),
            (NONE_SAFE, "None of these are safe"),
        ],
        validators=[required("Select what is safe for us to do, or none of these are safe")],
        widget=GovCheckboxesInput(),
    )
    child_name = StringField(
        "The child's name",
        description="Not needed for a compliment, or when the child is the one who got in touch",
        filters=[clean_text],
        validators=[max_length(200, "The child's name")],
        widget=GovTextInput(),
    )
    child_date_of_birth = GovDateField(
        "The child's date of birth",
        what="Their date of birth",
        description="For example, 27 3 2012. If you do not know it, give their age below.",
        validators=[Optional()],
    )
    child_age = AgeField(
        "If you do not know their date of birth, how old are they?",
        validators=[
            Optional(),
            NumberRange(min=0, max=25, message="Enter an age between 0 and 25"),
        ],
        widget=GovTextInput(),
    )
    child_agreement = RadioField(
        "Does the child know about this, and do they agree with it?",
        choices=list(labels.CHILD_AGREEMENT.items()),
        validators=[Optional()],
        widget=GovRadioInput(),
    )
    child_reply_preference = RadioField(
        "How does the child want to hear what happens?",
        choices=list(labels.REPLY_PREFERENCES.items()),
        validators=[Optional()],
        widget=GovRadioInput(),
    )
    team = RadioField(
        "Which service is it about?",
        validators=[required("Select the service it is about, or not sure")],
        widget=GovRadioInput(),
    )
    what_happened = TextAreaField(
        "What did they tell us?",
        description="In their words, as far as you can",
        filters=[clean_text],
        validators=[
            required("Enter what they told us"),
            max_length(STORY_LIMIT, "What they told us"),
        ],
        widget=GovTextArea(),
    )
    put_right = TextAreaField(
        "What would put it right? (optional)",
        filters=[clean_text],
        validators=[max_length(STORY_LIMIT, "What would put it right")],
        widget=GovTextArea(),
    )
    advocacy = RadioField(
        "Was the child offered an advocate?",
        description=(
            "Every child who complains, or is complained for, is offered help to speak up "
            "(s26A). Not needed for a compliment, or when an advocate got in touch."
        ),
        choices=[
            (AdvocacyAnswer.NOT_SURE.value, "Offered: they have not decided yet"),
            (AdvocacyAnswer.ACCEPTED.value, "Offered and accepted: arrange an advocate"),
            (AdvocacyAnswer.DECLINED.value, "Offered and declined"),
            (AdvocacyAnswer.ALREADY_HAS_ONE.value, "They already have an advocate"),
        ],
        validators=[Optional()],
        widget=GovRadioInput(),
    )

    def __init__(self, *args: Any, teams: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team.choices = [*teams, (NOT_SURE, "Not sure")]
        if not texts_can_be_sent():
            self.contact_preference.choices = [
                choice
                for choice in self.contact_preference.choices
                if choice[0] != ContactPreference.TEXT.value
            ]

    def asked(self) -> list[str]:
        """The public journey's steps for this kind and person (domain/journeys.py)."""
        try:
            return steps_for(Kind(self.kind.data), SubmitterRole(self.role.data))
        except ValueError:
            return []

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        steps = self.asked()
        checks: list[Callable[[list[str]], bool]] = [
            self._check_contact,
            self._check_safe_ways,
            self._check_child,
            self._check_advocacy,
        ]
        for check in checks:
            valid = check(steps) and valid
        return valid

    @staticmethod
    def _refuse(field: Field, message: str) -> bool:
        if not field.errors:
            field.errors = [message]
        return False

    def _check_contact(self, steps: list[str]) -> bool:
        needed = NEEDED_FOR.get(self.contact_preference.data or "")
        valid = True
        if needed and not self[needed[0]].data:
            valid = self._refuse(self[needed[0]], needed[1])
        elif self.contact_preference.data == ContactPreference.TEXT.value and (
            uk_mobile(self.phone.data or "") is None
        ):
            valid = self._refuse(self.phone, "Enter a UK mobile number, like 07700 900 982")
        if self.contact_preference.data == ContactPreference.POST.value and not self.postcode.data:
            valid = self._refuse(self.postcode, "Enter their postcode")
        return valid

    def _check_safe_ways(self, steps: list[str]) -> bool:
        chosen = self.safe_to_contact.data or []
        preference = self.contact_preference.data
        if self.safe_to_contact.errors or not chosen:
            return not self.safe_to_contact.errors
        problem = None
        if NONE_SAFE in chosen and len(chosen) > 1:
            problem = "Select what is safe for us to do, or select none of these are safe"
        elif SAFE_VOICEMAIL in chosen and SAFE_PHONE not in chosen:
            problem = "We can only leave a voicemail if we can phone them: select phone them too"
        elif preference == ContactPreference.PHONE.value and SAFE_PHONE not in chosen:
            problem = "They want a phone call: select phone them, or choose another way to reply"
        elif preference == ContactPreference.POST.value and SAFE_LETTERS not in chosen:
            problem = "They want a letter: select send letters, or choose another way to reply"
        return self._refuse(self.safe_to_contact, problem) if problem else True

    def _check_child(self, steps: list[str]) -> bool:
        valid = True
        age_given = self.child_age.data is not None or bool(self.child_age.errors)
        if "about-the-child" in steps:
            if not self.child_name.data:
                valid = self._refuse(self.child_name, "Enter the child's name")
            if self.child_date_of_birth.raw_parts is None and not age_given:
                valid = self._refuse(
                    self.child_date_of_birth, "Enter the child's date of birth or their age"
                )
            if not self.child_agreement.data:
                valid = self._refuse(
                    self.child_agreement, "Select whether the child knows and agrees"
                )
            if not self.child_reply_preference.data:
                valid = self._refuse(
                    self.child_reply_preference, "Select how the child wants to hear what happens"
                )
        if "your-age" in steps and self.child_date_of_birth.raw_parts is None and not age_given:
            valid = self._refuse(self.child_age, "Enter the child's age")
        born = self.child_date_of_birth.data
        if born is not None and born > today():
            valid = self._refuse(
                self.child_date_of_birth, "Their date of birth must be today or in the past"
            )
        return valid

    def _check_advocacy(self, steps: list[str]) -> bool:
        if "advocate" in steps and not self.advocacy.data:
            return self._refuse(self.advocacy, "Select whether the child was offered an advocate")
        return True

    def new_submission(self, staff: Staff) -> NewSubmission:
        """The answers in the public journey's shape (its steps and fields), read by the
        same intake as the public form's: only the steps this kind and person are asked."""
        steps = self.asked()
        role = self.role.data
        team = self.team.data if self.team.data != NOT_SURE else ""
        safe = list(self.safe_to_contact.data or [])
        answers: dict[str, dict[str, Any]] = {
            "who-are-you": {"role": role},
            "are-you-safe": {"in_danger": self.in_danger.data},
            "your-organisation": {"organisation": self.organisation.data},
            "about-the-child": {
                "child_name": self.child_name.data,
                "child_date_of_birth": self.child_date_of_birth.data,
                "child_age": self.child_age.data,
            },
            "the-childs-views": {
                "child_agreement": self.child_agreement.data,
                "child_reply_preference": self.child_reply_preference.data,
            },
            "your-age": {"age": self.child_age.data},
            "what-it-is-about": {"team": team},
            "what-happened": {"what_happened": self.what_happened.data},
            "put-it-right": {"put_right": self.put_right.data},
            "advocate": {"advocacy": self.advocacy.data},
            "contact": {
                "name": self.name.data,
                "contact_preference": self.contact_preference.data,
                "email": self.email.data,
                "phone": self.phone.data,
                # Texts: the public form asks for the mobile in a box of its own.
                "mobile": self.phone.data,
                "address": self.address.data,
                "postcode": self.postcode.data,
                "safe_to_contact": safe,
            },
        }
        if self.organisation.data:
            steps = [*steps, "your-organisation"]
        kept = {step: page for step, page in answers.items() if step in steps}
        new = NewSubmission.from_answers(Kind(self.kind.data), kept)
        return replace(
            new,
            channel=Channel(self.channel.data),
            received_on=self.received_on.data,
            recorded_by=staff,
        )
