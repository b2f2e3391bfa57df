"""Incremental builds: only what changed is rendered, and the result equals a cold build."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from generator.output.pipeline import build
from generator.clock import now as clock_now
from generator.errors import SmrError

NOW = clock_now("2026-11-25T10:00+01:00")


def release(n: int, tags=("bakken",), extra: str = "") -> str:
    return (f"title: Bericht {n}\ndate: 2026-11-{n:02d}T09:00:00+01:00\nsummary: Samenvatting {n}.\n"
            f"tags: [{', '.join(tags)}]\nbody: |\n  ## Kop {n}\n\n  Tekst {n}.\n{extra}")


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def room(newsroom):
    for n in range(1, 6):
        newsroom.release(f"r{n}", release(n, tags=("bakken",) if n % 2 else ("winkels",)))
    newsroom.release("r3", release(3, extra="images:\n  - file: images/photo.jpg\n    alt: Foto\n"))
    newsroom.photo("r3")
    return newsroom


def cold(newsroom, tmp_path, **kwargs) -> dict:
    shutil.rmtree(newsroom.root / ".smr-cache", ignore_errors=True)
    out = tmp_path / "cold"
    shutil.rmtree(out, ignore_errors=True)
    build(newsroom.root, out, now=kwargs.get("now", NOW), preview=kwargs.get("preview", False))
    result = snapshot(out)
    shutil.rmtree(newsroom.root / ".smr-cache", ignore_errors=True)
    return result


def touch_later(path: Path, text: str) -> None:
    path.write_text(text, "utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))


def test_no_op_rebuild_writes_nothing(room):
    first = build(room.root, now=NOW)
    assert first.written == 6 and first.unchanged == 0
    before = inodes(room.site)
    again = build(room.root, now=NOW)
    assert (again.written, again.unchanged) == (0, 6)
    assert inodes(room.site) == before  # not even swapped


def test_one_change_renders_only_that_release_and_its_lists(room, tmp_path):
    build(room.root, now=NOW)
    before = inodes(room.site)
    touch_later(room.root / "releases/r4/release.yaml", release(4, tags=("winkels",)).replace("Tekst 4", "Nieuwe tekst 4"))
    report = build(room.root, now=NOW)
    assert (report.written, report.unchanged) == (2, 4)  # r4's page and the index
    after = inodes(room.site)
    changed = {f for f in after if before.get(f) != after[f]}
    assert "r4/index.html" in changed and "index.html" in changed
    assert "feed.xml" in changed and "tags/winkels/feed.xml" in changed
    assert not any(f.startswith(("r1/", "r2/", "r3/", "r5/", "tags/bakken/")) for f in changed), changed
    assert snapshot(room.site) == cold(room, tmp_path)


def test_index_re_renders_only_the_card_of_the_changed_release(room, tmp_path, monkeypatch):
    import jinja2

    build(room.root, now=NOW)
    rendered, render = [], jinja2.Template.render
    monkeypatch.setattr(jinja2.Template, "render", lambda self, *a, **k: rendered.append(self.name) or render(self, *a, **k))
    touch_later(room.root / "releases/r2/release.yaml", release(2).replace("Samenvatting 2", "Nieuwe samenvatting"))
    build(room.root, now=NOW)
    assert rendered.count("partials/release-card.html") == 1 and "index.html" in rendered
    assert "Nieuwe samenvatting" in (room.site / "index.html").read_text("utf-8")
    assert snapshot(room.site) == cold(room, tmp_path)


def test_template_change_rerenders_pages_and_matches_cold(room, tmp_path):
    build(room.root, now=NOW)
    room.write("templates/partials/organization.html", "<p class=\"custom-about\">Over ons</p>\n")
    report = build(room.root, now=NOW)
    assert report.written == 6
    assert "custom-about" in (room.site / "r1" / "index.html").read_text()
    assert snapshot(room.site) == cold(room, tmp_path)


def test_newsroom_change_rerenders_everything(room, tmp_path):
    build(room.root, now=NOW)
    text = (room.root / "newsroom.yaml").read_text().replace("Persberichten Testbedrijf", "Nieuws van Testbedrijf")
    touch_later(room.root / "newsroom.yaml", text)
    report = build(room.root, now=NOW)
    assert (report.written, report.unchanged) == (6, 0)
    assert "Nieuws van Testbedrijf" in (room.site / "r2" / "index.html").read_text()
    assert snapshot(room.site) == cold(room, tmp_path)


def test_deleted_release_and_photo_change(room, tmp_path):
    build(room.root, now=NOW)
    shutil.rmtree(room.root / "releases" / "r5")
    room.photo("r3", color=(10, 200, 30))
    build(room.root, now=NOW)
    assert not (room.site / "r5").exists()
    assert snapshot(room.site) == cold(room, tmp_path)


def test_embargo_lifting_rebuilds_without_any_file_change(room, tmp_path):
    room.release("secret", release(26).replace("date:", "embargo: 2026-11-26T09:00:00+01:00\ndate:"))
    build(room.root, now=NOW)
    assert not (room.site / "secret").exists()
    later = clock_now("2026-11-26T09:00+01:00")
    report = build(room.root, now=later)
    assert report.written >= 2
    assert (room.site / "secret" / "index.html").is_file()
    assert snapshot(room.site) == cold(room, tmp_path, now=later)


def test_damaged_output_is_repaired(room, tmp_path):
    build(room.root, now=NOW)
    (room.site / "r2" / "index.html").unlink()
    build(room.root, now=NOW)
    assert snapshot(room.site) == cold(room, tmp_path)


def test_preview_and_public_builds_do_not_mix(room, tmp_path):
    room.release("secret", release(26).replace("date:", "embargo: 2026-11-26T09:00:00+01:00\ndate:"))
    build(room.root, now=NOW, preview=True)
    assert (room.site / "secret").exists()
    build(room.root, now=NOW)
    assert not (room.site / "secret").exists()
    assert snapshot(room.site) == cold(room, tmp_path)


def test_deleting_the_cache_is_safe(room, tmp_path):
    build(room.root, now=NOW)
    shutil.rmtree(room.root / ".smr-cache")
    report = build(room.root, now=NOW)
    assert report.unchanged == 0
    assert snapshot(room.site) == cold(room, tmp_path)


@pytest.mark.parametrize("start_method", [None, "spawn"])
def test_many_releases_render_in_worker_processes_identically(newsroom, tmp_path, monkeypatch, start_method):
    """Validation, photos and release batches in worker processes, started the platform's way
    or by spawn (as on macOS and Windows: the workers inherit nothing), give a serial build's bytes."""
    from generator import workers

    for n in range(1, 29):
        newsroom.release(f"r{n:02d}", release(n))
    newsroom.release("r03", release(3, extra="images:\n  - file: images/a.jpg\n    alt: A\n"
                                              "  - file: images/b.jpg\n    alt: B\n"))
    newsroom.photo("r03", "images/a.jpg", size=(600, 400))
    newsroom.photo("r03", "images/b.jpg", size=(500, 400), color=(20, 80, 160))
    with monkeypatch.context() as patch:
        if start_method:
            patch.setenv(workers.START_METHOD_VARIABLE, start_method)
            assert workers.start_method() == start_method
        patch.setattr(workers, "PARALLEL_FROM", 4)
        build(newsroom.root, tmp_path / "parallel", now=NOW)
    shutil.rmtree(newsroom.root / ".smr-cache")
    build(newsroom.root, tmp_path / "serial", now=NOW)
    assert snapshot(tmp_path / "parallel") == snapshot(tmp_path / "serial")


def test_releases_validated_in_worker_processes_report_every_problem(newsroom, tmp_path):
    from generator import workers

    for n in range(1, 13):
        newsroom.release(f"r{n:02d}", release(n))
    newsroom.release("r05", release(5).replace("2026-11-05T09:00:00+01:00", "gisteren"))
    newsroom.release("r09", release(9).replace("title: Bericht 9", "title: ''"))
    workers.PARALLEL_FROM, saved = 4, workers.PARALLEL_FROM
    try:
        with pytest.raises(SmrError) as info:
            build(newsroom.root, tmp_path / "out", now=NOW)
    finally:
        workers.PARALLEL_FROM = saved
    files = sorted({p.file for p in info.value.problems})
    assert files == ["releases/r05/release.yaml", "releases/r09/release.yaml"], str(info.value)
    assert not (tmp_path / "out").exists()


def test_feed_entries_are_kept_with_each_release_never_read_from_the_site(newsroom, tmp_path, monkeypatch):
    from generator.render import feeds

    def dated(n: int) -> str:
        return f"title: Bericht {n}\ndate: 2026-10-01T{n % 24:02d}:00:00+02:00\nsummary: S {n}.\ntags: [bakken]\n"

    for n in range(1, 53):
        newsroom.write(f"releases/r{n:02d}/release.yaml", dated(n).replace("2026-10-01", f"2026-10-{1 + n // 24:02d}"))
    build(newsroom.root, now=NOW)
    made = []
    entry_texts = feeds.entry_texts
    monkeypatch.setattr(feeds, "entry_texts", lambda site, releases: made.extend(i.slug for i, _, _ in releases)
                        or entry_texts(site, releases))

    shutil.rmtree(newsroom.root / "releases/r52")   # the newest goes: r02 moves into every feed
    build(newsroom.root, now=NOW)
    assert made == [], "r02's entries were made with its page, and kept with its record"
    assert snapshot(newsroom.site) == cold(newsroom, tmp_path)

    build(newsroom.root, now=NOW)
    feed = newsroom.site / "feed.xml"
    text = feed.read_text("utf-8")
    feed.write_text(text[:text.rindex("    <item>")] + "  </channel>\n</rss>\n", "utf-8")  # edited by hand
    touch_later(newsroom.root / "releases/r10/release.yaml", dated(10).replace("S 10.", "Nieuw."))
    build(newsroom.root, now=NOW)
    assert made == ["r10"]
    assert snapshot(newsroom.site) == cold(newsroom, tmp_path)


def test_per_language_newsroom_text_change_rebuilds_the_pages_in_that_language(room, tmp_path):
    """Only newsroom.yaml's English title changes: the English page and index show the new one."""
    text = (room.root / "newsroom.yaml").read_text().replace(
        "title: Persberichten Testbedrijf", "title:\n  nl: Persberichten Testbedrijf\n  en: Testbedrijf news")
    touch_later(room.root / "newsroom.yaml", text)
    room.release("r6", release(6, extra="language: en\ntranslations: [../r5]\n"))
    build(room.root, now=NOW)
    assert "Testbedrijf news" in (room.site / "r6" / "index.html").read_text()
    touch_later(room.root / "newsroom.yaml", text.replace("en: Testbedrijf news", "en: Testbedrijf press room"))
    build(room.root, now=NOW)
    for page in ("r6/index.html", "en/index.html"):
        assert "Testbedrijf press room" in (room.site / page).read_text(), page
    assert "Testbedrijf press room" not in (room.site / "r5" / "index.html").read_text()
    assert snapshot(room.site) == cold(room, tmp_path)


def test_a_template_change_rerenders_exactly_the_outputs_made_with_it(room, tmp_path):
    """Each output's record names the templates it was made with: the sitemap's template
    re-renders the sitemap alone, the vCard's the release folders, never the rest."""
    from generator.output.swap import SITE_MARKER
    from generator.resources import builtin

    build(room.root, now=NOW)
    before = inodes(room.site)
    sitemap = (builtin("templates") / "sitemap.xml").read_text("utf-8")
    room.write("templates/sitemap.xml", sitemap.replace("<urlset", "<!-- eigen sitemap -->\n<urlset", 1))
    report = build(room.root, now=NOW)
    assert (report.written, report.unchanged) == (0, 6)
    after = inodes(room.site)
    assert {f for f in after if before.get(f) != after[f]} == {"sitemap.xml", "robots.txt", SITE_MARKER}
    assert "eigen sitemap" in (room.site / "sitemap.xml").read_text("utf-8")
    assert snapshot(room.site) == cold(room, tmp_path)

    build(room.root, now=NOW)
    before = inodes(room.site)
    vcard = (builtin("templates") / "contact.vcf").read_text("utf-8")
    room.write("templates/contact.vcf", vcard.replace("END:VCARD", "NOTE:eigen kaart\nEND:VCARD"))
    build(room.root, now=NOW)
    after = inodes(room.site)
    changed = {f for f in after if before.get(f) != after[f]}
    assert {f"r{n}/index.html" for n in range(1, 6)} <= changed   # each release folder has vCards
    # the lists of those releases follow them (their keys hold the releases'); the rest stays
    assert not changed & {"sitemap.xml", "robots.txt", "news-sitemap.xml"}
    assert not any(f.startswith("assets/") for f in changed)
    assert any("NOTE:eigen kaart" in p.read_text("utf-8") for p in (room.site / "r1").glob("*.vcf"))
    assert snapshot(room.site) == cold(room, tmp_path)


def test_every_template_edit_gives_the_clean_build(room, tmp_path):
    """Whatever template a newsroom overrides, the next build equals a clean build: no
    output keeps what an edited template made (the records' template names are complete)."""
    from generator.resources import builtin, is_template

    build(room.root, now=NOW)
    site_templates = sorted(p.relative_to(builtin("templates")).as_posix() for p in builtin("templates").rglob("*")
                            if p.is_file() and is_template(p.name) and p.suffix in (".html", ".xml", ".vcf"))
    assert {"release.html", "index.html", "base.html", "sitemap.xml", "contact.vcf"} <= set(site_templates)
    for name in site_templates:
        text = (builtin("templates") / name).read_text("utf-8")
        marked = text.replace("\n", f"\n{{# {name} #}}\n", 1) + ("" if name.endswith(".vcf") else f"<!-- {name} -->\n")
        room.write(f"templates/{name}", marked)
        build(room.root, now=NOW)
        assert snapshot(room.site) == cold(room, tmp_path), name
        build(room.root, now=NOW)   # warm again: the next edit is judged on a kept site
        (room.root / "templates" / name).unlink()


def test_a_no_op_build_says_the_warnings_of_its_own_now(room):
    """A build with nothing changed repeated the warnings of the build before, though these
    depend on "now": a date a year ahead stops being one, an `updated:` still to come arrives."""
    from generator.clock import now as clock_now

    room.release("r2", release(2).replace("2026-11-02T09:00:00+01:00", "2027-12-24T09:00:00+01:00"))
    room.release("r4", release(4) + "updated: 2026-12-01T09:00:00+01:00\n")
    said = lambda report: sorted(w.field for w in report.warnings   # noqa: E731
                                 if "more than a year" in w.message or w.field == "updated")
    assert said(build(room.root, now=NOW)) == ["date", "updated"]
    assert said(build(room.root, now=NOW)) == ["date", "updated"]             # a no-op: the same now
    assert said(build(room.root, now=clock_now("2026-12-02T10:00+01:00"))) == ["date"]   # updated: now past
    within = build(room.root, now=clock_now("2027-01-01T10:00+01:00"))   # within the year: not far ahead, but
    assert [w.message.split(" is ")[1][:14] for w in within.warnings] == ["still to come,"]   # to come, no embargo
    assert said(build(room.root, now=NOW)) == ["date", "updated"]             # back again (--now)
