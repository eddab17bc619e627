"""`flask import cases FILE.csv`: past cases from the council's previous system
(docs/import.md)."""

from pathlib import Path

import click
from flask import Flask

from portal.services import importing


def register_import_commands(app: Flask) -> None:
    @app.cli.group("import")
    def import_group() -> None:
        """Load records from the council's previous system."""

    @import_group.command("cases")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option(
        "--create-teams", is_flag=True, help="Create the teams the portal does not have yet."
    )
    def cases(file: Path, create_teams: bool) -> None:
        """Import past cases for the annual report: all the rows, or none if any is bad."""
        result = importing.import_cases(file, create_teams=create_teams)
        for error in result.errors:
            click.echo(str(error), err=True)
        if result.errors:
            count = len(result.errors)
            raise click.ClickException(f"Nothing imported: {count} error{'s' * (count != 1)}.")
        click.echo(
            f"Imported {result.imported}, already there {result.already_there}, "
            f"teams created {result.teams_created}."
        )
