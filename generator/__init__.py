"""smr: social media releases from YAML press items."""

__version__ = "0.1.0"
