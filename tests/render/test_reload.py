"""What a build reads from disk is read again by the next build in the same process
(`smr serve`), and no compiled template is kept on disk."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from generator.output.pipeline import build
from generator.resources import builtin
from tests.conftest import NEWSROOM_YAML

NOW = "2026-11-25T10:00+01:00"


def logo(width: int) -> str:
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="40"></svg>\n'


def marked_base(marker: str) -> str:
    """The built-in base.html with a visible marker: a newsroom's own override of it."""
    html = (builtin("templates") / "base.html").read_text("utf-8")
    assert "</body>" in html
    return html.replace("</body>", f'<p class="marker">{marker}</p></body>')


@pytest.fixture
def room(newsroom):
    newsroom.write("newsroom.yaml", NEWSROOM_YAML.replace("  name: Testbedrijf\n",
                                                          "  name: Testbedrijf\n  logo: branding/logo.svg\n"))
    newsroom.write("branding/logo.svg", logo(80))
    newsroom.release("2026-11-24-winkel")
    return newsroom


def test_a_second_build_in_the_same_process_reads_edited_labels_templates_and_logo(room, now):
    room.write("templates/labels/nl.yaml", "skip_to_content: Direct naar het bericht\n")
    room.write("templates/base.html", marked_base("Versie een"))
    build(room.root, now=now)
    page = (room.site / "2026-11-24-winkel" / "index.html").read_text("utf-8")
    assert "Direct naar het bericht" in page and "Versie een" in page and 'width="80"' in page

    room.write("templates/labels/nl.yaml", "skip_to_content: Meteen naar de tekst van het bericht\n")
    room.write("templates/base.html", marked_base("Versie twee, bewerkt"))
    room.write("branding/logo.svg", logo(120))
    build(room.root, now=now)
    for page in (room.site / "index.html", room.site / "2026-11-24-winkel" / "index.html"):
        html = page.read_text("utf-8")
        assert "Meteen naar de tekst van het bericht" in html and "Direct naar het bericht" not in html
        assert "Versie twee, bewerkt" in html and "Versie een" not in html
        assert 'width="120"' in html


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_no_compiled_code_is_kept_between_runs(room, tmp_path):
    """Compiled templates are marshalled code: kept on disk, a planted one would run. They are
    compiled in each process instead, and the cache holds only the state store and photos."""
    assert room.run("build", "--now", NOW).exit_code == 0
    expected = snapshot(room.site)
    cache = room.root / ".smr-cache"
    kept = sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file())
    assert not [p for p in kept if not (p.startswith(("state.sqlite", "images/")) or p.endswith(".lock"))], kept
    out = tmp_path / "again"   # another output folder: every page is rendered, none reused
    result = room.run("build", "-o", str(out), "--now", NOW)
    assert result.exit_code == 0, result.output
    assert snapshot(out) == expected
