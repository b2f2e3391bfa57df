"""Saved → visible in a browser: from writing a release.yaml to its new text on screen in an
open Chromium page of a running `smr serve`, which reloads the page by itself.

What a user waits for: the watch noticing the save (and its quiet time), the rebuild, the
event to the page and the page loading again. The browser notes, on its first animation
frame after the new page's DOMContentLoaded, the wall-clock time (performance.timeOrigin +
now(), the same system clock as Python's time.time()); the difference to the moment the
write returned is the number. The rebuild's own time is what serve prints ("… in 0.05 s").

    python benchmarks/serve.py [--releases 5] [--runs 20]

`saved_to_visible_in_browser` is for a larger benchmark to reuse on its own newsroom.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
TIMEOUT_S = 60
SHOWN_AT = """
document.addEventListener("DOMContentLoaded", () =>
  requestAnimationFrame(() => { window.smrShownAt = performance.timeOrigin + performance.now(); }));
"""


def make_newsroom(root: Path, releases: int) -> list[Path]:
    """A small newsroom of `releases` releases; returns their release.yaml files."""
    root.mkdir(parents=True)
    (root / "newsroom.yaml").write_text(
        "title: Benchmark\nbase_url: https://pers.example.org/\nlanguage: nl\ntimezone: Europe/Amsterdam\n"
        "organization:\n  name: Benchmark BV\n  boilerplate: Benchmark BV bakt.\n", "utf-8")
    files = []
    for n in range(1, releases + 1):
        folder = root / "releases" / f"2026-11-{n:02d}-bericht-{n}"
        folder.mkdir(parents=True)
        files.append(folder / "release.yaml")
        files[-1].write_text(f"title: Bericht {n}\ndate: 2026-11-{n:02d}T09:00:00+01:00\n"
                             f"summary: Samenvatting {n}.\nbody: |\n  Tekst van bericht {n}.\n", "utf-8")
    return files


class Serve:
    """A running `smr serve` subprocess and the lines it prints."""

    def __init__(self, root: Path, env: dict | None = None):
        command = [sys.executable, "-m", "generator", "serve", "--root", str(root), "--port", "0"]
        self.proc = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env=dict(env or os.environ, PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1"))
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put((time.time(), line)) for line in self.proc.stdout],
                         daemon=True).start()
        self.url = self.next_line("Serving ")[1].split(" on ")[1].split()[0]

    def next_line(self, start: str) -> tuple[float, str]:
        """(when it was read, the line) of the next line that starts with `start`."""
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            try:
                when, line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise SystemExit(f"smr serve printed no line starting {start!r}") from None
            if line.startswith(start):
                return when, line
            if line.startswith("error"):
                raise SystemExit(f"smr serve: {line}")

    def close(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def saved_to_visible_in_browser(root: Path, target: Path, runs: int, browser, env: dict | None = None,
                                path: str = "") -> list[tuple[float, float, float]]:
    """(saved → visible, saved → rebuilt, rebuild) seconds for `runs` edits of `target`'s
    summary, seen in one Chromium page of `path` (default: the index) that is never navigated
    by us. "Rebuilt" is when serve's "Built …" line was read: the watch, its quiet time and
    the build; what follows it is the event, the reload and the page's load."""
    from playwright.sync_api import expect

    serve = Serve(root, env)   # its first build's line came before "Serving"
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(SHOWN_AT)
        page.goto(serve.url + path)
        page.wait_for_function("() => window.smrServe && window.smrServe.state", timeout=TIMEOUT_S * 1000)
        results = []
        for _ in range(runs):
            token = f"Zichtbaar{uuid.uuid4().hex[:12]}"
            text = target.read_text("utf-8")
            edited = re.sub(r"^summary: .*$", f"summary: {token}.", text, count=1, flags=re.MULTILINE)
            target.write_text(edited, "utf-8")
            saved = time.time()
            expect(page.locator("body")).to_contain_text(token, timeout=TIMEOUT_S * 1000)
            page.wait_for_function("() => window.smrShownAt !== undefined", timeout=TIMEOUT_S * 1000)
            shown = page.evaluate("window.smrShownAt") / 1000
            rebuilt, line = serve.next_line("Built ")
            results.append((shown - saved, rebuilt - saved, float(line.rsplit(" in ", 1)[1].split()[0])))
        return results
    finally:
        context.close()
        serve.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=int, default=5)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="smr-serve-bench-") as work, sync_playwright() as p:
        root = Path(work) / "newsroom"
        files = make_newsroom(root, args.releases)
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        try:
            env = dict(os.environ, SMR_NOW="2026-11-25T10:00+01:00")
            index = saved_to_visible_in_browser(root, files[-1], args.runs, browser, env)
            page = saved_to_visible_in_browser(root, files[0], args.runs, browser, env, files[0].parent.name + "/")
        finally:
            browser.close()
    print(f"smr serve, {args.releases} releases, {args.runs} edits each, Chromium {CHROMIUM}")
    print(f"{'page watched':<14} {'what':<18} {'median':>8} {'p90':>8} {'max':>8}")
    for name, results in (("index", index), ("release page", page)):
        for what, column in (("saved → visible", 0), ("saved → rebuilt", 1), ("rebuild (smr)", 2)):
            values = sorted(r[column] for r in results)
            p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
            print(f"{name:<14} {what:<18} {statistics.median(values) * 1000:>6.0f}ms {p90 * 1000:>6.0f}ms "
                  f"{values[-1] * 1000:>6.0f}ms")


if __name__ == "__main__":
    main()
