"""Thin click commands: parse options, call one library function, print, exit.

Exit codes: 0 ok, 1 user error (bad input), 2 usage error (click's own).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import __version__
from generator.errors import SmrError

ROOT_OPTION = click.option("--root", "-C", type=click.Path(file_okay=False, path_type=Path),
                           default=".", show_default=True, help="The newsroom folder.")
NOW_OPTION = click.option("--now", metavar="DATETIME",
                          help="Pretend it is this moment (e.g. 2026-11-25T10:00+01:00); default: $SMR_NOW or the clock.")


class Context:
    def __init__(self, debug: bool, quiet: bool):
        self.debug = debug
        self.quiet = quiet

    def say(self, message: str) -> None:
        if not self.quiet:
            click.echo(message)


def run(ctx: Context, action):
    """Run a library call; an SmrError becomes one line per problem and exit code 1."""
    try:
        return action()
    except SmrError as exc:
        if ctx.debug:
            raise
        for problem in exc.problems:
            click.secho(f"error: {problem}", err=True, fg="red")
        if len(exc.problems) > 1:
            click.echo(f"{len(exc.problems)} problems found.", err=True)
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="smr")
@click.option("--debug", is_flag=True, help="Show a traceback for errors.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.pass_context
def main(click_ctx, debug: bool, quiet: bool):
    """smr: social media releases from YAML press items."""
    click_ctx.obj = Context(debug, quiet)


@main.command()
@ROOT_OPTION
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Where to write the site (default: _site).")
@NOW_OPTION
@click.option("--preview", is_flag=True, help="Also write embargoed releases, with a banner and noindex.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.pass_obj
def build(ctx: Context, root: Path, output: Path | None, now: str | None, preview: bool, quiet: bool):
    """Render releases/ into a static site."""
    from generator import clock
    from generator.build import build as build_site

    ctx.quiet = ctx.quiet or quiet
    report = run(ctx, lambda: build_site(root, output, now=clock.now(now), preview=preview))
    ctx.say(report.summary())


@main.command()
@ROOT_OPTION
@NOW_OPTION
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.pass_obj
def check(ctx: Context, root: Path, now: str | None, quiet: bool):
    """Validate newsroom.yaml and every press item; print all problems at once."""
    from generator import clock
    from generator.site import load_site

    ctx.quiet = ctx.quiet or quiet
    site = run(ctx, lambda: load_site(root, clock.now(now)))
    from generator.images import gps_warnings

    for warning in gps_warnings(site.items, site.root):
        click.secho(f"warning: {warning}", err=True, fg="yellow")
    held = len(site.items) - len(site.public)
    ctx.say(f"OK: {len(site.items)} releases checked"
            + (f", {held} under embargo" if held else "") + ".")


@main.command()
@ROOT_OPTION
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Where to write the site (default: _site).")
@NOW_OPTION
@click.option("--preview", is_flag=True, help="Also show embargoed releases.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.pass_obj
def serve(ctx: Context, root: Path, output: Path | None, now: str | None, preview: bool, host: str, port: int):
    """Preview the site on http://127.0.0.1:8000 and rebuild when a file changes."""
    from generator import clock
    from generator.build import build as build_site
    from generator.serve import serve as serve_site

    output = (output or root / "_site").resolve()

    def rebuild():
        try:
            ctx.say(build_site(root, output, now=clock.now(now), preview=preview).summary())
        except SmrError as exc:
            for problem in exc.problems:
                click.secho(f"error: {problem}", err=True, fg="red")

    run(ctx, lambda: build_site(root, output, now=clock.now(now), preview=preview))
    serve_site(root, output, rebuild, host=host, port=port, on_ready=ctx.say)


@main.command()
@ROOT_OPTION
@click.argument("title")
@NOW_OPTION
@click.pass_obj
def new(ctx: Context, root: Path, title: str, now: str | None):
    """Create releases/<date>-<slug>/release.yaml from a commented template."""
    from generator import clock
    from generator.scaffold import new_release

    path = run(ctx, lambda: new_release(root, title, clock.now(now)))
    ctx.say(f"Created {path.relative_to(root.resolve())}")
