"""How much one newsroom file may hold: every limit of the input, in one place.

Each number is far above what a real press item needs (docs/press-item.md, "Limits"), and
low enough that no input can make `smr check` or `smr build` run for minutes or write
gigabytes. `smr check` and `smr build` refuse the same inputs with the same message, since
both validate through the model that applies these.
"""

from __future__ import annotations

MAX_FILE_BYTES = 10_000_000
"""Any file smr reads as text: release.yaml, newsroom.yaml, coverage.yaml, a body_file."""

MAX_NODES = 100_000
"""Values in one YAML file, aliases expanded; an alias bomb expands far beyond it."""

MAX_DEPTH = 50
"""Lists and mappings inside each other in one YAML file; a release needs four or five."""

MAX_TITLE = 300
"""Characters of a title: a release's title and subtitle, the newsroom's title, a tag."""

MAX_TEXT = 5_000
"""Characters of any other text field: summary, fact, quote, caption, alt text, name."""

MAX_BODY = 1_000_000
"""Characters of Markdown: a release's body (or body_file), the organisation's boilerplate."""

MAX_TAGS = 50
"""Tags per release, and hashtags per release: each tag has its own feed."""

MAX_LIST = 500
"""Entries of any other list in a release (facts, quotes, images, videos, documents, links,
coverage, contacts, translations) or in coverage.yaml."""

MAX_MARKDOWN_DEPTH = 20
"""Lists and block quotes inside each other in Markdown (python-markdown recurses per level)."""

MAX_MARKDOWN_SCAN = 1_000_000
"""Characters python-markdown may have to scan past brackets and tags that are never closed
(an open `[` is read up to the end of its paragraph, an open `<` up to the end of the text,
each again): real text closes what it opens and stays far below this."""
