"""outreach/subscribers.csv: the journalists who asked for e-mail alerts.

Personal data: never rendered into the site, never uploaded, never logged. Rows are
validated one by one like the blogger list's (a bad row is a problem with its line, and is
skipped, never silently fixed). `add` appends a row and `remove` drops one; every other
line of the file stays as the user wrote it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import Problem, SmrError, display_path
from generator.newsroom.model import SUBSCRIBER_COLUMNS as COLUMNS

LIST = "outreach/subscribers.csv"
LOCK = "subscribers.lock"   # in .smr-cache/: add, remove and send take turns
REQUIRED = ("email", "consent")


@dataclass
class Row:
    line: int          # where the row starts
    end: int           # its last line (a quoted value may hold line breaks)
    subscriber: object  # generator.newsroom.model.Subscriber


@dataclass
class SubscriberList:
    """The valid rows, the problems of the others, and the file as read (for `remove`)."""

    path: Path
    shown: str
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0
    text: str = ""
    delimiter: str = ","
    bom: bool = False   # Excel's UTF-8 files start with one; kept when the file is written

    @property
    def subscribers(self) -> list:
        return [r.subscriber for r in self.rows]

    def find(self, email: str) -> Row | None:
        key = email.strip().casefold()
        return next((r for r in self.rows if r.subscriber.email.casefold() == key), None)


def list_path(root: Path) -> Path:
    return Path(root) / LIST


def read(root: Path) -> SubscriberList:
    """The list with its problems; no file yet is an empty list."""
    from generator.newsroom.loader import read_text
    from generator.newsroom.model import Subscriber
    from generator.outreach.csvlist import read_rows

    root = Path(root).resolve()
    path = list_path(root)
    result = SubscriberList(path=path, shown=display_path(path, root))
    if not path.exists():
        return result
    shown = result.shown
    result.text = text = read_text(path, shown)
    with open(path, "rb") as f:
        result.bom = f.read(3) == b"\xef\xbb\xbf"
    if not text.strip():
        return result
    read = read_rows(text, shown, Subscriber, COLUMNS, REQUIRED)
    result.delimiter, result.problems, result.skipped = read.delimiter, read.problems, read.skipped
    result.rows = [Row(start, end, subscriber) for start, end, subscriber in read.rows]
    return result


def add(root: Path, email: str, *, consent: str, now, name: str | None = None, language: str | None = None,
        tags: str | None = None, source: str = "smr alerts add"):
    """Append one subscriber; the consent gets the moment it was recorded. Returns the
    Subscriber. Refuses an address already on the list (remove it first to change it)."""
    from generator.files import cache_dir, file_lock
    from generator.newsroom.loader import Document
    from generator.newsroom.model import Subscriber, validate
    from generator.outreach.export import neutralise

    root = Path(root).resolve()
    with file_lock(cache_dir(root) / LOCK):
        listing = read(root)
        stamp = now.isoformat(timespec="minutes")
        data = {"email": email, "name": name, "language": language, "tags": tags,
                "consent": f"{consent.strip()} ({stamp})" if consent and consent.strip() else consent,
                "source": source}
        data = {k: v for k, v in data.items() if v is not None and (not isinstance(v, str) or v.strip())}
        subscriber, problems = validate(Subscriber, Document(data=data, file="", lines={}), {})
        if problems:
            raise SmrError(problems=[Problem("", 0, _option(p.field), p.message) for p in problems])
        known = listing.find(subscriber.email)
        if known is not None:
            raise SmrError(f"{known.subscriber.email} is already subscribed (line {known.line}); to change the row, "
                           f"edit it, or run `smr alerts remove {known.subscriber.email}` first",
                           file=listing.shown, line=known.line, field="email")
        out = io.StringIO()
        ending = "\r\n" if "\r\n" in listing.text else "\n"   # as the file has them (Excel writes CRLF)
        writer = csv.writer(out, delimiter=listing.delimiter, lineterminator=ending)
        if not listing.text.strip():
            writer.writerow(COLUMNS)
        values = subscriber.model_dump()
        values["tags"] = ";".join(values["tags"])
        writer.writerow([(values[c] or "") if c in ("email", "language") else neutralise(values[c] or "")
                         for c in COLUMNS])   # the list opens in spreadsheets: no cell runs as a formula
        text = listing.text if listing.text.strip() else ""
        if text and not text.endswith("\n"):
            text += ending
        _write(listing.path, text + out.getvalue(), listing.bom)
    return subscriber


def remove(root: Path, email: str):
    """Drop the subscriber with this address (any case); the other lines stay as they are.
    Returns the Subscriber removed."""
    from generator.files import cache_dir, file_lock

    root = Path(root).resolve()
    with file_lock(cache_dir(root) / LOCK):
        listing = read(root)
        row = listing.find(email)
        if row is None:
            raise SmrError(f"{email.strip()} is not on the list (nothing was changed)", file=listing.shown)
        lines = io.StringIO(listing.text, newline="").readlines()   # the lines csv counted
        _write(listing.path, "".join(lines[:row.line - 1] + lines[row.end:]), listing.bom)
    return row.subscriber


def _option(field_name: str) -> str:
    return "EMAIL" if field_name == "email" else f"--{field_name}"


def _write(path: Path, text: str, bom: bool = False) -> None:
    """Whole or not at all, readable by the user only (personal data)."""
    from generator.files import atomic_write

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, ("\ufeff" if bom else "") + text, mode=0o600)
