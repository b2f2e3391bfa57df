"""The real components the suite runs against, and what a test does when one is missing.

On a developer's partial run a missing component skips the tests that need it. In CI (the
`CI` environment variable set, as `.ci/run` does) it fails them, naming what is missing, so
that a broken install step in scripts/test can never land as a green run of skips."""

from __future__ import annotations

import os
import shutil

import pytest

EXIFTOOL = "exiftool (Debian libimage-exiftool-perl; scripts/test installs it)"


def require(available: object, what: str) -> None:
    """Go on when `available` is true; else skip, or fail in CI, saying `what` is missing."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI needs {what}, and it is missing: scripts/test should have installed it",
                    pytrace=False)
    pytest.skip(f"{what} is missing")


def require_exiftool() -> str:
    """The path of exiftool, the reader tests use for what published photos hold."""
    path = shutil.which("exiftool")
    require(path, EXIFTOOL)
    return path


def has_exiftool() -> bool:
    """For a test whose main assertions need no exiftool, but whose extra ones do: in CI
    the extra ones always run (a missing exiftool fails there)."""
    if os.environ.get("CI"):
        require_exiftool()
    return shutil.which("exiftool") is not None
