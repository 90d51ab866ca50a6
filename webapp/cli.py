"""Flask command-line commands (``flask --app webapp …``)."""
from __future__ import annotations

import click
from flask import Flask


@click.command("seed-demo")
def seed_demo_command():
    """Load the demo campaign (slug 'demo'); does nothing if it is already there."""
    from webapp.services.demo import seed_demo_campaign

    campaign, created = seed_demo_campaign()
    state = "created" if created else "already present"
    click.echo(f"demo campaign '{campaign.slug}' {state}: {len(campaign.needs)} needs")


def init_cli(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(seed_demo_command)
