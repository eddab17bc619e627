"""`flask clock recompute`: after the bank-holiday table changes (a new release of
portal/domain/data/bank_holidays.json), work out every open case's due date again. Each
case whose date moves gets a clock-ledger event and an audit entry saying why."""

import click
from flask import Flask

from portal.domain.holidays import bank_holidays
from portal.services import clock


def register_clock_commands(app: Flask) -> None:
    @app.cli.group("clock")
    def clock_group() -> None:
        """The statutory clock."""

    @clock_group.command("recompute")
    @click.option(
        "--why",
        default="The bank-holiday table changed",
        show_default=True,
        help="Recorded on each case whose due date moves.",
    )
    def recompute(why: str) -> None:
        bank_holidays.cache_clear()  # read the table as it is now
        moved = clock.recompute_open_cases(why)
        for item in moved:
            before = item.before.isoformat() if item.before else "none"
            after = item.after.isoformat() if item.after else "none"
            click.echo(f"{item.reference}: {before} -> {after}")
        click.echo(f"{len(moved)} open case(s) with a new due date.")
