"""`smr init`: a new newsroom folder with everything smr expects, and nothing overwritten."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import Problem, SmrError
from generator.newsroom.paths import NEWSROOM_FILE, RELEASES_DIR

BLOGGERS_FILE = "outreach/bloggers.csv"
IGNORED = ("_site/", ".smr-cache/", "outreach/exports/", "outreach/subscribers.csv")
"""Never in git: the built site, the cache (it holds bloggers' feeds), mail merges and the
alert subscribers (private people and their consent: keep that list where they agreed to)."""
GITIGNORE_HEAD = "# smr: built output, caches, mail merges and alert subscribers (personal data) stay out of git\n"


@dataclass
class Settings:
    """What `newsroom.yaml` starts with; the command asks for or takes these."""

    title: str
    base_url: str
    organization: str
    language: str = "en"
    timezone: str = "UTC"


@dataclass
class InitReport:
    root: Path
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)      # already there: left exactly as it was
    extended: list[str] = field(default_factory=list)  # an existing .gitignore got the lines it lacked


def check_settings(settings: Settings, root: Path) -> None:
    """The same rules as the newsroom model, before anything is written."""
    from generator.newsroom.model import Newsroom, validate
    from generator.newsroom.loader import Document

    data = {"title": settings.title, "base_url": settings.base_url, "language": settings.language,
            "timezone": settings.timezone, "organization": {"name": settings.organization}}
    options = {"title": "--title", "base_url": "--base-url", "language": "--language",
               "timezone": "--timezone", "organization": "--organization"}
    _, problems = validate(Newsroom, Document(data, file=""), {"root": root})
    if problems:
        raise SmrError(problems=[Problem("", 0, options.get(p.field.split(".")[0], p.field), p.message)
                                 for p in problems])


def init_newsroom(root: Path, settings: Settings, today: dt.date) -> InitReport:
    """Create what a newsroom needs in `root`; whatever exists is kept as it is."""
    root = root.resolve()
    if root.exists() and not root.is_dir():
        raise SmrError(f"{root} is a file, not a folder")
    newsroom_exists = (root / NEWSROOM_FILE).is_file()
    if not newsroom_exists:
        check_settings(settings, root)
    root.mkdir(parents=True, exist_ok=True)
    report = InitReport(root)

    def create(relative: str, text: str) -> None:
        path = root / relative
        if path.exists():
            report.kept.append(relative)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as fh:   # "x": never replace a file made meanwhile
            fh.write(text)
        report.created.append(relative)

    create(NEWSROOM_FILE, newsroom_yaml(root, settings, today))
    releases = root / RELEASES_DIR
    if releases.is_dir():
        report.kept.append(RELEASES_DIR + "/")
    else:
        releases.mkdir()
        report.created.append(RELEASES_DIR + "/")
    from generator.newsroom.model import BLOGGER_COLUMNS

    create(BLOGGERS_FILE, ",".join(BLOGGER_COLUMNS) + "\n")
    _gitignore(root, report)
    return report


def newsroom_yaml(root: Path, settings: Settings, today: dt.date) -> str:
    from generator.newsroom.new import yaml_template

    return yaml_template(root, "newsroom.yaml.j2", settings.language).render(
        title=settings.title, base_url=settings.base_url, organization=settings.organization,
        language=settings.language, timezone=settings.timezone, today=today.isoformat())


def _gitignore(root: Path, report: InitReport) -> None:
    """A .gitignore with smr's lines; an existing one only gets the lines it lacks."""
    path = root / ".gitignore"
    if not path.exists():
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(GITIGNORE_HEAD + "".join(f"/{entry}\n" for entry in IGNORED))
        report.created.append(".gitignore")
        return
    text = path.read_text("utf-8", errors="replace")
    have = {line.strip().lstrip("/") for line in text.splitlines()}
    missing = [entry for entry in IGNORED if entry not in have and entry.rstrip("/") not in have]
    if not missing:
        report.kept.append(".gitignore")
        return
    with open(path, "a", encoding="utf-8") as fh:   # appended: nothing the user wrote changes
        fh.write(("" if text.endswith("\n") or not text else "\n") + GITIGNORE_HEAD
                 + "".join(f"/{entry}\n" for entry in missing))
    report.extended.append(f".gitignore (added {', '.join(missing)})")


def describe(report: InitReport) -> list[str]:
    """What init did, one line per file, for the command to print."""
    lines = [f"created  {name}" for name in report.created]
    lines += [f"extended {name}" for name in report.extended]
    lines += [f"kept     {name} (already there)" for name in report.kept]
    return lines

