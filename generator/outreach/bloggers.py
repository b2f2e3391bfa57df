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
from generator.text import did_you_mean
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


def sniff_delimiter(header_line: str) -> str:
    """Dutch Excel saves CSV with ';'; a header tells which one the file uses."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def read_list(root: Path, path: Path) -> BloggerList:
    """Validate every row; the valid ones are returned, the rest become problems."""
    from generator.newsroom.loader import read_text
    from generator.newsroom.model import Blogger, validate
    from generator.newsroom.loader import Document

    root = root.resolve()
    shown = display_path(path, root)
    if not path.is_file():
        raise SmrError("blogger list not found; create it with the columns "
                       + ", ".join(COLUMNS), file=shown)
    text = read_text(path, shown)
    result = BloggerList(path=path, shown=shown)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text.split("\n", 1)[0]))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise SmrError("the file is empty; the first line must be the header", file=shown, line=1) from None
    except csv.Error as exc:
        raise SmrError(f"invalid CSV: {exc}", file=shown, line=1) from None
    for name in REQUIRED:
        if name not in header:
            raise SmrError(f"the header has no {name!r} column", file=shown, line=1, field=name)
    for position, name in enumerate(header):
        if name not in COLUMNS:
            close = did_you_mean(name, COLUMNS)
            hint = f" (did you mean {close!r}?)" if close else f"; known columns: {', '.join(COLUMNS)}"
            result.problems.append(Problem(shown, 1, name or f"column {position + 1}",
                                           "unknown column, its values are ignored" + hint))
        elif header.index(name) != position:
            raise SmrError(f"column {name!r} appears twice in the header", file=shown, line=1, field=name)
    seen: dict[str, int] = {}
    line = reader.line_num
    while True:
        start = line + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.problems.append(Problem(shown, start, "", f"invalid CSV: {exc}"))
            break
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            result.problems.append(Problem(shown, start, "", f"{len(values)} values but the header "
                                           f"has {len(header)} columns"))
            result.skipped += 1
            continue
        data = {k: v.strip() for k, v in zip(header, values) if k in COLUMNS and v.strip()}
        doc = Document(data=data, file=shown, lines={(): start})
        blogger, problems = validate(Blogger, doc, {})
        if problems:
            result.problems.extend(problems)
            result.skipped += 1
            continue
        key = blogger.email.casefold()
        if key in seen:
            result.problems.append(Problem(shown, start, "email",
                                           f"duplicate of line {seen[key]} (e-mail addresses are compared "
                                           "without case); this row is skipped"))
            result.skipped += 1
            continue
        seen[key] = start
        result.rows.append(Row(start, blogger))
    return result


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
