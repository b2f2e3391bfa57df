"""`smr status`: per release, what it is now (draft, under embargo, public) and what the
buckets hold of it (online and current, out of date, not online, online but must not be).

It builds the public site exactly as `smr publish` does (into .smr-cache/publish-site, under
the same lock) and compares it with one listing and manifest per target through the same
plan, so "online and current" means that a publish would upload nothing of it, and "online
but must not be" that a publish would take it down. Nothing in a bucket is changed.
Without a publish target, or with --offline, only the states are shown.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from generator.publish import plan as pp
from generator.output.incremental import recorded_digests
from generator.publish.deploy import (ENV, build_public, gather, held_reasons, local_time,
                                      publish_lock, settings)

CURRENT = "online and current"
NOT_ONLINE = "not online"
MUST_NOT = "online but must not be (run smr publish)"
NOT_OURS = "online but must not be (objects smr did not put there: remove them)"
SHARED = "index, feeds, assets"


@dataclass
class ReleaseStatus:
    slug: str
    state: str                 # "public", "draft", "embargoed until …", "deleted"
    online: str | None = None  # None: the buckets were not asked


@dataclass
class StatusReport:
    releases: list[ReleaseStatus]
    next_embargo: str          # "Next embargo lifts … (slug)" or that none is pending
    shared: str | None = None  # the pages and files of no single release
    note: str | None = None

    def lines(self) -> list[str]:
        rows = [(r.slug, r.state, r.online) for r in self.releases]
        if self.shared is not None:
            rows.append((SHARED, "", self.shared))
        slug_w = max((len(r[0]) for r in rows), default=0)
        state_w = max((len(r[1]) for r in rows), default=0)
        out = [f"{slug:<{slug_w}}  {state:<{state_w}}  —  {online}" if online is not None
               else f"{slug:<{slug_w}}  {state}" for slug, state, online in rows]
        return out + [self.next_embargo] + ([self.note] if self.note else [])


def status(root: Path, *, now, endpoint_url: str | None = None, offline: bool = False,
           env: dict | None = None, client=None, say=None, max_attempts: int | None = None) -> StatusReport:
    """The state of every release and, with a publish target, what the buckets hold of it."""
    from generator.newsroom.site import load_site

    root = root.resolve()
    env = os.environ if env is None else env
    site = load_site(root, now)
    report = StatusReport(states(site), next_embargo(site))
    if offline:
        return report
    if not (env.get(ENV["site"]) or site.newsroom.publish.site):
        report.note = "(no publish target in newsroom.yaml: whether releases are online is not shown)"
        return report
    cfg = settings(root, endpoint_url=endpoint_url, env=env, max_attempts=max_attempts)
    with publish_lock(root, say):
        cfg, client, out, site = build_public(root, cfg, now, client)
        public, held = {i.slug for i in site.public}, held_reasons(site)
        _, files, remotes = gather(out, cfg, releases=public, embargoed=set(held),
                                   digests=recorded_digests(root, out), client=client)
    plan = pp.plan(files, remotes, delete=False, public=public, held=held)
    report.releases = states(site)
    online(report, plan, files, remotes, public)
    return report


def online(report: StatusReport, plan: pp.Plan, files: list[pp.LocalFile], remotes: dict[str, pp.Remote],
           public: set[str]) -> None:
    """Fill in the bucket column from the plan a publish would follow."""
    differ: dict[str, int] = {}
    for f in plan.uploads:
        owner = f.key.split("/")[0] if f.key.split("/")[0] in public and "/" in f.key else ""
        differ[owner] = differ.get(owner, 0) + 1
    takedowns = {t.slug: t for t in plan.takedowns}
    folders = {k.split("/")[0] for remote in remotes.values() for k in remote.objects if "/" in k}
    for release in report.releases:
        if release.slug in public:
            if f"{release.slug}/{pp.RELEASE_PAGE}" not in remotes["site"].objects:
                release.online = NOT_ONLINE
            elif differ.get(release.slug):
                n = differ[release.slug]
                release.online = f"online, out of date ({n} file{'s' * (n != 1)} differ{'s' * (n == 1)})"
            else:
                release.online = CURRENT
        elif release.slug in takedowns and takedowns[release.slug].count:
            release.online = MUST_NOT
        elif release.slug in folders:
            release.online = NOT_OURS
        else:
            release.online = NOT_ONLINE
    for t in plan.takedowns:
        if t.slug and t.reason == pp.GONE:
            report.releases.append(ReleaseStatus(t.slug, "deleted", MUST_NOT))
    n = differ.get("", 0) + (takedowns[""].count if "" in takedowns else 0)
    report.shared = f"online, out of date ({n} file{'s' * (n != 1)} differ{'s' * (n == 1)})" if n else CURRENT


def states(site) -> list[ReleaseStatus]:
    """Every release, newest first: public, draft, or embargoed until <the newsroom's local time>."""
    held = held_reasons(site)
    return [ReleaseStatus(i.slug, held[i.slug].replace("under embargo", "embargoed", 1) if i.slug in held
                          else "public") for i in site.items]


def next_embargo(site) -> str:
    waiting = [i for i in site.items if i.embargoed(site.now) and not i.draft]
    if not waiting:
        return "No release is waiting for its embargo."
    first = min(waiting, key=lambda i: (i.embargo, i.slug))
    return f"Next embargo lifts {local_time(first.embargo, site)} ({first.slug})"
