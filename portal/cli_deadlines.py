"""`flask deadlines remind`: reminders, breach notices, the teams' digests and the advocacy
referrals not accepted in time, once a day from cron (docs/reminders.md)."""

from datetime import date, datetime

import click
from flask import Flask

from portal.domain.clock import LONDON
from portal.services import reminders


def register_deadline_commands(app: Flask) -> None:
    @app.cli.group("deadlines")
    def deadlines_group() -> None:
        """Reminders before deadlines and notices when they are missed."""

    @deadlines_group.command("remind")
    @click.option(
        "--date",
        "on",
        type=click.DateTime(["%Y-%m-%d"]),
        help="Run as on this London date, YYYY-MM-DD (default: today).",
    )
    def remind(on: datetime | None) -> None:
        """Queue today's reminders, breach notices and digests (safe to run again)."""
        today: date = on.date() if on else datetime.now(LONDON).date()
        result = reminders.run(today)
        click.echo(
            f"Reminders {result.reminders}, breach notices {result.breach_notices}, "
            f"digests {result.digests}, advocacy referrals escalated "
            f"{result.referrals_escalated}."
        )
