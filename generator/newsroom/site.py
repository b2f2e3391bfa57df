"""Read a newsroom folder into validated items and decide, once, what is public.

This is the only place where embargo is decided: everything downstream (pages, index,
feeds, sitemap, publish) asks the `Site` for `public` or `rendered` items.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import TypeAdapter

from generator import workers
from generator.clock import is_public
from generator.errors import Problem, SmrError, display_path
from generator.newsroom.loader import Document, dotted, load_yaml
from generator.newsroom.model import Coverage, Few, Newsroom, Release, validate, problem_from_error
from generator.slug import slugify, unique_slugs
from generator.text import base_language

from generator.newsroom.paths import (COVERAGE_FILE, NEWSROOM_FILE, RELEASE_FILE, RELEASES_DIR,  # noqa: F401
                              own_folder_problems, release_signatures)


SUMMARY_LINES = ("date", "embargo", "updated", "draft", "language", "translations")
"""Fields whose line a warning about the summary names: kept with it, so that saying a
warning (every build says them) never reads the release again."""


@dataclass(frozen=True)
class Summary:
    """What lists, feeds, the sitemap and the checks across releases need of a release: kept
    in the state store as JSON, so that a build after one change reads this for the others
    and validates only the changed release (the rest of a release is loaded when asked)."""

    date: dt.datetime
    title: str
    tags: tuple = ()
    embargo: dt.datetime | None = None
    updated: dt.datetime | None = None
    draft: bool = False
    translation_refs: tuple = ()
    photos: tuple = ()            # the file of each photo, as given
    shared_photos: tuple = ()     # (index, file, partner folder) of each photo of a translation's
    warnings: tuple = ()          # Problems that do not depend on the clock (template leftovers)
    lines: tuple = ()             # (field, line) of the fields above that the file gives

    @classmethod
    def of(cls, release: Release, warnings: list[Problem], lines: dict) -> "Summary":
        return cls(date=release.date, title=release.title, tags=tuple(release.tags), embargo=release.embargo,
                   updated=release.updated, draft=release.draft, translation_refs=tuple(release.translations),
                   photos=tuple(image.file for image in release.images),
                   shared_photos=tuple((i, image.file, image.partner) for i, image in enumerate(release.images)
                                       if image.partner is not None),
                   warnings=tuple(warnings),
                   lines=tuple((name, lines[(name,)]) for name in SUMMARY_LINES if (name,) in lines))

    def as_record(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class Source:
    """Where an item's full release is read from when it is asked for (shared by all items)."""

    root: Path
    newsroom: Newsroom


@dataclass(eq=False)   # an item is itself only: two loads of one release are two items
class Item:
    """One validated release with everything derived from where it lives.

    `summary` is always there; `release`, `body`, `coverage` and `lines` are read and
    validated from the folder on first use when the item came from the state store."""

    slug: str
    folder: Path
    source: str
    language: str
    summary: Summary
    signature: str = ""  # of the release folder's files: changes whenever any of them does
    translations: list[str] = field(default_factory=list)  # slugs
    story_embargo: dt.datetime | None = None  # a translation's embargo, when this version gives none
    full: "Full | None" = None
    origin: Source | None = None

    @property
    def release(self) -> Release:
        return self._full().release

    @property
    def body(self) -> str:
        return self._full().body

    @property
    def coverage(self) -> list[Coverage]:
        return self._full().coverage

    @property
    def lines(self) -> dict:
        return self._full().lines

    def _full(self) -> "Full":
        if self.full is None:
            loaded = load_item(self.origin.root, self.folder, self.origin.newsroom)
            self.full = loaded.full
        return self.full

    @property
    def date(self) -> dt.datetime:
        return self.summary.date

    @property
    def embargo(self) -> dt.datetime | None:
        """Its own `embargo`, else that of its story (`story_embargoes`): one version's embargo
        holds every version that does not say otherwise."""
        return self.summary.embargo if self.summary.embargo is not None else self.story_embargo

    @property
    def updated(self) -> dt.datetime | None:
        return self.summary.updated

    @property
    def title(self) -> str:
        return self.summary.title

    @property
    def tags(self) -> list[str]:
        return list(self.summary.tags)

    @property
    def translation_refs(self) -> list[str]:
        return list(self.summary.translation_refs)

    def line_of(self, *loc) -> int:
        if self.full is None and len(loc) == 1:
            kept = dict(self.summary.lines)
            if loc[0] in kept:
                return kept[loc[0]]
        return Document(None, self.lines).line_of(loc)

    @property
    def draft(self) -> bool:
        return self.summary.draft

    def embargoed(self, now: dt.datetime) -> bool:
        return self.embargo is not None and self.embargo > now

    def public_at(self, now: dt.datetime) -> bool:
        """Anyone may see it: finished (not a draft) and past its embargo."""
        return is_public(self.draft, self.embargo, now)


@dataclass
class Full:
    """The validated release and what was read with it."""

    release: Release
    body: str
    coverage: list[Coverage]
    lines: dict


@dataclass
class Site:
    root: Path
    newsroom: Newsroom
    items: list[Item]
    now: dt.datetime
    preview: bool = False
    media_base_url: str | None = None  # set by publish: photo downloads link to the media target
    home_url: str | None = None  # set by preview: links to the index, feeds and releases go to the public site
    warnings: list[Problem] = field(default_factory=list)  # said by check and build; block nothing

    @functools.cached_property
    def public(self) -> list[Item]:
        """Releases anyone may see now, newest first: index, feeds and sitemap use these
        (kept: a site's releases and its "now" do not change once it is loaded)."""
        return [i for i in self.items if i.public_at(self.now)]

    @property
    def rendered(self) -> list[Item]:
        """Releases whose page is written: the public ones, plus drafts and embargoed ones in preview."""
        return self.items if self.preview else self.public

    def stories(self) -> list[list[Item]]:
        """The public releases by story (a release and its public translations), newest story
        first; each story's versions newest first."""
        public = self.public
        position = {item.slug: n for n, item in enumerate(public)}
        stories, placed = [], set()
        for item in public:
            if item.slug not in placed:
                others = sorted((s for s in item.translations if s in position), key=position.__getitem__)
                story = [item] + [public[position[s]] for s in others]
                placed.update(o.slug for o in story)
                stories.append(story)
        return stories

    @functools.cached_property
    def tag_slugs(self) -> dict[str, str]:
        """Tag -> the folder of its feeds under tags/, from the public releases' tags only (a
        tag of an embargoed release must not move another's address): slug.py `tag_slugs`."""
        from generator.slug import tag_slugs

        return tag_slugs(sorted({t for item in self.public for t in item.tags}))

    def tag_slug(self, tag: str) -> str:
        """The slug of a tag's feeds (a tag no public release has: its plain slug)."""
        from generator.slug import tag_identity

        return self.tag_slugs.get(tag) or slugify(tag_identity(tag), max_length=80, fallback="tag")

    def by_slug(self, slug: str) -> Item | None:
        return self._slugs.get(slug)

    @functools.cached_property
    def _slugs(self) -> dict[str, Item]:
        return {i.slug: i for i in self.items}


def load_newsroom(root: Path) -> Newsroom:
    path = root / NEWSROOM_FILE
    if not path.is_file():
        raise SmrError(f"no {NEWSROOM_FILE} here; run smr in a newsroom folder or pass --root",
                       file=display_path(path, root))
    doc = load_yaml(path, display_path(path, root))
    newsroom, problems = validate(Newsroom, doc, {"root": root})
    SmrError.collect(problems)
    return newsroom


def load_site(root: Path, now: dt.datetime, preview: bool = False,
              signatures: dict[str, str] | None = None) -> Site:
    """Load and validate everything; raise one SmrError listing all problems of all files.

    A release whose folder is unchanged since it was last validated (same signature, same
    newsroom.yaml) comes from the state store as its summary; only changed releases are
    parsed and validated again (in worker processes when there are many)."""
    from generator.store import Store, file_digest

    root = root.resolve()
    store = Store.of(root)
    if signatures is None:
        signatures = release_signatures(root, store)
    newsroom = load_newsroom(root)
    origin = Source(root, newsroom)
    newsroom_digest = file_digest(root / NEWSROOM_FILE)
    kept = store.table("releases", newsroom_digest)
    loaded_before = _loaded.get((root, newsroom_digest), {})
    cached = {name: _kept_item(loaded_before.get(name), signature)
              or _from_record(kept.get(name, signature), root, name, signature, origin)
              for name, signature in signatures.items()}
    todo = [name for name, item in cached.items() if item is None]
    loaded = dict(zip(todo, workers.in_workers(_load_release, todo, (root, newsroom))))
    problems: list[Problem] = []
    warnings: list[Problem] = []
    items: list[Item] = []
    failed: set[str] = set()   # folders whose problems are said there, and nowhere else
    for name, signature in signatures.items():
        item = cached[name] or loaded[name]
        if isinstance(item, DraftProblems):   # an unfinished draft never blocks the others
            warnings.extend(replace(p, message=f"{p.message} (a draft: not built until fixed)")
                            for p in item.problems)
            failed.add(name)
            continue
        if isinstance(item, SmrError):
            problems.extend(item.problems)
            failed.add(name)
            continue
        if cached[name] is None:
            item.origin = origin
            kept.put(name, signature, _record(item))
        item.translations = []
        item.signature = signature
        items.append(item)
    warnings.extend(_addresses(items, list(signatures)))
    problems.extend(_cross_checks(root, items, failed))
    problems.extend(own_folder_problems(root))
    kept.keep_only({i.folder.name for i in items})
    kept.save()
    _loaded.clear()   # one newsroom's items at a time
    _loaded[(root, newsroom_digest)] = {i.folder.name: i for i in items}
    SmrError.collect(problems)
    items.sort(key=lambda i: (i.date, i.slug), reverse=True)
    warnings.extend(story_embargoes(items, now))
    warnings.extend(p for item in items for p in item.summary.warnings)
    warnings.extend(p for item in items for p in future_update(item, now))
    warnings.extend(p for item in items for p in far_future(item, now))
    warnings.extend(p for item in items for p in future_date(item, now))
    return Site(root=root, newsroom=newsroom, items=items, now=now, preview=preview,
                warnings=sorted(warnings))


_loaded: dict[tuple, dict[str, Item]] = {}
"""The items of this process's last load (`smr serve` loads again after every change): an
unchanged release is the same item, with what it has read of its folder already."""


def _kept_item(item: Item | None, signature: str) -> Item | None:
    return item if item is not None and item.signature == signature else None


def _record(item: Item) -> dict:
    """What the state store keeps of a validated release (JSON: see store.encode)."""
    return {"slug": item.slug, "source": item.source, "language": item.language,
            "summary": item.summary.as_record()}


def _from_record(record, root: Path, name: str, signature: str, origin: Source) -> Item | None:
    """An item from its kept record; None (validate again) for anything not as written."""
    if not isinstance(record, dict):
        return None
    try:
        summary = Summary(**{name: _tuples(value) for name, value in record["summary"].items()})
        return Item(slug=record["slug"], folder=root / RELEASES_DIR / name, source=record["source"],
                    language=record["language"], summary=summary, signature=signature, origin=origin)
    except (KeyError, TypeError):
        return None


def _tuples(value):
    """JSON gives lists; a summary holds tuples (it is frozen, and compared)."""
    return tuple(map(_tuples, value)) if isinstance(value, list) else value


class DraftProblems(SmrError):
    """What is wrong with a release marked `draft: true`: said as warnings, never blocking."""


_DRAFT_LINE = re.compile(r"^draft[ \t]*:[ \t]*(true|yes|on)[ \t]*(#.*)?$", re.IGNORECASE | re.MULTILINE)


def _load_release(context: tuple, name: str) -> "Item | SmrError":
    """One release folder, validated (in a worker process when there are many)."""
    root, newsroom = context
    folder = root / RELEASES_DIR / name
    try:
        return load_item(root, folder, newsroom)
    except SmrError as exc:
        return DraftProblems(problems=exc.problems) if declares_draft(folder) else exc


def declares_draft(folder: Path) -> bool:
    """Whether release.yaml says `draft: true`, read from its text: a draft too broken to
    parse as YAML is still a draft."""
    from generator.newsroom.limits import MAX_FILE_BYTES
    from generator.newsroom.paths import usable_file

    try:
        with open(usable_file(folder / RELEASE_FILE, folder, "the release folder"), "rb") as f:
            text = f.read(MAX_FILE_BYTES).decode("utf-8", errors="replace")
    except (ValueError, OSError):   # not a file smr reads: its own error says so
        return False
    return _DRAFT_LINE.search(text) is not None


def template_leftovers(source: str, release: Release, doc: Document) -> list[Problem]:
    """Placeholder text of `smr new` still in a release: a warning, draft or not."""
    from generator.newsroom.new import PLACEHOLDERS

    fields = [("summary", release.summary), ("body", release.body or "")]
    fields += [(("facts", i), fact) for i, fact in enumerate(release.facts)]
    found = []
    for loc, text in fields:
        loc = loc if isinstance(loc, tuple) else (loc,)
        if any(placeholder in text for placeholder in PLACEHOLDERS.values()):
            found.append(Problem(source, doc.line_of(loc), dotted(loc),
                                 "still holds the example text of `smr new`; write your own"))
    return found


def story_embargoes(items: list[Item], now: dt.datetime) -> list[Problem]:
    """A version without an `embargo:` of its own is held by the latest embargo of the other
    (finished) versions of its story dated no later than itself: pushing back the Dutch
    release's embargo takes the English one offline too, instead of leaving the news public in
    one language. A version that gives its own `embargo:` keeps it, and one dated before the
    embargoed version (news that was out before a translation came) stays as it is. Each
    version held so is a warning while it lasts."""
    by_slug = {i.slug: i for i in items}
    warnings = []
    for item in items:
        item.story_embargo = None
    for item in items:
        if item.summary.embargo is not None or not item.translations:
            continue
        others = [o for o in (by_slug.get(s) for s in item.translations)
                  if o is not None and not o.draft and o.summary.embargo is not None and o.date <= item.date]
        if not others:
            continue
        holder = max(others, key=lambda o: (o.summary.embargo, o.slug))
        item.story_embargo = holder.summary.embargo
        if holder.summary.embargo > now and not item.draft:
            warnings.append(Problem(item.source, item.line_of("translations") if item.translation_refs else 1, "embargo",
                                    f"has no embargo of its own, so the embargo of its translation {holder.source} "
                                    f"({holder.summary.embargo.isoformat()}) holds it too: not public before then; "
                                    "give this version its own `embargo:` to publish it at another moment"))
    return warnings


_FOLDER_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?!\d)")


def folder_date(source: str, name: str, release: Release, tz, doc: Document) -> list[Problem]:
    """A `date` on another day than the folder's name says (`date: 2027-12-04` in folder
    `2026-12-04-…`): most likely a mistyped year or day, which would list the release out of
    its place (a warning: the folder may be named for when the work began)."""
    match = _FOLDER_DATE.match(name)
    if match is None:
        return []
    try:
        named = dt.date(*map(int, match.groups()))
    except ValueError:
        return []
    day = release.date.astimezone(tz).date()
    if day == named:
        return []
    return [Problem(source, doc.line_of(("date",)), "date",
                    f"{day.isoformat()} is not the day the folder's name gives ({named.isoformat()}): the page and "
                    "the index show this date; is it right? (rename the folder if the date is)")]


def future_date(item: Item, now: dt.datetime) -> list[Problem]:
    """A `date` still to come without an `embargo` (nor one of its story): the release is public
    at once, under a date that has not come (a warning; `embargo:` holds it until then)."""
    date = item.summary.date
    if item.draft or item.embargo is not None or date <= now or date - now > FAR_AHEAD:
        return []   # more than a year ahead: far_future says it
    return [Problem(item.source, item.line_of("date"), "date",
                    f"{date.isoformat()} is still to come, but there is no embargo, so the release is public now; "
                    f"add `embargo: {date.isoformat()}` to keep it unpublished until then")]


def future_update(item: Item, now: dt.datetime) -> list[Problem]:
    """An `updated:` still to come: the page would already say "Updated" (a warning, as the
    time is usually right and only its offset or day wrong; not an error that passes tomorrow)."""
    updated = item.summary.updated
    if updated is None or updated <= now:
        return []
    return [Problem(item.source, item.line_of("updated"), "updated",
                    f"{updated.isoformat()} is still to come, but the page already says it was updated "
                    "then; give the time the correction was made")]


FAR_AHEAD = dt.timedelta(days=366)


def far_future(item: Item, now: dt.datetime) -> list[Problem]:
    """A `date` or `embargo` more than a year after now: most likely a mistyped year (2062 for
    2026, 9999): a warning, as a release may be written well ahead."""
    found = []
    for name, when, effect in (("date", item.summary.date, ("the page would show that date and list the "
                                                          "release above every other")),
                               ("embargo", item.summary.embargo, "the release stays unpublished until then")):
        if when is not None and when - now > FAR_AHEAD:
            found.append(Problem(item.source, item.line_of(name), name,
                                 f"{when.isoformat()} is more than a year after now ({now.date().isoformat()}): "
                                 f"{effect}; is the year right?"))
    return found


def warnings_window(items: list[Item], now: dt.datetime) -> tuple:
    """(from, until): the span of "now" around `now` in which `future_update` and `far_future`
    warn about the same releases (None: no end that way). A build whose inputs did not
    change may repeat its warnings only within it."""
    edges = []
    for item in items:
        summary = item.summary
        for when in (summary.date, summary.embargo):
            if when is not None and when - dt.datetime.min.replace(tzinfo=when.tzinfo) > FAR_AHEAD:
                edges.append(when - FAR_AHEAD)   # (a date in year 1 has no edge: no "now" is a year before it)
        edges += [summary.updated] if summary.updated is not None else []
        edges += [summary.date]   # future_date: a date still to come without an embargo
    before = [edge for edge in edges if edge <= now]
    after = [edge for edge in edges if edge > now]
    return (max(before) if before else None, min(after) if after else None)


def check_release_folder(root: Path, folder: Path) -> Path:
    """release.yaml of the release folder `folder`, when smr can read it; else SmrError in
    words: a folder under releases/ is a release, so one that cannot be read as one is an
    error, never skipped (the rule of newsroom/paths.py `usable_file` for every path)."""
    from generator.newsroom.paths import os_error_words, usable_file
    from generator.store import scan_folder
    from generator.text import did_you_mean

    shown_folder = display_path(folder, root)
    try:
        resolved_folder = Path(os.path.realpath(folder, strict=True))
    except OSError as exc:
        raise SmrError(os_error_words(exc, folder.name), file=shown_folder) from None
    if not resolved_folder.is_relative_to(os.path.realpath(root)):
        raise SmrError(f"is a symlink that points outside the newsroom folder ({resolved_folder}); move the "
                       f"release into {RELEASES_DIR}/ instead of linking to it", file=shown_folder)
    try:
        names = [e.name for e in scan_folder(folder)]
    except PermissionError:
        raise SmrError("the folder cannot be opened: permission denied; give read access to it "
                       "(e.g. chmod a+rx)", file=shown_folder) from None
    except OSError as exc:
        raise SmrError(os_error_words(exc, folder.name), file=shown_folder) from None
    path = folder / RELEASE_FILE
    if RELEASE_FILE not in names:
        near = did_you_mean(RELEASE_FILE, names)
        if near is not None:
            raise SmrError(f"smr reads a release from {RELEASE_FILE} only: did you mean {RELEASE_FILE}? "
                           "rename this file", file=display_path(folder / near, root))
        what = "is empty" if not names else f"has no {RELEASE_FILE}"
        raise SmrError(f"{what}: every folder in {RELEASES_DIR}/ is a release; write its {RELEASE_FILE} "
                       "(smr new makes one) or remove the folder", file=shown_folder)
    try:
        return usable_file(path, folder, "the release folder", RELEASE_FILE,
                           instead=f"a release is read from the file {RELEASE_FILE} in its folder: put that file "
                                   "in its place")
    except ValueError as exc:
        raise SmrError(str(exc), file=display_path(path, root)) from None


def load_item(root: Path, folder: Path, newsroom: Newsroom) -> Item:
    shown = display_path(folder / RELEASE_FILE, root)
    doc = load_yaml(check_release_folder(root, folder), shown)
    context = {"root": root, "folder": folder, "tz": newsroom.tz}
    release, problems = validate(Release, doc, context)
    try:
        coverage, coverage_problems = _load_coverage(root, folder, context)
    except SmrError as exc:   # coverage.yaml unreadable: said with the release's own problems
        coverage, coverage_problems = [], exc.problems
    SmrError.collect(problems + coverage_problems)
    body = release.body or ""
    if release.body_file:
        body = _read_body(root, folder / release.body_file)
    merged = {c.url: c for c in [*release.coverage, *coverage]}
    full = Full(release=release, body=body, lines=doc.lines,
                coverage=sorted(merged.values(), key=lambda c: (c.date or dt.date.min, c.url), reverse=True))
    return Item(slug=slugify(folder.name, max_length=RELEASE_SLUG_LENGTH), folder=folder, source=shown,
                language=release.language or newsroom.language,
                summary=Summary.of(release, template_leftovers(shown, release, doc)
                                   + folder_date(shown, folder.name, release, newsroom.tz, doc), doc.lines), full=full)


def _read_body(root: Path, path: Path) -> str:
    """A body_file's Markdown, held to the rules of an inline `body` (its problems name its line)."""
    from generator.newsroom.loader import read_text
    from generator.newsroom.model import TextProblem, check_body

    shown = display_path(path, root)
    body = read_text(path, shown)
    try:
        return check_body(body)
    except TextProblem as problem:
        line, message = problem.in_file(body)
        raise SmrError(message, file=shown, line=line) from None


def _load_coverage(root: Path, folder: Path, context: dict) -> tuple[list[Coverage], list[Problem]]:
    """coverage.yaml is written by `smr coverage`; the build merges it with release.yaml."""
    from generator.newsroom.paths import usable_file

    path = folder / COVERAGE_FILE
    shown = display_path(path, root)
    if not os.path.lexists(path):
        return [], []
    try:
        usable_file(path, folder, "the release folder", COVERAGE_FILE)
    except ValueError as exc:
        raise SmrError(str(exc), file=shown) from None
    doc = load_yaml(path, shown, expect=list, allow_empty=True)
    wrapped = Document(data={"coverage": doc.data}, file=doc.file,
                       lines={("coverage",) + k: v for k, v in doc.lines.items()})
    try:
        return TypeAdapter(Few(Coverage)).validate_python(doc.data, context=context), []
    except Exception as exc:  # pydantic.ValidationError
        return [], [problem_from_error(Release, wrapped, {**e, "loc": ("coverage",) + tuple(e["loc"])})
                    for e in exc.errors()]


RELEASE_SLUG_LENGTH = 120


def release_slugs(names: list[str]) -> dict[str, str]:
    """Folder name -> the release's address, from the whole folder name, for all folders at
    once: two whose names give one address are told apart by a stable suffix (slug.py)."""
    return dict(zip(names, unique_slugs(names, max_length=RELEASE_SLUG_LENGTH)))


def _addresses(items: list[Item], names: list[str]) -> list[Problem]:
    """Give each item its address (from every folder's name, failed ones too, so that one
    release failing never moves another's address); a warning for each address that needed a
    suffix, as its folder's name alone would have given another release's address."""
    slugs = release_slugs(sorted(names))
    warnings = []
    for item in items:
        item.slug = slugs[item.folder.name]
        plain = slugify(item.folder.name, max_length=RELEASE_SLUG_LENGTH)
        if item.slug != plain:
            warnings.append(Problem(item.source, 1, "", f"the folder name gives the address /{plain}/, which another "
                                    f"release folder gives too; this release is at /{item.slug}/ instead: rename "
                                    "one of the folders for a plainer address"))
    return warnings


def _cross_checks(root: Path, items: list[Item], failed: set[str] = frozenset()) -> list[Problem]:
    """Rules that span releases: unique slugs, and translations that point back to real items.

    Each problem is said once, where it is: a release that failed validation (`failed`, by
    folder name) has its own errors, so its translations get none about it."""
    problems = []
    seen: dict[str, Item] = {}
    by_folder = {i.folder: i for i in items}  # the model checked that translations are siblings
    releases = root / RELEASES_DIR
    # Folders the site itself uses: assets, tag feeds, previews, one per language's feeds.
    reserved = {"assets", "tags", "_preview", "page", "archive", "media", "pagefind"} | {i.language.lower() for i in items}
    links: list[tuple[Item, Item]] = []
    for item in items:
        if item.slug in reserved:
            problems.append(Problem(item.source, 1, "", f"the folder name {item.folder.name!r} is an address "
                                    f"the site needs itself (/{item.slug}/); rename the release folder"))
        if item.slug in seen:
            problems.append(Problem(item.source, 1, "", f"folder name gives the same address "
                                    f"/{item.slug}/ as {seen[item.slug].source}"))
        seen.setdefault(item.slug, item)
        for index, ref in enumerate(item.translation_refs):
            target = Path(os.path.normpath(item.folder / ref))
            other = by_folder.get(target)
            if other is not None:
                links.append((item, other))
            elif target.parent == releases and target.name in failed:
                continue   # that release's own errors say what is wrong there
            elif not (target / RELEASE_FILE).is_file():  # checked here, not in the model: never cached
                problems.append(Problem(item.source, item.line_of("translations", index), "translations",
                                        f"{ref!r}: no {RELEASE_FILE} there"))
    stories = _stories(items, links)
    problems.extend(_versions(stories))
    problems.extend(_shared_photos(items, stories, failed))
    return problems


def _stories(items: list[Item], links: list[tuple[Item, Item]]) -> dict[Path, list[Item]]:
    """Release folder -> every version of its story (itself included): a translation named on
    either side links both, and a version of a version is one too (nl ↔ en ↔ de, also when de
    only names nl). By folder, never by address: two folders that collide on one address
    are two stories (the collision is its own error)."""
    story: dict[Path, Path] = {}   # folder -> one folder of its story (union-find)

    def find(folder: Path) -> Path:
        while story.get(folder, folder) != folder:
            folder = story[folder]
        return folder

    for item, other in links:
        story[find(other.folder)] = find(item.folder)
    groups: dict[Path, list[Item]] = {}
    for item in items:
        groups.setdefault(find(item.folder), []).append(item)
    return {item.folder: versions for versions in groups.values() for item in versions}


def _versions(stories: dict[Path, list[Item]]) -> list[Problem]:
    """Every version of a story links every other, and no two versions are in the same language."""
    problems = []
    done = set()
    for versions in stories.values():
        if id(versions) in done:
            continue
        done.add(id(versions))
        versions.sort(key=lambda i: (i.language.lower(), i.slug))
        for item in versions:
            item.translations = [o.slug for o in versions if o is not item]
        for first, second in zip(versions, versions[1:]):
            if first.language.lower() == second.language.lower():
                problems.append(_same_language(first, second))
    return problems


def _same_language(one: Item, other: Item) -> Problem:
    """Two versions of a story in one language: said on the one that names the other under
    `translations:` (the translation), else on the one whose language is implied."""
    def blame(item: Item, partner: Item) -> tuple:
        names = {Path(os.path.normpath(item.folder / ref)) for ref in item.translation_refs}
        return (partner.folder in names, item.release.language is None, bool(item.translation_refs))

    item, partner = (one, other) if blame(one, other) >= blame(other, one) else (other, one)
    same = ("two versions of one story cannot be in the same language (search engines would "
            "show one and hide the other)")
    if item.release.language is None:
        example = "en" if base_language(item.language) != "en" else "nl"
        line = item.line_of("translations") if item.translation_refs else 1
        return Problem(item.source, line, "language",
                       f"is not given, so this release is in the newsroom's language ({item.language}), like "
                       f"its translation {partner.source}; {same}: add the language it is written in, "
                       f"e.g. `language: {example}`")
    return Problem(item.source, item.line_of("language"), "language",
                   f"{item.language!r} is also the language of its translation {partner.source}; {same}: "
                   "correct `language:` here or there")


def _shared_photos(items: list[Item], stories: dict[Path, list[Item]], failed: set[str]) -> list[Problem]:
    """A photo given as `../<folder>/...` belongs to a translation of this release, and is
    there now (checked on every load: the validated release is cached, the other folder not),
    by the rule of every path (newsroom/paths.py `usable_file`)."""
    from generator.newsroom.paths import usable_file

    by_folder = {i.folder.name: i for i in items}
    problems = []
    for item in items:
        declared = {Path(os.path.normpath(item.folder / ref)).name for ref in item.translation_refs}
        for index, file, partner_folder in item.summary.shared_photos:
            partner = by_folder.get(partner_folder)
            where = lambda: (item.source, item.line_of("images", index, "file"), f"images[{index}].file")  # noqa: E731
            if partner is not None:
                linked = partner in stories.get(item.folder, ())
            else:   # a release that failed validation may well name this one: its errors come first
                linked = partner_folder in declared or partner_folder in failed
            if not linked:
                problems.append(Problem(*where(), f"{file} is a photo of another release that is not a "
                                        f"translation of this one; add ../{partner_folder} under translations: "
                                        "or copy the photo into this release's folder"))
                continue
            folder = item.folder.parent / partner_folder
            inner = str(Path(*Path(file).parts[2:]))
            try:
                usable_file(folder / inner, folder, f"the folder of {partner_folder}", inner)
            except ValueError as exc:
                problems.append(Problem(*where(), str(exc)))
    return problems
