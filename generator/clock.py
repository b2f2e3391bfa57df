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
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def is_public(draft: bool, embargo: dt.datetime | None, at: dt.datetime) -> bool:
    """Anyone may see a release at `at`: it is finished (not a draft) and past its embargo.
    Light on purpose: a no-op build decides with it from what the last build kept."""
    return not draft and (embargo is None or embargo <= at)
