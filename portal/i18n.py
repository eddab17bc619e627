"""English and Welsh. Every public page, message and email is translatable; Welsh is
offered on every public page when the council turns it on (always in Wales). The
person's language is remembered on their submission, for the acknowledgement and later
emails."""

from datetime import date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import flask_babel
from babel import dates as babel_dates
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel, format_date, get_locale, refresh
from flask_babel.speaklater import LazyString
from jinja2.runtime import Context
from jinja2.utils import pass_context
from markupsafe import Markup

from portal.domain.clock import LONDON, london_date

LANGUAGES = {"en": "English", "cy": "Cymraeg"}
babel = Babel()


def welsh_enabled() -> bool:
    return bool(current_app.config["WELSH_ENABLED"])


def current_language() -> str:
    # Outside a request (a submission recorded by a service or a command) there is no
    # visitor to ask: English.
    if not has_request_context():
        return "en"
    if staff_page():
        # Staff work in English; a manager who looked at the Welsh pages keeps it.
        return "en"
    language = session.get("language", "en")
    return language if language in LANGUAGES and (language == "en" or welsh_enabled()) else "en"


def staff_page() -> bool:
    """A back-office page (or a missing one under its address)."""
    return request.blueprint == "backoffice" or request.path.startswith("/staff/")


def _remember_choice() -> None:
    """`?lang=cy` on any page switches language, and it is remembered."""
    # Flask-Babel keeps the locale on `g`, which outlives a request when an app
    # context is already pushed (a command, a test): work it out afresh each time.
    refresh()
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and (chosen == "en" or welsh_enabled()):
        session["language"] = chosen


def translations() -> NullTranslations:
    """The catalogue of the locale in force: Flask-Babel's `get_translations`, which
    finds the context, the domain, the locale and its name again for each string (about
    100 a page, several lookups of `g` each), remembered on Flask-Babel's own namespace
    of the context beside the locale it is for, and used again while that locale is in
    force (a forced locale, an email being written, is another object: looked up
    afresh; so is a new request's, Flask-Babel's `refresh` having dropped the old)."""
    try:
        namespace = g._flask_babel
    except (AttributeError, RuntimeError):  # no context, or Flask-Babel's not made yet
        return flask_babel.get_translations()  # type: ignore[no-any-return]
    kept = getattr(namespace, "portal_translations", None)
    if kept is not None and kept[0] is getattr(namespace, "babel_locale", None):
        return kept[1]  # type: ignore[no-any-return]
    found = flask_babel.get_translations()
    namespace.portal_translations = (getattr(namespace, "babel_locale", None), found)
    return found  # type: ignore[no-any-return]


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's `gettext`, from `translations()`."""
    translated = str(translations().ugettext(string))
    return translated % variables if variables else translated


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """Flask-Babel's `lazy_gettext` (the forms' labels and messages, `_l`), translated
    by `gettext` above when shown."""
    return LazyString(gettext, string, **variables)


@pass_context
def _template_gettext(context: Context, string: str, **variables: Any) -> str:
    """Jinja's newstyle `gettext`: escaped where the template is, and always formatted
    (so "%%" is "%" whether or not there are variables)."""
    translated = translations().ugettext(string)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % variables


@pass_context
def _template_ngettext(
    context: Context, singular: str, plural: str, num: int, **variables: Any
) -> str:
    """Jinja's newstyle `ngettext`, as `_template_gettext`; `num` is a variable too."""
    variables.setdefault("num", num)
    translated = translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % variables


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=current_language)
    app.before_request(_remember_choice)
    # The templates' `_` (Flask-Babel installs the same through `get_translations`).
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    # The same, one call deep: the templates' `_` and {% trans %} blocks run it about 40
    # times a page, and Jinja's alias and wrapper went through three of its calls each.
    app.jinja_env.globals.update(
        _=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext
    )

    @app.context_processor
    def languages() -> dict[str, object]:
        # The locale in force: the visitor's, or the one an email is being written in.
        language = str(get_locale() or "en")
        other = "en" if language == "cy" else "cy"
        return {
            "language": language,
            "other_language": other,
            "LANGUAGES": LANGUAGES,
            # No switch on staff pages: they are in English.
            "welsh_enabled": welsh_enabled() and not (has_request_context() and staff_page()),
            "switch_language_url": switch_language_url(other),
        }


def switch_language_url(language: str) -> str:
    """This page again in the other language, keeping its other query arguments (a
    save-and-return step, a filter). Only a query ("?lang=cy"), which the browser
    resolves against the page's own address: the page never repeats its path, which
    may hold a tracking token, and a missing page looks the same whatever was asked."""
    if not has_request_context():
        return ""
    arguments = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return "?" + urlencode([*arguments, ("lang", language)])


# --- dates in words, in the language of the page or message ----------------------------


def long_date(value: date | None) -> str:
    """ "Wednesday 31 December 2025" ("Dydd Mercher 31 Rhagfyr 2025" in Welsh): the way
    GOV.UK writes a due date."""
    if value is None:
        return ""
    return _formatted(value, "EEEE d MMMM y")


def london_date_filter(value: datetime | None) -> date | None:
    return london_date(value) if value is not None else None


def london_time(value: datetime | None) -> str:
    """ "25 November 2026, 6:58pm" in London time."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    # GOV.UK style: "6:58pm", lower case and no space, in either language.
    clock = f"{local:%-I:%M}" + ("am" if local.hour < 12 else "pm")
    if str(get_locale()) == "cy":
        clock = f"{local:%-I:%M}" + ("yb" if local.hour < 12 else "yh")
    return f"{_formatted(local.date(), 'd MMMM y')}, {clock}"


def short_date(value: date | None) -> str:
    if value is None:
        return ""
    return _formatted(value, "d MMMM y")


def _formatted(value: date, pattern: str) -> str:
    """A day in the locale in force (Flask-Babel's `format_date`, which moves a date and
    time to the person's time zone first: a day alone is not moved)."""
    if type(value) is not date:
        return str(format_date(value, pattern))
    return _day_in_words(value, pattern, str(get_locale() or "en"))


@lru_cache(maxsize=4096)
def _day_in_words(value: date, pattern: str, locale: str) -> str:
    """Babel's words for a day, worked out once for each day, pattern and language
    (about 20 µs each, two to five a page)."""
    return str(babel_dates.format_date(value, pattern, locale=locale))
