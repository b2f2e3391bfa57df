"""`smr build`: validate everything, render into a staging folder, swap it into place.

A failed build leaves the previous site untouched; two builds of the same input are
byte-identical (sorted iteration, no timestamps but the content's own).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator import workers
from generator.clock import is_public
from generator.output import swap
from generator.errors import Problem, SmrError
from generator.files import cache_dir
from generator.resources import asset_dirs
from generator.slug import unique_slugs

if TYPE_CHECKING:
    from generator.newsroom.site import Site


@dataclass
class BuildReport:
    output: Path
    written: int
    unchanged: int
    images: int
    embargoed: int
    seconds: float
    drafts: int = 0
    warnings: list = field(default_factory=list)   # Problems that block nothing (drafts, template text)

    def summary(self) -> str:
        held = [f"{self.embargoed} under embargo"] if self.embargoed else []
        held += [f"{self.drafts} draft{'s' if self.drafts > 1 else ''}"] if self.drafts else []
        held_text = f", {' and '.join(held)} (not written)" if held else ""
        return (f"Built {self.output}: {self.written} pages written, {self.unchanged} unchanged, "
                f"{self.images} photos processed, in {self.seconds:.2f} s{held_text}")


def build(root: Path, output: Path | None = None, *, now: dt.datetime, preview: bool = False,
          media_base_url: str | None = None, home_url: str | None = None, progress=None,
          applying=contextlib.nullcontext, search: bool = True) -> BuildReport:
    """Build the newsroom at `root` into `output`, reusing what an earlier build made.

    `media_base_url` (set by publish) makes photo downloads link to the media target;
    `home_url` (set by preview, which uploads one release) makes links to the index, the
    feeds and other releases point at the public newsroom. `progress(done, total)` hears
    how the photo work goes (see photos.pipeline.prepare_images). The new files are put in
    place inside `with applying():` (`smr serve` holds its readers off meanwhile). With
    `search` false the search index is not made again (output/search.py): `smr serve` shows
    a change first and indexes after."""
    started = time.perf_counter()
    root = root.resolve()
    output = (output or root / "_site").resolve()
    check_output(root, output)
    with swap.output_lock(cache_dir(root) / f"build-{_output_tag(output)}.lock") as locked:
        if locked:  # no other build into `output` runs: what is left beside it was left by killed ones
            finish_pending(root, output)
        return _build_locked(root, output, now, preview, media_base_url, home_url, started, progress, applying,
                             search)


def finish_pending(root: Path, output: Path) -> None:
    """What a killed build left: a site set aside by a swap is put back, a journal carried out,
    staging folders removed. Call it holding the output's lock, before reading the output."""
    from generator.output.incremental import finish_journal

    swap.recover(output)
    finish_journal(root, output)
    swap.remove_leftovers(output)


def _build_locked(root: Path, output: Path, now: dt.datetime, preview: bool, media_base_url: str | None,
                  home_url: str | None, started: float, progress=None, applying=contextlib.nullcontext,
                  search: bool = True) -> BuildReport:
    """Render what changed into a staging folder beside `output`, then apply it: through the
    journal when the live site's records can be trusted (only the changed files move in), by
    swapping the staging folder in whole when there are none (a first build, or after the
    records were lost)."""
    from generator.output import journal
    from generator.output.incremental import Outputs, build_inputs, global_key
    from generator.newsroom.paths import release_signatures
    from generator.store import Store, digest

    signatures = release_signatures(root)
    key = global_key(root, preview)
    if media_base_url or home_url:
        key = digest(key, "media_base_url", media_base_url, "home_url", home_url)
    state = _build_state(root, output, key)
    inputs = digest(build_inputs(root, key, signatures), "search", search)
    unchanged = _unchanged_build(output, state.entry("build"), inputs, now)
    if unchanged is not None:
        Store.of(root).save_files()   # hashes found while signing, kept for the next run
        pages, embargoed, drafts, warnings = unchanged
        return BuildReport(output, 0, pages, 0, embargoed, time.perf_counter() - started, drafts, warnings)
    from generator.newsroom.site import load_site  # the model, loaded only when something changed

    site = load_site(root, now, preview, signatures=signatures)
    site.media_base_url, site.home_url = media_base_url, home_url
    staging = swap.staging_folder(output)
    outputs = None
    try:
        outputs = Outputs(root, output, staging, key)
        images = render_site(site, staging, outputs, progress, search)
        live = swap.mark(staging)
        _record_build(state, inputs, site, outputs, live)
        if outputs.previous is None:   # nothing to keep: the whole site, swapped in at once
            with applying():
                old_site = swap.swap_in(staging, output)
            outputs.save(live, also=[state])   # killed before this: records of another site, not trusted
            swap.remove(old_site)
        else:
            plan = outputs.journal()
            outputs.save(live, plan, also=[state])   # the commit point: from here on, carried out
            with applying():
                journal.apply(output, plan)
            outputs.done()
    except BaseException:
        if not _pending(outputs):
            shutil.rmtree(staging, ignore_errors=True)
        raise
    embargoed, drafts = _held(site)
    return BuildReport(output, outputs.written, outputs.reused, images, embargoed, time.perf_counter() - started,
                       drafts, site.warnings)


def _pending(outputs) -> bool:
    """Whether a journal of this build was committed and is still to be carried out (then
    its staging folder must stay, for the next command to finish it)."""
    return outputs is not None and outputs.table.get_any(outputs.JOURNAL) is not None


def _held(site: Site) -> tuple[int, int]:
    """How many releases were not written: (under embargo, drafts); none in preview."""
    if site.preview:
        return 0, 0
    drafts = sum(1 for i in site.items if i.draft)
    return len(site.items) - len(site.public) - drafts, drafts


def check(root: Path, now: dt.datetime, progress=None) -> tuple[Site, list[Problem]]:
    """`smr check`: refuse what a build would refuse, writing no site. Validates every
    press item (`load_site`) and opens every photo (`check_photos`, as each build does);
    returns the site and the warnings (drafts' problems, what a build would publish as given,
    what social networks would make of each release's link: render/card_lint.py)."""
    from generator.newsroom.site import load_site
    from generator.photos.pipeline import check_photos, gps_warnings, newsroom_rights, source_warnings
    from generator.render.card_lint import card_warnings

    site = load_site(root, now)
    newsroom_rights(site.newsroom, site.root)   # content credentials that cannot sign are an error here too
    drafts = check_photos(site.items, site.root, progress=progress)
    return site, sorted(site.warnings + drafts) + gps_warnings(site.items, site.root,
                                                                    site.newsroom.publish.strip_gps) \
        + source_warnings(site.items, site.root, site.newsroom.publish.source) \
        + sorted(card_warnings(site.items, site.root))


def _output_tag(output: Path) -> str:
    """Names the cache files (build record, lock) that belong to one output folder."""
    import hashlib

    return hashlib.blake2b(str(output).encode(), digest_size=6).hexdigest()


def _build_state(root: Path, output: Path, key: str):
    """The record of the last build into `output`: its inputs, embargo clock, files and site."""
    from generator.store import Store

    return Store.of(root).table(f"build-{_output_tag(output)}", key)


def _record_build(state, inputs: str, site: Site, outputs, live: tuple) -> None:
    """Remember this build's inputs, so that an identical next build can do nothing at all
    (saved with the records, in the same transaction; `live` names the site they describe)."""
    from generator.newsroom.site import warnings_window
    from generator.render.sitemap import recent

    dated = [(i.slug, i.date) for i in site.public]
    state.put("build", inputs, {
        "embargoes": {i.slug: i.embargo for i in site.items if not i.draft},
        "public": {i.slug for i in site.public},
        "dated": dated,                        # the news sitemap's window moves with the clock
        "news": recent(dated, site.now),
        "pages": outputs.written + outputs.reused,
        "held": _held(site),
        "warnings": site.warnings,
        "warnings_window": warnings_window(site.items, site.now),   # some of them depend on "now"
        "files": sorted(outputs.site_files()),
        "site": list(live),
    })


def _unchanged_build(output: Path, previous: tuple | None, inputs: str, now: dt.datetime) -> int | None:
    """(pages, embargoed, drafts, warnings) of the previous build when nothing changed since (inputs, clock, output).

    Only if the live site is the one that build recorded: a build killed after its swap left
    a newer one."""
    if previous is None or previous[0] != inputs:
        return None
    state = previous[1]
    live = swap.identity(output)
    if live is None or list(live) != state.get("site"):
        return None
    public = {slug for slug, embargo in state["embargoes"].items() if is_public(False, embargo, now)}   # drafts: not kept
    if public != state["public"]:
        return None
    from generator.render.sitemap import recent

    if recent(state["dated"], now) != state["news"]:   # a release entered or left the news sitemap
        return None
    if not isinstance(state.get("warnings_window"), list):   # kept by an older smr
        return None
    since, until = state["warnings_window"]
    if (since is not None and now < since) or (until is not None and now >= until):   # other warnings now
        return None
    if not all(os.path.isfile(os.path.join(output, f)) for f in state["files"]):
        return None
    return (state["pages"], *state["held"], state["warnings"])


def check_output(root: Path, output: Path) -> None:
    """Never replace a folder the user wrote: only an empty one or an earlier smr build."""
    if output == root or root.is_relative_to(output) or output.is_relative_to(root / "releases"):
        raise SmrError(f"--output {output}: would overwrite the newsroom itself; choose a separate folder")
    if output.exists():
        if not output.is_dir():
            raise SmrError(f"--output {output}: is a file, not a folder")
        if any(output.iterdir()) and not (output / swap.SITE_MARKER).exists():
            raise SmrError(f"--output {output}: folder exists and was not written by smr; "
                           "choose another folder or empty it")


def render_site(site: Site, out: Path, outputs, progress=None, search: bool = True) -> int:
    """Write every page, photo, download, feed and asset of `site` into `out`.

    Groups whose inputs did not change since the previous build are linked, not rendered.
    Returns the number of photos processed; `progress(done, total)` hears the photo work.
    """
    from generator.output.archive import write_lists
    from generator.output.search import write_search
    from generator.render.feeds import write_feed
    from generator.photos.pipeline import newsroom_rights, prepare_images
    from generator.store import digest
    from generator.render.pages import Pages
    from generator.render.sitemap import entries as sitemap_entries, news_entries, write_news_sitemap, write_sitemap

    pages = Pages(site)
    inputs = {item.slug: release_key(site, pages, item) for item in site.rendered}
    keys = {slug: made_with(outputs, pages, f"release:{slug}", key) for slug, key in inputs.items()}
    results: dict[str, dict] = {}   # slug -> what its record keeps: index card, feed entries
    todo = []
    for item in site.rendered:
        record = outputs.reuse(f"release:{item.slug}", keys[item.slug])
        if record is not None:
            results[item.slug] = record.extra
        else:
            todo.append(item)
    # every photo to render, at once, in parallel; the others opened as `smr check` does
    photos = prepare_images(todo, site.root, every=site.items, warnings=site.warnings, progress=progress,
                            rights=newsroom_rights(site.newsroom, site.root))
    for slug, extra, hashes, used in render_releases(site, pages, out, todo):
        keys[slug] = digest(inputs[slug], pages.templates_digest(used))
        outputs.record(f"release:{slug}", keys[slug], list(hashes), extra, hashes, used)
        results[slug] = extra

    write_lists(site, pages, out, outputs, results, keys)   # indexes, their pages, year archives, tag pages
    for feed in pages.feeds:
        feed_key = digest("feed", feed.path, feed.title, feed.language, [(i.slug, keys[i.slug]) for i in feed.items])
        if not outputs.reuse(f"feed:{feed.path}", feed_key):
            entries = {i.slug: results[i.slug]["entry"] for i in feed.items}
            outputs.record(f"feed:{feed.path}", feed_key, write_feed(site, feed, out, entries))
    sitemap_inputs = digest("sitemap", sitemap_entries(site))
    if not outputs.reuse("sitemap", made_with(outputs, pages, "sitemap", sitemap_inputs)):
        with pages.templates_used() as used:
            write_sitemap(site, pages, out)
        outputs.record("sitemap", digest(sitemap_inputs, pages.templates_digest(used)),
                       ["sitemap.xml", "robots.txt"], templates=used)
    news = news_entries(site)   # depends on "now": its key is what it lists
    news_inputs = digest("news-sitemap", news)
    if not outputs.reuse("news-sitemap", made_with(outputs, pages, "news-sitemap", news_inputs)):
        with pages.templates_used() as used:
            files = write_news_sitemap(site, pages, out, news)
        outputs.record("news-sitemap", digest(news_inputs, pages.templates_digest(used)), files, templates=used)
    # The assets, the logo, the accent and the Bluesky did are in the global key: a change to
    # any of them is a new set of records, so these groups' keys need say nothing more.
    if not outputs.reuse("assets", "assets"):
        copy_assets(site, out)
        outputs.record("assets", "assets", outputs.files_under("assets"))
    if not outputs.reuse("identity", "identity"):
        outputs.record("identity", "identity", write_identity(site, out))
    if not outputs.reuse("favicon", "favicon"):
        outputs.record("favicon", "favicon", write_favicons(site, out))
    write_search(site, outputs, keys, enabled=search)   # last: it reads the public pages
    return photos


def made_with(outputs, pages, group: str, inputs: str) -> str:
    """A group's key: its own inputs and the content of the templates it was last made with.
    Once rendered, its record holds `digest(inputs, templates_digest(templates used))`: the
    same key while neither changes."""
    from generator.store import digest

    return digest(inputs, pages.templates_digest(outputs.templates_of(group)))


def write_favicons(site: Site, out: Path) -> list[str]:
    from generator.photos import favicon

    logo = site.newsroom.organization.logo
    return favicon.write(out, site.root / logo if logo else None, site.newsroom.theme.accent)


def version_for(story: list, language: str, default: str):
    """The version of a story an index in `language` shows: in that language (or its base
    language), else in the newsroom's, else the newest."""
    from generator.text import base_language

    for wanted in (language, default):
        for same in (lambda tag: tag.lower() == wanted.lower(),
                     lambda tag: base_language(tag) == base_language(wanted)):
            found = next((i for i in story if same(i.language)), None)
            if found is not None:
                return found
    return story[0]


def card_entry(site: Site, item, image: dict | None) -> dict:
    """What a story's card shows of `item`: its page, photo and its other public versions."""
    from generator.render.i18n import language_name

    others = [site.by_slug(slug) for slug in item.translations]
    versions = [{"lang": o.language, "name": language_name(o.language), "href": f"{o.slug}/"}
                for o in others if o is not None and o.public_at(site.now)]
    return {"item": item, "href": f"{item.slug}/", "image": image, "versions": versions}


def release_key(site: Site, pages, item) -> str:
    """Everything a release's folder in the site is made from, besides the global inputs."""
    from generator.render import feeds
    from generator.store import digest

    others = [site.by_slug(s) for s in item.translations]
    # a translation's page is linked, its photos may be (its folder's signature: their files)
    translations = [(o.slug, o.title, o.language, o.public_at(site.now), o.signature, o in site.rendered)
                    for o in others if o]
    return digest(item.signature, item.embargoed(site.now), translations,
                  feeds.discovery(pages.feeds, item.language, [feeds.tag_key(site, t) for t in item.tags]))


RENDER_BATCH = 20  # releases per worker task: their feed entries are built as one feed


class RenderContext:
    """What rendering releases needs, here or in a worker process: the site, the staging
    folder and the pages. A worker gets it pickled without the pages (a Jinja environment
    does not pickle) and makes its own, once."""

    def __init__(self, site: Site, out: Path, pages=None):
        from generator.render.pages import Pages

        self.site, self.out = site, out
        self.pages = pages or Pages(site)

    def __reduce__(self):
        return RenderContext, (self.site, self.out)


def render_releases(site: Site, pages, out: Path, items: list) -> list[tuple[str, dict, dict, list]]:
    """Render the given releases' folders, in worker processes when there are many.

    Returns (slug, what its record keeps, its files with their hashes, the templates used) for each release."""
    slugs = [i.slug for i in items]
    batches = [slugs[at:at + RENDER_BATCH] for at in range(0, len(slugs), RENDER_BATCH)]
    done = workers.in_workers(_render_batch, batches, RenderContext(site, out, pages),
                              parallel_from=workers.PARALLEL_FROM // RENDER_BATCH, chunksize=1)
    results: list[tuple[str, dict, dict, list]] = []
    problems: list[Problem] = []
    for batch_results, batch_problems in done:
        results.extend(batch_results)
        problems.extend(batch_problems)
    SmrError.collect(problems)
    return results


def _render_batch(context: RenderContext, slugs: list[str]) -> tuple[list, list[Problem]]:
    """Some releases' folders, with what their records keep: the index card, and the RSS
    item and Atom entry that every feed listing the release splices in as they are; the
    files each wrote, with their hashes; and the templates each was made with."""
    from generator.output.incremental import hashed_files
    from generator.render import feeds

    from generator.output.archive import CARD_PREFIX
    from generator.output.media import photo_entries

    site, pages = context.site, context.pages
    results, problems, listed = [], [], []
    for slug in slugs:
        item = site.by_slug(slug)
        with pages.templates_used() as used:
            try:
                card, lead, images = _render_release(site, pages, context.out, item)
            except SmrError as exc:
                problems.extend(exc.problems)
                continue
            extra = {"card": card, "card_html": None, "entry": None, "photos": []}
            if item.public_at(site.now):   # a draft or embargoed release is on no index and in no feed
                extra["photos"] = photo_entries(site, item, images)   # for the media library
                entry = card_entry(site, item, card)   # as the index at the root shows it, and those in en/...
                extra["card_html"] = pages.card(entry, prefix=CARD_PREFIX)   # for a list page at any depth
                listed.append((extra, (item, pages.feed_content(item), lead)))
        results.append((slug, extra, hashed_files(context.out, slug), sorted(used)))
    for (extra, _), entry in zip(listed, feeds.entry_texts(site, [release for _, release in listed])):
        extra["entry"] = entry
    return results, problems


def _render_release(site: Site, pages, out: Path, item) -> tuple[dict | None, object, list]:
    """One release's folder: photos, documents, vCards, the page and its oEmbed card. Returns what lists
    need: its index card, its lead photo and its photos."""
    from generator.photos.pipeline import newsroom_rights, process_images, shared_originals
    from generator.render import oembed

    folder = out / item.slug
    folder.mkdir(parents=True)
    strip_gps = site.newsroom.publish.strip_gps
    words = pages.labels(site.newsroom.language)   # the media kit's name and credits.txt: the newsroom's language
    shared = shared_originals(item, photo_partners(site, item), site.root, strip_gps, words=words)
    images = process_images(item, folder, strip_gps=strip_gps, shared=shared, words=words,
                            rights=newsroom_rights(site.newsroom, site.root))
    documents = copy_documents(item, folder)
    contacts = write_vcards(site, item, pages, folder)
    (folder / "index.html").write_text(pages.release(item, images, documents, contacts), "utf-8")
    lead = next((i for i in images if i.lead), None)
    oembed.write(site, pages.env, item, lead, folder, pages.newsroom(item.language))   # the card other sites embed
    card = None
    if lead is not None and lead.thumb:
        card = {"src": f"{item.slug}/{lead.thumb['src']}", "alt": lead.alt,
                "width": lead.thumb["width"], "height": lead.thumb["height"]}
    return card, lead, images


def photo_partners(site: Site, item) -> dict:
    """The translations whose photos item's page may link to, by folder name: those whose page
    this build writes and item's page may link (a public page never links a draft or embargoed
    one), never in a preview upload (it holds one release)."""
    if site.home_url:
        return {}
    partners = {}
    for slug in item.translations:
        other = site.by_slug(slug)
        if other is not None and other in site.rendered and (other.public_at(site.now)
                                                             or not item.public_at(site.now)):
            partners[other.folder.name] = other
    return partners


def copy_documents(item, folder: Path) -> list[dict]:
    """Copy the release's documents (only types a browser does not run: validation checked
    each, newsroom/documents.py) into its docs/ folder."""
    from generator.newsroom.documents import DOCUMENTS_DIR

    from urllib.parse import quote

    from generator.slug import unique_file_names

    docs = []
    given = [doc.file for doc in item.release.documents if doc.file]
    names = iter(unique_file_names(given))   # docs/a/f.pdf and docs/b/f.pdf: two files
    for doc in item.release.documents:
        if doc.file:
            source = item.folder / doc.file
            name = next(names)
            (folder / DOCUMENTS_DIR).mkdir(exist_ok=True)
            shutil.copyfile(source, folder / DOCUMENTS_DIR / name)
            docs.append({"title": doc.title, "href": quote(f"{DOCUMENTS_DIR}/{name}"), "external": False,
                         "bytes": source.stat().st_size, "type": source.suffix.lstrip(".").upper()})
        else:
            docs.append({"title": doc.title, "href": doc.url, "external": True, "bytes": None, "type": None})
    return docs


def write_vcards(site: Site, item, pages, folder: Path) -> list[dict]:
    from generator.text import in_language

    from urllib.parse import quote

    contacts = item.release.contacts or pages.newsroom(item.language).contacts
    stems = unique_slugs([contact.name for contact in contacts], fallback="contact")   # 张伟 -> zhang-wei.vcf
    result = []
    for contact, stem in zip(contacts, stems):
        if isinstance(contact.role, dict):   # a release's own contact, its role per language
            contact = contact.model_copy(update={"role": in_language(contact.role, item.language,
                                                                     site.newsroom.language)})
        name = f"{stem}.vcf"
        (folder / name).write_text(pages.vcard(contact, site.newsroom.organization.name), "utf-8", newline="")
        result.append({"contact": contact, "vcard": quote(name)})
    return result


def write_identity(site: Site, out: Path) -> list[str]:
    """`/.well-known/atproto-did` when a Bluesky account has a `did`: the newsroom's domain
    becomes its handle (Bluesky reads this file, the DID alone, as plain text)."""
    from generator.render.identity import ATPROTO_DID, atproto_did

    did = atproto_did(site.newsroom)
    if did is None:
        return []
    (out / ATPROTO_DID).parent.mkdir(parents=True, exist_ok=True)
    (out / ATPROTO_DID).write_text(did, "utf-8")
    return [ATPROTO_DID]


def copy_assets(site: Site, out: Path) -> None:
    target = out / "assets"
    for folder in reversed(asset_dirs(site.root)):
        shutil.copytree(folder, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    logo = site.newsroom.organization.logo
    if logo and Path(logo).suffix.lower() == ".svg":   # never as given: it could hold scripts
        from generator.newsroom.svg import sanitise

        (target / "logo.svg").write_bytes(sanitise((site.root / logo).read_bytes()))
    elif logo:
        shutil.copyfile(site.root / logo, target / ("logo" + Path(logo).suffix.lower()))
