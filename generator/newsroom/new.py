"""`smr new`: a commented release.yaml (a draft) with date and slug filled in, or a
prefilled translation of an existing release."""

from __future__ import annotations

import datetime as dt
import errno
import json
import shutil
from pathlib import Path

from generator.errors import SmrError, display_path
from generator.newsroom.paths import NEWSROOM_FILE, RELEASE_FILE, RELEASES_DIR
from generator.slug import slugify

PLACEHOLDERS = {
    "summary": "Write the lede here: who, what, when, where, why, in two or three sentences.",
    "fact": "First key fact",
}
"""Example text of a new release; `smr check` warns while any of it is still there."""


def new_release(root: Path, title: str, now: dt.datetime, *, date: str | None = None,
                language: str | None = None, embargo: str | None = None,
                translation_of: str | None = None) -> Path:
    """Create releases/<date>-<slug>/release.yaml; never touch an existing folder.

    `date` and `embargo` are written as given (after checking them); the folder's date is
    the release date."""
    from generator.newsroom.site import load_newsroom

    if not title.strip():
        raise SmrError("the title is empty; give the headline, e.g. smr new \"Brood & Co opens a shop\"")
    root = root.resolve()
    if not (root / NEWSROOM_FILE).is_file():
        raise SmrError(f"no {NEWSROOM_FILE} in {root} or above it; run `smr init` to start a newsroom, "
                       "or pass --root")
    newsroom = load_newsroom(root)
    source = translation_source(root, translation_of) if translation_of else None
    when = _moment(date, "--date", newsroom.tz) if date else None
    if embargo:
        lifts = _moment(embargo, "--embargo", newsroom.tz)
        if date is None:   # news under embargo comes out when the embargo lifts
            when, date = lifts, embargo
    if language:
        _check_language(language)
    if when is None and source is not None:
        when = _moment(str(source.data["date"]), "the original's date", newsroom.tz)
    day = (when or now.astimezone(newsroom.tz)).date().isoformat()
    folder = root / RELEASES_DIR / f"{day}-{slugify(title)}"
    if folder.exists():
        raise SmrError(f"{display_path(folder, root)} already exists; nothing was changed")
    if source is not None:
        text = _translation(source, folder, title.strip(), language, date, embargo, now)
    else:
        text = _from_template(root, title.strip(), date or day, language, embargo, now)
    make_whole(root, folder, lambda made: _fill(made, source, text))
    return folder / RELEASE_FILE


def _fill(folder: Path, source, text: str) -> None:
    (folder / "images").mkdir()
    if source is not None:
        _copy_files(source, folder)
    (folder / RELEASE_FILE).write_text(text, "utf-8")


def make_whole(root: Path, folder: Path, fill, prefix: str = "new-") -> None:
    """Make `folder` whole or not at all: filled beside the state store (.smr-cache/, always
    safe to delete) and moved into releases/ in one step, so that no command (and no kill)
    ever meets a release folder without its release.yaml, which is an error. Where releases/
    is on another disk than the cache, made in place (and removed again on any error)."""
    import os
    import tempfile

    from generator.files import cache_dir

    folder.parent.mkdir(parents=True, exist_ok=True)
    cache = cache_dir(root)
    cache.mkdir(parents=True, exist_ok=True)
    made = Path(tempfile.mkdtemp(prefix=prefix, dir=cache))
    try:
        fill(made)
        os.chmod(made, 0o777 & ~_umask())
        if folder.exists():   # rename would replace an empty one
            raise SmrError(f"{display_path(folder, root)} already exists; nothing was changed")
        try:
            os.rename(made, folder)
            return
        except OSError as exc:
            if exc.errno not in (errno.EXDEV,):
                if folder.exists():
                    raise SmrError(f"{display_path(folder, root)} already exists; nothing was changed") from None
                raise
    finally:
        shutil.rmtree(made, ignore_errors=True)
    folder.mkdir()
    try:
        fill(folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)   # nothing half-made is left behind
        raise


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def yaml_template(root: Path, name: str, language: str = "en"):
    """A YAML template (built-in or the newsroom's own), with `yaml_string` for quoted values
    and its {% trans %} comments in `language` (the catalogs of templates/locale)."""
    import jinja2

    from generator.resources import template_dirs, translations

    dirs = template_dirs(root)
    env = jinja2.Environment(loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d)) for d in dirs]),
                             autoescape=False, keep_trailing_newline=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(dirs, language), newstyle=False)
    env.filters["yaml_string"] = lambda text: json.dumps(text, ensure_ascii=False)  # JSON strings are YAML
    return env.get_template(name)


def _from_template(root: Path, title: str, date: str, language: str | None, embargo: str | None,
                   now: dt.datetime) -> str:
    return yaml_template(root, "release.yaml.j2").render(
        title=title, date=date, language=language, embargo=embargo, placeholders=PLACEHOLDERS,
        today=now.date().isoformat())


# ---------------------------------------------------------------- options

def _moment(value: str, option: str, tz) -> dt.datetime:
    """A date or date-time as release.yaml accepts it (without an offset: the newsroom's zone)."""
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise SmrError(f"{option} {value!r}: give a date (2026-11-24) or a date-time "
                       "(2026-11-24T09:00+01:00)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _check_language(value: str) -> None:
    from pydantic import TypeAdapter, ValidationError

    from generator.newsroom.model import Language

    try:
        TypeAdapter(Language).validate_python(value)
    except ValidationError:
        raise SmrError(f"--language {value!r}: give a language tag such as 'nl', 'en' or 'en-GB'") from None


# ---------------------------------------------------------------- translations

def translation_source(root: Path, release: str):
    """The release to translate, by folder name or path: its parsed release.yaml."""
    from generator.newsroom.loader import load_yaml

    path = Path(release)
    folder = path if (path / RELEASE_FILE).is_file() else root / RELEASES_DIR / path.name
    folder = folder.resolve()
    if folder.parent != (root / RELEASES_DIR).resolve() or not (folder / RELEASE_FILE).is_file():
        raise SmrError(f"--translation-of {release!r}: no release folder with a {RELEASE_FILE} "
                       f"of that name in {RELEASES_DIR}/")
    doc = load_yaml(folder / RELEASE_FILE, display_path(folder / RELEASE_FILE, root))
    doc.folder = folder
    return doc


def _translation(source, folder: Path, title: str, language: str | None, date: str | None,
                 embargo: str | None, now: dt.datetime) -> str:
    """The original's fields, to be translated, linked to it; a draft until someone says otherwise."""
    import yaml

    data = {"title": title, "draft": True}
    if language:
        data["language"] = language
    for key, value in source.data.items():
        if key not in ("title", "draft", "language", "coverage", "translations"):
            data[key] = value
    if isinstance(data.get("images"), list):   # the original's photos, published once, from there
        data["images"] = [_shared_photo(image, source.folder.name) for image in data["images"]]
    if date:
        data["date"] = date
    if embargo:
        data["embargo"] = embargo
    others = [ref for ref in source.data.get("translations", []) if Path(ref).name != folder.name]
    data["translations"] = [f"../{source.folder.name}", *others]

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper, value: str):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)

    Dumper.add_representer(str, text)
    body = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
    return (f"# A translation of ../{source.folder.name}, made by `smr new --translation-of` on "
            f"{now.date().isoformat()}.\n# Translate every text below, then delete `draft: true`. "
            f"The format: docs/press-item.md.\n\n{body}")


def _shared_photo(image, original: str):
    """A photo of the original, used from its folder (`../<original>/images/x.jpg`): the
    translation gets its own alt text and caption, the photo is published once."""
    if isinstance(image, dict) and isinstance(image.get("file"), str) and not image["file"].startswith("../"):
        return {**image, "file": f"../{original}/{image['file']}"}
    return image   # already a translation's photo (a sibling folder: the same path from here)


def _copy_files(source, folder: Path) -> None:
    """Documents and the body file the original names, copied beside the translation (copies,
    not links: editing one never changes the other). Photos are not copied: the translation
    uses the original's (`_shared_photo`)."""
    import posixpath

    from generator.newsroom.paths import usable_file

    data = source.data
    names = [d.get("file") for d in data.get("documents", []) if isinstance(d, dict)]
    names.append(data.get("body_file"))
    for name in names:
        if not isinstance(name, str) or posixpath.normpath(name).startswith(("../", "/")):
            continue
        name = posixpath.normpath(name)
        try:   # the rule of every path: nothing outside its folder, nothing but a readable file
            origin = usable_file(source.folder / name, source.folder, "the release folder", name)
        except ValueError:   # the check of the original reports it
            continue
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copy2(origin, target)

