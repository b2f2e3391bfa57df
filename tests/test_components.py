"""A real component missing from the machine: a skip on a developer's run, a failure in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
S3_TEST = "tests/publish/test_s3.py::test_a_wrong_content_md5_is_refused"


def run_without_weed(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess:
    """One S3 test, in a pytest of its own whose PATH has no `weed` on it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PATH"] = f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"
    if ci:
        env["CI"] = "true"
    assert subprocess.run(["sh", "-c", "command -v weed"], env=env, capture_output=True).returncode != 0
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", S3_TEST],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("ci", [False, True], ids=["developer", "CI"])
def test_a_missing_s3_server_skips_for_a_developer_and_fails_in_ci(tmp_path, ci):
    result = run_without_weed(tmp_path, ci)
    if ci:
        assert result.returncode == 1, result.stdout
        assert "CI needs SeaweedFS `weed`" in result.stdout and "missing" in result.stdout
    else:
        assert result.returncode == 0, result.stdout
        assert "skipped" in result.stdout and "failed" not in result.stdout
