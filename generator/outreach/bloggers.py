"""outreach/bloggers.csv: read and validate the list, and append bloggers from OPML.

Bad rows are reported with their line and skipped, never silently fixed; the file is
only ever appended to, so a user's own edits are never rewritten.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from generator.errors import Problem, SmrError, display_path
from generator.newsroom.model import BLOGGER_COLUMNS as COLUMNS

REQUIRED = ("email", "name")


@dataclass
class Row:
    line: int
    blogger: "object"  # generator.newsroom.model.Blogger


@dataclass
class BloggerList:
    """The valid rows of the list, and every problem found in the others."""

    path: Path
    shown: str
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0  # rows left out because of a problem

    @property
    def bloggers(self) -> list:
        return [r.blogger for r in self.rows]


def list_path(root: Path, newsroom=None) -> Path:
    relative = newsroom.outreach.list if newsroom is not None else "outreach/bloggers.csv"
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise SmrError("outreach.list must be a path inside the newsroom", file="newsroom.yaml",
                       field="outreach.list")
    return path


def read_list(root: Path, path: Path) -> BloggerList:
    """Validate every row; the valid ones are returned, the rest become problems."""
    from generator.newsroom.loader import read_text
    from generator.newsroom.model import Blogger
    from generator.outreach.csvlist import read_rows

    root = root.resolve()
    shown = display_path(path, root)
    if not path.is_file():
        raise SmrError("blogger list not found; create it with the columns "
                       + ", ".join(COLUMNS), file=shown)
    read = read_rows(read_text(path, shown), shown, Blogger, COLUMNS, REQUIRED)
    return BloggerList(path=path, shown=shown, rows=[Row(start, blogger) for start, _, blogger in read.rows],
                       problems=read.problems, skipped=read.skipped)


# ---------------------------------------------------------------- OPML import

@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)    # blog titles
    skipped: list[str] = field(default_factory=list)  # "title: reason"


def url_key(url: str) -> str:
    """Compare URLs the way people mean them: scheme, case of host and trailing '/' ignored."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.netloc.lower()}{path}{query}"


def import_opml(root: Path, list_file: Path, opml_file: Path) -> ImportReport:
    """Append one row per feed in the OPML that the list does not have yet.

    OPML holds no e-mail addresses or names, so new rows have those empty: `smr outreach
    check` lists them until someone fills them in, and until then they are never exported.
    Its titles are chosen by the blogs' owners, and the list is opened in spreadsheets: every
    cell is neutralised against formula injection as the mail merge's are.
    """
    import xml.etree.ElementTree as ET

    from generator.newsroom.model import check_http_url
    from generator.outreach.export import neutralise

    shown = display_path(opml_file, root)
    try:
        tree = ET.parse(opml_file)
    except (ET.ParseError, OSError) as exc:
        raise SmrError(f"not a readable OPML file: {exc}", file=shown) from None
    known: set[str] = set()
    existing_text = ""
    delimiter = ","
    header = list(COLUMNS)
    if list_file.is_file():
        from generator.newsroom.loader import read_text
        from generator.outreach.csvlist import sniff_delimiter

        existing_text = read_text(list_file, display_path(list_file, root))
        first = existing_text.split("\n", 1)[0]
        delimiter = sniff_delimiter(first)
        reader = csv.DictReader(io.StringIO(existing_text, newline=""), delimiter=delimiter)
        header = [h.strip().lower() for h in (reader.fieldnames or [])] or list(COLUMNS)
        for row in reader:
            row = {(k or "").strip().lower(): (v or "") for k, v in row.items() if isinstance(v, str)}
            for column in ("feed_url", "blog_url"):
                if row.get(column, "").strip():
                    known.add(url_key(row[column]))
    report = ImportReport()
    new_rows = []
    for outline in tree.iter("outline"):
        feed = (outline.get("xmlUrl") or "").strip()
        if not feed:
            continue
        title = (outline.get("title") or outline.get("text") or feed).strip()
        site = (outline.get("htmlUrl") or "").strip()
        try:
            check_http_url(feed)
            if site:
                check_http_url(site)
        except ValueError as exc:
            report.skipped.append(f"{title}: {exc}")
            continue
        keys = {url_key(feed)} | ({url_key(site)} if site else set())
        if keys & known:
            report.skipped.append(f"{title}: already in the list")
            continue
        known |= keys
        values = {"blog": title, "blog_url": site, "feed_url": feed,
                  "language": (outline.get("language") or "").strip()}
        new_rows.append([neutralise(values.get(column, "")) for column in header])   # opened in Excel
        report.added.append(title)
    if new_rows:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        if not existing_text:
            writer.writerow(header)
        writer.writerows(new_rows)
        prefix = "" if not existing_text or existing_text.endswith("\n") else "\n"
        list_file.parent.mkdir(parents=True, exist_ok=True)
        with open(list_file, "a", encoding="utf-8", newline="") as fh:
            fh.write(prefix + out.getvalue())
    return report
