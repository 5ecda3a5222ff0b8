"""Browser helper: choose a commune in the commune autocomplete (geo/tl-commune.js) with the keyboard only."""

from __future__ import annotations

import re

from tests.conftest import assert_accessible


def pick_commune(page, box, typed: str, *, option: str, position: int, count: int) -> None:
    """Type `typed` in the combobox `box`, wait for `count` options (one of them matching `option`), check the
    open list with axe-core, go down to the option at `position` (1 = first) and choose it with Enter."""
    box.press_sequentially(typed, delay=30)
    listbox = page.get_by_role("listbox", name="Communes proposées")
    listbox.get_by_role("option", name=re.compile(option)).wait_for()
    assert listbox.get_by_role("option").count() == count and box.get_attribute("aria-expanded") == "true"
    assert_accessible(page)
    for _ in range(position):
        box.press("ArrowDown")
    box.press("Enter")
    assert box.get_attribute("aria-expanded") == "false"
