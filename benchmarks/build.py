"""Build speed at newsroom scale: smr against Hugo and Pelican on the same 1000 items.

Generates (seeded) a newsroom of 1000 releases (~400 words of Markdown each, facts, quotes,
5 links, 3 hashtags, tags, no photos) and times, in one run: smr cold build (no cache), smr
no-op rebuild, smr rebuild after editing one release (as a command, and in `smr serve`'s
process), and — when installed — Hugo and Pelican building the same items as Markdown pages
with a minimal layout. Full builds of the tools take turns. Prints medians and ratios.
`--compare DIR` times another smr checkout (say, a worktree of the previous main) in the
same run, so a change is judged against its before on the same machine state.

    python benchmarks/build.py [--releases 1000] [--runs 3] [--compare /tmp/smr-before]
"""

from __future__ import annotations

import argparse
import datetime as dt
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
WORDS = ("bakker brood klant team webcare winkel nieuws vraag antwoord uur dag week medewerker "
         "sociale media twitter facebook linkedin bestelling service kwaliteit meel molen oven "
         "deeg recept smaak vers ochtend avond stad regio markt prijs product keten familie").split()


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def paragraph(rng: random.Random, words: int) -> str:
    out, count = [], 0
    while count < words:
        n = rng.randint(8, 16)
        out.append(sentence(rng, n))
        count += n
    return " ".join(out)


def make_items(count: int, seed: int = 42) -> list[dict]:
    rng = random.Random(seed)
    start = dt.datetime(2016, 1, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    items = []
    for i in range(count):
        body = "\n\n".join(f"## {sentence(rng, 3)}\n\n{paragraph(rng, 60)}\n\n{paragraph(rng, 60)}"
                           for _ in range(3)) + f"\n\n- {sentence(rng, 5)}\n- {sentence(rng, 5)}\n"
        items.append({
            "slug": f"{(start + dt.timedelta(days=7 * i)).date()}-bericht-{i:04d}",
            "title": sentence(rng, 6)[:-1],
            "date": (start + dt.timedelta(days=7 * i)).isoformat(),
            "summary": paragraph(rng, 40),
            "facts": [sentence(rng, 8) for _ in range(3)],
            "quotes": [{"text": sentence(rng, 12), "by": "Anna de Vries", "role": "directeur"}],
            "links": [{"url": f"https://example.org/{i}/{j}", "title": sentence(rng, 3)} for j in range(5)],
            "hashtags": [rng.choice(["webcare", "brood", "bakker", "nieuws", "service"]) + str(j) for j in range(3)],
            "tags": [rng.choice(WORDS) for _ in range(2)],
            "body": body,
        })
    return items


def write_smr(root: Path, items: list[dict]) -> None:
    import yaml

    root.mkdir(parents=True)
    (root / "newsroom.yaml").write_text(
        "title: Benchmark\nbase_url: https://pers.example.org/\nlanguage: nl\ntimezone: Europe/Amsterdam\n"
        "organization:\n  name: Benchmark BV\n  boilerplate: Benchmark BV bakt.\n", "utf-8")
    for item in items:
        folder = root / "releases" / item["slug"]
        folder.mkdir(parents=True)
        data = {k: v for k, v in item.items() if k != "slug"}
        (folder / "release.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def write_hugo(root: Path, items: list[dict]) -> None:
    root.mkdir(parents=True)
    # buildFuture: the items run into the 2030s, and Hugo skips future-dated pages by default.
    (root / "hugo.toml").write_text('baseURL = "https://pers.example.org/"\ntitle = "Benchmark"\n'
                                     'buildFuture = true\ndisableKinds = ["taxonomy", "term"]\n', "utf-8")
    layouts = root / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(
        "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>"
        "<p>{{ .Params.summary }}</p><ul>{{ range .Params.facts }}<li>{{ . | markdownify }}</li>{{ end }}</ul>"
        "{{ .Content }}{{ range .Params.links }}<a href=\"{{ .url }}\">{{ .title }}</a>{{ end }}</body></html>", "utf-8")
    (layouts / "list.html").write_text(
        "<!DOCTYPE html><html><body>{{ range .Pages }}<h2><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></h2>"
        "<p>{{ .Params.summary }}</p>{{ end }}</body></html>", "utf-8")
    import yaml
    content = root / "content" / "releases"
    content.mkdir(parents=True)
    for item in items:
        front = {k: v for k, v in item.items() if k not in ("slug", "body")}
        (content / f"{item['slug']}.md").write_text(
            "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + item["body"], "utf-8")


def write_pelican(root: Path, items: list[dict]) -> None:
    content = root / "content"
    content.mkdir(parents=True)
    for item in items:
        (content / f"{item['slug']}.md").write_text(
            f"Title: {item['title']}\nDate: {item['date'][:16].replace('T', ' ')}\n"
            f"Slug: {item['slug']}\nTags: {', '.join(item['tags'])}\nSummary: {item['summary']}\n\n{item['body']}", "utf-8")
    (root / "pelicanconf.py").write_text(
        "SITENAME = 'Benchmark'\nSITEURL = ''\nTIMEZONE = 'Europe/Amsterdam'\nDEFAULT_LANG = 'nl'\n"
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\n"
        "DEFAULT_PAGINATION = False\nRELATIVE_URLS = True\n", "utf-8")


def count_pages(folder: Path) -> int:
    """Release pages written: one index.html per release folder."""
    return sum(1 for _ in folder.glob("*/index.html"))


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, children included) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    return elapsed, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples)


def median(fn, runs: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds of `runs` runs."""
    return medians([fn() for _ in range(runs)])


# What `smr serve` does when a file changes: build() again in the same process.
SERVE_REBUILDS = """
import datetime as dt, sys, time
from pathlib import Path
try:
    from generator.output.pipeline import build
except ImportError:   # a checkout from before the stage subpackages
    from generator.output import build
root, out, target, runs = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
now = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
build(root, out, now=now)
for run in range(runs):
    target.write_text(target.read_text("utf-8").replace("summary: ", f"summary: Serve {run}. ", 1), "utf-8")
    wall, cpu = time.perf_counter(), time.process_time()
    build(root, out, now=now)
    print(time.perf_counter() - wall, time.process_time() - cpu)
"""


def in_process_rebuilds(root: Path, out: Path, target: Path, env: dict, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `smr serve`'s rebuild after one release changed."""
    proc = subprocess.run([sys.executable, "-c", SERVE_REBUILDS, str(root), str(out), str(target), str(runs)],
                          cwd=root, env=env, capture_output=True, text=True, check=True)
    return medians([tuple(map(float, line.split())) for line in proc.stdout.splitlines()])


TRASH: list[Path] = []


def set_aside(*paths: Path) -> None:
    """Empty the way for a cold build by moving the old output away, deleting it only at the end.

    On ext4 without a journal (this machine's disk), inodes deleted in the last seconds are
    skipped, one inode-table lookup each, when new files are made: deleting a 2000-file site
    right before a timed build made that build's system time swing from 0.3 s to 2 s, for
    whichever tool ran next."""
    for path in paths:
        if path.exists():
            aside = path.with_name(f".aside-{len(TRASH)}-{path.name}")
            path.rename(aside)
            TRASH.append(aside)


class Smr:
    """One smr checkout under test: its own newsroom copy, output folder and environment."""

    def __init__(self, name: str, repo: Path, work: Path, items: list[dict]):
        self.name, self.repo = name, repo
        self.root, self.out = work / f"{name}-newsroom", work / f"{name}-out"
        write_smr(self.root, items)
        self.env = dict(os.environ, PYTHONPATH=str(repo), SMR_NOW="2030-01-01T00:00+00:00")
        # An installed smr has its bytecode compiled (pip does that); a checkout has none when
        # PYTHONDONTWRITEBYTECODE is set, and compiling its modules on every run is not smr's speed.
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(repo / "generator")], check=True)
        self.command = [sys.executable, "-m", "generator", "build", "-q", "-o", str(self.out)]
        self.target = self.root / "releases" / items[len(items) // 2]["slug"] / "release.yaml"
        self.edits = iter(range(10**6))

    def cold(self) -> tuple[float, float]:
        set_aside(self.root / ".smr-cache", self.out)
        return timed(self.command, self.root, self.env)

    def again(self) -> tuple[float, float]:
        return timed(self.command, self.root, self.env)

    def one_change(self) -> tuple[float, float]:
        text = self.target.read_text("utf-8")
        self.target.write_text(text.replace("summary: ", f"summary: Edit {next(self.edits)}. ", 1), "utf-8")
        return timed(self.command, self.root, self.env)

    def rows(self, cold: tuple[float, float], runs: int) -> list:
        help_cmd = [sys.executable, "-m", "generator", "--help"]
        return [("cold build", cold),
                ("no-op rebuild", median(self.again, runs)),
                ("one-change rebuild", median(self.one_change, runs)),
                ("serve, one change", in_process_rebuilds(self.root, self.out, self.target, self.env, runs)),
                ("--help (target 0.15 s)", median(lambda: timed(help_cmd, self.root, self.env), max(5, runs)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compare", type=Path, metavar="DIR", help="another smr checkout to time in the same run")
    args = parser.parse_args()
    items = make_items(args.releases)
    slugs = {item["slug"] for item in items}
    work = Path(tempfile.mkdtemp(prefix="smr-bench-build-"))
    try:
        smrs = [Smr("smr", REPO, work, items)]
        if args.compare:
            smrs.append(Smr("before", args.compare.resolve(), work, items))
        builds = {s.name: s.cold for s in smrs}
        hugo = shutil.which("hugo")
        if hugo:
            write_hugo(work / "hugo", items)

            def hugo_build():   # into an empty folder, like smr's cold build
                set_aside(work / "hugo-out")
                return timed([hugo, "--quiet", "-d", str(work / "hugo-out")], work / "hugo")

            builds["Hugo build"] = hugo_build
        pelican = shutil.which("pelican") or os.environ.get("PELICAN")
        if pelican:
            write_pelican(work / "pelican", items)

            def pelican_build():
                set_aside(work / "pel-out")
                return timed([pelican, "content", "-o", str(work / "pel-out"), "-s", "pelicanconf.py", "-q"],
                             work / "pelican")

            builds["Pelican build"] = pelican_build
        # Full builds take turns, so that every tool meets the same machine and disk state.
        samples: dict[str, list] = {name: [] for name in builds}
        for _ in range(args.runs):
            for name, full_build in builds.items():
                samples[name].append(full_build())
        pages = {s.name: count_pages(s.out) for s in smrs}
        if hugo:
            pages["Hugo"] = count_pages(work / "hugo-out" / "releases")
        if pelican:
            pages["Pelican"] = len([p for p in (work / "pel-out").glob("*.html") if p.stem in slugs])
        short = {tool: n for tool, n in pages.items() if n < args.releases}
        if short:   # a generator that skipped pages (Hugo skips future dates by default) is no comparison
            raise SystemExit(f"release pages written, fewer than {args.releases}: {short}")
        table = {s.name: s.rows(medians(samples[s.name]), args.runs) for s in smrs}
        others = [(name, medians(samples[name])) for name in builds if name not in table]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(args, table, others)


def report(args, table: dict[str, list], others: list) -> None:
    hugo_time, hugo_cpu = dict(others).get("Hugo build", (None, None))
    print(f"\n{args.releases} releases, median of {args.runs} runs (wall clock and CPU, start-up included); "
          f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    ratio = lambda value, base, name: f"{value / base:.2f}" if base and "help" not in name else "-"  # noqa: E731
    head = f"{'what':<28}{'seconds':>9}{'× Hugo':>8}{'CPU s':>8}{'CPU×Hugo':>9}"
    if "before" in table:
        head += f"{'before s':>10}{'× Hugo':>8}{'now/before':>12}"
    print(head)
    for index, (name, (seconds, cpu)) in enumerate(table["smr"]):
        line = (f"{'smr ' + name:<28}{seconds:>9.2f}{ratio(seconds, hugo_time, name):>8}{cpu:>8.2f}"
                f"{ratio(cpu, hugo_cpu, name):>9}")
        if "before" in table:
            before = table["before"][index][1][0]
            line += f"{before:>10.2f}{ratio(before, hugo_time, name):>8}{seconds / before:>12.2f}"
        print(line)
    for name, (seconds, cpu) in others:
        print(f"{name:<28}{seconds:>9.2f}{ratio(seconds, hugo_time, name):>8}{cpu:>8.2f}{ratio(cpu, hugo_cpu, name):>9}")
    if hugo_time:
        print("\ntargets: cold ≤ 4× Hugo and ≤ 1.25× before, one change ≤ 0.8× Hugo, no-op ≤ 0.2× Hugo, "
              "serve rebuild ≤ 0.15 s, --help ≤ 0.15 s")


if __name__ == "__main__":
    main()
