"""Command-line tasks: `flask demo load`, `flask drafts purge`, `flask report annual`."""

import json
import signal
import socket
from datetime import UTC, datetime
from typing import Any

import click
from flask import Flask

from portal.cli_clock import register_clock_commands
from portal.cli_deadlines import register_deadline_commands
from portal.cli_import import register_import_commands
from portal.domain.access import Role
from portal.domain.clock import LONDON
from portal.services import (
    demo_cases,
    directory,
    intake,
    outbox,
    reports,
    retention,
    routing_rules,
    safeguarding,
    staff,
    teams,
    two_factor,
)


def register_cli(app: Flask) -> None:
    register_asset_commands(app)
    register_outbox_commands(app)
    register_report_commands(app)
    register_retention_commands(app)
    register_import_commands(app)
    register_clock_commands(app)
    register_deadline_commands(app)

    @app.cli.group()
    def demo() -> None:
        """Demo data for trying the portal."""

    @demo.command("load")
    def demo_load() -> None:
        """Load demo teams, categories, routing rules, staff and cases (safe to run again)."""
        click.echo(f"Demo teams: {teams.load_demo_teams()} added.")
        click.echo(f"Categories: {teams.load_default_categories()} added.")
        click.echo(f"Routing rules: {routing_rules.load_demo_rules()} added.")
        accounts = staff.load_demo_accounts()
        # Two years of made-up cases, so the queue and the annual report have something.
        click.echo(f"Demo cases: {demo_cases.load_demo_cases(london_today())} added.")
        click.echo("Sign in to the back office at http://127.0.0.1:5000/staff/sign-in as:")
        for email, role in accounts:
            click.echo(f"  {email:<28} ({role})  password: {staff.DEMO_PASSWORD}")

    @app.cli.group("staff")
    def staff_group() -> None:
        """Back-office accounts."""

    @staff_group.command("reset-second-factor")
    @click.argument("email")
    def reset_second_factor(email: str) -> None:
        """Remove a person's authenticator app (lost phone and recovery codes)."""
        found = staff.find_by_email(email)
        if found is None:
            raise click.ClickException("There is no account with that email address")
        two_factor.reset(found)
        click.echo("Done: at their next sign-in they set up a new authenticator app.")

    @staff_group.command("create")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--team", "team_name", help="The team's name (team members only).")
    @click.password_option()
    def staff_create(
        email: str, name: str, role: str, team_name: str | None, password: str
    ) -> None:
        """Create a staff account."""
        try:
            created = staff.create_staff(
                email=email, name=name, password=password, role=Role(role), team_name=team_name
            )
        except staff.StaffError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Created account {created.id} ({role}).")

    def _account(email: str) -> Any:
        found = staff.find_by_email(email)
        if found is None:
            raise click.ClickException("There is no account with that email address")
        return found

    @staff_group.command("set-role")
    @click.argument("email")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--team", "team_name", help="The team's name (team members only).")
    def staff_set_role(email: str, role: str, team_name: str | None) -> None:
        """Give an account a new role (and team); they are signed out everywhere."""
        try:
            staff.set_role(_account(email), Role(role), team_name=team_name, by=None)
        except staff.StaffError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Done: the account is now {role}, and signed out everywhere.")

    @staff_group.command("disable")
    @click.argument("email")
    def staff_disable(email: str) -> None:
        """Disable an account (a leaver): signed out everywhere, and cannot sign in."""
        staff.set_active(_account(email), False, by=None)
        click.echo("Done: the account is disabled and signed out everywhere.")

    @staff_group.command("enable")
    @click.argument("email")
    def staff_enable(email: str) -> None:
        """Let a disabled account sign in again."""
        staff.set_active(_account(email), True, by=None)
        click.echo("Done: the account can sign in again.")

    @staff_group.command("break-glass")
    @click.argument("email")
    @click.option("--off", is_flag=True, help="Stop the account being break-glass.")
    def staff_break_glass(email: str, off: bool) -> None:
        """Make a complaints manager's account the break-glass one: with OIDC_ISSUER set,
        it alone keeps the portal's own password and second factor (docs/oidc.md)."""
        try:
            staff.set_break_glass(_account(email), not off)
        except staff.StaffError as error:
            raise click.ClickException(str(error)) from error
        if off:
            click.echo("Done: the account is no longer break-glass.")
        else:
            click.echo(
                "Done: the account is break-glass. It signs in at /staff/sign-in/password "
                "with its password and authenticator app."
            )

    @staff_group.command("link-directory")
    @click.argument("emails", nargs=-1, required=True)
    def staff_link_directory(emails: tuple[str, ...]) -> None:
        """Let existing accounts be linked to the council's directory: each is linked at
        its holder's next sign-in there with the same email address (docs/oidc.md)."""
        for email in emails:
            try:
                directory.allow_link(_account(email))
            except staff.StaffError as error:
                raise click.ClickException(f"{email}: {error}") from error
        click.echo(f"Done: {len(emails)} account(s) will be linked at the next sign-in.")

    @app.cli.group()
    def drafts() -> None:
        """Half-finished journeys."""

    @drafts.command("purge")
    def drafts_purge() -> None:
        """Delete drafts that have expired."""
        # A child's help page left unsent becomes a task before its draft can go.
        safeguarding.sweep()
        click.echo(f"Deleted {intake.delete_expired_drafts()} expired drafts.")

    @app.cli.group("safeguarding")
    def safeguarding_group() -> None:
        """Possible danger: alerts sent again, help pages left unsent."""

    @safeguarding_group.command("sweep")
    @click.option(
        "--now",
        "at",
        type=click.DateTime(["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]),
        help="Run as at this London time, YYYY-MM-DDTHH:MM (default: now).",
    )
    def safeguarding_sweep(at: datetime | None) -> None:
        """Send again the alerts nobody acted on in time, and raise a task for each
        child's help page left unsent (safe to run often, and from two hosts)."""
        now = at.replace(tzinfo=LONDON).astimezone(UTC) if at else None
        result = safeguarding.sweep(now=now)
        click.echo(
            f"Alerts sent again {result.escalated}, possible concerns not sent {result.unsent}."
        )


def register_asset_commands(app: Flask) -> None:
    @app.cli.command("council-scss")
    def council_scss() -> None:
        """Print the council's colour as Sass, for `make assets`."""
        click.echo(f"$colour: {app.config['COUNCIL_COLOUR']};")


def register_outbox_commands(app: Flask) -> None:
    @app.cli.group("outbox")
    def outbox_group() -> None:
        """Emails saved with what caused them, sent by a worker."""

    @outbox_group.command("work")
    @click.option("--once", is_flag=True, help="Send what is due now, then exit (for cron).")
    def work(once: bool) -> None:
        """Send due messages; without --once, keep going until stopped."""
        # Flask-Mail sets no timeout: a hung SMTP server must not hang the worker.
        socket.setdefaulttimeout(app.config["SMTP_TIMEOUT_SECONDS"])
        if once:
            result = outbox.work_once()
            click.echo(f"Sent {result.sent}, failed {result.failed}.")
            return
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        click.echo("Outbox worker started; Ctrl-C stops it.")
        outbox.work_forever(
            poll_seconds=app.config["OUTBOX_POLL_SECONDS"],
            should_stop=lambda: stopping,
            # Alerts sent again and help pages left unsent (docs/safeguarding-what-happens.md).
            every=(app.config["SAFEGUARDING_SWEEP_SECONDS"], safeguarding.sweep),
        )

    @outbox_group.command("retry")
    @click.argument("message_id", type=int)
    def retry(message_id: int) -> None:
        """Try a failed message again."""
        if outbox.retry(message_id):
            click.echo(f"Message {message_id} will be sent again.")
        else:
            raise click.ClickException(f"Message {message_id} is not a failed message.")


def london_today() -> Any:
    return datetime.now(LONDON).date()


def register_report_commands(app: Flask) -> None:
    @app.cli.group("report")
    def report_group() -> None:
        """The statutory annual report (docs/report.md)."""

    @report_group.command("annual")
    @click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
    @click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
    @click.option("--format", "output", type=click.Choice(["json", "csv"]), default="json")
    @click.option("--category", help="Count only this category in the team and outcome table")
    def annual(start: Any, end: Any, output: str, category: str | None) -> None:
        """Print the report for a period (the financial year so far without dates)."""
        if bool(start) != bool(end):
            raise click.UsageError("Give both --from and --to, or neither")
        if start and end and end < start:
            raise click.UsageError("--to must be on or after --from")
        if category and category not in reports.category_names():
            known = ", ".join(reports.category_names())
            raise click.UsageError(f"--category must be one of {known}")
        period = reports.period_from(
            start.date() if start else None, end.date() if end else None, london_today()
        )
        report = reports.annual_report(period, category=category)
        if output == "csv":
            click.echo(reports.as_csv(report), nl=False)
        else:
            click.echo(json.dumps(report, indent=2, ensure_ascii=False))


def register_retention_commands(app: Flask) -> None:
    @app.cli.group("retention")
    def retention_group() -> None:
        """Removing personal data once it has been kept long enough (docs/retention.md)."""

    @retention_group.command("purge")
    @click.option("--dry-run", is_flag=True, help="List what would go, and change nothing.")
    def purge(dry_run: bool) -> None:
        """Remove the personal data of cases past their retention period."""
        today = london_today()
        if dry_run:
            found = retention.due_for_purge(today)
            retention.record_dry_run(found)
            for item in found:
                click.echo(f"{item.reference}  ended {item.ended_on}  due {item.due_on}")
            click.echo(f"{len(found)} case(s) would have their personal data removed.")
            tasks = len(retention.unsent_concerns_due(today))
            click.echo(f"{tasks} possible concern task(s) would have their words removed.")
            return
        done = retention.purge(today)
        for item in done:
            click.echo(f"{item.reference}  personal data removed")
        click.echo(f"{len(done)} case(s) purged; cases under legal hold were left alone.")
        tasks = retention.purge_unsent_concerns(today)
        click.echo(f"{tasks} possible concern task(s) purged.")
