"""What every template can use: the council's details, dates in words, error summaries."""

from datetime import date, datetime
from typing import Any

from flask import Flask, current_app
from wtforms import Form

from portal.domain.clock import LONDON, london_date
from portal.public.fields import GovDateField


def long_date(value: date | None) -> str:
    """ "Wednesday 31 December 2025": the way GOV.UK writes a due date."""
    if value is None:
        return ""
    return f"{value:%A} {value.day} {value:%B %Y}"


def london_date_filter(value: datetime | None) -> date | None:
    return london_date(value) if value is not None else None


def london_time(value: datetime | None) -> str:
    """ "25 November 2026, 6:58pm" in London time."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    return f"{local.day} {local:%B %Y}, {local:%-I:%M}{'am' if local.hour < 12 else 'pm'}"


def short_date(value: date | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


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
    return {
        "name": config["COUNCIL_NAME"],
        "short_name": config["COUNCIL_SHORT_NAME"],
        "phone": config["COUNCIL_PHONE"],
        "address": config["COUNCIL_ADDRESS"],
        "email": config["COUNCIL_EMAIL"],
        "jurisdiction": config["JURISDICTION"],
        "acknowledgement_days": acknowledgement_days(),
        "exit_url": config["EXIT_PAGE_URL"],
    }


def acknowledgement_days() -> int:
    from portal.domain.timescales import WALES_ACKNOWLEDGEMENT_WORKING_DAYS

    target = int(current_app.config["ACKNOWLEDGEMENT_TARGET_WORKING_DAYS"])
    if current_app.config["JURISDICTION"] == "wales":
        return min(target, WALES_ACKNOWLEDGEMENT_WORKING_DAYS)
    return target


def init_app(app: Flask) -> None:
    app.add_template_filter(long_date)
    app.add_template_filter(short_date)
    app.add_template_filter(london_time)
    app.add_template_filter(london_date_filter, "london_date")
    app.add_template_global(error_list)
    app.context_processor(lambda: {"council": council()})
