"""Command-line tasks: `flask demo load`, `flask drafts purge`."""

import click
from flask import Flask

from portal.services import intake, teams


def register_cli(app: Flask) -> None:
    register_asset_commands(app)

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
