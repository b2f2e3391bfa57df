"""URL-safe names from titles and folder names."""

import re
import unicodedata


def slugify(text: str, max_length: int = 60) -> str:
    """'Brood & Co start een webcareteam' -> 'brood-co-start-een-webcareteam'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "release"
