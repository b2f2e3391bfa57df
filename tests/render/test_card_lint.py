"""`smr check` tells what X, LinkedIn, Facebook, Mastodon and Bluesky would make of a
release's link: warnings through the real CLI, on crafted releases; exit 0 all the same."""

from __future__ import annotations

import pytest
from PIL import Image

from tests.conftest import make_photo

HEAD = """\
title: "{title}"
date: 2026-11-24T09:00:00+01:00
summary: {summary}
images:
  - file: images/{name}
    alt: {alt}
"""


def release(newsroom, slug: str, name: str = "photo.jpg", size=(2400, 1600), fmt: str = "JPEG", *,
            title: str = "Testbedrijf opent een winkel", summary: str = "Vandaag opent Testbedrijf een winkel.",
            alt: str = "De nieuwe winkel", extra: str = "") -> None:
    make_photo(newsroom.root / "releases" / slug / "images" / name, size=size, fmt=fmt)
    newsroom.release(slug, HEAD.format(title=title, summary=summary, name=name, alt=alt) + extra)


def check(newsroom) -> list[str]:
    result = newsroom.run("check")
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if line.startswith("warning:")]


def test_a_good_release_gets_no_warning(newsroom):
    release(newsroom, "goed")
    assert check(newsroom) == []


@pytest.mark.parametrize("size, words", [
    ((280, 400), ["X shows no picture below 300x157", "280x147 pixels"]),
    ((500, 400), ["Facebook and LinkedIn show a picture under 600x315 as a small thumbnail", "500x262 pixels"]),
    ((1000, 800), ["stretch it over a large card", "1000x525 pixels"]),
])
def test_a_small_lead_photo_makes_a_small_card(newsroom, size, words):
    release(newsroom, "klein", size=size, extra="    focus: [0.5, 0.5]\n")
    warnings = [w for w in check(newsroom) if "images[0].file" in w]
    assert len(warnings) == 1
    assert warnings[0].startswith("warning: releases/klein/release.yaml:5: images[0].file: images/photo.jpg: its link preview picture is")
    assert all(w in warnings[0] for w in words), warnings[0]
    assert newsroom.run("build").exit_code == 0   # the card the build makes has the size the lint names
    html = (newsroom.site / "klein" / "index.html").read_text("utf-8")
    assert (f'<meta property="og:image:width" content="{words[1].split("x")[0]}">' in html
            and f'<meta property="og:image:height" content="{words[1].split("x")[1].split()[0]}">' in html)


def test_a_transparent_lead_photo_is_too_heavy_for_bluesky(newsroom):
    path = newsroom.root / "releases" / "logo" / "images" / "beeld.png"
    path.parent.mkdir(parents=True)
    Image.new("RGBA", (2400, 1260), (10, 20, 30, 128)).save(path)
    newsroom.release("logo", HEAD.format(title="T", summary="S", name="beeld.png", alt="Het beeldmerk"))
    warnings = check(newsroom)
    assert len(warnings) == 1 and "has transparency" in warnings[0] and "1 MB Bluesky takes" in warnings[0]


def test_long_title_and_summary_are_cut_per_platform(newsroom):
    title = "Testbedrijf opent een winkel in het centrum van Rotterdam met een bakkerij en een koffiebar"
    summary = "Vandaag opent Testbedrijf een winkel. " * 8
    release(newsroom, "lang", title=title, summary=summary.strip())
    warnings = check(newsroom)
    assert len(warnings) == 2, warnings
    assert warnings[0].startswith(f"warning: releases/lang/release.yaml:1: title: is {len(title)} characters; "
                                  "link previews cut it (X and LinkedIn after about 70 and Facebook after about 88)")
    assert '"Testbedrijf opent een winkel in het centrum van Rotterdam met een …"' in warnings[0]
    assert "releases/lang/release.yaml:3: summary: is" in warnings[1] and "X after about 200" in warnings[1]


def test_alt_text_that_is_the_file_name_or_too_long(newsroom):
    release(newsroom, "naam", name="IMG_0042.jpg", alt="IMG_0042")
    release(newsroom, "lang", alt="Een winkel " * 40)
    warnings = check(newsroom)
    assert len(warnings) == 2, warnings
    assert "releases/lang/release.yaml:6: images[0].alt: is 439 characters; X reads at most 420" in warnings[0]
    assert "releases/naam/release.yaml:6: images[0].alt: is the photo's file name" in warnings[1]


def test_a_portrait_lead_photo_without_focus_and_a_focus_at_the_edge(newsroom):
    release(newsroom, "staand", size=(1600, 2400))
    release(newsroom, "rand", size=(4000, 1400), extra="    focus: [0.97, 0.5]\n")
    release(newsroom, "midden", size=(1600, 2400), extra="    focus: [0.5, 0.2]\n")
    warnings = check(newsroom)
    assert len(warnings) == 2, warnings
    assert warnings[0].startswith("warning: releases/rand/release.yaml:7: images[0].focus: the focus point [0.97, 0.5] "
                                  "of images/photo.jpg lands at the edge of the 1.91:1 link preview picture")
    assert warnings[1].startswith("warning: releases/staand/release.yaml:5: images[0].focus: images/photo.jpg has no "
                                  "focus, and the 1.91:1 link preview picture keeps only the middle 35% of its height")


def test_the_lint_reads_each_photo_header_once(newsroom):
    release(newsroom, "klein", size=(1000, 800), extra="    focus: [0.5, 0.5]\n")
    assert len(check(newsroom)) == 1
    photo = newsroom.root / "releases" / "klein" / "images" / "photo.jpg"
    kept = photo.read_bytes()
    make_photo(photo, size=(2400, 1600))      # a new photo: read again
    assert check(newsroom) == []
    photo.write_bytes(kept)                   # same path, other size: read again
    assert len(check(newsroom)) == 1
