"""The commands as a user runs them: help, version, exit codes, new, check, serve."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from generator import __version__
from generator.cli import main
from tests.conftest import REPO



def every_command(group=main, path=()) -> list[tuple[str, ...]]:
    """Every command and subcommand click knows, found by walking the tree (none forgotten)."""
    import click

    found = [path]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += every_command(command, (*path, name))
        else:
            found.append((*path, name))
    return found


COMMANDS = every_command()


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"smr, version {__version__}"


def test_the_walk_finds_the_commands_a_user_knows():
    for known in [("build",), ("check",), ("serve",), ("new",), ("publish",), ("preview",), ("coverage",),
                  ("outreach",), ("outreach", "fetch"), ("outreach", "match"), ("outreach", "export")]:
        assert known in COMMANDS


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "smr")
def test_help_on_every_command(command):
    result = CliRunner().invoke(main, [*command, "--help"], prog_name="smr")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: {' '.join(('smr', *command))} ")
    described = result.output.split("\n\n")[1].strip()
    assert described and not described.startswith("Options"), "every command says what it does"


def test_usage_error_exits_2(newsroom):
    result = CliRunner().invoke(main, ["build", "--no-such-option"])
    assert result.exit_code == 2
    result = CliRunner().invoke(main, ["new"])
    assert result.exit_code == 2


def test_bad_now_is_a_user_error(newsroom):
    newsroom.release("a")
    result = newsroom.run("build", "--now", "tomorrow")
    assert result.exit_code == 1
    assert "--now 'tomorrow': use a date-time such as 2026-11-25T10:00+01:00" in result.output


@pytest.mark.parametrize("value", ["0001-01-01T00:00+00:00", "9999-12-31T23:59+00:00", "0999-12-31T23:59+00:00"])
def test_a_now_at_the_ends_of_the_calendar_is_refused_alike(newsroom, value):
    """Case 8: `--now 0001-01-01T00:00+00:00` passed check and ended build in an
    OverflowError (the news sitemap looks two days back)."""
    newsroom.release("a")
    for command in ("check", "build"):
        result = newsroom.run(command, "--now", value)
        assert result.exit_code == 1, result.output
        assert result.output == (f"error: --now {value!r}: give a date-time between the years 1000 and 9998, "
                                 "such as 2026-11-25T10:00+01:00\n")


def test_the_first_and_last_now_build(newsroom):
    newsroom.release("a")
    for value in ("1000-01-01T00:00+00:00", "9998-12-31T23:59:59+00:00"):
        for command in ("check", "build"):
            result = newsroom.run(command, "--now", value)
            assert result.exit_code == 0, result.output


def test_build_reports_and_quiet(newsroom):
    newsroom.release("a")
    result = newsroom.run("build")
    assert result.exit_code == 0
    assert re.match(r"Built .*_site: 2 pages written, 0 unchanged, 0 photos processed, in \d+\.\d\d s",
                    result.output)
    result = CliRunner().invoke(main, ["-q", "build", "--root", str(newsroom.root)])
    assert result.exit_code == 0 and result.output == ""
    result = newsroom.run("build", "-q")
    assert result.exit_code == 0 and result.output == ""


def test_output_option(newsroom, tmp_path):
    newsroom.release("a")
    out = tmp_path / "elsewhere"
    assert newsroom.run("build", "-o", str(out)).exit_code == 0
    assert (out / "a" / "index.html").is_file()
    assert not newsroom.site.exists()


def test_output_never_replaces_a_folder_smr_did_not_write(newsroom, tmp_path):
    newsroom.release("a")
    mine = tmp_path / "my-documents"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work")
    result = newsroom.run("build", "-o", str(mine))
    assert result.exit_code == 1
    assert "folder exists and was not written by smr" in result.output
    assert (mine / "thesis.txt").read_text() == "years of work"
    result = newsroom.run("build", "-o", str(newsroom.root))
    assert result.exit_code == 1 and "would overwrite the newsroom itself" in result.output


def test_new_creates_a_commented_release_that_checks(newsroom):
    result = newsroom.run("new", "Brood & Co opent één winkel", "--now", "2026-11-20T12:00+01:00")
    assert result.exit_code == 0, result.output
    path = newsroom.root / "releases" / "2026-11-20-brood-co-opent-een-winkel" / "release.yaml"
    assert result.output.startswith(f"Created {path.relative_to(newsroom.root)} (a draft")
    text = path.read_text()
    assert 'title: "Brood & Co opent één winkel"' in text
    assert "date: 2026-11-20" in text
    assert "\ndraft: true" in text
    assert text.count("\n#") > 10  # commented fields to fill in
    check = newsroom.run("check")
    assert check.exit_code == 0, check.output
    assert "OK: 1 releases checked, 1 draft." in check.output
    assert "summary: still holds the example text of `smr new`" in check.output


def test_new_never_overwrites(newsroom):
    assert newsroom.run("new", "Zelfde titel", "--now", "2026-11-20T12:00+01:00").exit_code == 0
    path = newsroom.root / "releases" / "2026-11-20-zelfde-titel" / "release.yaml"
    path.write_text(path.read_text() + "# my edits\n")
    result = newsroom.run("new", "Zelfde titel", "--now", "2026-11-20T12:00+01:00")
    assert result.exit_code == 1
    assert "already exists; nothing was changed" in result.output
    assert path.read_text().endswith("# my edits\n")


def test_new_never_leaves_a_release_folder_without_its_release_yaml(newsroom, monkeypatch):
    """Case 7: a folder under releases/ without release.yaml is an error, so `smr new` must
    never leave one, even when killed half-way (here: release.yaml cannot be written and
    no clean-up runs, as after a kill)."""
    import pathlib
    import shutil

    real_write = pathlib.Path.write_text

    def killed(self, *args, **kwargs):
        if self.name == "release.yaml":
            raise OSError(28, "No space left on device")   # stopped here; a kill would leave the same
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "write_text", killed)
    monkeypatch.setattr(shutil, "rmtree", lambda *args, **kwargs: None)
    assert newsroom.run("new", "Half gemaakt", "--now", "2026-11-20T12:00+01:00").exit_code == 1
    monkeypatch.undo()
    assert list((newsroom.root / "releases").iterdir()) == []
    result = newsroom.run("new", "Half gemaakt", "--now", "2026-11-20T12:00+01:00")
    assert result.exit_code == 0, result.output
    assert newsroom.run("check").exit_code == 0


def test_installed_command_has_no_traceback_for_bad_input(newsroom):
    """The real process, not CliRunner: stderr has one line per problem, exit code 1."""
    newsroom.release("a", "title: x\n")
    proc = subprocess.run([sys.executable, "-m", "generator", "check", "--root", str(newsroom.root)],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "error: releases/a/release.yaml:1: date: field required" in proc.stderr


def test_new_outside_a_newsroom_is_refused(tmp_path):
    result = CliRunner().invoke(main, ["new", "Titel", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert "no newsroom.yaml in" in result.output
    assert not (tmp_path / "releases").exists()


def test_serve_on_a_busy_port_is_a_clear_error(newsroom):
    import socket

    newsroom.release("a")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = newsroom.run("serve", "--port", str(port))
    assert result.exit_code == 1
    assert f"cannot serve on 127.0.0.1:{port}: Address already in use; choose another --port" in result.output


def test_system_errors_are_one_line_without_traceback(newsroom, tmp_path):
    newsroom.release("a")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = newsroom.run("build", "-o", str(blocker / "site"))
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_the_real_command_exits_with_the_right_code_and_flushed_output(newsroom):
    """The real process: exit codes 0, 1 and 2, output flushed, no staging folder left behind."""
    def smr(*args):
        return subprocess.run([sys.executable, "-m", "generator", *args], cwd=newsroom.root,
                              capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})

    ok = smr("build", "--now", "2026-11-25T10:00+01:00")
    assert ok.returncode == 0 and ok.stdout.startswith("Built ") and ok.stdout.endswith("s\n"), ok
    assert smr("build", "--no-such-option").returncode == 2
    newsroom.write("newsroom.yaml", "title: [\n")
    bad = smr("check")
    assert bad.returncode == 1 and bad.stderr.startswith("error: newsroom.yaml:") and "Traceback" not in bad.stderr
    assert not [p for p in newsroom.root.glob(".*tmp*")], "no staging folder left behind"
