"""Form pieces shared by every public question, with messages in GOV.UK wording.

Validators here set no HTML `required` flag: the browser's own validation would
pre-empt the GOV.UK error summary (and the Nu checker rejects it on the date wrapper).
"""

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field, Form
from wtforms.validators import StopValidation, ValidationError

from portal.security import sanitise

UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")

Validator = Callable[[Form, Field], None]


def required(message: str) -> Validator:
    def check(form: Form, field: Field) -> None:
        data = field.data
        if data is None or (isinstance(data, str | list) and not data):
            field.errors[:] = []
            raise StopValidation(message)

    return check


def max_length(limit: int, what: str) -> Validator:
    def check(form: Form, field: Field) -> None:
        if field.data and len(field.data) > limit:
            raise ValidationError(f"{what} must be {limit:,} characters or fewer")

    return check


def uk_phone(
    message: str = "Enter a phone number, like 01632 960 001 or 07700 900 982",
) -> Validator:
    def check(form: Form, field: Field) -> None:
        if not field.data:
            return
        try:
            number = phonenumbers.parse(field.data, "GB")
        except phonenumbers.NumberParseException as error:
            raise ValidationError(message) from error
        # Possible (the right length for its kind): the GOV.UK examples are unallocated
        # drama numbers, and a real number we cannot classify must not be refused.
        reason = phonenumbers.is_possible_number_with_reason(number)
        if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
            raise ValidationError(message)

    return check


def email_address(
    message: str = "Enter an email address in the correct format, like name@example.com",
) -> Validator:
    def check(form: Form, field: Field) -> None:
        if not field.data:
            return
        try:
            validate_email(field.data, check_deliverability=False)
        except EmailNotValidError as error:
            raise ValidationError(message) from error

    return check


def uk_postcode(message: str = "Enter a real postcode, like NM1 1AA") -> Validator:
    def check(form: Form, field: Field) -> None:
        if field.data and not UK_POSTCODE.match(field.data.upper()):
            raise ValidationError(message)

    return check


def clean_text(value: Any) -> Any:
    """Filter for every free-text field: the one sanitising function."""
    return sanitise(value) if isinstance(value, str) else value


class GovDateField(Field):
    """Day, month and year boxes (GOV.UK date input), read as a real date.

    Messages follow the GOV.UK pattern: "<What> must be a real date", "must be in the past".
    """

    widget = GovDateInput()

    def __init__(self, label: str = "", what: str = "The date", **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.what = what
        self.parts: tuple[str, str, str] = ("", "", "")

    def process_formdata(self, valuelist: list[str]) -> None:
        values = [v.strip() for v in valuelist[:3]] + [""] * (3 - len(valuelist[:3]))
        self.parts = (values[0], values[1], values[2])
        # The GOV.UK widget unpacks exactly three values: never more or fewer.
        self.raw_data = list(self.parts)
        self.data = None
        if not any(values):
            return
        if not all(v.isdigit() for v in values):
            raise ValueError(f"{self.what} must be a real date")
        day, month, year = (int(v) for v in values)
        if year < 1900:
            raise ValueError(f"{self.what} must include a year with 4 numbers, like 2015")
        try:
            self.data = date(year, month, day)
        except ValueError as error:
            raise ValueError(f"{self.what} must be a real date") from error

    def _value(self) -> str:
        return " ".join(self.parts)

    @property
    def raw_parts(self) -> list[str] | None:
        return list(self.parts) if any(self.parts) else None


def not_in_future(today: Callable[[], date], what: str) -> Validator:
    def check(form: Form, field: Field) -> None:
        if field.data and field.data > today():
            raise ValidationError(f"{what} must be today or in the past")

    return check
