"""`smr preview RELEASE`: an embargoed release (or a draft) online under an unguessable link.

The release is built with preview=True and only its own folder and the shared assets are
uploaded, under `<site prefix>_preview/<token>/` with a 128-bit random token; the page
carries `noindex` and is in no index, feed or sitemap. The token is found again by listing
that area (never stored in a public file), so a second preview keeps the link already sent,
`--remove` deletes it, and publishing the release after its embargo removes it too.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from pathlib import Path

from generator import previews
from generator.errors import SmrError
from generator.files import cache_dir
from generator.output.incremental import recorded_digests
from generator.publish import plan as pp
from generator.publish.deploy import (OneAtATime, Reporter, client_for, delete_keys, fetch, publish_dir, publish_lock,
                                      settings)
from generator.publish.s3 import Target

PREVIEW_BUILD = "preview-site"   # inside .smr-cache/: one folder, rebuilt in place by every preview


def preview(root: Path, release: str, *, now, remove: bool = False, endpoint_url: str | None = None,
            jobs: int = 32, max_attempts: int | None = None, reporter: Reporter | None = None,
            env: dict | None = None, client=None) -> tuple[str | None, int]:
    """Upload one embargoed release (or a draft) under an unguessable prefix; returns (link,
    files removed)."""
    root = root.resolve()
    cfg = settings(root, endpoint_url=endpoint_url, env=env, jobs=jobs, max_attempts=max_attempts)
    reporter = OneAtATime(reporter or Reporter())
    with publish_lock(root, reporter.waiting):   # a publish removes previews: never at the same time
        return _preview(root, release, cfg, now, remove, reporter, client)


def _preview(root: Path, release: str, cfg, now, remove: bool, reporter, client) -> tuple[str | None, int]:
    from generator.output.pipeline import build
    from generator.newsroom.site import load_site

    site = load_site(root, now)
    item = find_release(site, release)
    s3 = client or client_for(cfg, reporter.retrying)
    area = Target(cfg.site.bucket, cfg.site.prefix + pp.PREVIEW_DIR + "/", cfg.site.field)
    existing = fetch(s3, area, cfg.conn, manifest=False)
    tokens = sorted(t for t, slugs in pp.preview_tokens(existing.objects).items() if item.slug in slugs)
    if remove:
        keys = [pp.PREVIEW_DIR + "/" + k for k in existing.objects if k.split("/")[0] in tokens]
        previews.forget(root, item.slug)
        return None, len(delete_keys(s3, cfg.conn, cfg.site, keys, reporter))
    if item.public_at(now):
        raise SmrError(f"{item.slug} is not under embargo (anymore); publish it with `smr publish`",
                       file=item.source, line=item.line_of("embargo"), field="embargo")
    token = tokens[0] if tokens else secrets.token_urlsafe(16)   # 128 random bits
    target = Target(cfg.site.bucket, f"{area.prefix}{token}/", cfg.site.field)
    # Always the same folder: the build's records of it are overwritten, not piled up, and
    # the next preview rebuilds only what changed.
    out = cache_dir(root) / PREVIEW_BUILD
    build(root, out, now=now, preview=True, home_url=cfg.base_url, progress=reporter.photos)
    publish_dir(out, replace(cfg, site=target, media=None), releases={item.slug},
                reporter=reporter, client=s3, manifest=False, remove_previews=False,
                digests=recorded_digests(root, out),
                include=lambda rel: rel.startswith((item.slug + "/", "assets/")))
    link = f"{cfg.base_url}{pp.PREVIEW_DIR}/{token}/{item.slug}/"
    previews.remember(root, item.slug, link)   # for the pitch: outreach export links it
    return link, 0


def find_release(site, release: str):
    """A release by slug or folder (releases/x, x, or a path to it)."""
    from generator.slug import slugify

    path = Path(release)
    name = path.resolve().name if path.is_dir() else Path(release.rstrip("/")).name   # `.` in its folder
    item = (site.by_slug(name) or next((i for i in site.items if i.folder.name == name), None)
            or site.by_slug(slugify(name, max_length=120)))
    if item is None:
        known = ", ".join(i.slug for i in site.items[:10]) or "none"
        raise SmrError(f"no release {release!r} in releases/ (known: {known})")
    return item
