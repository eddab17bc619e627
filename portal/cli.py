"""Command-line tasks: `flask demo load`, `flask drafts purge`."""

import signal
import socket

import click
from flask import Flask

from portal.services import intake, outbox, teams


def register_cli(app: Flask) -> None:
    register_asset_commands(app)
    register_outbox_commands(app)

    @app.cli.group()
    def demo() -> None:
        """Demo data for trying the portal."""

    @demo.command("load")
    def demo_load() -> None:
        """Load a realistic set of teams (safe to run again)."""
        added = teams.load_demo_teams()
        click.echo(f"Demo teams: {added} added.")

    @app.cli.group()
    def drafts() -> None:
        """Half-finished journeys."""

    @drafts.command("purge")
    def drafts_purge() -> None:
        """Delete drafts that have expired."""
        click.echo(f"Deleted {intake.delete_expired_drafts()} expired drafts.")


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
            poll_seconds=app.config["OUTBOX_POLL_SECONDS"], should_stop=lambda: stopping
        )

    @outbox_group.command("retry")
    @click.argument("message_id", type=int)
    def retry(message_id: int) -> None:
        """Try a failed message again."""
        if outbox.retry(message_id):
            click.echo(f"Message {message_id} will be sent again.")
        else:
            raise click.ClickException(f"Message {message_id} is not a failed message.")
