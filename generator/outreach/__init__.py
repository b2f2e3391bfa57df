"""Blogger outreach: the private list, their feeds, ranking, mail merge and coverage.

Everything here reads personal data (outreach/bloggers.csv, .smr-cache/feeds/); none of
it is ever written into _site/ or printed in full. Heavy imports stay inside functions.
"""
