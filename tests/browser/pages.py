"""The page types every browser test visits, as paths under the served folder."""

RELEASE_NL = "/example/2026-11-24-webcare-team/"
RELEASE_EN = "/example/2026-11-24-webcare-team-en/"
INDEX = "/example/"
EMBARGO = "/preview/2026-12-01-bakschool/"
HOSTILE = "/hostile/hostile/"
HOSTILE_INDEX = "/hostile/"

PAGE_TYPES = {"release-nl": RELEASE_NL, "release-en": RELEASE_EN, "index": INDEX, "embargo": EMBARGO}
