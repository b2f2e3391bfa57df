"""The one clock: every embargo decision asks this module what time it is, and `is_public`
is the one rule of what "public" means."""

from __future__ import annotations

import datetime as dt
import os

from generator.errors import SmrError


def now(value: str | None = None) -> dt.datetime:
    """`value` (from --now), else $SMR_NOW, else the system clock; always timezone-aware."""
    value = value or os.environ.get("SMR_NOW")
    if not value:
        return dt.datetime.now(dt.timezone.utc)
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise SmrError(f"--now {value!r}: use a date-time such as 2026-11-25T10:00+01:00") from None
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
    if not FIRST <= parsed <= LAST:
        raise SmrError(f"--now {value!r}: give a date-time between the years {FIRST.year} and {LAST.year}, "
                       "such as 2026-11-25T10:00+01:00")
    return parsed


# What "now" may be: far enough from the ends of the calendar a computer counts (years 1 to
# 9999) that every step from it (two days back for the news sitemap, into any time zone)
# stays on it; a --now outside is refused in words, by check and build alike.
FIRST = dt.datetime(1000, 1, 1, tzinfo=dt.timezone.utc)
LAST = dt.datetime(9998, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc)


def is_public(draft: bool, embargo: dt.datetime | None, at: dt.datetime) -> bool:
    """Anyone may see a release at `at`: it is finished (not a draft) and past its embargo.
    Light on purpose: a no-op build decides with it from what the last build kept."""
    return not draft and (embargo is None or embargo <= at)
