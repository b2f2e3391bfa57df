"""`smr import`: an approved Word document becomes a draft release folder.

`word.py` opens the .docx (refusing what is not one in words), `markdown.py` turns mammoth's
HTML into the release's Markdown and text, `shape.py` finds the release's fields in it, and
`release.py` writes the folder and says what is left to fill in. A stage of its own beside
publish and outreach: it reads the newsroom and checks photos as a build would.
"""
