"""Keyboard-only browser tests: what has focus, and Tab until something does."""

from __future__ import annotations


def focused(page) -> dict:
    """The focused element: id, aria-label, tag, text, name, value, and whether it is inside the atlas map."""
    return page.evaluate(
        """() => { const e = document.activeElement;
             return {id: e.id, label: e.getAttribute('aria-label') || '', tag: e.tagName,
                     text: (e.textContent || '').trim(), name: e.getAttribute('name') || '', value: e.value || '',
                     inMap: !!e.closest('#atlas-map')}; }"""
    )


def tab_until(page, predicate, limit: int = 80) -> dict:
    """Press Tab until `predicate(focused(page))` holds; fail after `limit` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        if predicate(state):
            return state
    raise AssertionError("the expected element never got focus")
