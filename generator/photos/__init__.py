"""Originals to web renditions, the social card and the media kit; cached by content."""
