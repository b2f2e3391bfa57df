"""axe-core in Chromium on every page type, in light and dark; keyboard reachability."""

from __future__ import annotations

import pytest

from tests.browser.pages import PAGE_TYPES

SEVERE = ("serious", "critical")


def axe_violations(page, axe_source: str) -> list[dict]:
    page.evaluate(axe_source)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
    }""")
    return [v for v in result if v["impact"] in SEVERE]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", sorted(PAGE_TYPES))
def test_no_serious_axe_violations(browser, server, axe_source, kind, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    page.goto(server + PAGE_TYPES[kind])
    violations = axe_violations(page, axe_source)
    context.close()
    assert violations == [], f"{kind} ({scheme}): {violations}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_bright_accent_keeps_text_contrast(browser, server, axe_source, scheme):
    """A newsroom with a pale brand colour (yellow) still gets readable links and buttons."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    page.goto(server + "/bright/2026-11-24-webcare-team/")
    assert page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()") == "#ffe14d"
    violations = axe_violations(page, axe_source)
    context.close()
    assert violations == [], violations


def focus_ring(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement, s = getComputedStyle(el);
        return {tag: el.tagName, text: (el.textContent || '').trim().slice(0, 40),
                href: el.getAttribute('href'), outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                shadow: s.boxShadow};
    }""")


@pytest.mark.parametrize("kind", sorted(PAGE_TYPES))
def test_every_interactive_element_reachable_by_tab_with_visible_focus(page, server, kind):
    page.goto(server + PAGE_TYPES[kind])
    wanted = page.evaluate("""() => Array.from(document.querySelectorAll(
        'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])'))
        .filter(el => !el.closest('[hidden]') && !el.closest('details:not([open]) > :not(summary)') && getComputedStyle(el).visibility !== 'hidden'
                      && el.getClientRects().length > 0 || el.classList.contains('skip'))
        .map((el, i) => { el.dataset.tabId = i; return i; })""")
    assert len(wanted) > 10
    reached, unfocused = set(), []
    for _ in range(len(wanted) + 5):
        page.keyboard.press("Tab")
        tab_id = page.evaluate("document.activeElement.dataset.tabId")
        if tab_id is None:
            continue
        reached.add(int(tab_id))
        ring = focus_ring(page)
        if not (ring["outline"] != "none" and ring["width"] >= 2) and ring["shadow"] == "none":
            unfocused.append(ring)
    assert reached == set(wanted), f"not reachable with Tab: {sorted(set(wanted) - reached)}"
    assert unfocused == [], f"focused without a visible focus indicator: {unfocused}"
