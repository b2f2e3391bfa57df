"""Search without a server: Pagefind indexes the public releases' pages after they are
rendered, one index per language (read from each page's `<html lang>`), into `pagefind/`.

Only `site.public` pages are handed to Pagefind, by content, never a folder: a draft or an
embargoed release (which a preview build renders) is never indexed, so no word of one is
anywhere under `pagefind/`. The bundle is one output group, `search`, keyed by every public
release's key: the build records its files, so `smr publish` uploads them, and a build
that changed no public release keeps it. `smr serve` builds first without it (the page
shows at once) and indexes in the background after (output/serve.py).
"""

from __future__ import annotations

from pathlib import Path

SEARCH_DIR = "pagefind"
GROUP = "search"
# Parts of a page that are not its news: the site's header and footer, the share and embed
# blocks, navigation, and the text behind copy buttons.
EXCLUDE = ["header.site-header", "footer.site-footer", "nav", ".skip", ".share", ".embed", ".copy",
           ".visually-hidden", "[hidden]", "script", "style", "textarea"]


def search_key(site, keys: dict) -> str:
    """What the index is made of: every public release's page (by its release key) and
    the Pagefind that makes it."""
    import importlib.metadata

    from generator.store import digest

    return digest(GROUP, importlib.metadata.version("pagefind"), importlib.metadata.version("pagefind_bin"),
                  [(i.slug, keys[i.slug]) for i in site.public])


def write_search(site, outputs, keys: dict, enabled: bool = True) -> None:
    """Index the public releases into the staging folder's `pagefind/`, unless the previous
    build's index is still right; with `enabled` false (serve's first pass), keep whatever
    index the live site has, to be brought up to date by the next build that indexes."""
    key = search_key(site, keys)
    if outputs.reuse(GROUP, key) or (not enabled and outputs.keep(GROUP)):
        return
    if not enabled:
        return
    pages = []
    for item in site.public:
        path = f"{item.slug}/index.html"
        source = outputs.staging / path
        if not source.is_file():   # kept from the previous build: in the live site
            source = outputs.output / path
        pages.append((f"/{item.slug}/", source.read_text("utf-8")))
    files = index(pages, outputs.staging / SEARCH_DIR)
    outputs.record(GROUP, key, [f"{SEARCH_DIR}/{f}" for f in files])


def index(pages: list[tuple[str, str]], folder: Path) -> list[str]:
    """Pagefind's bundle for `pages` ((url, html) each) written into `folder`; returns its
    files relative to `folder`."""
    import asyncio
    import concurrent.futures

    from generator.errors import SmrError

    async def run() -> list:
        from pagefind.index import IndexConfig, PagefindIndex

        # leaving the block writes the bundle to output_path (without one: ./pagefind, wherever smr runs)
        config = IndexConfig(exclude_selectors=EXCLUDE, write_playground=False, output_path=str(folder))
        async with PagefindIndex(config=config) as search:
            for url, html in pages:
                await search.add_html_file(content=html, url=url)

    try:   # in a thread of its own: the caller may be running an event loop (Playwright's, in tests)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, run()).result()
    except (OSError, AssertionError) as exc:   # no binary, or the service said something else
        raise SmrError(f"search: Pagefind could not index the site ({exc}); "
                       "reinstall smr (its pagefind and pagefind-bin packages)") from exc
    entry = folder / "pagefind-entry.json"   # its languages in no fixed order: sorted, so builds are byte-identical
    if entry.is_file():
        import json

        entry.write_text(json.dumps(json.loads(entry.read_text("utf-8")), sort_keys=True, separators=(",", ":")),
                         "utf-8")
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
