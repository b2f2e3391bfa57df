"""How long outreach takes for a big blogger list: ranking and fetching (local server).

    python3 benchmarks/outreach.py [BLOGGERS ...]

Prints a table; not a test. Feeds are synthetic, served from 127.0.0.1.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = ("bakkerij brood webcare klantenservice sociale media fiets route tuin moestuin voetbal "
         "stadion foto lens reis trein koken recept zuurdesem winkel team antwoord vraag klacht "
         "customer service social media garden football travel photography cooking bread").split()


def synthetic(n: int, posts: int = 30):
    from generator.newsroom.model import Blogger
    from generator.outreach.posts import Feed, Post

    rng = random.Random(1)
    people, feeds = [], {}
    for i in range(n):
        people.append(Blogger(email=f"b{i}@example.org", name=f"Blogger {i}",
                              topics=";".join(rng.sample(WORDS, 3)), language=rng.choice(["nl", "en"])))
        feeds[i] = Feed(f"Blog {i}", "", [Post(" ".join(rng.sample(WORDS, 6)), f"https://b{i}.example.org/{j}",
                                               " ".join(rng.choices(WORDS, k=40)), None) for j in range(posts)])
    return people, feeds


def bench_rank(n: int) -> float:
    from generator.newsroom.model import Release
    from generator.outreach.match import rank

    release = Release(title="Brood & Co start een webcareteam", date="2026-11-24",
                      summary="Een team beantwoordt vragen van klanten via sociale media.",
                      tags=["klantenservice", "sociale media"], hashtags=["webcare"])
    people, feeds = synthetic(n)
    started = time.perf_counter()
    rank(release, "nl", people, feeds)
    return time.perf_counter() - started


def bench_fetch(n: int, workers: int) -> float:
    from generator.newsroom.model import Blogger
    from generator.outreach.fetch import fetch_all
    from tests.outreach.support import FeedServer

    server = FeedServer()
    try:
        people = [Blogger(email=f"b{i}@example.org", name=f"B{i}",
                          feed_url=f"{server.base}/feeds/care-en.xml?delay=0.05&n={i}") for i in range(n)]
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            results = fetch_all(Path(tmp), people, workers=workers, allow_private=True)  # 127.0.0.1
            took = time.perf_counter() - started
            assert all(r.status == "ok" for r in results)
        return took
    finally:
        server.close()


def main(sizes):
    print(f"{'step':<28}{'bloggers':>9}{'seconds':>10}")
    for n in sizes:
        print(f"{'rank (30 posts each)':<28}{n:>9}{bench_rank(n):>10.3f}")
    for workers in (1, 4):
        print(f"{f'fetch 50 ms away, {workers} worker(s)':<28}{100:>9}{bench_fetch(100, workers):>10.3f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1000])
