"""Benchmark: smr publish against rclone sync and aws s3 sync, on a local SeaweedFS.

A generated site shaped like an smr build of ~1000 releases (each folder a page, its
oembed.json and a contact's vCard) plus 8 originals of ~8 MB with renditions (~75 MB, ~3040
files).
Each tool gets fresh buckets; we time a cold upload and a no-op re-run, each as its own
process (interpreter start, boto3's import and client creation included, as a user would
see it), and print a table with the ratios to rclone. Not a test: run it by hand. rclone
and the AWS CLI are timed when installed (apt-get install rclone; pip install awscli).

    python3 benchmarks/publish.py [--pages 1000] [--originals 8] [--jobs 32] [--rounds 3] [--links]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def make_site(root: Path, pages: int, originals: int, links: bool = False) -> tuple[int, int]:
    """A site shaped like an smr build: release folders with pages, renditions and originals.
    With `links`, each page links to the index and the feed, as smr's do: a cold publish then
    sends each page first as a stand-in without those links (plan.hold_back_links)."""
    rng = random.Random(42)
    words = "pers bericht winkel bakker brood team klant nieuws foto opening stad markt".split()
    (root / "assets").mkdir(parents=True)
    (root / ".smr-site").write_text("written by smr\n")
    (root / "assets" / "style.css").write_text("body{margin:0}\n" * 400)
    (root / "assets" / "smr.js").write_text("// js\n" * 300)
    for n in range(pages):
        folder = root / f"2026-{n:04d}-release"
        folder.mkdir()
        text = " ".join(rng.choice(words) for _ in range(1500))
        nav = '<a href="../">Nieuws</a><link rel="alternate" href="../feed.xml">' if links else ""
        (folder / "index.html").write_text(f"<!doctype html><title>{n}</title>{nav}<p>{text}</p>\n")
        (folder / "oembed.json").write_text(f'{{"version":"1.0","type":"rich","title":"{n}","html":"{text[:400]}"}}\n')
        (folder / "contact.vcf").write_text(f"BEGIN:VCARD\nVERSION:4.0\nFN:Contact {n}\nEND:VCARD\n")
    for n in range(originals):
        folder = root / f"2026-{n:04d}-release"
        (folder / "hires").mkdir()
        (folder / "hires" / f"photo-{n}.jpg").write_bytes(os.urandom(8_000_000 + n * 1000))
        (folder / "img").mkdir()
        for width in (480, 960, 1600):
            (folder / "img" / f"photo-{n}.3f2a9c1e.{width}.webp").write_bytes(os.urandom(width * 40))
    (root / "index.html").write_text("<!doctype html><title>index</title>\n" * 200)
    (root / "feed.xml").write_text('<?xml version="1.0"?><rss version="2.0"></rss>\n')
    (root / "atom.xml").write_text('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>\n')
    (root / "sitemap.xml").write_text('<?xml version="1.0"?><urlset/>\n')
    (root / "robots.txt").write_text("User-agent: *\n")
    files = [p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")]
    return len(files), sum(p.stat().st_size for p in files)


SMR = """
import sys, pathlib
sys.path.insert(0, {repo!r})
from generator.publish.deploy import Settings, publish_dir
from generator.publish.s3 import Connection, Target
cfg = Settings(Target.parse({site!r}), Target.parse({media!r}), "https://media.example.org/",
               Connection({endpoint!r}, "us-east-1", True, jobs={jobs}), "https://pers.example.org/")
site = pathlib.Path({dir!r})
releases = {{p.name for p in site.iterdir() if p.name.startswith("2026-")}}
r = publish_dir(site, cfg, releases=releases, held={{}})   # takedowns planned too; no build record: every file is hashed
print(r.summary())
"""


CPU: dict[str, float] = {}


def timed(args: list[str], env: dict, name: str = "") -> float:
    """Wall seconds of one run; its CPU seconds (user + system) are added to CPU[name]."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[name] = CPU.get(name, 0.0) + (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode:
        raise SystemExit(f"{args[0]} failed: {result.stderr[-2000:]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--originals", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--links", action="store_true", help="pages link to the index and feed (stand-ins)")
    opts = parser.parse_args()

    from tests.s3server import ACCESS_KEY, SECRET_KEY, WeedServer

    work = Path(tempfile.mkdtemp(prefix="smr-bench-"))
    server = WeedServer(work / "weed")
    server.start()
    try:
        site = work / "site"
        count, size = make_site(site, opts.pages, opts.originals, opts.links)
        print(f"site: {count} files, {size / 1e6:.1f} MB; SeaweedFS at {server.endpoint}; "
              f"load average at the start {os.getloadavg()[0]:.1f}\n")
        env = {k: v for k, v in os.environ.items() if k != "AWS_CA_BUNDLE"}
        env.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
                   AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE=os.devnull,
                   AWS_SHARED_CREDENTIALS_FILE=os.devnull)
        tools = {}

        def smr(_):
            site_bucket, media_bucket = server.bucket("smr-site"), server.bucket("smr-media")
            code = SMR.format(repo=str(REPO), site=f"s3://{site_bucket}/", media=f"s3://{media_bucket}/",
                              endpoint=server.endpoint, jobs=opts.jobs, dir=str(site))
            return [sys.executable, "-c", code]
        tools["smr publish"] = smr
        if shutil.which("rclone"):
            tools["rclone sync"] = lambda _: [
                "rclone", "sync", str(site), f":s3:{server.bucket('rclone')}", "--s3-provider=Other",
                f"--s3-endpoint={server.endpoint}", "--s3-env-auth", "--s3-force-path-style",
                "--exclude=.smr-site"]
        if shutil.which("aws"):
            tools["aws s3 sync"] = lambda _: [
                "aws", "s3", "sync", str(site), f"s3://{server.bucket('awscli')}/", "--endpoint-url",
                server.endpoint, "--exclude", ".smr-site", "--only-show-errors"]
        times = {name: ([], []) for name in tools}
        for round_ in range(opts.rounds):          # interleaved, so load changes hit all tools alike
            for name, command in tools.items():
                args = command(round_)
                times[name][0].append(timed(args, env, name + " cold"))
                times[name][1].append(timed(args, env, name + " no-op"))
        rows = [(name, statistics.median(cold), statistics.median(noop)) for name, (cold, noop) in times.items()]
        print(f"median of {opts.rounds} rounds, {opts.jobs} smr jobs; load average now "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
        base = next((r for r in rows if r[0] == "rclone sync"), None)
        print(f"{'tool':<14}{'cold s':>9}{'no-op s':>10}{'cold/rclone':>13}{'no-op/rclone':>14}"
              f"{'cold CPU s':>12}{'no-op CPU s':>13}")
        for name, cold, noop in rows:
            ratio = (f"{cold / base[1]:>13.2f}{noop / base[2]:>14.2f}" if base else "")
            cpu = f"{CPU[name + ' cold'] / opts.rounds:>12.2f}{CPU[name + ' no-op'] / opts.rounds:>13.2f}"
            print(f"{name:<14}{cold:>9.2f}{noop:>10.2f}{ratio}{cpu}")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
