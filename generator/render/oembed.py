"""oEmbed (https://oembed.com/): a release as a card that other sites can embed.

Each public release's folder holds `oembed.json`, a `rich` oEmbed response written with the
page, and the page names it with `<link rel="alternate" type="application/json+oembed">`
(discovery: a consumer reads that link and loads the file as it is). Its `html` is a plain
card, title, summary, lead photo and links, rendered from templates/partials/oembed-card.html
with autoescaping: user text stays text, and the card holds no script, frame or handler.
Embargoed and draft releases get no file and no link, even in a preview.
"""

from __future__ import annotations

import json

OEMBED_FILE = "oembed.json"
WIDTH = 480            # the card's width in CSS pixels
TEXT_HEIGHT = 190      # room the title, summary and links take below the photo (an estimate for hosts)


def discovery(site, item) -> dict | None:
    """The page's discovery link ({"href", "title"}), absolute; None when the release is not public."""
    if not item.public_at(site.now):
        return None
    return {"href": f"{site.newsroom.base_url}{item.slug}/{OEMBED_FILE}", "title": item.title}


def response(site, env, item, lead, newsroom=None) -> dict:
    """The oEmbed response of one release: type rich, version 1.0, an embed card as `html`.
    `newsroom` is the newsroom in the release's language (its title names the provider)."""
    newsroom = newsroom or site.newsroom
    url = f"{newsroom.base_url}{item.slug}/"
    image = None
    if lead is not None:
        source = lead.thumb or {"src": lead.src, "width": lead.width, "height": lead.height}
        image = {"url": url + source["src"], "width": source["width"], "height": source["height"],
                 "alt": lead.alt}
    height = TEXT_HEIGHT + (round(WIDTH * image["height"] / image["width"]) if image else 0)
    card = env.get_template("partials/oembed-card.html").render(
        url=url, item=item, release=item.release, newsroom=newsroom, image=image, width=WIDTH)
    data = {"version": "1.0", "type": "rich", "title": item.title, "provider_name": newsroom.title,
            "provider_url": newsroom.base_url, "author_name": newsroom.organization.name}
    if newsroom.organization.url:
        data["author_url"] = newsroom.organization.url
    data |= {"html": card.strip(), "width": WIDTH, "height": height}
    if image:
        data |= {"thumbnail_url": image["url"], "thumbnail_width": image["width"],
                 "thumbnail_height": image["height"]}
    return data


def write(site, env, item, lead, folder, newsroom=None) -> None:
    """Write the release's oembed.json into its folder, when it is public."""
    if discovery(site, item) is None:
        return
    text = json.dumps(response(site, env, item, lead, newsroom), ensure_ascii=False, indent=2) + "\n"
    (folder / OEMBED_FILE).write_text(text, "utf-8")
