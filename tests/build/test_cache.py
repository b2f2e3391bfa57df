"""The validated-release cache: faster, and never stale."""

from __future__ import annotations

import os

from generator.newsroom.site import load_site


def test_cached_release_is_revalidated_when_its_folder_changes(newsroom, now):
    newsroom.release("a", "title: Eerste\ndate: 2026-11-20\nsummary: S.\n"
                          "images:\n  - file: images/photo.jpg\n    alt: Foto\n")
    newsroom.photo("a")
    assert load_site(newsroom.root, now).items[0].release.title == "Eerste"
    assert (newsroom.root / ".smr-cache" / "items.pickle").is_file()

    newsroom.release("a", "title: Tweede\ndate: 2026-11-20\nsummary: S.\n"
                          "images:\n  - file: images/photo.jpg\n    alt: Foto\n")
    assert load_site(newsroom.root, now).items[0].release.title == "Tweede"

    os.remove(newsroom.root / "releases/a/images/photo.jpg")
    result = newsroom.run("check")
    assert result.exit_code == 1
    assert "images[0].file: file not found: images/photo.jpg" in result.output


def test_translation_target_removed_after_caching(newsroom, now):
    newsroom.release("nieuws", "title: N\ndate: 2026-11-20\nsummary: S.\ntranslations: [../news]\n")
    newsroom.release("news", "title: E\ndate: 2026-11-20\nsummary: S.\ntranslations: [../nieuws]\n")
    assert newsroom.run("check").exit_code == 0
    os.remove(newsroom.root / "releases/news/release.yaml")
    result = newsroom.run("check")
    assert result.exit_code == 1
    assert "releases/nieuws/release.yaml:4: translations: '../news': no release.yaml there" in result.output


def test_newsroom_change_invalidates_cached_dates(newsroom, now):
    newsroom.release("a", "title: A\ndate: 2026-07-01 09:00:00\nsummary: S.\n")
    assert load_site(newsroom.root, now).items[0].date.utcoffset().total_seconds() == 7200
    text = (newsroom.root / "newsroom.yaml").read_text().replace("Europe/Amsterdam", "UTC")
    newsroom.write("newsroom.yaml", text)
    assert load_site(newsroom.root, now).items[0].date.utcoffset().total_seconds() == 0


def test_corrupt_cache_is_ignored(newsroom, now):
    newsroom.release("a")
    load_site(newsroom.root, now)
    (newsroom.root / ".smr-cache" / "items.pickle").write_bytes(b"garbage")
    assert load_site(newsroom.root, now).items[0].slug == "a"


def test_items_are_cached_one_by_one_and_a_damaged_entry_is_a_miss(newsroom, now):
    import pickle

    from generator.store import PackedStore, PickleStore

    newsroom.release("a", "title: Eerste\ndate: 2026-11-20\nsummary: S.\n")
    newsroom.release("b", "title: Tweede\ndate: 2026-11-21\nsummary: S.\n")
    load_site(newsroom.root, now)
    raw = PickleStore(newsroom.root, "items", "ignored-key")
    with open(raw.path, "rb") as f:
        key, data = pickle.load(f)
    assert set(data) == {"a", "b"} and all(isinstance(packed, bytes) for _, packed in data.values())
    data["a"] = (data["a"][0], b"not a pickle")
    with open(raw.path, "wb") as f:
        pickle.dump((key, data), f)
    site = load_site(newsroom.root, now)
    assert [i.release.title for i in site.items] == ["Tweede", "Eerste"]
    store = PackedStore(newsroom.root, "items", key[1])
    assert store.get("a", data["a"][0]).release.title == "Eerste", "the damaged entry was validated again"


def test_cached_item_still_knows_its_lines(newsroom, now):
    newsroom.release("a", "title: Eerste\ndate: 2026-11-20\n\nsummary: S.\nquotes:\n  - text: Mooi.\n    by: Anna\n")
    first = load_site(newsroom.root, now).items[0]
    cached = load_site(newsroom.root, now).items[0]
    assert isinstance(cached.lines, bytes), "read from the cache, line map still packed"
    assert cached.line_of("summary") == first.line_of("summary") == 4
    assert cached.line_of("quotes", 0, "by") == 7


def test_a_cached_release_is_unpacked_only_when_its_page_is_rendered(newsroom, now, monkeypatch):
    from generator.newsroom.site import Item

    for day in (20, 21, 22):
        newsroom.release(f"r{day}", f"title: Nummer {day}\ndate: 2026-11-{day}\nsummary: S.\ntags: [t{day}]\n"
                                    "body: Tekst.\n")
    assert newsroom.run("build", "--now", "2026-11-25T10:00+01:00").exit_code == 0
    cached = load_site(newsroom.root, now).items
    assert all("_packed" in vars(i) for i in cached), "lists read only what the item keeps unpacked"
    assert [(i.title, i.tags, i.date.day) for i in cached] == [(f"Nummer {d}", (f"t{d}",), d) for d in (22, 21, 20)]
    assert cached[0].release.summary == "S." and cached[0].body == "Tekst." and cached[0].coverage == []
    assert "_packed" not in vars(cached[0])

    unpacked = []
    original = Item.__getattr__

    def spy(self, name):
        if "_packed" in vars(self):
            unpacked.append(self.slug)
        return original(self, name)

    monkeypatch.setattr(Item, "__getattr__", spy)
    newsroom.release("r21", "title: Nummer 21, verbeterd\ndate: 2026-11-21\nsummary: S.\ntags: [t21]\n")
    assert newsroom.run("build", "--now", "2026-11-25T10:00+01:00").exit_code == 0
    assert unpacked == ["r21"]
    assert "Nummer 21, verbeterd" in (newsroom.site / "index.html").read_text("utf-8")
