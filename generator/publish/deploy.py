"""`smr publish` and `smr preview`: put the built newsroom online without ever breaking it.

publish = build (never with embargoed pages, photo downloads pointing at the media target)
-> one listing and one manifest read per target -> upload only what changed, stage by
stage (originals, renditions and assets, release pages, index pages, feeds), so no page is
live before what it links to (pages in a circle of links go up first without the links
that would not resolve yet; plan.py) -> delete only what smr uploaded, only when asked,
capped. A failure stops before the next stage; a re-run uploads only what is still missing,
after aborting the multipart uploads an interrupted run left.

What must not be online (a release now under embargo, a draft, a release deleted from
releases/) is taken down first, by every publish, without --delete, and the pages online that
listed it go up next, before anything else; a page the site no longer has goes with such a
release, else once the pages that linked it are up (plan.py says exactly what, and when).
Two publishes of one newsroom never interleave: the second waits for the first (`publish_lock`).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote

from generator.errors import Problem, SmrError
from generator.files import LockTimeout, cache_dir, file_lock
from generator.output.incremental import recorded_digests
from generator.publish import plan as pp
from generator.publish import s3 as s3api
from generator.publish import websub
from generator.publish.reachable import api_endpoint, public_read_policy
from generator.publish.reachable import check as readable
from generator.publish.s3 import Connection, Target, explain
from generator.text import human_bytes
from generator.workers import cpu_count, die_with_parent, start_method

PUBLISH_DIR = "publish-site"        # the build that publish uploads, inside .smr-cache/
LOCK_FILE = "publish.lock"          # inside .smr-cache/: held by the publish (or status) running
LOCK_TIMEOUT = 15 * 60              # seconds a second publish waits for the first
ENV = {"site": "SMR_PUBLISH_SITE", "media": "SMR_PUBLISH_MEDIA", "media_base_url": "SMR_MEDIA_BASE_URL",
       "endpoint_url": "SMR_ENDPOINT_URL", "region": "SMR_REGION", "path_style": "SMR_PATH_STYLE"}


@dataclass
class Settings:
    """Resolved targets: newsroom.yaml publish:, overridden by SMR_* and --endpoint-url."""

    site: Target
    media: Target | None
    media_base_url: str | None     # None: the media bucket's own URL (with_media_url)
    conn: Connection
    base_url: str
    warnings: list[str] = field(default_factory=list)   # about the settings themselves, said by publish


class Reporter:
    """Progress hooks; the CLI draws bars with them, tests record with them. They are called
    one at a time (`sent` and `retrying` from upload threads too), never at the same time."""

    def waiting(self, message: str) -> None: ...
    def photos(self, done: int, total: int) -> None: ...      # the build's photo work
    def start(self, plan: pp.Plan) -> None: ...
    def sent(self, f: pp.LocalFile, nbytes: int) -> None: ...  # more of f went out; per file they add up to f.size
    def uploaded(self, f: pp.LocalFile) -> None: ...
    def deleted(self, url: str) -> None: ...

    def retrying(self, line: str) -> None:   # e.g. "retrying (2/5): connection refused"
        s3api.say_on_stderr(line)


class OneAtATime:
    """A Reporter whose hooks never run at the same time, whichever thread calls them."""

    def __init__(self, reporter: Reporter):
        self.reporter, self.lock = reporter, threading.RLock()

    def __getattr__(self, name: str):
        hook = getattr(self.reporter, name)

        def locked(*args):
            with self.lock:
                return hook(*args)
        return locked


class SentBytes:
    """How much of one file went out, for Reporter.sent: the counts from the connection go back
    when a retry starts over, and what is sent again is not counted twice."""

    def __init__(self, reporter: Reporter, f: pp.LocalFile):
        self.reporter, self.f = reporter, f
        self.position = self.reported = 0

    def __call__(self, nbytes: int) -> None:
        self.position += nbytes
        self._report(min(self.position, self.f.size))

    def finish(self) -> None:
        self._report(self.f.size)

    def _report(self, upto: int) -> None:
        if upto > self.reported:
            self.reporter.sent(self.f, upto - self.reported)
            self.reported = upto


@dataclass
class PublishReport:
    uploaded: int = 0
    skipped: int = 0
    deleted: int = 0
    bytes: int = 0
    seconds: float = 0.0
    url: str = ""
    kept: int = 0
    dry_run: bool = False
    lines: list[str] = field(default_factory=list)   # dry run: one line per upload / delete
    takedowns: list[str] = field(default_factory=list)   # one loud line per release taken down
    notes: list[str] = field(default_factory=list)   # buckets created, the policy to apply
    warnings: list[str] = field(default_factory=list)  # what keeps journalists from the newsroom
    checked: bool = False    # journalists' view was checked, and the page and an original were readable
    original: str = ""       # the key of one original in the media target (what the check downloads)
    changed: set[str] = field(default_factory=set)   # site keys this publish uploads (WebSub pings those feeds)
    went_public: list[str] = field(default_factory=list)   # releases whose page was not online before (--alerts)

    def summary(self) -> str:
        verb = "Would upload" if self.dry_run else "Uploaded"
        gone = "would delete" if self.dry_run else "deleted"
        text = (f"{verb} {self.uploaded} files ({human_bytes(self.bytes)}), skipped {self.skipped} unchanged, "
                f"{gone} {self.deleted} in {self.seconds:.2f} s")
        if self.kept:
            text += f"; {self.kept} old objects kept (use --delete to remove what smr uploaded)"
        if self.dry_run or not self.url:
            return text
        if self.checked:
            return text + f"\nOnline at {self.url}"
        return text + f"\nNot confirmed online: {self.url} (see the warnings above)"


# ---------------------------------------------------------------- settings

def settings(root: Path, *, endpoint_url: str | None = None, env: dict | None = None,
             jobs: int = 32, max_attempts: int | None = None) -> Settings:
    """newsroom.yaml publish:, then SMR_* variables, then --endpoint-url."""
    from pydantic import ValidationError

    from generator.newsroom.model import Publish
    from generator.newsroom.site import load_newsroom

    env = os.environ if env is None else env
    newsroom = load_newsroom(root)
    data = newsroom.publish.model_dump()
    origin = {name: f"newsroom.yaml: publish.{name}" for name in data}
    for name, var in ENV.items():
        if env.get(var):
            value = env[var]
            data[name] = value.strip().lower() in ("1", "true", "yes", "on") if name == "path_style" else value
            origin[name] = var
    if endpoint_url:
        data["endpoint_url"], origin["endpoint_url"] = endpoint_url, "--endpoint-url"
    try:
        publish = Publish.model_validate(data)
    except ValidationError as exc:
        raise SmrError(problems=[Problem("", 0, origin.get(str(e["loc"][0]), str(e["loc"][0])),
                                         e["msg"].removeprefix("Value error, ")) for e in exc.errors()]) from None
    if not publish.site:
        raise SmrError("no publish target: set publish.site (s3://bucket/prefix/) in newsroom.yaml "
                       "or SMR_PUBLISH_SITE", file="newsroom.yaml", field="publish.site")
    site = Target.parse(publish.site, "publish.site")
    media = Target.parse(publish.media, "publish.media") if publish.media else None
    if media and (media.bucket, media.prefix) == (site.bucket, site.prefix):
        raise SmrError("must differ from publish.site", file="newsroom.yaml", field="publish.media")
    warnings = []
    if s3api.has_userinfo(publish.endpoint_url):   # never used by S3; never shown, never in a link
        warnings.append(f"{origin['endpoint_url']} holds a user name and password (user:password@); S3 does not "
                        "use them, as requests are signed with your AWS credentials, so smr leaves them out: "
                        "remove them from it")
    conn = Connection(s3api.without_userinfo(publish.endpoint_url), publish.region, publish.path_style,
                      max_attempts, jobs, read_timeout(env))
    base = publish.media_base_url
    if base and not base.endswith("/"):
        base += "/"
    return Settings(site, media, base, conn, newsroom.base_url, warnings)


def read_timeout(env) -> float:
    """Seconds to wait for the service's answer: SMR_READ_TIMEOUT, else s3.READ_TIMEOUT."""
    text = env.get("SMR_READ_TIMEOUT", "").strip()
    try:
        seconds = float(text) if text else s3api.READ_TIMEOUT
    except ValueError:
        seconds = 0
    if not 0 < seconds <= 3600:
        raise SmrError(f"must be a number of seconds (1 to 3600), not {text!r}", field="SMR_READ_TIMEOUT")
    return seconds


def with_media_url(cfg: Settings, s3) -> Settings:
    """Without media_base_url, downloads link to the media bucket where this client puts them."""
    try:
        return replace(cfg, media_base_url=s3api.public_url(cfg.media, s3))
    except Exception as exc:   # presigning needs credentials
        raise explain(exc, cfg.media, cfg.conn) from None


# ---------------------------------------------------------------- commands

def publish(root: Path, *, now, endpoint_url: str | None = None, dry_run: bool = False,
            delete: bool = False, max_deletes: int = 25, yes: bool = False, jobs: int = 32,
            max_attempts: int | None = None, reporter: Reporter | None = None, env: dict | None = None,
            client=None, create_buckets: bool = False, check: bool = True, on_public=None) -> PublishReport:
    """Build the public newsroom and bring the bucket(s) in line with it; then check that
    journalists can read it (`check`), without credentials, at its public URLs. `on_public`
    hears the releases going online for the first time before they go up (publish_dir)."""
    started = time.perf_counter()
    root = root.resolve()
    hooks = OneAtATime(reporter or Reporter())
    cfg = settings(root, endpoint_url=endpoint_url, env=env, jobs=jobs, max_attempts=max_attempts)
    computed = cfg.media is not None and not cfg.media_base_url
    with publish_lock(root, hooks.waiting), terminated_as_interrupted():
        notes, made = [], set()
        if create_buckets:
            client = client or client_for(cfg, hooks.retrying)
            notes, made = make_buckets(client, cfg, dry_run)
        cfg, client, out, site = build_public(root, cfg, now, client, hooks)
        public, held = {i.slug for i in site.public}, held_reasons(site)
        report = publish_dir(out, cfg, releases=public, embargoed=set(held), held=held,
                             dry_run=dry_run, delete=delete, max_deletes=max_deletes, yes=yes,
                             reporter=hooks, client=client, digests=recorded_digests(root, out),
                             new_buckets=made if dry_run else set(), on_public=on_public)
    report.notes = notes + report.notes
    report.warnings = cfg.warnings + report.warnings
    websub.announce(site, report)   # feeds it uploaded: tell the newsroom's WebSub hub
    if cfg.media and (computed or api_endpoint(cfg.media_base_url, cfg.conn.endpoint_url)):
        report.warnings.append(f"photo downloads link to the S3 endpoint {cfg.media_base_url}; set "
                               "publish.media_base_url to the public address of the media bucket")
    if check and not dry_run:
        page = cfg.base_url + (quote(site.public[0].slug) + "/" if site.public else "")
        original = cfg.media_base_url + quote(report.original) if cfg.media and report.original else None
        problems = readable(page, original)
        report.warnings += problems
        report.checked = not problems
    report.seconds = time.perf_counter() - started   # build included: what the user waited for
    return report


@contextlib.contextmanager
def publish_lock(root: Path, say=None):
    """Held while a publish (or `smr status`) builds into .smr-cache/publish-site and talks to
    the buckets, so that two of them never interleave: the second waits for the first (and
    says so through `say`), up to LOCK_TIMEOUT. The system lets go when its holder exits."""
    def waiting():
        if say:
            say("waiting for another smr publish in this newsroom…")

    try:
        with file_lock(cache_dir(root) / LOCK_FILE, timeout=LOCK_TIMEOUT, on_wait=waiting):
            yield
    except LockTimeout:   # only the wait for the lock, never a timeout inside the publish
        raise SmrError(f"another smr publish in this newsroom has been running for more than "
                       f"{LOCK_TIMEOUT // 60} minutes; nothing was changed") from None


@contextlib.contextmanager
def terminated_as_interrupted():
    """While publishing, SIGTERM (systemd stopping the service, a CI job cancelled, `kill`)
    ends smr as Ctrl-C does, so that uploads in flight stop and abort their multipart uploads
    (see `_upload`) instead of leaving their parts in the bucket."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def build_public(root: Path, cfg: Settings, now, client=None, hooks: Reporter | None = None):
    """Build what publish uploads into .smr-cache/publish-site: never a release that is not
    public, photo downloads pointing at the media target. Returns (cfg, client, folder, site)."""
    from generator.output.pipeline import build
    from generator.newsroom.site import load_site

    if cfg.media and not cfg.media_base_url:   # the build needs the bucket's URL: connect first
        client = client or client_for(cfg, hooks.retrying if hooks else None)
        cfg = with_media_url(cfg, client)
    out = cache_dir(root) / PUBLISH_DIR
    out.parent.mkdir(parents=True, exist_ok=True)
    build(root, out, now=now, preview=False, media_base_url=cfg.media_base_url,
          progress=hooks.photos if hooks else None)
    return cfg, client, out, load_site(root, now)


def held_reasons(site) -> dict[str, str]:
    """slug -> why it is not public now, for every release that is not."""
    public = {i.slug for i in site.public}
    return {i.slug: why_held(i, site) for i in site.items if i.slug not in public}


def why_held(item, site) -> str:
    if item.draft:
        return "draft"
    if item.embargoed(site.now):
        return f"under embargo until {local_time(item.embargo, site)}"
    return "not public"


def local_time(moment, site) -> str:
    """A moment as the newsroom's people read it: its own timezone, to the minute."""
    return moment.astimezone(site.newsroom.tz).strftime("%Y-%m-%d %H:%M")


def make_buckets(s3, cfg: Settings, dry_run: bool = False) -> tuple[list[str], set[str]]:
    """Create the site and media buckets where missing (private, as S3 makes them); returns
    what was done and the policy that would make them readable, in lines for people, and the
    buckets made (in a dry run: that would be made)."""
    lines, made = [], set()
    targets = [cfg.site] + ([cfg.media] if cfg.media and cfg.media.bucket != cfg.site.bucket else [])
    for target in targets:
        try:
            created = s3api.create_bucket(s3, target.bucket, dry_run=dry_run)
        except Exception as exc:
            raise explain(exc, target, cfg.conn) from None
        if created:
            made.add(target.bucket)
            lines.append(f"{'Would create' if dry_run else 'Created'} bucket {target.bucket} "
                         f"(region {s3.meta.region_name}); it is private: to let journalists read "
                         f"{target.url}, apply this bucket policy (see docs/publish.md):")
            lines.append(public_read_policy(target.bucket, target.prefix))
        else:
            lines.append(f"Bucket {target.bucket} exists already")
    return lines, made


def publish_dir(site_dir: Path, cfg: Settings, *, releases: set[str] | None = None,
                embargoed: set[str] = frozenset(), held: dict[str, str] | None = None,
                dry_run: bool = False, delete: bool = False,
                max_deletes: int = 25, yes: bool = False, reporter: Reporter | None = None,
                client=None, digests: dict | None = None, include=None, manifest: bool = True,
                remove_previews: bool = True, new_buckets: set[str] = frozenset(), on_public=None) -> PublishReport:
    """Upload a built site folder: the takedowns, the diff, the order, the deletes, the
    manifests. `held` (slug -> reason) turns takedowns on; `releases` are the public ones.
    `new_buckets` are taken as empty without asking (a dry run of --create-buckets).
    `digests` is the build's output record of the folder (site path -> MD5 and ETag): only
    the files it names are published, with those hashes; without it every file is read.
    A file the build wrote that publish never uploads (a dot file: `unpublishable`) stops it
    after the takedowns, before any upload. `on_public(slugs)` is called before the first
    upload with the public releases whose page the site target does not hold yet
    (`smr publish --alerts` keeps them, so a publish killed after the upload still alerts)."""
    started = time.perf_counter()
    reporter = reporter if isinstance(reporter, OneAtATime) else OneAtATime(reporter or Reporter())
    targets = targets_of(cfg)
    s3, files, remotes = gather(site_dir, cfg, releases=releases, embargoed=embargoed, include=include,
                                digests=digests, client=client, manifest=manifest, new_buckets=new_buckets,
                                retrying=reporter.retrying)
    plan = pp.plan(files, remotes, delete=delete, public=releases if held is not None else None, held=held)
    pp.hold_back_links(plan, remotes, {"site": cfg.base_url, "media": cfg.media_base_url if cfg.media else None})
    leftover = {name: incomplete_uploads(s3, target, cfg.conn, remotes[name],
                                         {f.key for f in files if f.target == name})
                for name, target in targets.items() if target.bucket not in new_buckets}
    previews = pp.stale_previews(remotes["site"].objects, releases) if remove_previews and releases else []
    report = PublishReport(uploaded=len(plan.uploads), skipped=len(plan.skipped),
                           deleted=plan.delete_count + plan.takedown_count + len(previews),
                           bytes=plan.upload_bytes, url=cfg.base_url, dry_run=dry_run,
                           kept=sum(len(keys) for keys in plan.stale.values()),
                           takedowns=[line for t in plan.takedowns for line in t.lines(dry_run)],
                           original=min((f.key for f in files if f.target == "media"), default=""),
                           changed={f.key for f in plan.uploads if f.target == "site"},
                           went_public=sorted(s for s in releases or () if f"{s}/index.html" not in remotes["site"].objects))
    if not yes and not dry_run:
        pp.refuse_too_many_deletes(plan, max_deletes, cfg.site.url)
        pp.refuse_taking_down_everything(plan, releases if held is not None else None, cfg.site.url)
    count = sum(len(found) for found in leftover.values())
    if count:
        report.notes.append(f"{'would abort' if dry_run else 'aborted'} {count} incomplete upload{'s' * (count != 1)} "
                            "left by an interrupted publish")
    stuck = unpublishable([rel for rel in digests or () if include is None or include(rel)], releases)
    if dry_run:
        report.lines = _dry_run_lines(plan, targets, previews, releases)
        if plan.delete_count > max_deletes and not yes:
            report.lines.append(f"(a real run would stop: {plan.delete_count} deletes is more than "
                                f"--max-deletes {max_deletes}; add --yes)")
        report.lines += [f"(a real run would stop after the takedowns: {problem})" for problem in stuck]
        report.seconds = time.perf_counter() - started
        return report
    if on_public and report.went_public:
        on_public(report.went_public)
    for name, found in leftover.items():
        abort_uploads(s3, targets[name], cfg.conn, found)
    reporter.start(plan)
    # A release that must not be online comes down first, site before media (pages before what
    # they link to), even when an upload below fails; the pages online that listed it go up
    # before anything else (plan.early, as stand-ins where they link what is not online yet).
    # A page the site no longer has goes with such a release, else after the uploads.
    taken = {name: delete_keys(s3, cfg.conn, targets[name], pp.delete_order(plan.taken_down(name, first=True),
                                                                          releases), reporter)
             for name in targets if plan.taken_down(name, first=True)}
    done = [t for t in plan.takedowns if t.first]
    try:
        if stuck:   # what must not be online is gone; nothing goes up that would link a 404
            if manifest and taken:
                _write_manifests(s3, cfg, targets, remotes, files, {}, taken)
            raise SmrError(problems=stuck)
        if manifest and (plan.uploads or taken):   # record what we are about to put, so a crash leaves no orphan
            _write_manifests(s3, cfg, targets, remotes, files, {f.target + f.key: f.etag for f in plan.uploads}, taken)
        etags = _upload(s3, cfg, targets, plan, reporter)
        deleted: dict[str, list[str]] = {name: list(keys) for name, keys in taken.items()}
        for name in targets:   # now that no page online links them
            if plan.taken_down(name, first=False):
                deleted.setdefault(name, []).extend(delete_keys(
                    s3, cfg.conn, targets[name], pp.delete_order(plan.taken_down(name, first=False), releases), reporter))
        done = plan.takedowns
        for name, keys in plan.deletes.items():
            deleted.setdefault(name, []).extend(
                delete_keys(s3, cfg.conn, targets[name], pp.delete_order(keys, releases), reporter))
        if previews:
            delete_keys(s3, cfg.conn, targets["site"], previews, reporter)
        if manifest:
            _write_manifests(s3, cfg, targets, remotes, files, etags, deleted)
    except SmrError as exc:   # the news that went offline is said even when the publish then fails
        lines = [line for t in done for line in t.lines() if line.startswith("taken down")]
        if not lines:
            raise
        raise SmrError(problems=[*exc.problems, *(Problem("", 0, "", f"{line}, before the publish stopped")
                                                  for line in lines)]) from None
    report.seconds = time.perf_counter() - started
    return report


def unpublishable(written, releases) -> list[Problem]:
    """The files the build wrote that publish never uploads (pp.never_published: a name
    starting with a dot): a page links them, and journalists would get a 404. check and
    build refuse such names in release.yaml; this is publish's own guard."""
    problems = []
    for rel in pp.never_published(written):
        slug = rel.split("/")[0]
        whose = f" (release {slug})" if slug in (releases or ()) else ""
        problems.append(Problem("", 0, "", f"{rel}{whose}: smr never publishes a file whose name (or folder's "
                                "name) starts with a dot, so a page's link to it would give journalists 404 Not "
                                "Found; rename it without the dot; nothing was uploaded"))
    return problems


def targets_of(cfg: Settings) -> dict[str, Target]:
    return {"site": cfg.site} | ({"media": cfg.media} if cfg.media else {})


def gather(site_dir: Path, cfg: Settings, *, releases: set[str] | None = None, embargoed: set[str] = frozenset(),
           include=None, digests: dict | None = None, client=None, manifest: bool = True,
           new_buckets: set[str] = frozenset(), retrying=None):
    """The two sides a plan compares: the local files with their MD5s, and each target's
    listing and manifest (fetched while the local side is read). Returns (client, files, remotes)."""
    targets = targets_of(cfg)

    def remote_side():
        s3 = client or client_for(cfg, retrying)
        with ThreadPoolExecutor(len(targets)) as pool:
            return s3, dict(zip(targets, pool.map(
                lambda t: pp.Remote({}, {}) if t.bucket in new_buckets else fetch(s3, t, cfg.conn, manifest),
                targets.values())))

    with ThreadPoolExecutor(1) as pool:
        remote = pool.submit(remote_side)   # creating the client and listing overlap reading the local side
        files = _local_files(site_dir, cfg, releases, embargoed, include, digests)
        s3, remotes = remote.result()
    if cfg.media and cfg.media.bucket == cfg.site.bucket and cfg.media.prefix.startswith(cfg.site.prefix):
        # the media area is not the site's to judge
        remotes["site"] = remotes["site"].without(cfg.media.prefix[len(cfg.site.prefix):])
    return s3, files, remotes


def _local_files(site_dir: Path, cfg: Settings, releases, embargoed, include, digests) -> list[pp.LocalFile]:
    """The files to publish with their MD5s; refuses a folder holding an embargoed release.
    With the build's record (`digests`), a file the build did not write is never published
    (a stray file in the folder, say a mail merge someone saved there)."""
    files = [f for f in pp.scan(site_dir, releases, media=cfg.media is not None)
             if (include is None or include(f.rel)) and (not digests or f.rel in digests)]
    held = sorted(f.rel for f in files if f.rel.split("/")[0] in embargoed)
    if held:
        raise SmrError(f"{site_dir}: holds {held[0]}, part of a release under embargo; nothing was uploaded")
    pp.HashCache(digests).fill(files)
    return files


# ---------------------------------------------------------------- talking to S3

def client_for(cfg: Settings, say=None):
    """The boto3 client; `say(line)` hears each retry (default: a line on stderr)."""
    try:
        return s3api.client(cfg.conn, say)
    except Exception as exc:   # e.g. AWS_PROFILE names no profile
        raise explain(exc, cfg.site, cfg.conn) from None


def fetch(s3, target: Target, conn: Connection, manifest: bool = True) -> pp.Remote:
    """One paginated listing of the target's prefix, then smr's manifest, whose secret name the
    listing shows (pp.MANIFEST_NAME). Several (an old public `.smr-manifest.json`, two made
    at once) are merged; the next manifest write keeps one, under a secret name."""
    objects = list_objects(s3, target, conn)
    remote = pp.Remote(objects)
    if manifest and remote.manifests:
        with ThreadPoolExecutor(len(remote.manifests)) as pool:
            for entries in pool.map(lambda key: read_manifest(s3, target, conn, key), remote.manifests):
                remote.manifest.update(entries)
        remote.manifest = dict(sorted(remote.manifest.items()))
        remote.manifest_key = next((k for k in remote.manifests if k != pp.MANIFEST), "")
    return remote


def list_objects(s3, target: Target, conn: Connection) -> dict[str, tuple[int, str]]:
    try:
        listing = s3api.list_objects(s3, target.bucket, target.prefix)
    except Exception as exc:
        raise explain(exc, target, conn) from None
    return {target.relative(key): value for key, value in listing.items()}


def read_manifest(s3, target: Target, conn: Connection, key: str) -> dict[str, dict]:
    """smr's record of what it put in this target; none (deleted meanwhile) is an empty record."""
    try:
        body = s3api.get_object(s3, target.bucket, target.key(key))
    except Exception as exc:
        raise explain(exc, target, conn) from None
    return pp.manifest_entries(body) if body is not None else {}


def incomplete_uploads(s3, target: Target, conn: Connection, remote: pp.Remote,
                       local: set[str]) -> list[tuple[str, str]]:
    """Multipart uploads of smr's keys in this target (in its manifest, or about to be
    uploaded) that an interrupted publish began and never finished or aborted. Other keys
    under the prefix are not smr's to judge: another tool may be uploading them right now."""
    mine = set(remote.manifest) | local
    try:
        found = s3api.incomplete_uploads(s3, target.bucket, target.prefix)
    except Exception as exc:
        raise explain(exc, target, conn) from None
    return [(key, upload) for key, upload in found if target.relative(key) in mine]


def abort_uploads(s3, target: Target, conn: Connection, uploads: list[tuple[str, str]]) -> None:
    for key, upload in uploads:
        try:
            s3api.abort_upload(s3, target.bucket, key, upload)
        except Exception as exc:
            raise explain(exc, target, conn) from None


def _upload(s3, cfg: Settings, targets: dict, plan: pp.Plan, reporter: Reporter) -> dict[str, str]:
    """Stage by stage, files of a stage in parallel; the first failure stops before the next stage.

    Small files, the bulk of a site, go up from worker processes (`Uploaders`): botocore
    spends about 2 ms of CPU on each request, so one process is held to one core by its
    GIL. Large files and stand-ins go from threads here, with their progress as it goes.

    On a failure or an interruption (Ctrl-C, SIGTERM) the uploads still in flight stop at
    their next block: their progress hook raises, and boto3's managed transfer then aborts
    its multipart upload, so no parts are left behind (a kill -9 leaves them to the next
    publish, which aborts them); the workers stop before their next file."""
    etags: dict[str, str] = {}
    stop = threading.Event()
    stages = plan.by_stage()
    held = [{f.key: plan.stand_ins.get(f.key) if f.target == "site" and number < pp.FINAL else None for f in stage}
            for number, stage in enumerate(stages)]
    small = [[f for f in stage if f.size <= SMALL_PUT and not held[number][f.key]]
             for number, stage in enumerate(stages)]
    # started before any thread here, so that the workers can be forked (workers.start_method)
    crew = Uploaders(cfg.conn, UPLOAD_PROCESSES, reporter) \
        if UPLOAD_PROCESSES > 1 and max(map(len, small)) >= PARALLEL_FROM else None

    def watched(sent: SentBytes):
        def progress(nbytes: int) -> None:
            if stop.is_set():
                raise s3api.UploadStopped
            sent(nbytes)
        return progress

    def one(f: pp.LocalFile, progress, held_back):
        if stop.is_set():
            raise s3api.UploadStopped
        return [upload_one(s3, targets[f.target], f, progress, held_back, plan.bases)], None

    pool = ThreadPoolExecutor(cfg.conn.jobs)
    try:
        for number, stage in enumerate(stages):
            if not stage:
                continue
            failure = None
            sent = {f.target + f.key: SentBytes(reporter, f) for f in stage}
            crewed = small[number] if crew and len(small[number]) >= PARALLEL_FROM else []
            futures = {crew.submit(targets, crewed[i:i + UPLOAD_BATCH]): crewed[i:i + UPLOAD_BATCH]
                       for i in range(0, len(crewed), UPLOAD_BATCH)}
            theirs = {id(f) for f in crewed}
            futures |= {pool.submit(one, f, watched(sent[f.target + f.key]) if f.size > SMALL_PUT else None,
                                    held[number][f.key]): [f] for f in stage if id(f) not in theirs}
            try:
                for future in as_completed(futures):
                    batch = futures[future]
                    try:
                        done, failed = future.result()   # ETags in order, up to a failure: (exception, file)
                    except Exception as exc:  # noqa: BLE001 - turned into one clear line below
                        done, failed = [], (exc, batch[0])
                    for f, etag in zip(batch, done):
                        if held[number][f.key]:   # a stand-in: the page itself follows in the last stage
                            continue
                        etags[f.target + f.key] = etag
                        sent[f.target + f.key].finish()
                        reporter.uploaded(f)
                    if failed and failure is None and not isinstance(failed[0], s3api.UploadStopped):
                        failure = failed
                        stop.set()
                        if crew:
                            crew.stop()
                        for other in futures:
                            other.cancel()
            except BaseException:   # KeyboardInterrupt, or SIGTERM turned into one
                stop.set()
                if crew:
                    crew.stop()
                raise
            if failure:
                exc, f = failure
                raise explain(exc, targets[f.target], cfg.conn) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if crew:
            crew.close()
    return etags


def upload_one(s3, target: Target, f: pp.LocalFile, progress=None, held_back: set[tuple[str, str]] | None = None,
               bases: dict[str, str] | None = None) -> str:
    """PUT one file with its headers (boto3's managed multipart transfer above the part size);
    returns the new ETag. `progress(n)` hears the bytes as they go (n < 0 when a retry starts over).
    With `held_back` ((target, key) pairs), the page's stand-in without its links to them, absolute
    ones read with `bases` (plan.hold_back_links)."""
    key, metadata = target.key(f.key), {"md5": f.md5}
    if held_back:
        body = pp.stand_in(f.path.read_bytes(), f.key, held_back, bases)
        digest = hashlib.md5(body)
        return s3api.put_object(s3, target.bucket, key, body, f.headers, {"md5": digest.hexdigest()},
                                content_md5=base64.b64encode(digest.digest()).decode())
    if f.size > pp.MULTIPART_CHUNK:
        return s3api.upload_file(s3, f.path, target.bucket, key, f.headers, metadata, progress=progress)
    body = f.path.read_bytes()
    if len(body) != f.size:
        raise SmrError(f"{f.path}: changed while publishing; run smr publish again")
    return s3api.put_object(s3, target.bucket, key, body, f.headers, metadata, content_md5=f.content_md5,
                            progress=progress)


# ---------------------------------------------------------------- upload worker processes

SMALL_PUT = 1024 * 1024   # bytes: a file up to this size is one PUT without progress as it goes
PARALLEL_FROM = 64        # small files in a stage before worker processes pay for themselves
UPLOAD_BATCH = 16         # small files a worker takes at a time
UPLOAD_PROCESSES = min(4, cpu_count())


class Uploaders:
    """Worker processes that PUT small files, each with a boto3 client and threads of its own.

    They start once per publish (their clients are made once), ignore Ctrl-C (the publish
    here stops them: `stop`, then `close`) and end with smr even after a kill -9. Retry
    lines come back at once through a queue; a failure comes back as the first file's
    problems in words, never as a traceback."""

    def __init__(self, conn: Connection, processes: int, reporter: Reporter):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context(start_method())
        self.stopped, self.said = context.Event(), context.SimpleQueue()
        threads = max(1, conn.jobs // processes)
        self.pool = ProcessPoolExecutor(processes, mp_context=context, initializer=_start_uploader,
                                        initargs=(replace(conn, jobs=threads), self.stopped, self.said,
                                                  s3api.credentials_of()))
        self.pool.submit(int)   # start the workers now: they make their clients while the first stage goes up
        notices = s3api.RetryNotices(0, reporter.retrying)   # one line for what several workers retry alike
        self.listener = threading.Thread(target=self._tell, args=(notices.say_once,), daemon=True)
        self.listener.start()

    def _tell(self, say) -> None:
        for line in iter(self.said.get, None):
            say(line)

    def submit(self, targets: dict, batch: list[pp.LocalFile]):
        """A future of ([ETag of each file, in order, up to a failure], None or (SmrError, file))."""
        return self.pool.submit(_upload_batch, [(targets[f.target], f) for f in batch])

    def stop(self) -> None:
        self.stopped.set()

    def close(self) -> None:
        self.stopped.set()
        try:
            self.pool.shutdown(wait=True, cancel_futures=True)
        finally:
            self.said.put(None)
            self.listener.join()


_uploader = None   # in a worker process: (client, threads, stop event, connection), or why there is no client


def _start_uploader(conn: Connection, stopped, said, credentials: tuple | None) -> None:
    """In a worker: its client, signing with the publish's own credentials (a worker started
    by a fork server has that server's environment, not the publish's)."""
    global _uploader
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C reaches the whole process group: smr decides
    # A forked worker inherits publish's SIGTERM handler (which turns it into an interrupt, with a
    # traceback here); a worker just ends on SIGTERM, which is also how it learns smr was killed.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()
    try:
        _uploader = (s3api.client(conn, said.put, credentials), ThreadPoolExecutor(conn.jobs), stopped, conn)
    except Exception as exc:  # noqa: BLE001 - said in words by the first batch
        _uploader = explain(exc, Target("", ""), conn)


def _upload_batch(batch: list[tuple[Target, pp.LocalFile]]):
    """In a worker: PUT each file of the batch (in parallel). Returns (their ETags in order, up
    to the first failure; None, or that failure as one picklable line: (SmrError, file)).
    A failure stops every worker before its next file: the publish stops."""
    if isinstance(_uploader, SmrError):
        return [], (_uploader, batch[0][1])
    client, threads, stopped, conn = _uploader

    def put(target: Target, f: pp.LocalFile) -> str:
        if stopped.is_set():
            raise s3api.UploadStopped
        return upload_one(client, target, f)

    etags = []
    for (target, f), future in [(item, threads.submit(put, *item)) for item in batch]:
        try:
            etags.append(future.result())
        except s3api.UploadStopped:
            return etags, (s3api.UploadStopped(), f)
        except Exception as exc:  # noqa: BLE001 - one line for people, sent back as data
            stopped.set()
            return etags, (explain(exc, target, conn), f)
    return etags, None


def delete_keys(s3, conn: Connection, target: Target, keys: list[str], reporter: Reporter) -> list[str]:
    """Delete relative keys in batches of 1000, in the order given; returns what was deleted."""
    done = []
    for start in range(0, len(keys), 1000):
        batch = keys[start:start + 1000]
        try:
            failed = s3api.delete_objects(s3, target.bucket, [target.key(k) for k in batch])
        except Exception as exc:
            raise explain(exc, target, conn) from None
        if failed:
            raise SmrError(f"{target.url}: could not delete {len(failed)} objects, e.g. {sorted(failed)[0]}",
                           file="newsroom.yaml", field=target.field)
        for k in batch:
            done.append(k)
            reporter.deleted(target.url + k)
    return done


def _write_manifests(s3, cfg: Settings, targets: dict, remotes: dict, files: list, etags: dict,
                     deleted: dict) -> None:
    """Record, per target, every key smr has put there (both targets at once)."""
    def write(name: str) -> None:
        target = targets[name]
        mine = [f for f in files if f.target == name]
        entries = pp.manifest_after(remotes[name], mine, {f.key: etags[name + f.key] for f in mine
                                                          if name + f.key in etags}, deleted.get(name, []))
        remote = remotes[name]
        others = [k for k in remote.manifests if k != remote.manifest_key]   # an old public one, or a second
        if entries == remote.manifest and remote.manifest_key and not others:
            return
        key = remote.manifest_key or pp.new_manifest_key()
        try:
            s3api.put_object(s3, target.bucket, target.key(key), pp.manifest_body(entries),
                             {"ContentType": "application/json", "CacheControl": "no-store"})
            if others:   # only once the one kept holds all of theirs
                s3api.delete_objects(s3, target.bucket, [target.key(k) for k in others])
        except Exception as exc:
            raise explain(exc, target, cfg.conn) from None
        remote.manifest, remote.manifest_key = entries, key
        remote.objects = {k: v for k, v in remote.objects.items() if k not in others} | {key: (0, "")}

    with ThreadPoolExecutor(len(targets)) as pool:
        for future in [pool.submit(write, name) for name in targets]:
            future.result()


def _dry_run_lines(plan: pp.Plan, targets: dict, previews: list[str], releases) -> list[str]:
    lines = [f"upload  {targets[f.target].url}{f.key}  ({human_bytes(f.size)}, {pp.STAGES[plan.stage_of(f)]}"
             + (f"; first without its links to {len(plan.stand_ins[f.key])} pages not online yet)"
                if f.target == "site" and f.key in plan.stand_ins else ")")
             for f in plan.uploads]
    for t in plan.takedowns:
        when = "" if t.first else ", after the uploads"
        for name, keys in t.keys.items():
            lines += [f"delete  {targets[name].url}{k}  (take down: {t.slug or 'page'}, {t.reason}{when})" for k in keys]
    for name, keys in plan.deletes.items():
        lines += [f"delete  {targets[name].url}{k}" for k in pp.delete_order(keys, releases)]
    lines += [f"delete  {targets['site'].url}{k}  (preview of a published release)" for k in previews]
    return lines

