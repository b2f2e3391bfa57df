"""Thin click commands: parse options, call one library function, print, exit.

Exit codes: 0 ok, 1 user error (bad input), 2 usage error (click's own).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import __version__
from generator.errors import SmrError

def _newsroom_root(click_ctx, param, value: Path | None) -> Path:
    """Without --root: the folder with newsroom.yaml at or above the current one, as git does."""
    from generator.newsroom.paths import find_root

    return value if value is not None else find_root(Path.cwd())


ROOT_OPTION = click.option("--root", "-C", type=click.Path(file_okay=False, path_type=Path),
                           callback=_newsroom_root,
                           help="The newsroom folder  [default: the nearest folder with newsroom.yaml, "
                                "here or above]")
QUIET_OPTION = click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
NOW_OPTION = click.option("--now", metavar="DATETIME",
                          help="Pretend it is this moment (e.g. 2026-11-25T10:00+01:00); default: $SMR_NOW or the clock.")


class Context:
    def __init__(self, debug: bool, quiet: bool):
        self.debug = debug
        self.quiet = quiet

    def say(self, message: str) -> None:
        if not self.quiet:
            click.echo(message)

    def warn(self, problems) -> None:
        """Problems that block nothing (drafts, leftover template text): stderr, unless -q."""
        if not self.quiet:
            for problem in problems:
                click.secho(f"warning: {problem}", err=True, fg="yellow")


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
    except OSError as exc:  # the disk or the system said no: say what and where, no traceback
        if ctx.debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        click.secho(f"error: {where}{exc.strerror or exc}", err=True, fg="red")
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="smr")
@click.option("--debug", is_flag=True, help="Show a traceback for errors.")
@QUIET_OPTION
@click.pass_context
def main(click_ctx, debug: bool, quiet: bool):
    """smr: social media releases from YAML press items."""
    click_ctx.obj = Context(debug, quiet)


@main.command()
@ROOT_OPTION
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Where to write the site (default: _site).")
@NOW_OPTION
@click.option("--preview", is_flag=True, help="Also write drafts and embargoed releases, with a banner and noindex.")
@QUIET_OPTION
@click.pass_obj
def build(ctx: Context, root: Path, output: Path | None, now: str | None, preview: bool, quiet: bool):
    """Render releases/ into a static site."""
    from generator import clock
    from generator.output.pipeline import build as build_site

    ctx.quiet = ctx.quiet or quiet
    progress = _Progress(ctx)
    try:
        report = run(ctx, lambda: build_site(root, output, now=clock.now(now), preview=preview,
                                             progress=progress.photos))
    finally:
        progress.close()
    ctx.warn(report.warnings)
    ctx.say(report.summary())


@main.command()
@ROOT_OPTION
@NOW_OPTION
@QUIET_OPTION
@click.pass_obj
def check(ctx: Context, root: Path, now: str | None, quiet: bool):
    """Validate newsroom.yaml and every press item, open every photo; print all problems at once."""
    from generator import clock
    from generator.output.pipeline import check as check_site

    ctx.quiet = ctx.quiet or quiet
    progress = _Progress(ctx)   # the first check of many photos takes a while
    try:
        site, warnings = run(ctx, lambda: check_site(root, clock.now(now), progress=progress.photos))
    finally:
        progress.close()
    ctx.warn(warnings)
    drafts = sum(1 for i in site.items if i.draft)
    held = len(site.items) - len(site.public) - drafts
    ctx.say(f"OK: {len(site.items)} releases checked"
            + (f", {held} under embargo" if held else "") + (f", {drafts} draft{'s' if drafts > 1 else ''}" if drafts else "") + ".")


@main.command()
@ROOT_OPTION
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Where to write the site (default: _site).")
@NOW_OPTION
@click.option("--preview", is_flag=True, help="Also show drafts and embargoed releases.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int, help="0 picks a free port.")
@click.pass_obj
def serve(ctx: Context, root: Path, output: Path | None, now: str | None, preview: bool, host: str, port: int):
    """Preview the site on http://127.0.0.1:8000, rebuild when a source file changes, and
    reload the open pages (a failed rebuild shows its problems on them)."""
    from generator import clock
    from generator.output.pipeline import build as build_site
    from generator.output.serve import problem_lines
    from generator.output.serve import serve as serve_site

    output = (output or root / "_site").resolve()

    def build(applying):
        progress = _Progress(ctx)
        try:
            report = build_site(root, output, now=clock.now(now), preview=preview, progress=progress.photos,
                                applying=applying, search=False)   # the page first: `index` below
        finally:
            progress.close()
        ctx.warn(report.warnings)
        ctx.say(report.summary())

    def failed(exc: Exception):
        """A rebuild failed: one line per problem; the last good site is still served."""
        if ctx.debug:
            import traceback

            traceback.print_exception(exc)
        for problem in problem_lines(exc):
            click.secho(f"error: {problem}", err=True, fg="red")

    def index(applying):
        """The search index, in serve's background thread once a build is shown."""
        build_site(root, output, now=clock.now(now), preview=preview, applying=applying)

    run(ctx, lambda: serve_site(root, output, build, host=host, port=port, on_error=failed, index=index,
                                on_ready=lambda url: ctx.say(f"Serving {output} on {url} (Ctrl+C stops)")))


@main.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help="The newsroom's name, e.g. 'Brood & Co press room'.")
@click.option("--base-url", help="Its public address, e.g. https://press.example.org/.")
@click.option("--organization", help="The organisation's name.")
@click.option("--language", help="Language of the releases, e.g. nl, en.")
@click.option("--timezone", help="Time zone of dates, e.g. Europe/Amsterdam.")
@NOW_OPTION
@click.pass_obj
def init(ctx: Context, folder: Path, title, base_url, organization, language, timezone, now):
    """Start a newsroom in FOLDER: newsroom.yaml, releases/, outreach/bloggers.csv, .gitignore.

    Asks for what the options do not give when run on a terminal. Never overwrites a file."""
    from generator import clock
    from generator.newsroom.init import Settings, describe, init_newsroom

    folder = folder.resolve()
    asking = sys.stdin.isatty() and not (folder / "newsroom.yaml").exists()

    def ask(value, question: str, default: str) -> str:
        return value or (click.prompt(question, default=default) if asking else default)

    name = folder.name.replace("-", " ").replace("_", " ").strip() or "Our organisation"
    organization = ask(organization, "Organisation", name)
    settings = Settings(title=ask(title, "Newsroom title", f"{organization} press room"),
                        base_url=ask(base_url, "Public address (base URL)", "https://press.example.org/"),
                        organization=organization, language=ask(language, "Language", "en"),
                        timezone=ask(timezone, "Time zone", "UTC"))
    report = run(ctx, lambda: init_newsroom(folder, settings, clock.now(now).date()))
    for line in describe(report):
        ctx.say(line)
    if "newsroom.yaml" in report.created:
        if not base_url and not asking:
            ctx.say("base_url in newsroom.yaml is an example: set the newsroom's public address before publishing.")
        ctx.say(f"Newsroom ready in {folder}. Next: smr new \"Your headline\"")


@main.command()
@ROOT_OPTION
@click.argument("title")
@click.option("--date", help="Release date (2026-11-24 or 2026-11-24T09:00+01:00); default: today.")
@click.option("--language", help="Language of this release, e.g. en (default: the newsroom's).")
@click.option("--embargo", help="Not public before this moment, e.g. 2026-11-24T09:00+01:00.")
@click.option("--translation-of", "translation_of", metavar="RELEASE",
              help="Start as a translation of this release, prefilled and linked both ways.")
@NOW_OPTION
@click.pass_obj
def new(ctx: Context, root: Path, title: str, date, language, embargo, translation_of, now: str | None):
    """Create releases/<date>-<slug>/release.yaml, a draft, from a commented template."""
    from generator import clock
    from generator.newsroom.new import new_release

    path = run(ctx, lambda: new_release(root, title, clock.now(now), date=date, language=language,
                                        embargo=embargo, translation_of=translation_of))
    ctx.say(f"Created {path.relative_to(root.resolve())} (a draft: delete `draft: true` when it is final)")


@main.command("import")
@ROOT_OPTION
@click.argument("document", type=click.Path(path_type=Path))
@click.option("--translation-of", "translation_of", metavar="RELEASE",
              help="The document translates this release: linked both ways, its identical photos shared.")
@NOW_OPTION
@click.pass_obj
def import_(ctx: Context, root: Path, document: Path, translation_of, now: str | None):
    """Make a draft release from an approved Word document (.docx)."""
    from generator import clock
    from generator.importing.release import import_document

    done = run(ctx, lambda: import_document(root, document, clock.now(now), translation_of=translation_of))
    ctx.say(f"Created {done.path.relative_to(root.resolve())} (a draft: check each field, the ones marked "
            "\"guessed\" first, then delete `draft: true`)")
    for note in done.notes:
        ctx.say(f"  {note}")
    ctx.warn(done.warnings)
    if done.left:
        ctx.say("Left to fill in:")
        for problem in done.left:
            ctx.say(f"  {problem}")


class _Progress:
    """Bars on stderr for the photo work of a build and for the bytes of an upload, only on a
    terminal and without -q; a line per retry, also in logs, except with -q. The hooks of
    publish.Reporter and the `progress` of build()."""

    def __init__(self, ctx: Context):
        self.ctx, self.bar, self.done, self.total = ctx, None, 0, 0
        self.shown = not ctx.quiet and sys.stderr.isatty()

    def photos(self, done: int, total: int):
        if not self.shown:
            return
        if done == 0:
            self.close()
            self.bar = click.progressbar(length=total, label="Photos", file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        elif self.bar:
            self.bar.update(done - self.bar.pos)
        if done == total:
            self.close()

    def waiting(self, message):
        if not self.ctx.quiet:
            click.echo(message, err=True)

    def start(self, plan):
        if self.shown and plan.uploads:
            self.close()
            self.total = len(plan.uploads)
            self.bar = click.progressbar(length=max(plan.upload_bytes, 1), label="Uploading", file=sys.stderr,
                                         show_percent=True, item_show_func=lambda _: f"{self.done}/{self.total} files")
            self.bar.__enter__()

    def sent(self, f, nbytes: int):
        if self.bar:
            self.bar.update(nbytes, f)

    def uploaded(self, f):
        if self.bar:
            self.done += 1
            self.bar.update(0, f)

    def deleted(self, url):
        pass

    def retrying(self, line: str):
        if not self.ctx.quiet:
            if self.bar:
                sys.stderr.write("\r\033[K")   # the line goes above the bar, which is drawn again
            click.echo(line, err=True)

    def close(self):
        if self.bar:
            self.bar.__exit__(None, None, None)
            self.bar = None


ENDPOINT_OPTION = click.option("--endpoint-url", metavar="URL",
                               help="S3-compatible endpoint (overrides publish.endpoint_url and $SMR_ENDPOINT_URL).")


@main.command()
@ROOT_OPTION
@NOW_OPTION
@ENDPOINT_OPTION
@click.option("--dry-run", is_flag=True, help="Print what would be uploaded and deleted; change nothing.")
@click.option("--delete", is_flag=True, help="Remove objects smr uploaded earlier that the site no longer has.")
@click.option("--max-deletes", default=25, show_default=True, type=click.IntRange(0), help="Refuse to delete more without --yes.")
@click.option("--yes", is_flag=True, help="Allow more deletes than --max-deletes, or taking down every release online.")
@click.option("--jobs", default=32, show_default=True, type=click.IntRange(1, 64), help="Parallel uploads.")
@click.option("--create-buckets", is_flag=True, help="Create the site and media buckets if missing (private; "
              "prints the policy that makes them readable).")
@click.option("--alerts", "send_alerts", is_flag=True, help="Then e-mail the subscribers about each release this "
              "publish put online (alerts: in newsroom.yaml); with --dry-run, who would get what.")
@QUIET_OPTION
@click.pass_obj
def publish(ctx: Context, root: Path, now, endpoint_url, dry_run, delete, max_deletes, yes, jobs, create_buckets,
            send_alerts, quiet):
    """Build the public site and upload it and the hi-res originals to S3 (publish: in newsroom.yaml);
    then check that journalists can read it."""
    from generator import clock
    from generator.publish.deploy import publish as publish_site

    ctx.quiet = ctx.quiet or quiet
    moment = run(ctx, lambda: clock.now(now))
    on_public = None
    if send_alerts:
        from generator.outreach.alerts import keep_released

        on_public = run(ctx, lambda: keep_released(root, moment, check=not dry_run))
    progress = _Progress(ctx)
    try:
        report = run(ctx, lambda: publish_site(root, now=moment, endpoint_url=endpoint_url, dry_run=dry_run,
                                               delete=delete, max_deletes=max_deletes, yes=yes, jobs=jobs,
                                               reporter=progress, create_buckets=create_buckets,
                                               on_public=on_public))
    finally:
        progress.close()
    for line in report.takedowns:   # even with -q: someone must hear that news went offline
        click.secho(line, err=True, fg="yellow")
    for line in report.notes:
        ctx.say(line)
    for line in report.lines:
        click.echo(line)
    for warning in report.warnings:
        click.secho(f"warning: {warning}", err=True, fg="yellow")
    ctx.say(report.summary())
    if send_alerts:
        from generator.outreach.alerts import send_released

        alerted, problems = run(ctx, lambda: send_released(root, now=moment, released=report.went_public,
                                                           dry_run=dry_run))
        ctx.warn(problems)
        for one in alerted:
            _said_alerts(ctx, one)
        if not alerted:
            ctx.say("No release went online: no alerts to send.")


@main.command()
@ROOT_OPTION
@NOW_OPTION
@ENDPOINT_OPTION
@click.option("--offline", is_flag=True, help="Do not ask the buckets; show only what each release is now.")
@click.pass_obj
def status(ctx: Context, root: Path, now, endpoint_url, offline: bool):
    """One line per release: draft, embargoed or public, and whether it is online and current."""
    from generator import clock
    from generator.publish.status import status as newsroom_status

    report = run(ctx, lambda: newsroom_status(root, now=clock.now(now), endpoint_url=endpoint_url, offline=offline,
                                              say=lambda message: click.echo(message, err=True)))
    for line in report.lines():
        click.echo(line)


@main.group()
def outreach():
    """Bloggers: check the list, fetch their feeds, rank them for a release, export a mail merge."""


def _list_warnings(ctx: Context, listing) -> None:
    if listing.problems:
        click.secho(f"warning: {listing.shown}: {len(listing.problems)} problems, {listing.skipped} rows "
                    "skipped; run `smr outreach check`", err=True, fg="yellow")


@outreach.command("check")
@ROOT_OPTION
@click.pass_obj
def outreach_check(ctx: Context, root: Path):
    """Validate outreach/bloggers.csv: e-mail syntax, duplicates, columns, required values."""
    from generator.outreach.common import bloggers

    listing = run(ctx, lambda: bloggers(root))
    run(ctx, lambda: SmrError.collect(listing.problems))
    ctx.say(f"OK: {len(listing.rows)} bloggers in {listing.shown}.")


@outreach.command("import-opml")
@ROOT_OPTION
@click.argument("opml", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def outreach_import_opml(ctx: Context, root: Path, opml: Path):
    """Append the feeds of a feed reader's OPML export to the blogger list (never overwrites)."""
    from generator.outreach.bloggers import import_opml, list_path
    from generator.newsroom.site import load_newsroom

    target = run(ctx, lambda: list_path(root.resolve(), load_newsroom(root.resolve())))
    report = run(ctx, lambda: import_opml(root.resolve(), target, opml))
    for title in report.added:
        ctx.say(f"added    {title}")
    for line in report.skipped:
        ctx.say(f"skipped  {line}")
    ctx.say(f"{len(report.added)} added, {len(report.skipped)} skipped. New rows have no e-mail or "
            "name yet: fill them in, then run `smr outreach check`." if report.added else
            f"0 added, {len(report.skipped)} skipped.")


@outreach.command("fetch")
@ROOT_OPTION
@click.option("--timeout", default=10.0, show_default=True, help="Seconds per feed, all of it.")
@click.option("--max-bytes", default=5_000_000, show_default=True, help="Largest feed accepted.")
@click.option("--workers", default=4, show_default=True, help="Feeds fetched at the same time.")
@click.pass_obj
def outreach_fetch(ctx: Context, root: Path, timeout: float, max_bytes: int, workers: int):
    """Download every blogger's feed into .smr-cache/feeds/ (conditional GET); exit 1 if any failed."""
    from generator.outreach.common import bloggers, fetch
    from generator.outreach.fetch import summary

    listing = run(ctx, lambda: bloggers(root))
    _list_warnings(ctx, listing)
    results = run(ctx, lambda: fetch(root, listing.bloggers, timeout=timeout, max_bytes=max_bytes,
                                     workers=workers))
    failed = any(r.status == "failed" for r in results)
    for result in results:   # a failed feed is an error: shown even with -q, and so is the summary
        (click.echo if result.status == "failed" else ctx.say)(result.line())
    (click.echo if failed else ctx.say)(summary(results))
    if failed:
        sys.exit(1)


@outreach.command("match")
@ROOT_OPTION
@click.argument("release")
@click.option("--top", type=int, help="Show only the best N.")
@click.option("--min-score", type=float, default=0.0, help="Hide bloggers scoring below this.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--show-email", is_flag=True, help="Include e-mail addresses (personal data).")
@click.pass_obj
def outreach_match(ctx: Context, root: Path, release: str, top, min_score: float, as_json: bool, show_email: bool):
    """Rank bloggers for RELEASE (folder name or path) by their topics and recent posts."""
    from generator.outreach.common import match
    from generator.outreach.report import json_text, table

    _, listing, matches = run(ctx, lambda: match(root, release, top=top, min_score=min_score))
    _list_warnings(ctx, listing)
    click.echo(json_text(matches, show_email) if as_json else table(matches, show_email))


@outreach.command("export")
@ROOT_OPTION
@click.argument("release")
@click.option("--top", type=int, help="Only the best N bloggers.")
@click.option("--format", "fmt", type=click.Choice(["csv", "eml"]), default="csv", show_default=True)
@click.option("--delimiter", help="Column separator  [default: outreach.delimiter in newsroom.yaml, else ';' "
                                  "for a Dutch, German, French, ... newsroom (as its Excel reads CSV), else ',']")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File (csv) or folder (eml); default: outreach/exports/.")
@NOW_OPTION
@click.pass_obj
def outreach_export(ctx: Context, root: Path, release: str, top, fmt: str, delimiter: str, output, now):
    """Write a mail-merge CSV (or .eml drafts) with a personal pitch per matched blogger."""
    from generator import clock
    from generator.outreach.export import export

    report = run(ctx, lambda: export(root, release, top=top, fmt=fmt, delimiter=delimiter,
                                     output=output, now=clock.now(now)))
    ctx.say(report.summary(root.resolve()))


@main.group()
def alerts():
    """E-mail alerts: each journalist in outreach/subscribers.csv gets each story once."""


@alerts.command("add")
@ROOT_OPTION
@click.argument("email")
@click.option("--consent", required=True, metavar="TEXT", help="What they agreed to, and how (smr adds when).")
@click.option("--name", metavar="N")
@click.option("--language", metavar="L", help="Their language, e.g. en: they get that version where one exists.")
@click.option("--tags", metavar="A,B", help="Only news with one of these tags  [default: all news]")
@NOW_OPTION
@click.pass_obj
def alerts_add(ctx: Context, root: Path, email: str, consent: str, name, language, tags, now):
    """Add a subscriber to outreach/subscribers.csv (never rewrites the other rows)."""
    from generator import clock
    from generator.outreach.subscribers import LIST, add

    subscriber = run(ctx, lambda: add(root, email, consent=consent, now=clock.now(now), name=name,
                                      language=language, tags=tags))
    ctx.say(f"Added {subscriber.email} to {LIST}.")


@alerts.command("remove")
@ROOT_OPTION
@click.argument("email")
@click.pass_obj
def alerts_remove(ctx: Context, root: Path, email: str):
    """Remove a subscriber from outreach/subscribers.csv."""
    from generator.outreach.subscribers import LIST, remove

    subscriber = run(ctx, lambda: remove(root, email))
    ctx.say(f"Removed {subscriber.email} from {LIST}.")


@alerts.command("list")
@ROOT_OPTION
@click.pass_obj
def alerts_list(ctx: Context, root: Path):
    """Print the subscribers, one a line, tab-separated: email, name, language, tags, consent, source."""
    from generator.outreach.subscribers import read

    listing = run(ctx, lambda: read(root))
    ctx.warn(listing.problems)
    for s in listing.subscribers:
        click.echo("\t".join([s.email, s.name or "", s.language or "", ",".join(s.tags), s.consent, s.source or ""]))
    if not ctx.quiet:
        click.echo(f"{len(listing.rows)} subscriber{'s' * (len(listing.rows) != 1)} in {listing.shown}.", err=True)


@alerts.command("send")
@ROOT_OPTION
@click.argument("release")
@click.option("--dry-run", is_flag=True, help="Print who would get which version; send nothing.")
@click.option("--rate", type=click.FloatRange(0, min_open=True), metavar="PER_MINUTE",
              help="At most this many messages a minute  [default: alerts.rate in newsroom.yaml, else 60]")
@NOW_OPTION
@QUIET_OPTION
@click.pass_obj
def alerts_send(ctx: Context, root: Path, release: str, dry_run: bool, rate: float, now, quiet: bool):
    """E-mail RELEASE (public only) to each subscriber who wants it and has not had it."""
    from generator import clock
    from generator.outreach.alerts import send

    ctx.quiet = ctx.quiet or quiet
    report, problems = run(ctx, lambda: send(root, release, now=clock.now(now), dry_run=dry_run, rate=rate))
    ctx.warn(problems)
    _said_alerts(ctx, report)


def _said_alerts(ctx: Context, report) -> None:
    for line in report.lines:
        click.echo(line)
    for line in report.refused:   # someone did not get the news: said even with -q
        click.secho(f"refused: {line}", err=True, fg="yellow")
    ctx.say(report.summary())


@main.command()
@ROOT_OPTION
@click.argument("release")
@NOW_OPTION
@ENDPOINT_OPTION
@click.option("--remove", is_flag=True, help="Remove the release's preview from the bucket.")
@QUIET_OPTION
@click.pass_obj
def preview(ctx: Context, root: Path, release: str, now, endpoint_url, remove: bool, quiet: bool):
    """Upload an embargoed RELEASE (or a draft) under a secret link for journalists (noindex, in no feed)."""
    from generator import clock
    from generator.publish.preview import preview as preview_release

    ctx.quiet = ctx.quiet or quiet
    progress = _Progress(ctx)
    try:
        link, removed = run(ctx, lambda: preview_release(root, release, now=clock.now(now), endpoint_url=endpoint_url,
                                                         remove=remove, reporter=progress))
    finally:
        progress.close()
    if remove:
        click.echo(f"Removed the preview ({removed} files)." if removed else "There was no preview to remove.")
    else:
        click.echo(f"Preview (share only under embargo): {link}")


@main.command()
@ROOT_OPTION
@click.argument("release")
@click.pass_obj
def coverage(ctx: Context, root: Path, release: str):
    """Find posts about RELEASE in the fetched feeds; add them to its coverage.yaml."""
    from generator.outreach.coverage import update

    report = run(ctx, lambda: update(root, release))
    ctx.say(report.summary(root.resolve()))

