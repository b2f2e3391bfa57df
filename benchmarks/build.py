"""Build speed at newsroom scale: smr against Hugo and Pelican on the same items.

Generates (seeded) a newsroom of N releases (~400 words of Markdown each, facts, quotes,
5 links, 3 hashtags, tags, no photos) and measures, in one run: smr cold build (no cache),
no-op rebuild, rebuild after editing one release (as a command, and in `smr serve`'s process),
the time from saving a release to a running `smr serve` serving the new page, peak memory of
a cold build, and — when installed — Hugo and Pelican building the same items as Markdown
pages with a minimal layout. Full builds of the tools take turns. Prints medians and ratios.

`--releases` takes several sizes: each gets its own table, then a growth table shows how the
rebuilds scale (the larger size against the smallest). The issue's targets close the report,
each computed against Hugo in the same run. `--compare DIR` times another smr checkout (say, a
worktree of the previous main) in the same run, so a change is judged against its before on
the same machine state. Hugo is found on PATH, Pelican on PATH or in $PELICAN.

    python benchmarks/build.py [--releases 1000 4000] [--runs 3] [--compare /tmp/smr-before]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import http.client
import os
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
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
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, check=False)
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


# Peak memory -----------------------------------------------------------------------------

MEMORY_SAMPLE_S = 0.02


@dataclasses.dataclass
class Memory:
    """Peak memory of one build, in bytes, two ways.

    `tree`: the largest sum, over the samples, of the PSS of the process and all its
    descendants. smr renders in worker processes (one per core), so the memory a build needs
    is what its processes hold at the same moment; PSS shares the pages forked workers have in
    common fairly instead of counting them once per process. Sampled, so a peak shorter than
    MEMORY_SAMPLE_S can be missed. `largest`: the exact max RSS of the largest single process
    (the kernel's ru_maxrss from wait4 for this one child: RUSAGE_CHILDREN would be the max
    over every child this script ever waited for)."""

    tree: int
    largest: int


def descendants(pid: int) -> list[int]:
    """pid and every process under it (a fork server's workers included), via the kernel's
    per-thread children lists; a process that ends meanwhile is skipped."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(int(child) for child in children.read().split())
        except OSError:
            continue
    return found


def pss(pid: int) -> int:
    """Proportional set size of one process in bytes; 0 if it has ended."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def peak_memory(cmd: list[str], cwd: Path, env: dict | None = None) -> Memory:
    """Run `cmd` once, sampling its process tree's memory until it ends."""
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        tree = 0
        while True:
            # wait4, not poll(): it reaps this child and gives its own rusage in one call.
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            tree = max(tree, sum(pss(p) for p in descendants(proc.pid)))
            time.sleep(MEMORY_SAMPLE_S)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed:\n{errors.read().decode(errors='replace')}")
    return Memory(tree, usage.ru_maxrss * 1024)   # ru_maxrss is in kilobytes on Linux


# In-process rebuild ------------------------------------------------------------------------

# What `smr serve` does when a file changes: build() again in the same process. The import
# follows the site stage's moves (generator/output/ now, generator/build/ until 93b1d78,
# generator/build.py before the stage subpackages), chosen by what the checkout has rather than
# by trying: an editable install of smr in the venv resolves a submodule the checkout lacks
# in the installed tree, so `from generator.output...` would "work" in an old checkout.
SERVE_REBUILDS = """
import datetime as dt, sys, time
from pathlib import Path
import generator
package = Path(generator.__file__).parent
if (package / "output" / "pipeline.py").exists():
    from generator.output.pipeline import build
elif (package / "build" / "pipeline.py").exists():
    from generator.build.pipeline import build
else:
    from generator.build import build
assert Path(sys.modules[build.__module__].__file__).is_relative_to(package), "build() from another checkout"
root, out, target, runs = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
now = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
original = target.read_text("utf-8")
build(root, out, now=now)
for run in range(runs):
    target.write_text(original.replace("summary: ", f"summary: Serve {run}. ", 1), "utf-8")
    wall, cpu = time.perf_counter(), time.process_time()
    build(root, out, now=now)
    print(time.perf_counter() - wall, time.process_time() - cpu)
"""


def in_process_rebuilds(smr: Smr, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `smr serve`'s rebuild after one release changed."""
    proc = subprocess.run([sys.executable, "-c", SERVE_REBUILDS, str(smr.root), str(smr.out), str(smr.target),
                           str(runs)], cwd=smr.root, env=smr.env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"in-process rebuild of {smr.name} failed:\n{proc.stderr}")
    smr.restore()
    return medians([tuple(map(float, line.split())) for line in proc.stdout.splitlines()])


# A real `smr serve`: saved → page shows it -------------------------------------------------

POLL_S = 0.01       # how often the page is asked for: finer resolution would steal the GIL from
                    # the rebuild, which runs in the same process as the HTTP server
SERVE_TIMEOUT_S = 600


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    """The page's HTML, or None while the server does not answer it (starting, or a 404
    while a new site is being swapped in)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", errors="replace")
    except (OSError, http.client.HTTPException):   # URLError, refused, reset, timeout, cut short
        return None


def wait_for(ready, proc: subprocess.Popen, log: Path, what: str):
    """ready()'s first true value; fails with the server's output if it ends or takes too long."""
    deadline = time.monotonic() + SERVE_TIMEOUT_S
    while True:
        value = ready()
        if value:
            return value
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"smr serve: no {what}:\n{log.read_text('utf-8', errors='replace')}")
        time.sleep(POLL_S)


def builds_done(log: Path) -> int:
    """Builds `smr serve` has finished: it says "Built ..." after each."""
    return log.read_text("utf-8", errors="replace").count("Built ")


def saved_to_visible(smr: Smr, runs: int) -> tuple[float, None]:
    """Median seconds from writing one release's new summary to the first HTTP response of
    its page, from a running `smr serve`, that contains it: the watch's debounce, the rebuild
    and the swap, as the user waits for them. Each edit waits until the previous rebuild has
    finished (serve says so), so that one rebuild's tail is not timed as the next's."""
    port, log = free_port(), smr.out.with_name(f"{smr.name}-serve.log")
    command = [sys.executable, "-m", "generator", "serve", "--root", str(smr.root), "-o", str(smr.out),
               "--port", str(port)]
    with log.open("w") as output:
        proc = subprocess.Popen(command, cwd=smr.root, env=dict(smr.env, PYTHONUNBUFFERED="1"),
                                stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/{smr.target.parent.name}/"
    try:
        wait_for(lambda: fetch(url), proc, log, f"answer on {url}")
        seconds = []
        for _ in range(runs):
            done, token = builds_done(log), f"Zichtbaar{uuid.uuid4().hex[:12]}"
            smr.edit(token)
            saved = time.perf_counter()
            wait_for(lambda token=token: token in (fetch(url) or ""), proc, log, f"page with {token}")
            seconds.append(time.perf_counter() - saved)
            wait_for(lambda done=done: builds_done(log) > done, proc, log, "end of the rebuild")
    finally:
        proc.send_signal(signal.SIGINT)   # Ctrl+C: serve stops its watch and server cleanly
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        smr.restore()
    return statistics.median(seconds), None


# The tools under test ------------------------------------------------------------------------

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


@dataclasses.dataclass
class Row:
    """One line of a size's table. cpu is None where only the wall clock means something;
    vs_hugo is False where a ratio to Hugo's full build means nothing."""

    name: str
    seconds: float
    cpu: float | None
    vs_hugo: bool = True


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
        self.check_import()
        self.command = [sys.executable, "-m", "generator", "build", "-q", "-o", str(self.out)]
        self.target = self.root / "releases" / items[len(items) // 2]["slug"] / "release.yaml"
        self.original = self.target.read_text("utf-8")
        self.edits = iter(range(10**6))

    def check_import(self) -> None:
        """Fail unless this checkout's generator is what runs: with smr installed editable in the
        venv, a folder without generator/ would silently time the installed tree instead."""
        where = subprocess.run([sys.executable, "-c", "import generator; print(generator.__file__)"],
                               cwd=self.root, env=self.env, capture_output=True, text=True, check=True).stdout
        if not Path(where.strip()).resolve().is_relative_to(self.repo.resolve()):
            raise SystemExit(f"{self.name}: Python imports generator from {where.strip()}, not from {self.repo}")

    def edit(self, words: str) -> None:
        """One release's summary starts with `words`; edits replace each other rather than pile
        up, so the release stays the same size however many runs."""
        self.target.write_text(self.original.replace("summary: ", f"summary: {words} ", 1), "utf-8")

    def restore(self) -> None:
        self.target.write_text(self.original, "utf-8")

    def cold(self) -> tuple[float, float]:
        set_aside(self.root / ".smr-cache", self.out)
        return timed(self.command, self.root, self.env)

    def cold_memory(self) -> Memory:
        set_aside(self.root / ".smr-cache", self.out)
        return peak_memory(self.command, self.root, self.env)

    def again(self) -> tuple[float, float]:
        return timed(self.command, self.root, self.env)

    def one_change(self) -> tuple[float, float]:
        self.edit(f"Edit {next(self.edits)}.")
        return timed(self.command, self.root, self.env)

    def rows(self, cold: tuple[float, float], runs: int) -> list[Row]:
        help_cmd = [sys.executable, "-m", "generator", "--help"]
        return [Row("cold build", *cold),
                Row("no-op rebuild", *median(self.again, runs)),
                Row("one-change rebuild", *median(self.one_change, runs)),
                Row("serve, one change", *in_process_rebuilds(self, runs)),
                Row("serve, saved → visible", *saved_to_visible(self, runs), vs_hugo=False),
                Row("--help (target 0.15 s)", *median(lambda: timed(help_cmd, self.root, self.env), max(5, runs)),
                    vs_hugo=False)]


@dataclasses.dataclass
class Size:
    """Everything measured at one newsroom size."""

    releases: int
    runs: int
    table: dict[str, list[Row]]            # smr checkout name → its rows
    others: dict[str, tuple[float, float]]  # "Hugo build", "Pelican build" → wall, CPU
    memory: dict[str, Memory]               # smr checkout names and "Hugo build"
    load: float

    def smr(self, row: str) -> float:
        """Seconds of one of this checkout's rows."""
        return next(r.seconds for r in self.table["smr"] if r.name == row)

    @property
    def hugo(self) -> float | None:
        return self.others.get("Hugo build", (None, None))[0]

    @property
    def pelican(self) -> float | None:
        return self.others.get("Pelican build", (None, None))[0]


def measure(releases: int, args) -> Size:
    """All tools at one size, in a fresh temporary folder."""
    items = make_items(releases)
    slugs = {item["slug"] for item in items}
    work = Path(tempfile.mkdtemp(prefix="smr-bench-build-"))
    try:
        smrs = [Smr("smr", REPO, work, items)]
        if args.compare:
            smrs.append(Smr("before", args.compare.resolve(), work, items))
        builds = {s.name: s.cold for s in smrs}
        memory_runs = {s.name: s.cold_memory for s in smrs}
        hugo = shutil.which("hugo")
        if hugo:
            write_hugo(work / "hugo", items)
            hugo_cmd = [hugo, "--quiet", "-d", str(work / "hugo-out")]

            def hugo_build():   # into an empty folder, like smr's cold build
                set_aside(work / "hugo-out")
                return timed(hugo_cmd, work / "hugo")

            def hugo_memory():
                set_aside(work / "hugo-out")
                return peak_memory(hugo_cmd, work / "hugo")

            builds["Hugo build"], memory_runs["Hugo build"] = hugo_build, hugo_memory
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
        short = {tool: n for tool, n in pages.items() if n < releases}
        if short:   # a generator that skipped pages (Hugo skips future dates by default) is no comparison
            raise SystemExit(f"release pages written, fewer than {releases}: {short}")
        # Memory in builds of their own: sampling /proc would slow the timed ones.
        memory = {name: run() for name, run in memory_runs.items()}
        table = {s.name: s.rows(medians(samples[s.name]), args.runs) for s in smrs}
        others = {name: medians(samples[name]) for name in builds if name not in table}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Size(releases, args.runs, table, others, memory, os.getloadavg()[0])


# Report --------------------------------------------------------------------------------------

def times_hugo(value: float | None, hugo: float | None) -> str:
    return f"{value / hugo:.2f}" if value is not None and hugo else "-"


def print_size(size: Size) -> None:
    """One size's table: each smr row against Hugo (and against the before checkout), the
    other tools, then peak memory."""
    hugo_time, hugo_cpu = size.others.get("Hugo build", (None, None))
    before = size.table.get("before")
    print(f"\n{size.releases} releases, median of {size.runs} runs (wall clock and CPU, start-up included); "
          f"load average now {size.load:.1f} on {os.cpu_count()} cores\n")
    head = f"{'what':<30}{'seconds':>9}{'× Hugo':>8}{'CPU s':>8}{'CPU×Hugo':>9}"
    if before:
        head += f"{'before s':>10}{'× Hugo':>8}{'now/before':>12}"
    print(head)
    for index, row in enumerate(size.table["smr"]):
        hugo, cpu_hugo = (hugo_time, hugo_cpu) if row.vs_hugo else (None, None)
        cpu = f"{row.cpu:.2f}" if row.cpu is not None else "-"
        line = f"{'smr ' + row.name:<30}{row.seconds:>9.3f}{times_hugo(row.seconds, hugo):>8}{cpu:>8}"
        line += f"{times_hugo(row.cpu, cpu_hugo):>9}"
        if before:
            then = before[index].seconds
            line += f"{then:>10.3f}{times_hugo(then, hugo):>8}{row.seconds / then:>12.2f}"
        print(line)
    for name, (seconds, cpu) in size.others.items():
        print(f"{name:<30}{seconds:>9.3f}{times_hugo(seconds, hugo_time):>8}{cpu:>8.2f}"
              f"{times_hugo(cpu, hugo_cpu):>9}")
    print(f"\n{'peak memory, cold build':<30}{'all processes':>15}{'largest one':>13}")
    for name, mem in size.memory.items():
        label = name if name.endswith("build") else f"{name} cold build"
        print(f"{label:<30}{mem.tree / 1e6:>12.0f} MB{mem.largest / 1e6:>10.0f} MB")
    print(f"(all processes: the sum of their PSS, sampled every {MEMORY_SAMPLE_S * 1000:.0f} ms; "
          "largest one: its exact max RSS)")


GROWTH = [("smr one-change rebuild", lambda s: s.smr("one-change rebuild"), 1.5),
          ("smr no-op rebuild", lambda s: s.smr("no-op rebuild"), 2.0),
          ("Hugo build", lambda s: s.hugo, None)]


def print_growth(sizes: list[Size]) -> None:
    """How each figure grows with the newsroom: the largest size's against the smallest's. The
    targets are for 1000 → 4000 releases, judged when both sizes were run."""
    small, large = sizes[0], sizes[-1]
    by_size = {s.releases: s for s in sizes}
    print(f"\ngrowth, {small.releases} → {large.releases} releases (seconds, median)\n")
    print(f"{'what':<26}" + "".join(f"{s.releases:>10}" for s in sizes) + f"{'ratio':>8}  target (1000 → 4000)")
    for name, figure, target in GROWTH:
        values = [figure(s) for s in sizes]
        if values[0] is None:
            continue
        verdict = "-"
        if target is not None:
            verdict = f"≤ {target}×"
            if 1000 in by_size and 4000 in by_size:
                growth = figure(by_size[4000]) / figure(by_size[1000])
                verdict += f": {growth:.2f}× {met(growth <= target)}"
        print(f"{name:<26}" + "".join(f"{v:>10.3f}" for v in values) + f"{values[-1] / values[0]:>7.2f}×  {verdict}")


def met(ok: bool | None) -> str:
    return {True: "met", False: "NOT MET", None: "not measured"}[ok]


def target_lines(sizes: dict[int, Size]) -> list[tuple[str, str, bool | None]]:
    """The issue's targets as (target, measured, met). Ratios are to Hugo's (or Pelican's) full
    build in this same run; a target whose size or tool was not in the run is not measured."""
    s1, s10 = sizes.get(1000), sizes.get(10000)

    def vs_hugo(size, row):
        return size.smr(row) / size.hugo if size and size.hugo else None

    def seconds(size, row, unit=1.0):
        return size.smr(row) * unit if size else None

    targets = [
        ("1000: one change as a command ≤ 0.35× Hugo", vs_hugo(s1, "one-change rebuild"), 0.35, "{:.2f}×"),
        ("1000: serve saved → visible ≤ 150 ms", seconds(s1, "serve, saved → visible", 1000), 150, "{:.0f} ms"),
        ("1000: no-op ≤ 0.15× Hugo", vs_hugo(s1, "no-op rebuild"), 0.15, "{:.2f}×"),
        ("1000: cold ≤ 3× Hugo", vs_hugo(s1, "cold build"), 3.0, "{:.2f}×"),
        ("1000: cold never slower than Pelican",
         s1.smr("cold build") / s1.pelican if s1 and s1.pelican else None, 1.0, "{:.2f}× Pelican"),
        ("10000: cold ≤ 3× Hugo", vs_hugo(s10, "cold build"), 3.0, "{:.2f}×"),
        ("10000: one change ≤ 0.5 s", seconds(s10, "one-change rebuild"), 0.5, "{:.3f} s"),
        ("10000: peak memory ≤ 500 MB", s10.memory["smr"].tree / 1e6 if s10 else None, 500, "{:.0f} MB"),
    ]
    return [(what, "-" if value is None else shown.format(value), None if value is None else value <= limit)
            for what, value, limit, shown in targets]


def print_targets(sizes: dict[int, Size]) -> None:
    print("\ntargets (the issue's; ratios to Hugo's full build in this run)\n")
    for what, shown, ok in target_lines(sizes):
        print(f"{what:<46}{shown:>14}  {met(ok)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, nargs="+", default=[1000], metavar="N",
                        help="newsroom sizes to measure (e.g. 1000 4000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compare", type=Path, metavar="DIR", help="another smr checkout to time in the same run")
    args = parser.parse_args()
    sizes = {}
    for releases in sorted(set(args.releases)):   # each size's table as soon as it is measured
        sizes[releases] = measure(releases, args)
        print_size(sizes[releases])
    if len(sizes) > 1:
        print_growth(list(sizes.values()))
    print_targets(sizes)


if __name__ == "__main__":
    main()
