"""`ckan provincialstats ...` commands."""
import click


@click.group(short_help="Provincial statistics data centre commands.")
def provincialstats():
    """Commands of ckanext-provincialstats."""


@provincialstats.group()
def vocab():
    """Reference vocabularies (provinces, statistical sectors)."""


@provincialstats.group()
def demo():
    """Demo content for a development or pilot catalogue."""


def get_commands():
    return [provincialstats]
