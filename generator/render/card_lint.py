"""What X, LinkedIn, Facebook, Mastodon and Bluesky would show of a release's link, or
refuse: `smr check` tells it as warnings (a release is never refused for them).

The card is the page's og:image, the 1200x630 crop of the lead photo around its `focus`
that the build makes (photos/renditions.py, `crop_cover`; never upscaled, so a small photo
gives a small card), and its og:title and og:description are the release's title and
summary. Photo sizes come from the header, kept in `.smr-cache/` (photos/sizes.py): no
photo is decoded for this.

The numbers are the platforms' documented limits where there are any (X: a large card's
picture at least 300x157 and under 5 MB, its alt text at most 420 characters, titles cut
after 70 characters and descriptions after 200; Facebook: a large link picture needs
600x315, 1200x630 looks sharp; LinkedIn: 1200x627 recommended, under 5 MB; Bluesky: a
card's picture at most 1,000,000 bytes (app.bsky.embed.external)), and what they are
commonly seen to cut where there are none (Facebook titles after about 88 characters).
"""

from __future__ import annotations

from generator.errors import Problem

CARD = (1200, 630)   # what the build makes of the lead photo; what large cards want
THUMBNAIL_ONLY = (600, 315)   # below it Facebook and LinkedIn show a small thumbnail
NO_PICTURE = (300, 157)   # below it X shows no large picture at all
TITLE_CUT = {"X": 70, "LinkedIn": 70, "Facebook": 88}   # characters shown of og:title
DESCRIPTION_CUT = {"X": 200}                          # characters shown of og:description
ALT_MAX = 420   # X's twitter:image:alt
BLUESKY_CARD_BYTES = 1_000_000
EDGE = 0.1   # a focus point this close to the card's edge (share of its size) is cut off with its subject
NO_FOCUS_KEEPS = 0.6   # without focus, warn when the card keeps less of the photo's height than this


def card_warnings(items, root) -> list[Problem]:
    """The warnings for every release in `items` (see the module's docstring)."""
    from generator.photos.sizes import photo_sizes

    leads = {item.slug: item.release.lead_image for item in items}
    paths = [item.folder / leads[item.slug].file for item in items if leads[item.slug]]
    sizes = photo_sizes(paths, root)
    warnings = []
    for item in items:
        warnings += _text(item)
        lead = leads[item.slug]
        if lead is not None:
            index = item.release.images.index(lead)
            size = sizes.get(item.folder / lead.file)
            warnings += _alt(item, lead, index)
            if size:
                warnings += _picture(item, lead, index, size)
    return warnings


def _warn(item, field: str, message: str, *loc) -> Problem:
    return Problem(item.source, item.line_of(*(loc or (field,))), field, message)


def _cut(text: str, limit: int) -> str:
    shown = text[:limit]
    return (shown.rsplit(" ", 1)[0] if " " in shown and not text[limit].isspace() else shown).rstrip() + " …"


def _text(item) -> list[Problem]:
    release, found = item.release, []
    for field, text, cuts in (("title", release.title, TITLE_CUT), ("summary", release.summary, DESCRIPTION_CUT)):
        over = {name: limit for name, limit in cuts.items() if len(text) > limit}
        if not over:
            continue
        shortest = min(over.values())
        by_limit: dict[int, list[str]] = {}
        for name, limit in over.items():
            by_limit.setdefault(limit, []).append(name)
        where = _and([f"{_and(names)} after about {limit}" for limit, names in sorted(by_limit.items())])
        found.append(_warn(item, field, f"is {len(text)} characters; link previews cut it ({where}), so readers "
                                        f"there see \"{_cut(text, shortest)}\": put the news in the first {shortest}"))
    return found


def _alt(item, image, index: int) -> list[Problem]:
    field = f"images[{index}].alt"
    alt = image.alt.strip()
    names = {image.file.rsplit("/", 1)[-1].lower(), image.file.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()}
    if alt.lower() in names:
        return [_warn(item, field, "is the photo's file name, so the link preview's picture has no description "
                                   "for people who cannot see it: say what the photo shows", "images", index, "alt")]
    if len(alt) > ALT_MAX:
        return [_warn(item, field, f"is {len(alt)} characters; X reads at most {ALT_MAX} for the link preview's "
                                   "picture: shorten it (the caption can tell the rest)", "images", index, "alt")]
    return []


def _picture(item, image, index: int, size: tuple) -> list[Problem]:
    from generator.photos.renditions import cover_box

    width, height, transparent = size
    left, top, box_w, box_h = cover_box((width, height), CARD, image.focus)
    card = (min(CARD[0], round(box_w)), min(CARD[1], round(box_h)))
    field, found = f"images[{index}].file", []
    need = f"use a lead photo at least {CARD[0]} pixels wide and {CARD[1]} high (the card is a 1.91:1 slice of it)"
    shown = f"its link preview picture is {card[0]}x{card[1]} pixels"
    if card[0] < NO_PICTURE[0] or card[1] < NO_PICTURE[1]:
        found.append(_warn(item, field, f"{image.file}: {shown}; X shows no picture below {NO_PICTURE[0]}x{NO_PICTURE[1]}, "
                                        f"Facebook and LinkedIn only a small thumbnail: {need}", "images", index, "file"))
    elif card[0] < THUMBNAIL_ONLY[0] or card[1] < THUMBNAIL_ONLY[1]:
        found.append(_warn(item, field, f"{image.file}: {shown}; Facebook and LinkedIn show a picture under "
                                        f"{THUMBNAIL_ONLY[0]}x{THUMBNAIL_ONLY[1]} as a small thumbnail beside the "
                                        f"title, not as a large picture: {need}", "images", index, "file"))
    elif card[0] < CARD[0] or card[1] < CARD[1]:
        found.append(_warn(item, field, f"{image.file}: {shown}; X, Facebook, LinkedIn, Mastodon and Bluesky stretch it "
                                        f"over a large card, where it looks soft: {need}", "images", index, "file"))
    if transparent:
        found.append(_warn(item, field, f"{image.file} has transparency, so its link preview picture is a PNG, which "
                                        f"for a photo at {CARD[0]}x{CARD[1]} is usually over the "
                                        f"{BLUESKY_CARD_BYTES // 1_000_000} MB Bluesky takes (it then shows the link "
                                        "without a picture): export the lead photo without transparency, as JPEG",
                           "images", index, "file"))
    found += _crop(item, image, index, (width, height), (left, top, box_w, box_h))
    return found


def _crop(item, image, index: int, size: tuple, box: tuple) -> list[Problem]:
    width, height = size
    left, top, box_w, box_h = box
    if image.focus is None:
        kept = min(box_w / width, box_h / height)
        if kept >= NO_FOCUS_KEEPS:
            return []
        part = "height" if box_h < height else "width"
        return [_warn(item, f"images[{index}].focus",
                      f"{image.file} has no focus, and the 1.91:1 link preview picture keeps only the middle "
                      f"{round(kept * 100)}% of its {part}; set focus: [x, y] (0 to 1 from the top left) to the point "
                      "that must stay in view, such as a face", "images", index)]
    fx, fy = image.focus
    x, y = (fx * width - left) / box_w, (fy * height - top) / box_h   # the focus point in the card, 0..1
    if min(x, 1 - x, y, 1 - y) >= EDGE:
        return []
    return [_warn(item, f"images[{index}].focus",
                  f"the focus point {list(image.focus)} of {image.file} lands at the edge of the 1.91:1 link preview "
                  f"picture (at {round(x * 100)}% across, {round(y * 100)}% down), so what is around it is cut off: "
                  "check the focus, or choose a lead photo with room around its subject", "images", index, "focus")]


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
