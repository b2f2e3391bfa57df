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


def template_dirs(root: Path) -> tuple[Path, ...]:
    """A newsroom's own templates/ first, so it can override any built-in file by name."""
    own = root / "templates"
    dirs = [own] if own.is_dir() and own.resolve() != builtin("templates").resolve() else []
    return tuple(dirs + [builtin("templates")])


def asset_dirs(root: Path) -> tuple[Path, ...]:
    own = root / "assets"
    dirs = [own] if own.is_dir() and own.resolve() != builtin("assets").resolve() else []
    return tuple(dirs + [builtin("assets")])
