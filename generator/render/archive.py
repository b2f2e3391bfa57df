"""Which stories each list page holds: the front page of an index or a tag, its numbered
pages and the year archives.

Numbered pages count from the oldest story: page 1 holds the oldest `page_size`, page 2 the
next, and only full pages exist; the front page shows the newest `page_size` and leads to the
newest full page not wholly on it. So a page's address keeps its stories for good: a new
release changes the front page alone (and, once per `page_size` releases, the newest
numbered page, which gains a newer neighbour). A release taken down or dated into the past
moves the pages after it, as it must. Pure: no files, no templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PAGE_DIR = "page"
ARCHIVE_DIR = "archive"


@dataclass
class ListPage:
    """One list page: where it lives (relative to the site root, "" for the site's own
    index) and what it shows, newest first."""

    path: str                    # "", "en/", "page/3/", "tags/bakken/page/2/", "archive/2026/"
    items: list
    kind: str                    # "front", "page" or "year"
    base: str = ""               # the front page of its list
    number: int | None = None    # a numbered page's number
    year: int | None = None      # a year archive's year
    newer: str | None = None     # the path of the page of newer stories (rel=prev)
    older: str | None = None     # the path of the page of older stories (rel=next)
    years: list = field(default_factory=list)   # (year, path) of every year archive of its list

    @property
    def depth(self) -> int:
        return self.path.count("/")


def page_path(base: str, number: int) -> str:
    return f"{base}{PAGE_DIR}/{number}/"


def year_path(base: str, year: int) -> str:
    return f"{base}{ARCHIVE_DIR}/{year}/"


def paginate(base: str, items: list, size: int) -> list[ListPage]:
    """The front page at `base` and its numbered pages, for `items` newest first."""
    last = (len(items) - 1) // size if items else 0   # the newest full page not wholly on the front
    oldest_first = items[::-1]
    pages = [ListPage(base, items[:size], "front", base, older=page_path(base, last) if last else None)]
    for number in range(last, 0, -1):
        pages.append(ListPage(page_path(base, number), oldest_first[(number - 1) * size:number * size][::-1], "page",
                              base, number=number,
                              newer=page_path(base, number + 1) if number < last else base,
                              older=page_path(base, number - 1) if number > 1 else None))
    return pages


def year_archives(base: str, items: list) -> list[ListPage]:
    """One page per year of `items` (newest first), each listing that year's stories whole."""
    by_year: dict[int, list] = {}
    for item in items:
        by_year.setdefault(item.date.year, []).append(item)
    years = [(year, year_path(base, year)) for year in sorted(by_year, reverse=True)]
    return [ListPage(path, by_year[year], "year", base, year=year, years=years) for year, path in years]
