"""The licence links of photos (per photo and the newsroom's defaults under publish:) are
http(s) addresses; anything else is one line naming file:line:field."""

from __future__ import annotations

import pytest

from tests.conftest import NEWSROOM_YAML, RELEASE_YAML, make_photo


@pytest.mark.parametrize("field", ["license_url", "acquire_license_page"])
def test_a_photos_licence_links_are_http_only(newsroom, field):
    make_photo(newsroom.root / "releases/r/images/team.jpg")
    newsroom.release("r", RELEASE_YAML + f"images:\n  - file: images/team.jpg\n    alt: Het team\n"
                                         f"    {field}: javascript:alert(1)\n")
    result = newsroom.run("check")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"error: releases/r/release.yaml:7: images[0].{field}: must be an http:// or https:// URL" in result.output


@pytest.mark.parametrize("field", ["license_url", "acquire_license_page"])
def test_the_newsrooms_licence_links_are_http_only(newsroom, field):
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + f"publish:\n  {field}: ftp://pers.example.org/licentie\n")
    result = newsroom.run("check")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"error: newsroom.yaml:19: publish.{field}: must be an http:// or https:// URL" in result.output


def test_licence_links_that_are_fine(newsroom):
    make_photo(newsroom.root / "releases/r/images/team.jpg")
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + "publish:\n  license_url: https://pers.example.org/licentie\n"
                                                    "  acquire_license_page: https://pers.example.org/fotos\n")
    newsroom.release("r", RELEASE_YAML + "images:\n  - file: images/team.jpg\n    alt: Het team\n"
                                         "    license_url: https://creativecommons.org/licenses/by/4.0/\n"
                                         "    acquire_license_page: http://fotos.example.org/kopen\n")
    assert newsroom.run("check").exit_code == 0
