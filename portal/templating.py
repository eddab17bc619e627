"""What every template can use: the council's details, dates in words, error summaries."""

from datetime import date, datetime
from typing import Any

from flask import Flask, current_app
from flask_babel import format_date, get_locale
from wtforms import Form

from portal.domain.clock import LONDON, london_date
from portal.public.fields import GovDateField


def long_date(value: date | None) -> str:
    """ "Wednesday 31 December 2025" ("Dydd Mercher 31 Rhagfyr 2025" in Welsh): the way
    GOV.UK writes a due date."""
    if value is None:
        return ""
    return format_date(value, "EEEE d MMMM y")


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
    return f"{format_date(local.date(), 'd MMMM y')}, {clock}"


def short_date(value: date | None) -> str:
    if value is None:
        return ""
    return format_date(value, "d MMMM y")


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


def init_app(app: Flask) -> None:
    app.add_template_filter(long_date)
    app.add_template_filter(short_date)
    app.add_template_filter(london_time)
    app.add_template_filter(london_date_filter, "london_date")
    app.add_template_global(error_list)
    app.add_template_global(limit_days)  # the procedures' working days, for what pages say
    app.context_processor(lambda: {"council": council()})
