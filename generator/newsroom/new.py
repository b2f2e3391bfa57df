"""`smr new`: a commented release.yaml with the date and slug filled in."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jinja2

from generator.errors import SmrError, display_path
from generator.resources import template_dirs
from generator.newsroom.paths import NEWSROOM_FILE, RELEASE_FILE, RELEASES_DIR
from generator.slug import slugify


def new_release(root: Path, title: str, now: dt.datetime) -> Path:
    """Create releases/<date>-<slug>/release.yaml; never touch an existing folder."""
    if not title.strip():
        raise SmrError("the title is empty; give the headline, e.g. smr new \"Brood & Co opens a shop\"")
    root = root.resolve()
    if not (root / NEWSROOM_FILE).is_file():
        raise SmrError(f"no {NEWSROOM_FILE} in {root}; run smr new in a newsroom folder or pass --root")
    today = now.date().isoformat()
    folder = root / RELEASES_DIR / f"{today}-{slugify(title)}"
    target = folder / RELEASE_FILE
    if folder.exists():
        raise SmrError(f"{display_path(folder, root)} already exists; nothing was changed")
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(str(d)) for d in template_dirs(root)]), autoescape=False,
        keep_trailing_newline=True)
    env.filters["yaml_string"] = lambda text: json.dumps(text, ensure_ascii=False)  # JSON strings are YAML
    text = env.get_template("release.yaml.j2").render(title=title.strip(), date=today, today=today)
    (folder / "images").mkdir(parents=True)
    target.write_text(text, "utf-8")
    return target
