"""What every template can use: the council's details, dates in words, error summaries."""

from collections.abc import Callable, Mapping
from functools import cache
from types import SimpleNamespace
from typing import Any

import jinja2
from flask import Flask, current_app, render_template, request
from flask_babel import get_locale, gettext
from jinja2.filters import do_indent
from markupsafe import Markup, escape
from wtforms import Form

from portal.domain import labels
from portal.fields import GovDateField
from portal.i18n import london_date_filter, london_time, long_date, short_date
from portal.security import staff_html, staff_text


def error_list(form: Form) -> list[dict[str, str]]:
    """The GOV.UK error summary's list: each message links to its field (for a date,
    to the day box, which is the first box a person fills in)."""
    items = []
    for field in form._fields.values():
        if not field.errors:
            continue
        target = f"{field.id}-day" if isinstance(field, GovDateField) else field.id
        items.append({"text": str(field.errors[0]), "href": f"#{target}"})
    return items


def council() -> dict[str, Any]:
    config = current_app.config
    welsh = str(get_locale()) == "cy"
    return {
        # A council in Wales has a Welsh name ("Cyngor Sir Ceredigion"); without one
        # configured the English name is used on Welsh pages too.
        "name": (welsh and config["COUNCIL_NAME_CY"]) or config["COUNCIL_NAME"],
        "short_name": (welsh and config["COUNCIL_SHORT_NAME_CY"]) or config["COUNCIL_SHORT_NAME"],
        "phone": config["COUNCIL_PHONE"],
        # Help now (components/help-box.html, the get-help-now page).
        "front_door_phone": config["FRONT_DOOR_PHONE"],
        "out_of_hours_phone": config["OUT_OF_HOURS_PHONE"],
        "address": config["COUNCIL_ADDRESS"],
        "email": config["COUNCIL_EMAIL"],
        "jurisdiction": config["JURISDICTION"],
        "acknowledgement_days": acknowledgement_days(),
        "exit_url": config["EXIT_PAGE_URL"],
    }


_THE_SAME_FOR_EVERYONE: dict[tuple[Any, ...], Markup] = {}


@jinja2.pass_context
def the_same_for_everyone(page: jinja2.runtime.Context, template: str, **context: Any) -> Markup:
    """`template` made with `context`, kept and shown again to everyone who reads it in
    the same language with the same council details (the start page's words and links
    name its phone, address and timescales: a quarter of that page's time), those the
    page is being made with. Only for what reads nothing of the person, their session or
    the database."""
    key = (
        template,
        str(get_locale()),
        request.script_root,
        tuple(sorted(page["council"].items())),
        repr(sorted(context.items())),
    )
    made = _THE_SAME_FOR_EVERYONE.get(key)
    if made is None:
        made = Markup(render_template(template, **context))
        if len(_THE_SAME_FOR_EVERYONE) >= 64:
            _THE_SAME_FOR_EVERYONE.clear()
        _THE_SAME_FOR_EVERYONE[key] = made
    return made


def acknowledgement_days() -> int:
    from portal.domain.timescales import acknowledgement_working_days, statutory_procedure

    config = current_app.config
    return acknowledgement_working_days(
        statutory_procedure(config["JURISDICTION"]),
        int(config["ACKNOWLEDGEMENT_TARGET_WORKING_DAYS"]),
    )


def limit_days(procedure: str, step: str) -> int:
    from portal.domain.timescales import limit_days as days

    return days(procedure, step)


def next_stage_window_days(case: Any) -> int:
    """The working days after a response in which the case's next stage is asked for in
    time (the council's setting, services/cases.window_days)."""
    from portal.services.complainant_steps import window_days

    return window_days(case)


def label(value: object, kind: str) -> str:
    """`{{ case.when_it_happened | label("when_it_happened") }}`: a value in words, in the
    page's language (the back office is in English), never its code."""
    words = labels.label(kind, value)
    return gettext(words) if words and kind in labels.PUBLIC else words


class Template(jinja2.Template):
    """GOV.UK Frontend's macro templates read nothing from the page that imports them:
    each is made into a module once. (Jinja makes a template imported from a page whose
    context carries more than the environment's globals again on every `{% from %}`,
    and Flask's context always does: about 50 times on a question page.)"""

    def _get_default_module(self, ctx: jinja2.runtime.Context | None = None) -> Any:
        env = self.environment
        if self.name == GOVUK_ATTRIBUTES and env.trim_blocks and env.lstrip_blocks:
            # (The macro writes no white space only with the portal's settings.)
            return _attributes_module(env)
        if self.name is not None and self.name.startswith("govuk_frontend_jinja/"):
            ctx = None
        return super()._get_default_module(ctx)


# Every GOV.UK component calls this macro for each of its elements' `attributes`
# (mostly none): a sixth of a form page's time as a macro.
GOVUK_ATTRIBUTES = "govuk_frontend_jinja/macros/attributes.html"


@cache
def _attributes_module(environment: jinja2.Environment) -> SimpleNamespace:
    return SimpleNamespace(govukAttributes=govuk_attributes_for(environment))


def govuk_attributes_for(environment: jinja2.Environment) -> Callable[..., Markup]:
    """GOV.UK Frontend's `govukAttributes` macro (macros/attributes.html) in Python: the
    same characters for the same argument (tests/unit/test_govuk_attributes.py holds it
    to the macro), read the way the template reads it (Jinja's attribute lookup, its
    undefined values, `escape`)."""
    get = environment.getattr
    missing = environment.undefined()  # the template's `undefined` and `null`

    def govuk_attributes(attributes: Any = missing) -> Markup:
        html = attributes if isinstance(attributes, str) else ""
        if isinstance(attributes, Mapping):
            for name, given in attributes.items() if attributes else {}.items():
                value = given
                if (
                    isinstance(value, Mapping)
                    and get(value, "val") not in [missing, missing]
                    and len(value)
                ):
                    value = get(value, "val")
                options = (
                    value
                    if isinstance(value, Mapping)
                    else {
                        "value": str(value).lower() if isinstance(value, bool) else value,
                        "optional": False,
                    }
                )
                optional, option = get(options, "optional"), get(options, "value")
                if optional is True and option is True:
                    html = f"{html} {escape(name)}"
                elif (
                    optional is True
                    and option not in [missing, missing, None]
                    and option is not False
                ) or optional is not True:
                    html = f'{html} {escape(name)}="{escape(option)}"'
        return Markup(html)

    return govuk_attributes


def indent(s: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    """Jinja's `indent`, the same characters, done on plain text: Jinja's works on the
    marked-safe text the GOV.UK macros hand it, where each line's join goes through
    markupsafe again (a tenth of a form page's time)."""
    if isinstance(s, Markup):
        return Markup(do_indent(str(s), width, first, blank))
    return do_indent(s, width, first, blank)


def init_app(app: Flask) -> None:
    app.jinja_env.template_class = Template
    app.add_template_filter(indent)
    app.add_template_filter(long_date)
    app.add_template_filter(short_date)
    app.add_template_filter(london_time)
    app.add_template_filter(london_date_filter, "london_date")
    # Letters and messages staff write to a person: their small markup (portal/security.py).
    app.add_template_filter(staff_html)
    app.add_template_filter(staff_text)
    app.add_template_filter(label)
    app.add_template_global(error_list)
    app.add_template_global(limit_days)  # the procedures' working days, for what pages say
    app.add_template_global(next_stage_window_days)
    app.add_template_global(the_same_for_everyone)
    app.context_processor(lambda: {"council": council()})
