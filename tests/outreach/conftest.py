"""The outreach tests' newsroom: feeds fetched once from the local feed server (tests/conftest.py)."""

from __future__ import annotations

import pytest

from generator import previews
from tests.outreach.support import EN_PREVIEW, EN_SLUG, NL_PREVIEW, NL_SLUG, make_newsroom


@pytest.fixture(scope="module")
def fetched(tmp_path_factory, feed_server):
    """A newsroom whose feeds were fetched once from the local server (then used offline)."""
    from generator.outreach.common import bloggers, fetch

    room = make_newsroom(tmp_path_factory.mktemp("outreach") / "newsroom", feed_server.base)
    results = fetch(room.root, bloggers(room.root).bloggers, timeout=1.0, max_bytes=5_000_000, workers=4)
    room.fetch_results = {r.name: r for r in results}
    for slug, link in ((NL_SLUG, NL_PREVIEW), (EN_SLUG, EN_PREVIEW)):   # both under embargo, previewed
        previews.remember(room.root, slug, link)
    return room
