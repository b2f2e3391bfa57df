"""Pages, Markdown, feeds, sitemap, metadata, share links and labels: the site's text."""
