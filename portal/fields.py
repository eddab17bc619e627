"""Form pieces shared by every form, public and back office, with messages in GOV.UK wording.

Validators here set no HTML `required` flag: the browser's own validation would
pre-empt the GOV.UK error summary (and the Nu checker rejects it on the date wrapper).
"""

import contextlib
import contextvars
import re
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from functools import cache
from typing import Any

import phonenumbers
from babel import Locale, support
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import format_number, get_locale
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from govuk_frontend_wtf import wtforms_widgets
from markupsafe import Markup, escape
from wtforms import Field, Form, HiddenField
from wtforms.i18n import messages_path
from wtforms.validators import StopValidation, ValidationError

from portal.domain.characters import plain
from portal.domain.mobiles import uk_mobile
from portal.domain.postcodes import is_uk_postcode, normalise_postcode
from portal.i18n import lazy_gettext as _l
from portal.security import sanitise

# GOV.UK wording, translated when shown (lazily: these are read at import time).
PHONE_MESSAGE = _l("Enter a phone number, like 01632 960 001 or 07700 900 982")
MOBILE_MESSAGE = _l("Enter a UK mobile number, like 07700 900 982")
EMAIL_MESSAGE = _l("Enter an email address in the correct format, like name@example.com")
POSTCODE_MESSAGE = _l("Enter a real postcode, like NM1 1AA")
A_DATE = _l("The date")

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
            raise ValidationError(
                _(
                    "%(what)s must be %(limit)s characters or fewer",
                    what=what,
                    limit=format_number(limit),
                )
            )

    return check


def uk_phone(
    message: Any = PHONE_MESSAGE,
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


def uk_mobile_number(
    message: Any = MOBILE_MESSAGE,
) -> Validator:
    """A UK mobile number, which a text can reach (domain/mobiles.py): a landline or a
    number abroad is refused."""

    def check(form: Form, field: Field) -> None:
        if field.data and uk_mobile(field.data) is None:
            raise ValidationError(message)

    return check


def email_address(
    message: Any = EMAIL_MESSAGE,
) -> Validator:
    def check(form: Form, field: Field) -> None:
        if not field.data:
            return
        try:
            validate_email(field.data, check_deliverability=False)
        except EmailNotValidError as error:
            raise ValidationError(message) from error

    return check


def uk_postcode(message: Any = POSTCODE_MESSAGE) -> Validator:
    def check(form: Form, field: Field) -> None:
        if field.data and not is_uk_postcode(field.data):
            raise ValidationError(message)

    return check


def postcode_text(value: Any) -> Any:
    """Filter for a postcode field, after clean_text: the one way postcodes are written."""
    return normalise_postcode(value) if isinstance(value, str) else value


def clean_text(value: Any) -> Any:
    """Filter for every free-text field: the one sanitising function."""
    return sanitise(value) if isinstance(value, str) else value


def plain_characters(value: Any) -> Any:
    """Filter for a phone number, after `clean_text`: kept in plain characters (a phone's
    "–" as "-", a no-break space as a space: domain/characters.py), so that the case
    search and "Find your complaint" find it as they read what is typed."""
    return plain(value) if isinstance(value, str) else value


# govuk-frontend-wtf's template for a widget is one line: import a GOV.UK macro, call it.
_WIDGET_MACRO = re.compile(r"""\{% from '([^']+)' import (\w+) %\}""")


@cache
def _macro_of(widget_template: str) -> tuple[str, str]:
    """The GOV.UK macro a govuk-frontend-wtf widget template calls: (template, name)."""
    loader = current_app.jinja_env.loader
    assert loader is not None
    source = loader.get_source(current_app.jinja_env, widget_template)[0]
    found = _WIDGET_MACRO.search(source)
    assert found, widget_template
    return found.group(1), found.group(2)


@cache
def _wtforms_catalogue(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _WTFormsMessages:
    """WTForms' own messages ("Not a valid choice") in the page's language, from a
    catalogue read once per language (Flask-WTF reads it again on every request)."""

    def gettext(self, string: str) -> str:
        return str(_wtforms_catalogue(str(get_locale())).ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(_wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n))


class PortalForm(FlaskForm):
    class Meta:
        def get_translations(self, form: Form) -> _WTFormsMessages:
            return _WTFormsMessages()

    def shares_rendered_fields(self) -> bool:
        """Whether a field of this form with nothing typed in it may be shown from HTML
        kept for everyone (`TranslatedError.__call__`): no, unless a form says so."""
        return False


# A field's HTML made from nothing anyone typed (the question, its hint, its choices,
# the one chosen, a message of ours) is the same for everyone who sees it: kept, so the
# GOV.UK macro (a third of a first question's time) runs once per worker for each.
_SHARED: dict[str, Markup] = {}
_SHARED_MOST = 1024
_SHARED_LOCK = threading.Lock()
_RENDERING: contextvars.ContextVar[Field] = contextvars.ContextVar("rendering")


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _plainly(value: Any) -> Any:
    """`value` as plain values whose `repr` can key it, text marked safe told apart from
    text to escape. A dict keeps its order: the same params in another order are only
    kept twice, never mistaken for other params."""
    kind = type(value)
    # The usual types first, by exact type (Markup is a str, a LazyString is not).
    if kind in _PLAIN:
        return value
    if kind is dict:
        return ("dict", *((str(k), _plainly(v)) for k, v in value.items()))
    if kind is list:
        return ("list", *(_plainly(item) for item in value))
    if isinstance(value, Markup):
        return ("markup", str(value))
    if isinstance(value, LazyString):
        return str(value)
    if isinstance(value, str):
        return str(value)
    if value is None or isinstance(value, int | float | bool):
        return value
    if isinstance(value, Mapping):
        return ("dict", *((str(k), _plainly(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ("list", *(_plainly(item) for item in value))
    raise TypeError(type(value).__name__)


# What a person typed stands in a field's kept HTML as a placeholder, put back (escaped,
# as the macro escapes it) each time the HTML is shown: the macro runs once for the
# question, whatever the answer. The token is this process's own, so nobody can type one.
# A placeholder is two lines: the macros indent what they nest (a field revealed under a
# choice, inside the fieldset), and the spaces before its second line are those the
# typed text's own lines get.
_PLACEHOLDER = f"portal{secrets.token_hex(8)}typed"
_PLACEHOLDERS = re.compile(_PLACEHOLDER + r"(\d+)x\n( *)" + _PLACEHOLDER + r"\1y")


def _put_back(html: Markup, indented: str) -> str:
    """`html` as Jinja's `indent` leaves it, the lines after the first indented by
    `indented` (as each enclosing `indent` does: blank lines left alone)."""
    if not indented:
        return str(html)
    first, *rest = str(html).splitlines() or [""]
    return first + "".join(f"\n{indented}{line}" if line else "\n" for line in rest)


def _typed_out(field: Field, params: dict[str, Any]) -> tuple[dict[str, Any], list[Markup]]:
    """`params` with what the person typed (a text box's value, a date's boxes, the
    fields revealed under a choice) as placeholders, and the HTML each stands for."""
    shown: list[Markup] = []

    def placeholder(html: Markup) -> str:
        shown.append(html)
        number = len(shown) - 1
        return f"{_PLACEHOLDER}{number}x\n{_PLACEHOLDER}{number}y"

    plain = dict(params)
    if plain.get("value") and getattr(field, "choices", None) is None:
        plain["value"] = placeholder(escape(plain["value"]))
    items = []
    for item in plain.get("items") or []:
        if isinstance(item, Mapping):
            item = dict(item)
            if item.get("value") and "text" not in item and "html" not in item:
                item["value"] = placeholder(escape(item["value"]))  # a date's box
            conditional = item.get("conditional")
            if isinstance(conditional, Mapping) and conditional.get("html"):
                # The macro shows it `| safe | trim`.
                revealed = Markup(str(conditional["html"]).strip())
                item["conditional"] = dict(conditional) | {"html": placeholder(revealed)}
        items.append(item)
    if items:
        plain["items"] = items
    return plain, shown


def _typed_left(field: Field, key: str) -> bool:
    """Whether an answer the person typed is still a value in the kept HTML's key (a
    choice not among ours, a value the placeholders do not reach): then it is not kept.
    A value, not a part of our words: a year typed is not the one in "For example"."""
    ours = {str(value) for value, *_ in getattr(field, "choices", None) or []}
    typed = [str(value) for value in field.raw_data or [] if value]
    return any(value not in ours and repr(value) in key for value in typed)


def _shared_key(widget: Any, field: Field, params: dict[str, Any]) -> str | None:
    form = getattr(field, "_form", None)
    if not isinstance(form, PortalForm) or not form.shares_rendered_fields():
        return None
    try:
        plain = _plainly(params)
    except TypeError:
        return None
    key = repr((type(widget).__name__, widget.template, str(get_locale()), plain))
    return None if _typed_left(field, key) else key


# A whole page kept for everyone (portal/public/kept_pages.py) is made once with a mark
# where each typed answer goes, and the answers put in each time it is shown. The marks
# are this process's own token too; like a placeholder, a mark is two lines, so that the
# spaces the macros put before its second line say how the answer's own lines are indented.
_MARK = f"portal{secrets.token_hex(8)}mark"
MARKS = re.compile(_MARK + r"(\w+)\.(\d)x\n( *)" + _MARK + r"\1\.\2y")
_MARKING: contextvars.ContextVar[bool] = contextvars.ContextVar("marking", default=False)


def mark_named(name: str, part: int) -> str:
    return f"{_MARK}{name}.{part}x\n{_MARK}{name}.{part}y"


def _mark(field: Field, part: int) -> str:
    return mark_named(field.name, part)


def marked_typing(field: Field) -> tuple[bool, ...] | None:
    """Which of a field's typed parts a kept page shows as marks (a text box: its value;
    date boxes: the three parts joined, then day, month and year), each whether it has
    text: the kept page differs for an empty box. None: the field shows none of its value
    as a mark (a choice is ours; another widget shows its value as it is, keyed)."""
    widget = field.widget
    if isinstance(widget, TranslatedDateInput) and isinstance(field, GovDateField):
        parts = field.raw_data
        if not (isinstance(parts, list) and len(parts) == 3):
            return None
        return (bool(field._value()), *(bool(part) for part in parts))
    if isinstance(widget, GovTextInput | GovCharacterCount) and not getattr(field, "choices", None):
        return (bool(field._value()),)
    return None


def typed_part(field: Field, part: int) -> str:
    """The typed text a mark stands for (`marked_typing`'s parts)."""
    if part == 0:
        return str(field._value())
    return str(field.raw_data[part - 1])


@contextlib.contextmanager
def marking() -> Iterator[None]:
    """While a page is made to be kept, its fields show marks for what was typed."""
    token = _MARKING.set(True)
    try:
        yield
    finally:
        _MARKING.reset(token)


class TranslatedError:
    """GOV.UK's error message starts with a hidden "Error:" for screen readers; the
    widgets of govuk-frontend-wtf leave it in English. Mixed into each widget below.

    The widget calls its GOV.UK macro directly, from the macro template's module (made
    once), the same HTML its one-line template makes: govuk-frontend-wtf renders that
    template with Flask's render_template, which runs every context processor again for
    each field and imports the macro afresh each time."""

    template: str

    def __call__(self, field: Field, **kwargs: Any) -> Any:
        # govuk-frontend-wtf's widgets shape their params, then call `render` with them
        # alone: the field is at hand there through _RENDERING.
        token = _RENDERING.set(field)
        typed = _MARKING.get() and marked_typing(field)
        kept_parts = field.raw_data
        try:
            if typed:
                if typed[0]:
                    kwargs.setdefault("value", _mark(field, 0))
                if len(typed) > 1:  # date boxes: the widget reads the parts
                    field.raw_data = [
                        _mark(field, n) if has else "" for n, has in enumerate(typed) if n
                    ]
            return super().__call__(field, **kwargs)  # type: ignore[misc]
        finally:
            field.raw_data = kept_parts
            _RENDERING.reset(token)

    def render(self, params: dict[str, Any]) -> Any:
        if params.get("errorMessage"):
            params["errorMessage"]["visuallyHiddenText"] = _("Error")
        field = _RENDERING.get(None)
        if field is None:
            return self._made(params)
        plain, shown = _typed_out(field, params)
        key = _shared_key(self, field, plain)
        if key is None:
            return self._made(params)
        html = _SHARED.get(key)
        if html is None:
            html = self._made(plain)
            with _SHARED_LOCK:
                if len(_SHARED) >= _SHARED_MOST:
                    del _SHARED[next(iter(_SHARED))]  # the oldest
                _SHARED[key] = html
        if not shown:
            return html
        return Markup(
            _PLACEHOLDERS.sub(
                lambda found: _put_back(shown[int(found.group(1))], found.group(2)), html
            )
        )

    def _made(self, params: dict[str, Any]) -> Markup:
        path, name = _macro_of(self.template)
        macro = getattr(current_app.jinja_env.get_template(path).module, name)
        return Markup(macro(params))


class GovTextInput(TranslatedError, wtforms_widgets.GovTextInput):
    pass


class GovRadioInput(TranslatedError, wtforms_widgets.GovRadioInput):
    pass


class GovCheckboxesInput(TranslatedError, wtforms_widgets.GovCheckboxesInput):
    pass


class GovCharacterCount(TranslatedError, wtforms_widgets.GovCharacterCount):
    pass


class TranslatedDateInput(TranslatedError, wtforms_widgets.GovDateInput):
    """The GOV.UK date boxes with "Day", "Month" and "Year" in the person's language
    (govuk-frontend-wtf writes them in English)."""

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)
        labels = [_("Day"), _("Month"), _("Year")]
        for item, label in zip(params.get("items", []), labels, strict=False):
            item["label"] = label
        return params


def _month_names(widths: tuple[str, ...]) -> dict[str, int]:
    """Month names (and, with "abbreviated", their usual short forms: "Jun", "Sept",
    "Meh") in English and Welsh, lower case, from the Unicode CLDR data Babel ships."""
    return {
        name.lower(): number
        for locale in (Locale.parse("en_GB"), Locale.parse("cy"))
        for context in ("format", "stand-alone")
        for width in widths
        for number, name in locale.months[context][width].items()
    }


MONTH_NAMES = _month_names(("wide", "abbreviated"))
FULL_MONTH_NAMES = _month_names(("wide",))


def month_number(typed: str) -> int | None:
    """The month in a date's month box: a number ("6", "06"), a name or a short form
    of one ("June", "jun", "Sept.", "Mehefin"), as the GOV.UK date pattern advises.
    A short form not in the list is read when it begins one month's name only."""
    if typed.isdecimal():  # not isdigit: "²" is a digit that int() refuses
        return int(typed)
    word = typed.lower().rstrip(".").replace(" ", "")
    if word in MONTH_NAMES:
        return MONTH_NAMES[word]
    begun = {number for name, number in FULL_MONTH_NAMES.items() if name.startswith(word)}
    return begun.pop() if len(word) >= 3 and len(begun) == 1 else None


class GovDateField(Field):
    """Day, month and year boxes (GOV.UK date input), read as a real date.

    Messages follow the GOV.UK pattern: "<What> must be a real date", "must be in the past".
    """

    widget = TranslatedDateInput()

    def __init__(self, label: Any = "", what: Any = A_DATE, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.what = what
        self.parts: tuple[str, str, str] = ("", "", "")

    def process_formdata(self, valuelist: list[str]) -> None:
        values = [v.strip() for v in valuelist[:3]] + [""] * (3 - len(valuelist[:3]))
        self.parts = (values[0], values[1], values[2])
        # Read in plain characters (domain/characters.py): full-width digits, a
        # superscript "⁴" copied from a document, a no-break space copied with it.
        values = [plain(v).strip() for v in values]
        # The GOV.UK widget unpacks exactly three values: never more or fewer.
        self.raw_data = list(self.parts)
        self.data = None
        if not any(values):
            return
        month = month_number(values[1])
        if not (values[0].isdecimal() and values[2].isdecimal()) or month is None:
            raise ValueError(_("%(what)s must be a real date", what=self.what))
        day, year = int(values[0]), int(values[2])
        if year < 1900:
            raise ValueError(
                _("%(what)s must include a year with 4 numbers, like 2015", what=self.what)
            )
        try:
            self.data = date(year, month, day)
        except (ValueError, OverflowError) as error:  # 31 February; a day of 30 digits
            raise ValueError(_("%(what)s must be a real date", what=self.what)) from error

    def _value(self) -> str:
        return " ".join(self.parts)

    @property
    def raw_parts(self) -> list[str] | None:
        return list(self.parts) if any(self.parts) else None


class AskedToCheck(HiddenField):
    """An answer the person was asked to check, kept in the page they were asked on:
    pressing Continue again with the same answer says that it is right."""

    data: str | None

    def confirmed(self, answer: str, field: Field, message: Any) -> bool:
        if self.data == answer:
            return True
        self.data = answer
        field.errors = [message]
        return False


def not_in_future(today: Callable[[], date], what: str) -> Validator:
    def check(form: Form, field: Field) -> None:
        if field.data and field.data > today():
            raise ValidationError(_("%(what)s must be today or in the past", what=what))

    return check


def translated_choices(words: Mapping[str, str]) -> list[tuple[str, Any]]:
    """A form's choices from one of the domain's mappings (portal/domain/labels.py), each
    in the person's language when the form is shown."""
    return [(str(value), _l(text)) for value, text in words.items()]
