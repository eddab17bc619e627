"""One form per question page. Each knows the words for a child and for an adult.

A child's words are tested to read at grade 6 or below (tests/browser/test_readability.py).
"""

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from wtforms import (
    Field,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, ValidationError

from portal.domain import labels
from portal.domain.answers import age_to_check, applies, date_fits_when
from portal.domain.clock import LONDON
from portal.domain.contact_safety import NONE_SAFE, SAFE_LETTERS, SAFE_PHONE, SAFE_VOICEMAIL
from portal.domain.references import whole_references
from portal.domain.routing import age_on
from portal.domain.search import email_in, phone_keys
from portal.domain.types import (
    AdvocacyAnswer,
    ContactPreference,
    Kind,
    SubmitterRole,
    SupportNeed,
    WhenItHappened,
)
from portal.fields import (
    AskedToCheck,
    GovCharacterCount,
    GovCheckboxesInput,
    GovDateField,
    GovRadioInput,
    GovTextInput,
    PortalForm,
    clean_text,
    email_address,
    max_length,
    not_in_future,
    plain_characters,
    postcode_text,
    required,
    translated_choices,
    uk_mobile_number,
    uk_phone,
    uk_postcode,
)
from portal.i18n import lazy_gettext as _l
from portal.services.common import texts_can_be_sent

NOT_SURE = "not_sure"

# Shared limits: long enough for a full account, short enough to stop abuse.
NAME_LIMIT = 200
STORY_LIMIT = 5000
SHORT_LIMIT = 500


def today() -> date:
    """Today in England and Wales, whatever the server's time zone."""
    return datetime.now(LONDON).date()


class QuestionForm(PortalForm):
    """A question page. `kind` and `role` decide the words and which fields apply."""

    class Meta:
        # The form carries no token of its own: CSRFProtect checks every post before the
        # view runs (and views.csrf_failed keeps what was typed). So no token is stored
        # with the answers, and answers saved in one session check out in another
        # (after "save and come back later", in a new browser).
        csrf = False

    def __init__(
        self,
        formdata: Any = None,
        *,
        kind: Kind,
        role: SubmitterRole | None,
        teams: list[tuple[str, str, str]] | None = None,
        earlier: dict[str, dict[str, list[str]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(formdata=formdata, **kwargs)
        self.journey_kind = kind
        self.submitter_role = role
        self.child = role is SubmitterRole.CHILD
        # What the person answered on earlier pages (as typed), for a question that
        # depends on them: "Through my advocate" only for someone who has one.
        self.earlier = earlier or {}
        self.earlier_read: set[tuple[str, str]] = set()  # (step, name) of each one read
        self.earlier_choices_read: set[tuple[str, str]] = set()  # of those, our own values
        self.adapt(teams or [])

    def shares_rendered_fields(self) -> bool:
        # A question whose words come from an earlier answer typed is this person's own;
        # one that only offers other choices after an earlier choice is anyone's.
        return self.earlier_read <= self.earlier_choices_read

    def adapt(self, teams: list[tuple[str, str, str]]) -> None:
        """Set the words and drop fields that do not apply to this person."""

    def applicable(self) -> dict[str, Field]:
        """The fields whose answers apply: not a box revealed by a choice the person
        no longer makes (portal/domain/answers.py)."""
        data = {name: field.data for name, field in self._fields.items()}
        return {
            name: field
            for name, field in self._fields.items()
            if applies(name, data) and not isinstance(field, AskedToCheck)
        }

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        applicable = self.applicable()
        for name, field in self._fields.items():
            if name not in applicable:
                field.errors = []  # an email box left under "Email", after choosing phone
        return not any(field.errors for field in self)

    def earlier_answer(self, step: str, name: str) -> str | None:
        self.earlier_read.add((step, name))
        values = self.earlier.get(step, {}).get(name)
        return values[0] if values else None

    def earlier_choice(self, step: str, name: str) -> str | None:
        """An earlier answer that is one of our choices (nothing the person typed)."""
        self.earlier_choices_read.add((step, name))
        return self.earlier_answer(step, name)

    def asks_again(self) -> bool:
        """Whether the page is shown once more, with more to read, before moving on
        (a person not sure about an advocate is told what one is, then asked again)."""
        return False

    def answers(self) -> dict[str, Any]:
        return {name: field.data for name, field in self.applicable().items()}


ROLE_CHOICES = translated_choices(labels.ROLE_ANSWERS)


class WhoAreYouForm(QuestionForm):
    role = RadioField(
        _l("Who are you?"),
        choices=ROLE_CHOICES,
        validators=[required(_l("Select who you are"))],
        widget=GovRadioInput(),
    )


DANGER_CHOICES = [("yes", _l("Yes")), ("no", _l("No")), (NOT_SURE, _l("I'm not sure"))]


class AreYouSafeForm(QuestionForm):
    """The danger question, asked of everyone in words for who they are. "Yes" and "I'm
    not sure" both count as yes (docs/safeguarding-what-happens.md)."""

    in_danger = RadioField(
        _l("Is a child in danger now?"),
        description=_l(
            "For example, someone is hurting a child or might hurt them, or a child is "
            "scared to go home."
        ),
        choices=DANGER_CHOICES,
        validators=[required(_l("Select yes, no or I'm not sure"))],
        widget=GovRadioInput(),
    )

    def adapt(self, teams: list[tuple[str, str, str]]) -> None:
        if self.child:
            self.in_danger.label.text = _l("Is anyone hurting you, or do you feel scared at home?")
            self.in_danger.description = _l("It is OK to tell us. We want you to be safe.")
            self.in_danger.validators = [required(_l("Choose yes, no or I'm not sure"))]


class ContactTodayForm(PortalForm):
    """Asked when something worried us: "Do you want us to contact you today?", and if
    so on which phone number or email address (the one they gave us, filled in, or
    another they type)."""

    contact_today = RadioField(
        _l("Do you want someone from our safeguarding team to contact you today?"),
        choices=[("yes", _l("Yes, contact me today")), ("no", _l("No, not today"))],
        validators=[required(_l("Select yes or no"))],
        widget=GovRadioInput(),
    )
    contact_detail = StringField(
        _l("Which phone number or email address should we use?"),
        filters=[clean_text],
        validators=[max_length(254, _l("The phone number or email address"))],
        widget=GovTextInput(),
    )

    def __init__(self, *args: Any, child: bool, known: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if child:
            self.contact_today.label.text = _l("Do you want someone to contact you today?")
            self.contact_today.validators = [required(_l("Choose yes or no"))]
        given = known.get("phone") or known.get("email")
        if given:
            self.contact_detail.description = _l(
                "We have filled in the one you gave us. You can change it."
            )
            if not self.contact_detail.raw_data:
                self.contact_detail.data = given

    def shares_rendered_fields(self) -> bool:
        # Our words only: the phone number or email address filled in is typed text
        # (a placeholder in what is kept, portal/fields.py).
        return True

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        detail = self.contact_detail
        # The phone number or email address is asked only under "yes".
        if self.contact_today.data != "yes":
            detail.errors = []
        elif not detail.errors and not detail.data:
            detail.errors = [_l("Enter a phone number or email address")]
        elif not detail.errors and not _phone_or_email(self, detail.data):
            detail.errors = [_l("Enter a phone number, like 07700 900 982, or an email address")]
        return not any(field.errors for field in self)

    def reach(self) -> str | None:
        """The phone number or email address to use today, when they want us to."""
        return self.contact_detail.data or None if self.contact_today.data == "yes" else None


def _phone_or_email(form: PortalForm, text: str) -> bool:
    """Passes the contact page's own check of a phone number or of an email address."""
    check = email_address() if "@" in text else uk_phone()

    class Typed:
        data = text

    try:
        check(form, Typed())
    except ValidationError:
        return False
    return True


class OrganisationForm(QuestionForm):
    organisation = StringField(
        _l("What is the name of your organisation?"),
        filters=[clean_text],
        widget=GovTextInput(),
    )
    professional_type = RadioField(
        _l("Where do you work?"),
        choices=[
            ("school", _l("A school or college")),
            ("health", _l("Health, like a GP or hospital")),
            ("other", _l("Somewhere else")),
        ],
        widget=GovRadioInput(),
    )

    def adapt(self, teams: list[tuple[str, str, str]]) -> None:
        if self.submitter_role is SubmitterRole.ADVOCATE:
            del self.professional_type
            self.organisation.description = _l("For example, the advocacy service you work for")
            self.organisation.validators = [
                required(_l("Enter the name of your organisation")),
                max_length(NAME_LIMIT, _l("The name of your organisation")),
            ]
        else:
            self.organisation.label.text = _l("What is the name of your organisation? (optional)")
            self.organisation.validators = [
                max_length(NAME_LIMIT, _l("The name of your organisation"))
            ]
            self.professional_type.validators = [required(_l("Select where you work"))]


class AboutTheChildForm(QuestionForm):
    child_name = StringField(
        _l("What is the child's name?"),
        filters=[clean_text],
        validators=[
            required(_l("Enter the child's name")),
            max_length(NAME_LIMIT, _l("The child's name")),
        ],
        widget=GovTextInput(),
    )
    child_date_of_birth = GovDateField(
        _l("What is their date of birth?"),
        what=_l("Their date of birth"),
        description=_l("For example, 27 3 2012. If you do not know it, tell us their age below."),
        validators=[Optional(), not_in_future(today, _l("Their date of birth"))],
    )
    child_age = IntegerField(
        _l("If you do not know their date of birth, how old are they?"),
        validators=[
            Optional(),
            NumberRange(min=0, max=25, message=_l("Enter an age between 0 and 25")),
        ],
        widget=GovTextInput(),
    )
    asked_to_check = AskedToCheck()

    def process(
        self, formdata: Any = None, obj: Any = None, data: Any = None, **kwargs: Any
    ) -> None:
        super().process(formdata, obj, data, **kwargs)
        # IntegerField's own message is not GOV.UK wording.
        age = self.child_age
        if age.process_errors:
            age.process_errors = [_l("Enter their age as a number, like 12")]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        dob = self.child_date_of_birth
        age_typed = bool(self.child_age.raw_data and self.child_age.raw_data[0].strip())
        if dob.raw_parts is None and not age_typed:
            dob.errors = [_l("Enter their date of birth or their age")]
            valid = False
        if not valid:
            return False
        # Care leavers are in scope up to 25: older than that is more likely a slip.
        if dob.data and age_to_check(age_on(dob.data, today())):
            return self.asked_to_check.confirmed(
                f"born {dob.data.isoformat()}",
                dob,
                _l(
                    "Check their date of birth. It means they are 25 or older. "
                    "If it is right, press Continue"
                ),
            )
        age = self.child_age.data
        if not dob.data and age is not None and age_to_check(age):
            return self.asked_to_check.confirmed(
                f"age {age}",
                self.child_age,
                _l("Check their age. If they are 25 or older, press Continue"),
            )
        return True


class ChildViewsForm(QuestionForm):
    child_agreement = RadioField(
        _l("Does the child know about this, and do they agree with it?"),
        choices=translated_choices(labels.CHILD_AGREEMENT),
        validators=[required(_l("Select whether the child knows and agrees"))],
        widget=GovRadioInput(),
    )
    child_reply_preference = RadioField(
        _l("How does the child want to hear what happens?"),
        choices=translated_choices(labels.REPLY_PREFERENCES),
        validators=[required(_l("Select how the child wants to hear what happens"))],
        widget=GovRadioInput(),
    )

    def adapt(self, teams: list[tuple[str, str, str]]) -> None:
        if self.journey_kind is Kind.ADVOCACY:
            self.child_agreement.label.text = _l(
                "Does the child know you are asking for an advocate, and do they agree?"
            )
        if self.submitter_role is SubmitterRole.ADVOCATE:
            # The advocate writing is the child's advocate: "through me" says it once.
            self.child_reply_preference.choices = [
                choice
                for choice in self.child_reply_preference.choices
                if choice[0] != "through_advocate"
            ]


class YourAgeForm(QuestionForm):
    age = IntegerField(
        _l("How old are you?"),
        description=_l("You can use the procedure up to the age of 25 if you have left care."),
        validators=[
            required(_l("Enter how old you are")),
            NumberRange(min=0, max=25, message=_l("Enter an age between 0 and 25")),
        ],
        widget=GovTextInput(),
    )
    asked_to_check = AskedToCheck()

    def process(
        self, formdata: Any = None, obj: Any = None, data: Any = None, **kwargs: Any
    ) -> None:
        super().process(formdata, obj, data, **kwargs)
        if self.age.process_errors:
            self.age.process_errors = [_l("Enter your age as a number, like 12")]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # `required` sees no number and would say "Enter how old you are" to someone
        # who typed "ten": tell them what was wrong with what they typed instead.
        typed = bool(self.age.raw_data and self.age.raw_data[0].strip())
        if typed and self.age.process_errors:
            self.age.errors = list(self.age.process_errors)
        if valid and age_to_check(self.age.data):
            return self.asked_to_check.confirmed(
                f"age {self.age.data}",
                self.age,
                _l("Check your age. If you are 25 or older, press Continue"),
            )
        return valid


# A child says who it is about in their own words; each answer is a hint for routing
# (CHILD_TOPIC_TEAMS in configuration), and staff keep the team.
CHILD_TOPIC_CHOICES = translated_choices(labels.CHILD_TOPICS)


class WhatItIsAboutForm(QuestionForm):
    team = RadioField(
        _l("Which service is it about?"),
        validators=[required(_l("Select which service it is about, or I'm not sure"))],
        widget=GovRadioInput(),
    )
    about = RadioField(
        _l("Who is it about?"),
        description=_l("Choose the one that fits best. You can tell us more on the next page."),
        choices=CHILD_TOPIC_CHOICES,
        validators=[required(_l("Choose who it is about, or I'm not sure"))],
        widget=GovRadioInput(),
    )
    worker_name = StringField(
        _l("Is there a worker you want to thank? Tell us their name (optional)"),
        filters=[clean_text],
        validators=[max_length(NAME_LIMIT, _l("The worker's name"))],
        widget=GovTextInput(),
    )

    def adapt(self, teams: list[tuple[str, str, str]]) -> None:
        self.team.choices = [(value, label) for value, label, _ in teams] + [
            (NOT_SURE, _l("I'm not sure"))
        ]
        self.team_hints = {value: hint for value, _, hint in teams}
        # A child is asked a question a child can answer, not the council's services.
        if self.child:
            del self.team
        else:
            del self.about
        if self.journey_kind is not Kind.COMPLIMENT:
            del self.worker_name
        elif self.child:
            self.about.label.text = _l("Who do you want to thank?")
            self.about.description = _l("Choose the one that fits best.")
            self.about.validators = [required(_l("Choose who you want to thank, or I'm not sure"))]
            self.worker_name.label.text = _l(
                "Is there a worker you want to thank? Tell us their name (you can leave it out)"
            )
        else:
            self.team.label.text = _l("Which team do you want to thank?")
            self.team.validators = [required(_l("Select which team, or I'm not sure"))]

    @property
    def question(self) -> Any:
        """The page's question: the child's own or the services."""
        return self.about if self.child else self.team


WHEN_CHOICES = translated_choices(labels.WHEN_IT_HAPPENED)


class WhatHappenedForm(QuestionForm):
    what_happened = TextAreaField(
        _l("What happened?"),
        filters=[clean_text],
        widget=GovCharacterCount(),
    )
    when_it_happened = RadioField(
        _l("When did it happen?"),
        choices=WHEN_CHOICES,
        validators=[required(_l("Select when it happened"))],
        widget=GovRadioInput(),
    )
    event_date = GovDateField(
        _l("If you know the date it happened, tell us (optional)"),
        what=_l("The date it happened"),
        description=_l("For example, 14 6 2026"),
        validators=[Optional(), not_in_future(today, _l("The date it happened"))],
    )
    also_complain = RadioField(
        _l("Do you want to make a complaint as well?"),
        choices=[
            ("yes", _l("Yes, I want to make a complaint too")),
            ("already", _l("I have already made a complaint")),
            ("no", _l("No")),
        ],
        validators=[required(_l("Select whether you want to make a complaint as well"))],
        widget=GovRadioInput(),
    )

    def adapt(self, teams: list[tuple[str, str, str]]) -> None:
        words = {
            (Kind.COMPLAINT, False): (
                _l("What happened?"),
                _l(
                    "Tell us what went wrong, who was involved and how it affected you or the "
                    "child."
                ),
                _l("Enter what happened"),
            ),
            (Kind.COMPLAINT, True): (
                _l("What happened?"),
                _l("Tell us what went wrong and how it made you feel."),
                _l("Tell us what happened"),
            ),
            (Kind.REPRESENTATION, False): (
                _l("What is wrong?"),
                _l("Tell us what is wrong and how it affects you or the child."),
                _l("Enter what is wrong"),
            ),
            (Kind.REPRESENTATION, True): (
                _l("What is wrong?"),
                _l("Tell us what is wrong and how it makes you feel."),
                _l("Tell us what is wrong"),
            ),
            (Kind.COMPLIMENT, False): (
                _l("What would you like to tell us?"),
                _l("Tell us what the team or worker did well."),
                _l("Enter what you would like to tell us"),
            ),
            (Kind.COMPLIMENT, True): (
                _l("What would you like to tell us?"),
                _l("Tell us what they did well."),
                _l("Tell us what you want to say"),
            ),
            (Kind.ADVOCACY, False): (
                _l("What would you like help with?"),
                _l("Tell us what the child wants to say, or what is going on."),
                _l("Enter what you would like help with"),
            ),
            (Kind.ADVOCACY, True): (
                _l("What would you like help with?"),
                _l("Tell us what you want to say, or what is going on."),
                _l("Tell us what you want help with"),
            ),
        }
        label, hint, missing = words[(self.journey_kind, self.child)]
        self.what_happened.label.text = label
        self.what_happened.description = hint
        self.what_happened.validators = [
            required(missing),
            max_length(STORY_LIMIT, _l("Your answer")),
        ]
        if self.journey_kind not in (Kind.COMPLAINT, Kind.REPRESENTATION):
            del self.when_it_happened
            del self.event_date
        if self.journey_kind is not Kind.ADVOCACY:
            del self.also_complain
        elif self.child:
            self.also_complain.label.text = _l("Do you want to make a complaint too?")

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not valid or "event_date" not in self or not self.event_date.data:
            return valid
        when = WhenItHappened(self.when_it_happened.data)
        if date_fits_when(when, self.event_date.data, today()):
            return True
        self.event_date.errors = [DATE_DOES_NOT_FIT[when]]
        return False


# An event date outside the rough time chosen for it, beside the date.
DATE_DOES_NOT_FIT = {
    WhenItHappened.LAST_MONTH: _l(
        "The date it happened must be in the last month, or choose another answer to when "
        "it happened"
    ),
    WhenItHappened.LAST_YEAR: _l(
        "The date it happened must be between 1 and 12 months ago, or choose another answer "
        "to when it happened"
    ),
    WhenItHappened.OVER_A_YEAR: _l(
        "The date it happened must be more than a year ago, or choose another answer to when "
        "it happened"
    ),
}


class PutItRightForm(QuestionForm):
    put_right = TextAreaField(
        _l("What would put it right?"),
        description=_l("For example, an apology, a change to what happens, or a meeting."),
        filters=[clean_text],
        validators=[
            required(_l("Enter what would put it right")),
            max_length(3000, _l("Your answer")),
        ],
        widget=GovCharacterCount(),
    )

    def adapt(self, teams: list[tuple[str, str, str]]) -> None:
        if self.child:
            self.put_right.label.text = _l("What would make it better?")
            self.put_right.description = _l(
                "For example, saying sorry, or a change to what happens."
            )
            self.put_right.validators = [
                required(_l("Tell us what would make it better")),
                max_length(3000, _l("Your answer")),
            ]


class AdvocateForm(QuestionForm):
    advocacy = RadioField(
        _l("Would the child like an advocate?"),
        choices=[
            (AdvocacyAnswer.ACCEPTED.value, _l("Yes, please arrange an advocate")),
            (AdvocacyAnswer.ALREADY_HAS_ONE.value, _l("They already have an advocate")),
            (AdvocacyAnswer.DECLINED.value, _l("No, thank you")),
            (AdvocacyAnswer.NOT_SURE.value, _l("Not sure yet")),
        ],
        validators=[required(_l("Select whether the child would like an advocate"))],
        widget=GovRadioInput(),
    )

    def asks_again(self) -> bool:
        # "Not sure" first shows what an advocate is and does, then the question again.
        return bool(self.advocacy.data == AdvocacyAnswer.NOT_SURE.value)

    def adapt(self, teams: list[tuple[str, str, str]]) -> None:
        if self.child:
            self.advocacy.label.text = _l(
                "Would you like someone to help you speak up (an advocate)?"
            )
            self.advocacy.choices = [
                (AdvocacyAnswer.ACCEPTED.value, _l("Yes, please")),
                (AdvocacyAnswer.ALREADY_HAS_ONE.value, _l("I already have one")),
                (AdvocacyAnswer.DECLINED.value, _l("No, thank you")),
                (AdvocacyAnswer.NOT_SURE.value, _l("I'm not sure yet")),
            ]
            self.advocacy.validators = [required(_l("Choose if you would like an advocate"))]


class ContactForm(QuestionForm):
    name = StringField(
        _l("What is your name?"),
        filters=[clean_text],
        validators=[required(_l("Enter your name")), max_length(NAME_LIMIT, _l("Your name"))],
        widget=GovTextInput(),
    )
    contact_preference = RadioField(
        _l("How should we contact you?"),
        choices=translated_choices(labels.CONTACT_PREFERENCES),
        validators=[required(_l("Select how we should contact you"))],
        widget=GovRadioInput(),
    )
    email = StringField(
        _l("Email address"),
        filters=[clean_text],
        validators=[max_length(254, _l("Email address")), email_address()],
        widget=GovTextInput(),
    )
    phone = StringField(
        _l("Phone number"),
        filters=[clean_text, plain_characters],
        validators=[max_length(40, _l("Phone number")), uk_phone()],
        widget=GovTextInput(),
    )
    mobile = StringField(
        _l("Mobile phone number"),
        description=_l(
            "Our texts only say that there is news, with a link to read it. They never say "
            "what you told us, but anyone who reads your phone will see they come from us."
        ),
        filters=[clean_text, plain_characters],
        validators=[max_length(40, _l("Mobile phone number")), uk_mobile_number()],
        widget=GovTextInput(),
    )
    address = TextAreaField(
        _l("Address"),
        filters=[clean_text],
        validators=[max_length(SHORT_LIMIT, _l("Address"))],
        widget=GovCharacterCount(),
    )
    postcode = StringField(
        _l("Postcode"),
        filters=[clean_text, postcode_text],
        validators=[max_length(10, _l("Postcode")), uk_postcode()],
        widget=GovTextInput(),
    )

    advocate_name = StringField(
        _l("Your advocate's name"),
        filters=[clean_text],
        validators=[max_length(NAME_LIMIT, _l("Your advocate's name"))],
        widget=GovTextInput(),
    )
    advocate_email = StringField(
        _l("Your advocate's email address"),
        filters=[clean_text],
        validators=[max_length(254, _l("Your advocate's email address")), email_address()],
        widget=GovTextInput(),
    )
    # Asked of everyone: someone they live with may hear a call or open the post.
    safe_to_contact = SelectMultipleField(
        _l("Is it safe for us to do any of these?"),
        description=_l(
            "Someone you live with might hear a phone call or open your post. Select all "
            "that are safe. We will not do the others."
        ),
        choices=[
            (SAFE_PHONE, _l("Phone you")),
            (SAFE_VOICEMAIL, _l("Leave a voicemail if you do not answer")),
            (SAFE_LETTERS, _l("Send letters to your address")),
            (NONE_SAFE, _l("None of these are safe")),
        ],
        validators=[required(_l("Select what is safe for us to do, or none of these are safe"))],
        widget=GovCheckboxesInput(),
    )

    REQUIRED_FOR = {
        ContactPreference.EMAIL.value: ("email", _l("Enter your email address")),
        ContactPreference.PHONE.value: ("phone", _l("Enter your phone number")),
        ContactPreference.POST.value: ("address", _l("Enter your address")),
        ContactPreference.ADVOCATE.value: (
            "advocate_email",
            _l("Enter your advocate's email address"),
        ),
        ContactPreference.TEXT.value: ("mobile", _l("Enter your mobile phone number")),
    }

    def adapt(self, teams: list[tuple[str, str, str]]) -> None:
        # "Through my advocate" only for a child who told us they have one.
        has_advocate = (
            self.earlier_choice("advocate", "advocacy") == AdvocacyAnswer.ALREADY_HAS_ONE.value
        )
        not_offered = set()
        if not (self.child and has_advocate):
            del self.advocate_name
            del self.advocate_email
            not_offered.add(ContactPreference.ADVOCATE.value)
        if not texts_can_be_sent():
            del self.mobile
            not_offered.add(ContactPreference.TEXT.value)
        self.contact_preference.choices = [
            choice for choice in self.contact_preference.choices if choice[0] not in not_offered
        ]
        if self.child:
            self.contact_preference.label.text = _l("How should we get in touch with you?")
            if "mobile" in self:
                self.mobile.label.text = _l("Your mobile number")
                self.mobile.description = _l(
                    "Our texts only say there is news and give a link. They never say what "
                    "you wrote. But anyone who looks at your phone will see they are from us."
                )
            self.safe_to_contact.label.text = _l("Is it safe for us to do these things?")
            self.safe_to_contact.description = _l(
                "Someone at home might hear a call or read your letters. Tick what is safe. "
                "We will not do the others."
            )
            self.safe_to_contact.choices = [
                (SAFE_PHONE, _l("Phone you")),
                (SAFE_VOICEMAIL, _l("Leave a message on your phone if you do not answer")),
                (SAFE_LETTERS, _l("Send you letters")),
                (NONE_SAFE, _l("None of these are safe")),
            ]
            self.safe_to_contact.validators = [
                required(_l("Tick what is safe for us to do, or none of these are safe"))
            ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        valid = self._check_safe_ways() and valid
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
            self.postcode.errors = [_l("Enter your postcode")]
            valid = False
        return valid

    def _check_safe_ways(self) -> bool:
        """The safe ways must not contradict themselves, or the way we are asked to use."""
        field = self.safe_to_contact
        chosen = field.data or []
        if field.errors or not chosen:
            return not field.errors
        preference = self.contact_preference.data
        problem = None
        if NONE_SAFE in chosen and len(chosen) > 1:
            problem = _l("Select what is safe for us to do, or select none of these are safe")
        elif SAFE_VOICEMAIL in chosen and SAFE_PHONE not in chosen:
            problem = (
                _l("We can only leave a message if we can phone you: tick phone you too")
                if self.child
                else _l("We can only leave a voicemail if we can phone you: select phone you too")
            )
        elif preference == ContactPreference.PHONE.value and SAFE_PHONE not in chosen:
            problem = _l(
                "You asked us to phone you: select phone you, or choose another way to contact you"
            )
        elif preference == ContactPreference.POST.value and SAFE_LETTERS not in chosen:
            problem = _l(
                "You asked us to write to you: select send letters, or choose another way "
                "to contact you"
            )
        if problem is not None:
            field.errors = [problem]
            return False
        return True


# The help a person can ask for; the back office names it the same way.
SUPPORT_CHOICES = translated_choices(labels.SUPPORT_NEEDS)


class SupportForm(QuestionForm):
    support = SelectMultipleField(
        _l("Do you need any help to talk to us?"),
        description=_l("Select all that apply."),
        choices=[*SUPPORT_CHOICES, ("none", _l("No, I do not need help"))],
        validators=[required(_l("Select the help you need, or no, I do not need help"))],
        widget=GovCheckboxesInput(),
    )
    interpreter_language = StringField(
        _l("Which language?"),
        filters=[clean_text],
        validators=[max_length(100, _l("The language"))],
        widget=GovTextInput(),
    )
    other_support = StringField(
        _l("What help do you need?"),
        filters=[clean_text],
        validators=[max_length(SHORT_LIMIT, _l("Your answer"))],
        widget=GovTextInput(),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        chosen = self.support.data or []
        if "none" in chosen and len(chosen) > 1:
            self.support.errors = [_l("Select the help you need, or select no, I do not need help")]
            valid = False
        if SupportNeed.INTERPRETER.value in chosen and not self.interpreter_language.data:
            self.interpreter_language.errors = [
                _l("Enter the language you need an interpreter for")
            ]
            valid = False
        if SupportNeed.OTHER.value in chosen and not self.other_support.data:
            self.other_support.errors = [_l("Enter the help you need")]
            valid = False
        return valid


class FilesForm(QuestionForm):
    """Files are uploaded one at a time on their own page (public/views.py); the step
    has no fields of its own, and sending no file is fine."""


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


class SaveForLaterForm(PortalForm):
    email = StringField(
        _l("Email address"),
        filters=[clean_text],
        validators=[
            required(_l("Enter your email address")),
            max_length(254, _l("Email address")),
            email_address(),
        ],
        widget=GovTextInput(),
    )
    question = RadioField(
        _l("Choose a question only you know the answer to"),
        validators=[required(_l("Choose a question"))],
        widget=GovRadioInput(),
    )
    answer = StringField(
        _l("Your answer"),
        description=_l("You will need this to see your answers again."),
        filters=[clean_text],
        validators=[required(_l("Enter your answer")), max_length(100, _l("Your answer"))],
        widget=GovTextInput(),
    )

    def shares_rendered_fields(self) -> bool:
        return True  # our words only; what is typed is a placeholder (portal/fields.py)


class ReturnAnswerForm(PortalForm):
    answer = StringField(
        _l("Your answer"),
        filters=[clean_text],
        validators=[required(_l("Enter your answer")), max_length(100, _l("Your answer"))],
        widget=GovTextInput(),
    )


class ReturnCodeForm(PortalForm):
    code = StringField(
        _l("Code"),
        description=_l("The 6 numbers we sent to your email."),
        filters=[clean_text],
        validators=[required(_l("Enter the code")), max_length(10, _l("The code"))],
        widget=GovTextInput(),
    )


# --- find your complaint: a fresh link to the tracking page (issue 17) -------------------


class FindYourComplaintForm(PortalForm):
    reference = StringField(
        _l("Reference number"),
        description=_l("It is in the email or letter we sent you, like CSC-2026-0123."),
        filters=[clean_text],
        validators=[
            required(_l("Enter your reference number")),
            # Room for the sentence it may be copied with ("Your reference number is ...").
            max_length(200, _l("Reference number")),
        ],
        widget=GovTextInput(),
    )
    contact = StringField(
        _l("Email address or phone number"),
        description=_l("The one you gave us when you got in touch."),
        filters=[clean_text],
        validators=[
            required(_l("Enter the email address or phone number you gave us")),
            max_length(254, _l("Email address or phone number")),
        ],
        widget=GovTextInput(),
    )

    def validate_reference(self, field: Field) -> None:
        if not whole_references(field.data or ""):
            raise ValidationError(
                _("Enter the reference number as it is in our email or letter, like CSC-2026-0123")
            )

    def validate_contact(self, field: Field) -> None:
        typed = field.data or ""
        if not (email_in(typed) if "@" in typed else phone_keys(typed)):
            raise ValidationError(
                _(
                    "Enter an email address, like name@example.com, or a phone number, "
                    "like 07700 900 982"
                )
            )


# --- feedback on the handling, after the case closes (issue 8) ---------------------------

# One five-point scale (5 the best), in adults' words and in a child's.
AGREE_CHOICES = [
    ("5", _l("Strongly agree")),
    ("4", _l("Agree")),
    ("3", _l("Neither agree nor disagree")),
    ("2", _l("Disagree")),
    ("1", _l("Strongly disagree")),
]
CHILD_CHOICES = [
    ("5", _l("Yes, definitely")),
    ("4", _l("Yes, mostly")),
    ("3", _l("Not sure")),
    ("2", _l("Not really")),
    ("1", _l("No, not at all")),
]
FEEDBACK_COMMENT_LIMIT = 1000


def _rating(label: Any, missing: Any) -> RadioField:
    return RadioField(
        label, choices=AGREE_CHOICES, validators=[required(missing)], widget=GovRadioInput()
    )


class FeedbackForm(PortalForm):
    """The questionnaire: a statement to agree or disagree with for an adult, a
    question in simple words for a child (`child=True`), on the same scale."""

    easy = _rating(
        _l("It was easy to make my complaint"),
        _l("Select how much you agree that it was easy to make your complaint"),
    )
    informed = _rating(
        _l("You kept me informed about what was happening"),
        _l("Select how much you agree that we kept you informed"),
    )
    on_time = _rating(
        _l("You replied when you said you would"),
        _l("Select how much you agree that we replied when we said we would"),
    )
    respect = _rating(
        _l("You treated me with respect"),
        _l("Select how much you agree that we treated you with respect"),
    )
    satisfied = _rating(
        _l("Overall, I am satisfied with the way my complaint was handled"),
        _l("Select how much you agree that you are satisfied with how it was handled"),
    )
    comment = TextAreaField(
        _l("Is there anything else you want to tell us about how we handled it? (optional)"),
        description=_l(
            "Please do not include names or anything else that could identify someone. We "
            "may quote what you write, without names, in our annual report on complaints."
        ),
        filters=[clean_text],
        validators=[max_length(FEEDBACK_COMMENT_LIMIT, _l("Your answer"))],
        widget=GovCharacterCount(),
    )

    CHILD_WORDS = {
        "easy": (
            _l("Was it easy to tell us about your complaint?"),
            _l("Tell us if it was easy to tell us about your complaint"),
        ),
        "informed": (
            _l("Did we keep telling you what was happening?"),
            _l("Tell us if we kept telling you what was happening"),
        ),
        "on_time": (
            _l("Did we answer you when we said we would?"),
            _l("Tell us if we answered you when we said we would"),
        ),
        "respect": (
            _l("Did we treat you with respect?"),
            _l("Tell us if we treated you with respect"),
        ),
        "satisfied": (
            _l("Are you happy with how we dealt with your complaint?"),
            _l("Tell us if you are happy with how we dealt with your complaint"),
        ),
    }
    QUESTIONS = tuple(CHILD_WORDS)

    def __init__(self, *args: Any, child: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        if not child:
            return
        for name, (label, missing) in self.CHILD_WORDS.items():
            field = self[name]
            field.label.text = label
            field.choices = CHILD_CHOICES
            field.validators = [required(missing)]
        self.respect.description = _l("This means being polite and taking you seriously.")
        self.comment.label.text = _l(
            "Is there anything else you want to tell us? (you can leave this out)"
        )
        self.comment.description = _l(
            "Please do not write anyone's name. We might share what you write, without "
            "names, in a report about how we deal with complaints."
        )

    def ratings(self) -> dict[str, int]:
        return {name: int(self[name].data) for name in self.QUESTIONS}


# --- from the tracking page: the person's side of the case (issue 17) ----------------------

STEP_TEXT_LIMIT = 5000


class StepTextForm(PortalForm):
    """A reply, or more information (files beside it, read from the request)."""

    class Meta:
        csrf = False  # CSRFProtect checks every post (QuestionForm's Meta says why)

    text = TextAreaField(
        _l("Your message"),
        filters=[clean_text],
        validators=[max_length(STEP_TEXT_LIMIT, _l("Your message"))],
        widget=GovCharacterCount(),
    )


class MoreTimeForm(PortalForm):
    class Meta:
        csrf = False

    what_for = RadioField(
        _l("What do you need more time for?"),
        choices=[
            ("send_something", _l("To send us something, or tell us more")),
            ("stage2_decision", _l("To decide whether to ask for stage 2")),
        ],
        validators=[required(_l("Select what you need more time for"))],
        widget=GovRadioInput(),
    )
    text = TextAreaField(
        _l("How much more time do you need, and why?"),
        filters=[clean_text],
        validators=[
            required(_l("Enter how much more time you need, and why")),
            max_length(STEP_TEXT_LIMIT, _l("Your answer")),
        ],
        widget=GovCharacterCount(),
    )


class WithdrawForm(PortalForm):
    class Meta:
        csrf = False

    reason = TextAreaField(
        _l("Why do you want to stop? (optional)"),
        description=_l("You do not have to tell us."),
        filters=[clean_text],
        validators=[max_length(STEP_TEXT_LIMIT, _l("Your answer"))],
        widget=GovCharacterCount(),
    )


class Stage2Form(PortalForm):
    class Meta:
        csrf = False

    reasons = TextAreaField(
        _l("Why are you not happy with our reply?"),
        description=_l(
            "Tell us what you still want us to look at, and what you think would put it right."
        ),
        filters=[clean_text],
        validators=[
            required(_l("Enter why you are not happy with our reply")),
            max_length(STEP_TEXT_LIMIT, _l("Your answer")),
        ],
        widget=GovCharacterCount(),
    )


class Stage3Form(PortalForm):
    class Meta:
        csrf = False

    reasons = TextAreaField(
        _l("Why are you not happy with our stage 2 reply?"),
        description=_l("Tell us what you want the review panel to look at again."),
        filters=[clean_text],
        validators=[
            required(_l("Enter why you are not happy with our stage 2 reply")),
            max_length(STEP_TEXT_LIMIT, _l("Your answer")),
        ],
        widget=GovCharacterCount(),
    )


# --- the tracking page: copies to the child's advocate (issue 17) ---------------------------


class StopCopiesForm(PortalForm):
    stop = RadioField(
        _l("Do you want us to stop sending your advocate copies of our letters and messages?"),
        choices=[
            ("yes", _l("Yes, stop sending them copies")),
            ("no", _l("No, keep sending them copies")),
        ],
        validators=[required(_l("Select yes if you want us to stop sending copies"))],
        widget=GovRadioInput(),
    )
