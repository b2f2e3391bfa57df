"""`smr build`: validate everything, render into a staging folder, swap it into place.

A failed build leaves the previous site untouched; two builds of the same input are
byte-identical (sorted iteration, no timestamps but the content's own).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from generator.errors import Problem, SmrError, display_path
from generator.resources import asset_dirs
from generator.site import Site, load_site
from generator.slug import slugify

SITE_MARKER = ".smr-site"


@dataclass
class BuildReport:
    output: Path
    pages: int
    images: int
    embargoed: int
    seconds: float

    def summary(self) -> str:
        held = f", {self.embargoed} under embargo (not written)" if self.embargoed else ""
        return (f"Built {self.pages} pages and {self.images} photos into {self.output} "
                f"in {self.seconds:.2f} s{held}")


def build(root: Path, output: Path | None = None, *, now: dt.datetime, preview: bool = False) -> BuildReport:
    started = time.perf_counter()
    root = root.resolve()
    output = (output or root / "_site").resolve()
    check_output(root, output)
    site = load_site(root, now, preview)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.tmp-", dir=output.parent))
    try:
        pages, images = render_site(site, staging)
        (staging / SITE_MARKER).write_text("written by smr; replaced on every build\n", "utf-8")
        swap_into_place(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    held = 0 if preview else len(site.items) - len(site.public)
    return BuildReport(output, pages, images, held, time.perf_counter() - started)


def check_output(root: Path, output: Path) -> None:
    """Never replace a folder the user wrote: only an empty one or an earlier smr build."""
    if output == root or root.is_relative_to(output) or output.is_relative_to(root / "releases"):
        raise SmrError(f"--output {output}: would overwrite the newsroom itself; choose a separate folder")
    if output.exists():
        if not output.is_dir():
            raise SmrError(f"--output {output}: is a file, not a folder")
        if any(output.iterdir()) and not (output / SITE_MARKER).exists():
            raise SmrError(f"--output {output}: folder exists and was not written by smr; "
                           "choose another folder or empty it")


def swap_into_place(staging: Path, output: Path) -> None:
    os.chmod(staging, 0o755)
    if output.exists():
        old = output.with_name(f".{output.name}.old-{os.getpid()}")
        output.rename(old)
        staging.rename(output)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(output)


def render_site(site: Site, out: Path) -> tuple[int, int]:
    """Write every page, photo, download, feed and asset of `site` into `out`."""
    from generator.feeds import write_feeds, write_sitemap
    from generator.images import prepare_images, process_images
    from generator.render import Pages

    prepare_images(site.rendered, site.root)  # every photo of the build at once, in parallel
    pages = Pages(site)
    problems: list[Problem] = []
    entries, contents, count, photos = [], {}, 0, 0
    for item in site.rendered:
        folder = out / item.slug
        folder.mkdir(parents=True)
        try:
            images = process_images(item, folder)
        except SmrError as exc:
            problems.extend(exc.problems)
            continue
        photos += len(images)
        documents = copy_documents(item, folder)
        contacts = write_vcards(site, item, pages, folder)
        html = pages.release(item, images, documents, contacts)
        (folder / "index.html").write_text(html, "utf-8")
        count += 1
        contents[item.slug] = html_content(item)
        if item in site.public:
            lead = next((i for i in images if i.lead), None)
            entries.append({"item": item, "href": f"{item.slug}/",
                            "image": lead and lead.thumb and {"src": f"{item.slug}/{lead.thumb['src']}", "alt": lead.alt,
                                                              "width": lead.thumb["width"],
                                                              "height": lead.thumb["height"]}})
    SmrError.collect(problems)
    (out / "index.html").write_text(pages.index(entries), "utf-8")
    write_feeds(site, pages, out, contents)
    write_sitemap(site, pages, out)
    copy_assets(site, out)
    return count + 1, photos


def html_content(item) -> str:
    """The release's full text as HTML for feed readers (sanitised like the page)."""
    from generator import markup

    facts = "".join(f"<li>{markup.inline(f)}</li>" for f in item.release.facts)
    parts = [markup.block(item.release.summary), f"<ul>{facts}</ul>" if facts else "", markup.block(item.body, 1)]
    return "\n".join(p for p in parts if p)


def copy_documents(item, folder: Path) -> list[dict]:
    docs = []
    for doc in item.release.documents:
        if doc.file:
            source = item.folder / doc.file
            (folder / "docs").mkdir(exist_ok=True)
            shutil.copyfile(source, folder / "docs" / source.name)
            docs.append({"title": doc.title, "href": f"docs/{source.name}", "external": False,
                         "bytes": source.stat().st_size, "type": source.suffix.lstrip(".").upper()})
        else:
            docs.append({"title": doc.title, "href": doc.url, "external": True, "bytes": None, "type": None})
    return docs


def write_vcards(site: Site, item, pages, folder: Path) -> list[dict]:
    contacts = item.release.contacts or site.newsroom.contacts
    result = []
    for contact in contacts:
        name = f"{slugify(contact.name)}.vcf"
        (folder / name).write_text(pages.vcard(contact, site.newsroom.organization.name), "utf-8", newline="")
        result.append({"contact": contact, "vcard": name})
    return result


def copy_assets(site: Site, out: Path) -> None:
    target = out / "assets"
    for folder in reversed(asset_dirs(site.root)):
        shutil.copytree(folder, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    logo = site.newsroom.organization.logo
    if logo:
        shutil.copyfile(site.root / logo, target / ("logo" + Path(logo).suffix.lower()))
