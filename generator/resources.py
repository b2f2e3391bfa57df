"""Where the built-in templates and assets are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def builtin(name: str) -> Path:
    """`templates` or `assets`: packaged as generator/_name, or at the top of a checkout."""
    packaged = _PACKAGE / f"_{name}"
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name


TEMPLATE_SUFFIXES = (".html", ".xml", ".vcf", ".txt", ".j2", ".js")
"""Files in the template folders that Jinja renders: each output's record names those it was
made from. The other files there (labels, catalogues) are inputs of every page."""


def is_template(name: str) -> bool:
    return name.endswith(TEMPLATE_SUFFIXES)


def template_dirs(root: Path) -> tuple[Path, ...]:
    """A newsroom's own templates/ first, so it can override any built-in file by name."""
    own = root / "templates"
    dirs = [own] if own.is_dir() and own.resolve() != builtin("templates").resolve() else []
    return tuple(dirs + [builtin("templates")])


def asset_dirs(root: Path) -> tuple[Path, ...]:
    own = root / "assets"
    dirs = [own] if own.is_dir() and own.resolve() != builtin("assets").resolve() else []
    return tuple(dirs + [builtin("assets")])


CATALOG_DOMAIN = "smr"
CATALOG_DIR = "locale"   # <template folder>/locale/<ll or ll_RR>/LC_MESSAGES/smr.mo (gettext's layout)


def catalog_locales(language: str) -> list[str]:
    """The catalogs a language tag reads, most specific first: 'pt-BR' -> ['pt_BR', 'pt']."""
    parts = language.replace("-", "_").split("_")
    tags = ["_".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:n])])
            for n in range(len(parts), 0, -1)]
    return list(dict.fromkeys(tags))


def translations(folders: tuple[Path, ...], language: str):
    """The gettext catalogs of `language` (Babel `Translations`), a newsroom's own first: for
    each locale, most specific first (pt_BR, then pt), the newsroom's catalog then the
    built-in one, each falling back to the next; English (the messages themselves) when none.

    Read from disk on every call, never remembered here: `smr serve` builds again in the same
    process after a newsroom edits its catalogs."""
    from babel.support import NullTranslations, Translations

    found = []
    for locale in catalog_locales(language):
        for folder in folders:
            path = folder / CATALOG_DIR / locale / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.mo"
            if path.is_file():
                with open(path, "rb") as fp:
                    found.append(Translations(fp, domain=CATALOG_DOMAIN))
    if not found:
        return NullTranslations()
    for first, then in zip(found, found[1:]):
        first.add_fallback(then)
    return found[0]
