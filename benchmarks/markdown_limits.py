"""How long the worst Markdown that the model still accepts takes to render.

For each pathological shape (open brackets, open tags, CDATA, nested lists and quotes, and a
plain long body for comparison) it grows the text until `check_markdown` refuses it (up to
the body limit), then times `markup.block` (fast path, python-markdown, nh3) on the largest
accepted text. Prints one row per shape; the worst row is what a hostile release can cost.

    python benchmarks/markdown_limits.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.setrecursionlimit(10_000)

from generator.newsroom import limits  # noqa: E402
from generator.newsroom.model import TextProblem, check_markdown  # noqa: E402
from generator.render import markup  # noqa: E402

FILLER = "x" * 500

SHAPES = {
    "[ repeated": lambda n: "[" * n,
    "[x repeated": lambda n: "[x" * n,
    "[]( repeated": lambda n: "[](" * n,
    "[x][ repeated": lambda n: "[x][ " * n,
    "![ repeated": lambda n: "![" * n,
    "[ then text": lambda n: "[" * n + "x" * 100_000,
    "[ per paragraph": lambda n: ("[ " + FILLER + "\n\n") * n,
    "<a repeated": lambda n: "<a " * n,
    "x < y per paragraph": lambda n: ("x < y " + FILLER + "\n\n") * n,
    "<a per paragraph": lambda n: ("<a " + FILLER + "\n\n") * n,
    "<http repeated": lambda n: "<http://a" * n,
    "CDATA then text": lambda n: "x <![CDATA[ " * n + "x" * 100_000,
    "- nested": lambda n: "- " * n + "x",
    "> nested": lambda n: "> " * n + "x",
    "indented list": lambda n: "".join("    " * i + "- x\n" for i in range(n)),
    "links, 1 MB": lambda n: ("Tekst met [een link](https://example.org/) en *nadruk*.\n\n") * n,
}


def accepted(text: str) -> bool:
    if len(text) > limits.MAX_BODY:
        return False
    try:
        check_markdown(text)
    except TextProblem:
        return False
    return True


def largest(shape) -> int:
    """The largest n (doubling, then bisecting) whose text the model accepts."""
    low, high = 0, 1
    while accepted(shape(high)) and high < 10_000_000:
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if accepted(shape(middle)) else (low, middle)
    return low


def main() -> None:
    print(f"{'shape':20} {'n':>8} {'chars':>9} {'check s':>8} {'render s':>9}")
    for name, shape in SHAPES.items():
        n = largest(shape)
        text = shape(n)
        started = time.perf_counter()
        accepted(text)
        checked = time.perf_counter() - started
        markup._render.cache_clear()
        started = time.perf_counter()
        markup.block(text, 1)
        rendered = time.perf_counter() - started
        print(f"{name:20} {n:8} {len(text):9} {checked:8.2f} {rendered:9.2f}", flush=True)


if __name__ == "__main__":
    main()
