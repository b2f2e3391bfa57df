"""One exception type for everything a user can get wrong.

Library code raises `SmrError`; only `cli.py` turns it into output and an exit code.
A single error can carry many problems so that one run reports all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong, located as precisely as we know: file, line, field."""

    file: str = ""
    line: int = 0
    field: str = ""
    message: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.file and self.line:
            where = f"{self.file}:{self.line}"
        parts = [p for p in (where, self.field, self.message) if p]
        return ": ".join(parts)


class SmrError(Exception):
    """A user-facing error made of one or more problems."""

    def __init__(self, message: str = "", *, file: str | Path = "", line: int = 0,
                 field: str = "", problems: Iterable[Problem] | None = None):
        if problems is None:
            problems = [Problem(str(file), line, field, message)]
        self.problems = sorted(set(problems), key=_sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def collect(cls, problems: Iterable[Problem]) -> None:
        """Raise one error for all problems, if there are any."""
        problems = list(problems)
        if problems:
            raise cls(problems=problems)


def _sort_key(p: Problem):
    return (p.file, p.line, p.field, p.message)


def display_path(path: Path, root: Path) -> str:
    """A path as the user would type it: relative to the newsroom when inside it."""
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return str(path)
