"""One form per question page. Each knows the words for a child and for an adult.

A child's words are tested to read at grade 6 or below (tests/browser/test_readability.py).
"""

from datetime import date, datetime
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovTextInput,
)
from wtforms import IntegerField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from portal.domain.clock import LONDON
from portal.domain.types import (
    AdvocacyAnswer,
    ChildAgreement,
    ContactPreference,
    Kind,
    SubmitterRole,
    SupportNeed,
    WhenItHappened,
)
from portal.public.fields import (
    GovDateField,
    clean_text,
    email_address,
    max_length,
    not_in_future,
    required,
    uk_phone,
    uk_postcode,
)

NOT_SURE = "not_sure"

# Shared limits: long enough for a full account, short enough to stop abuse.
NAME_LIMIT = 200
STORY_LIMIT = 5000
SHORT_LIMIT = 500


def today() -> date:
    """Today in England and Wales, whatever the server's time zone."""
    return datetime.now(LONDON).date()


class QuestionForm(FlaskForm):
    """A question page. `kind` and `role` decide the words and which fields apply."""

    class Meta:
        # A journey page submitted after the session ends must not fail on the token
        # alone: CSRF is checked in the view so we can keep what was typed.
        csrf = True

    def __init__(
        self,
        formdata: Any = None,
        *,
        kind: Kind,
        role: SubmitterRole | None,
        teams: list[tuple[str, str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(formdata=formdata, **kwargs)
        self.journey_kind = kind
        self.submitter_role = role
        self.child = role is SubmitterRole.CHILD
        self.adapt(teams or [])

    def adapt(self, teams: list[tuple[str, str, str]]) -> None:
        """Set the words and drop fields that do not apply to this person."""

    def answers(self) -> dict[str, Any]:
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


ROLE_CHOICES = [
    (SubmitterRole.CHILD.value, "I am a child or young person, and this is about me"),
    (SubmitterRole.PARENT.value, "A parent, or someone with parental responsibility"),
    (SubmitterRole.FOSTER_CARER.value, "A foster carer"),
    (SubmitterRole.KINSHIP_CARER.value, "A special guardian or kinship carer"),
    (SubmitterRole.RELATIVE.value, "Another relative, like a grandparent, aunt or brother"),
    (SubmitterRole.PROFESSIONAL.value, "A professional, like a teacher, nurse or doctor"),
    (SubmitterRole.ADVOCATE.value, "An advocate, writing for a child"),
    (SubmitterRole.OTHER.value, "Someone else"),
]


class WhoAreYouForm(QuestionForm):
    role = RadioField(
        "Who are you?",
        choices=ROLE_CHOICES,
        validators=[required("Select who you are")],
        widget=GovRadioInput(),
    )


class AreYouSafeForm(QuestionForm):
    in_danger = RadioField(
        "Are you or another child in danger now?",
        description="This means someone is hurting you, or might hurt you, or you feel unsafe.",
        choices=[("yes", "Yes"), ("no", "No"), ("not_sure", "I'm not sure")],
        validators=[required("Choose yes, no or I'm not sure")],
        widget=GovRadioInput(),
    )


class OrganisationForm(QuestionForm):
    organisation = StringField(
        "What is the name of your organisation?",
        filters=[clean_text],
        widget=GovTextInput(),
    )
    professional_type = RadioField(
        "Where do you work?",
        choices=[
            ("school", "A school or college"),
            ("health", "Health, like a GP or hospital"),
            ("other", "Somewhere else"),
        ],
        widget=GovRadioInput(),
    )

    def adapt(self, teams: list[tuple[str, str, str]]) -> None:
        if self.submitter_role is SubmitterRole.ADVOCATE:
            del self.professional_type
            self.organisation.description = "For example, the advocacy service you work for"
            self.organisation.validators = [
                required("Enter the name of your organisation"),
                max_length(NAME_LIMIT, "The name of your organisation"),
            ]
        else:
            self.organisation.label.text = "What is the name of your organisation? (optional)"
            self.organisation.validators = [max_length(NAME_LIMIT, "The name of your organisation")]
            self.professional_type.validators = [required("Select where you work")]


class AboutTheChildForm(QuestionForm):
    child_name = StringField(
        "What is the child's name?",
        filters=[clean_text],
        validators=[
            required("Enter the child's name"),
            max_length(NAME_LIMIT, "The child's name"),
        ],
        widget=GovTextInput(),
    )
    child_date_of_birth = GovDateField(
        "What is their date of birth?",
        what="Their date of birth",
        description="For example, 27 3 2012. If you do not know it, tell us their age below.",
        validators=[Optional(), not_in_future(today, "Their date of birth")],
    )
    child_age = IntegerField(
        "If you do not know their date of birth, how old are they?",
        validators=[
            Optional(),
            NumberRange(min=0, max=25, message="Enter an age between 0 and 25"),
        ],
        widget=GovTextInput(),
    )

    def process(
        self, formdata: Any = None, obj: Any = None, data: Any = None, **kwargs: Any
    ) -> None:
        super().process(formdata, obj, data, **kwargs)
        # IntegerField's own message is not GOV.UK wording.
        age = self.child_age
        if age.process_errors:
            age.process_errors = ["Enter their age as a number, like 12"]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        dob = self.child_date_of_birth
        age_typed = bool(self.child_age.raw_data and self.child_age.raw_data[0].strip())
        if dob.raw_parts is None and not age_typed:
            dob.errors = ["Enter their date of birth or their age"]
            valid = False
        return valid


class ChildViewsForm(QuestionForm):
    child_agreement = RadioField(
        "Does the child know about this, and do they agree with it?",
        choices=[
            (ChildAgreement.AGREES.value, "Yes, they know and agree"),
            (ChildAgreement.KNOWS_NOT_AGREED.value, "They know, but they do not agree"),
            (ChildAgreement.DOES_NOT_KNOW.value, "No, they do not know"),
            (ChildAgreement.NOT_SURE.value, "I'm not sure"),
        ],
        validators=[required("Select whether the child knows and agrees")],
        widget=GovRadioInput(),
    )
    child_reply_preference = RadioField(
        "How does the child want to hear what happens?",
        choices=[
            ("through_me", "Through me"),
            ("through_advocate", "Through their advocate"),
            ("meeting", "In a meeting, with someone they trust"),
            (NOT_SURE, "I'm not sure"),
        ],
        validators=[required("Select how the child wants to hear what happens")],
        widget=GovRadioInput(),
    )

    def adapt(self, teams: list[tuple[str, str, str]]) -> None:
        if self.journey_kind is Kind.ADVOCACY:
            self.child_agreement.label.text = (
                "Does the child know you are asking for an advocate, and do they agree?"
            )


class YourAgeForm(QuestionForm):
    age = IntegerField(
        "How old are you?",
        description="You can use the procedure up to the age of 25 if you have left care.",
        validators=[
            required("Enter how old you are"),
            NumberRange(min=0, max=25, message="Enter an age between 0 and 25"),
        ],
        widget=GovTextInput(),
    )

    def process(
        self, formdata: Any = None, obj: Any = None, data: Any = None, **kwargs: Any
    ) -> None:
        super().process(formdata, obj, data, **kwargs)
        if self.age.process_errors:
            self.age.process_errors = ["Enter your age as a number, like 12"]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # `required` sees no number and would say "Enter how old you are" to someone
        # who typed "ten": tell them what was wrong with what they typed instead.
        typed = bool(self.age.raw_data and self.age.raw_data[0].strip())
        if typed and self.age.process_errors:
            self.age.errors = list(self.age.process_errors)
        return valid


class WhatItIsAboutForm(QuestionForm):
    team = RadioField(
        "Which service is it about?",
        validators=[required("Select which service it is about, or I'm not sure")],
        widget=GovRadioInput(),
    )
    worker_name = StringField(
        "Is there a worker you want to thank? Tell us their name (optional)",
        filters=[clean_text],
        validators=[max_length(NAME_LIMIT, "The worker's name")],
        widget=GovTextInput(),
    )

    def adapt(self, teams: list[tuple[str, str, str]]) -> None:
        self.team.choices = [(value, label) for value, label, _ in teams] + [
            (NOT_SURE, "I'm not sure")
        ]
        self.team_hints = {value: hint for value, _, hint in teams}
        if self.child:
            self.team.label.text = "Who is it about?"
            self.team.validators = [required("Choose who it is about, or I'm not sure")]
        if self.journey_kind is not Kind.COMPLIMENT:
            del self.worker_name
        else:
            self.team.label.text = "Which team do you want to thank?"
            self.team.validators = [required("Select which team, or I'm not sure")]
            if self.child:
                self.worker_name.label.text = (
                    "Is there a worker you want to thank? Tell us their name (you can leave it out)"
                )


WHEN_CHOICES = [
    (WhenItHappened.STILL_HAPPENING.value, "It is still happening"),
    (WhenItHappened.LAST_MONTH.value, "In the last month"),
    (WhenItHappened.LAST_YEAR.value, "Between 1 and 12 months ago"),
    (WhenItHappened.OVER_A_YEAR.value, "More than a year ago"),
    (WhenItHappened.NOT_SURE.value, "I'm not sure"),
]


class WhatHappenedForm(QuestionForm):
    what_happened = TextAreaField(
        "What happened?",
        filters=[clean_text],
        widget=GovCharacterCount(),
    )
    when_it_happened = RadioField(
        "When did it happen?",
        choices=WHEN_CHOICES,
        validators=[required("Select when it happened")],
        widget=GovRadioInput(),
    )
    event_date = GovDateField(
        "If you know the date it happened, tell us (optional)",
        what="The date it happened",
        description="For example, 14 6 2026",
        validators=[Optional(), not_in_future(today, "The date it happened")],
    )
    also_complain = RadioField(
        "Do you want to make a complaint as well?",
        choices=[
            ("yes", "Yes, I want to make a complaint too"),
            ("already", "I have already made a complaint"),
            ("no", "No"),
        ],
        validators=[required("Select whether you want to make a complaint as well")],
        widget=GovRadioInput(),
    )

    def adapt(self, teams: list[tuple[str, str, str]]) -> None:
        words = {
            (Kind.COMPLAINT, False): (
                "What happened?",
                "Tell us what went wrong, who was involved and how it affected you or the child.",
                "Enter what happened",
            ),
            (Kind.COMPLAINT, True): (
                "What happened?",
                "Tell us what went wrong and how it made you feel.",
                "Tell us what happened",
            ),
            (Kind.REPRESENTATION, False): (
                "What is wrong?",
                "Tell us what is wrong and how it affects you or the child.",
                "Enter what is wrong",
            ),
            (Kind.REPRESENTATION, True): (
                "What is wrong?",
                "Tell us what is wrong and how it makes you feel.",
                "Tell us what is wrong",
            ),
            (Kind.COMPLIMENT, False): (
                "What would you like to tell us?",
                "Tell us what the team or worker did well.",
                "Enter what you would like to tell us",
            ),
            (Kind.COMPLIMENT, True): (
                "What would you like to tell us?",
                "Tell us what they did well.",
                "Tell us what you want to say",
            ),
            (Kind.ADVOCACY, False): (
                "What would you like help with?",
                "Tell us what the child wants to say, or what is going on.",
                "Enter what you would like help with",
            ),
            (Kind.ADVOCACY, True): (
                "What would you like help with?",
                "Tell us what you want to say, or what is going on.",
                "Tell us what you want help with",
            ),
        }
        label, hint, missing = words[(self.journey_kind, self.child)]
        self.what_happened.label.text = label
        self.what_happened.description = hint
        self.what_happened.validators = [required(missing), max_length(STORY_LIMIT, "Your answer")]
        if self.journey_kind not in (Kind.COMPLAINT, Kind.REPRESENTATION):
            del self.when_it_happened
            del self.event_date
        if self.journey_kind is not Kind.ADVOCACY:
            del self.also_complain
        elif self.child:
            self.also_complain.label.text = "Do you want to make a complaint too?"


class PutItRightForm(QuestionForm):
    put_right = TextAreaField(
        "What would put it right?",
        description="For example, an apology, a change to what happens, or a meeting.",
        filters=[clean_text],
        validators=[required("Enter what would put it right"), max_length(3000, "Your answer")],
        widget=GovCharacterCount(),
    )

    def adapt(self, teams: list[tuple[str, str, str]]) -> None:
        if self.child:
            self.put_right.label.text = "What would make it better?"
            self.put_right.description = "For example, saying sorry, or a change to what happens."
            self.put_right.validators = [
                required("Tell us what would make it better"),
                max_length(3000, "Your answer"),
            ]


class AdvocateForm(QuestionForm):
    advocacy = RadioField(
        "Would the child like an advocate?",
        choices=[
            (AdvocacyAnswer.ACCEPTED.value, "Yes, please arrange an advocate"),
            (AdvocacyAnswer.ALREADY_HAS_ONE.value, "They already have an advocate"),
            (AdvocacyAnswer.DECLINED.value, "No, thank you"),
            (AdvocacyAnswer.NOT_SURE.value, "Not sure yet: please tell me more"),
        ],
        validators=[required("Select whether the child would like an advocate")],
        widget=GovRadioInput(),
    )

    def adapt(self, teams: list[tuple[str, str, str]]) -> None:
        if self.child:
            self.advocacy.label.text = "Would you like someone to help you speak up (an advocate)?"
            self.advocacy.choices = [
                (AdvocacyAnswer.ACCEPTED.value, "Yes, please"),
                (AdvocacyAnswer.ALREADY_HAS_ONE.value, "I already have one"),
                (AdvocacyAnswer.DECLINED.value, "No, thank you"),
                (AdvocacyAnswer.NOT_SURE.value, "I'm not sure. Tell me more"),
            ]
            self.advocacy.validators = [required("Choose if you would like an advocate")]


class ContactForm(QuestionForm):
    name = StringField(
        "What is your name?",
        filters=[clean_text],
        validators=[required("Enter your name"), max_length(NAME_LIMIT, "Your name")],
        widget=GovTextInput(),
    )
    contact_preference = RadioField(
        "How should we contact you?",
        choices=[
            (ContactPreference.EMAIL.value, "Email"),
            (ContactPreference.PHONE.value, "Phone"),
            (ContactPreference.POST.value, "Post"),
            (ContactPreference.ADVOCATE.value, "Through my advocate"),
        ],
        validators=[required("Select how we should contact you")],
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
        filters=[clean_text],
        validators=[max_length(40, "Phone number"), uk_phone()],
        widget=GovTextInput(),
    )
    address = TextAreaField(
        "Address",
        filters=[clean_text],
        validators=[max_length(SHORT_LIMIT, "Address")],
        widget=GovCharacterCount(),
    )
    postcode = StringField(
        "Postcode",
        filters=[clean_text],
        validators=[max_length(10, "Postcode"), uk_postcode()],
        widget=GovTextInput(),
    )

    advocate_name = StringField(
        "Your advocate's name",
        filters=[clean_text],
        validators=[max_length(NAME_LIMIT, "Your advocate's name")],
        widget=GovTextInput(),
    )
    advocate_email = StringField(
        "Your advocate's email address",
        filters=[clean_text],
        validators=[max_length(254, "Your advocate's email address"), email_address()],
        widget=GovTextInput(),
    )

    REQUIRED_FOR = {
        ContactPreference.EMAIL.value: ("email", "Enter your email address"),
        ContactPreference.PHONE.value: ("phone", "Enter your phone number"),
        ContactPreference.POST.value: ("address", "Enter your address"),
        ContactPreference.ADVOCATE.value: ("advocate_email", "Enter your advocate's email address"),
    }

    def adapt(self, teams: list[tuple[str, str, str]]) -> None:
        if not self.child:
            del self.advocate_name
            del self.advocate_email
            self.contact_preference.choices = [
                choice
                for choice in self.contact_preference.choices
                if choice[0] != ContactPreference.ADVOCATE.value
            ]
        else:
            self.contact_preference.label.text = "How should we get in touch with you?"

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # Only the chosen way's details are needed; the others stay optional.
        chosen = self.REQUIRED_FOR.get(self.contact_preference.data or "")
        # An adult has no advocate fields: "advocate" left from answering as a child is
        # already refused as a choice, and must not break the page.
        if chosen and chosen[0] in self:
            field = self[chosen[0]]
            if not field.data and not field.errors:
                field.errors = [chosen[1]]
                valid = False
        if (
            self.contact_preference.data == ContactPreference.POST.value
            and not self.postcode.data
            and not self.postcode.errors
        ):
            self.postcode.errors = ["Enter your postcode"]
            valid = False
        return valid


class SupportForm(QuestionForm):
    support = SelectMultipleField(
        "Do you need any help to talk to us?",
        description="Select all that apply.",
        choices=[
            (SupportNeed.INTERPRETER.value, "An interpreter"),
            (SupportNeed.BSL.value, "British Sign Language (BSL)"),
            (SupportNeed.EASY_READ.value, "Easy read letters"),
            (SupportNeed.LARGE_PRINT.value, "Large print"),
            (SupportNeed.OTHER.value, "Something else"),
            ("none", "No, I do not need help"),
        ],
        validators=[required("Select the help you need, or no, I do not need help")],
        widget=GovCheckboxesInput(),
    )
    interpreter_language = StringField(
        "Which language?",
        filters=[clean_text],
        validators=[max_length(100, "The language")],
        widget=GovTextInput(),
    )
    other_support = StringField(
        "What help do you need?",
        filters=[clean_text],
        validators=[max_length(SHORT_LIMIT, "Your answer")],
        widget=GovTextInput(),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        chosen = self.support.data or []
        if "none" in chosen and len(chosen) > 1:
            self.support.errors = ["Select the help you need, or select no, I do not need help"]
            valid = False
        if SupportNeed.INTERPRETER.value in chosen and not self.interpreter_language.data:
            self.interpreter_language.errors = ["Enter the language you need an interpreter for"]
            valid = False
        if SupportNeed.OTHER.value in chosen and not self.other_support.data:
            self.other_support.errors = ["Enter the help you need"]
            valid = False
        return valid


class FilesForm(QuestionForm):
    """Files are uploaded one at a time on their own page (public/views.py); the step
    has no fields of its own, and sending no file is fine."""

    class Meta:
        # The files page records no answers, so no token is kept with the step to check
        # again when check your answers is shown (CSRFProtect guards the page's posts).
        csrf = False


FORMS: dict[str, type[QuestionForm]] = {
    "who-are-you": WhoAreYouForm,
    "are-you-safe": AreYouSafeForm,
    "your-organisation": OrganisationForm,
    "about-the-child": AboutTheChildForm,
    "the-childs-views": ChildViewsForm,
    "your-age": YourAgeForm,
    "what-it-is-about": WhatItIsAboutForm,
    "what-happened": WhatHappenedForm,
    "put-it-right": PutItRightForm,
    "advocate": AdvocateForm,
    "contact": ContactForm,
    "support": SupportForm,
    "files": FilesForm,
}


class SaveForLaterForm(FlaskForm):
    email = StringField(
        "Email address",
        description="We will send you a link to carry on. It works for 7 days.",
        filters=[clean_text],
        validators=[
            required("Enter your email address"),
            max_length(254, "Email address"),
            email_address(),
        ],
        widget=GovTextInput(),
    )
    question = RadioField(
        "Choose a question only you know the answer to",
        validators=[required("Choose a question")],
        widget=GovRadioInput(),
    )
    answer = StringField(
        "Your answer",
        description="You will need this to see your answers again.",
        filters=[clean_text],
        validators=[required("Enter your answer"), max_length(100, "Your answer")],
        widget=GovTextInput(),
    )


class ReturnAnswerForm(FlaskForm):
    answer = StringField(
        "Your answer",
        filters=[clean_text],
        validators=[required("Enter your answer"), max_length(100, "Your answer")],
        widget=GovTextInput(),
    )


class ReturnCodeForm(FlaskForm):
    code = StringField(
        "Code",
        description="The 6 numbers we sent to your email.",
        filters=[clean_text],
        validators=[required("Enter the code"), max_length(10, "The code")],
        widget=GovTextInput(),
    )
