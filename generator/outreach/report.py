"""The match result for people (a table) and for programs (JSON).

Names and blogs only: e-mail addresses appear only when asked for (--show-email).
"""

from __future__ import annotations

import json


def json_text(matches, show_email: bool = False) -> str:
    return json.dumps([m.as_dict(show_email) for m in matches], ensure_ascii=False, indent=2)


def table(matches, show_email: bool = False) -> str:
    if not matches:
        return "No blogger matches this release (fetch feeds first: smr outreach fetch)."
    lines = []
    header = f"{'#':>3}  {'score':>6}  {'blogger':<24}  blog"
    lines += [header, "-" * len(header)]
    for m in matches:
        b = m.blogger
        who = b.name + (f" <{b.email}>" if show_email else "")
        blog = " ".join(x for x in (b.blog or "", f"({b.blog_url})" if b.blog_url else "") if x)
        lines.append(f"{m.rank:>3}  {m.score:>6.2f}  {who:<24}  {blog}")
        if m.topics:
            lines.append(f"{'':13}topics: {', '.join(m.topics)}")
        for post in m.posts:
            lines.append(f"{'':13}post:   {post.title} — {post.url}")
        if m.terms:
            lines.append(f"{'':13}words:  {', '.join(m.terms)}")
    return "\n".join(lines)
