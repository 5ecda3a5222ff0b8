"""Colours of the atlas: white cluster numbers stay readable on every type colour (WCAG AA, 4.5:1)."""

import pytest

from tests.contrast import contrast
from tierslieux.places.views import TYPE_COLOURS


@pytest.mark.parametrize(("code", "colour"), sorted(TYPE_COLOURS.items()))
def test_cluster_colours_keep_white_text_readable(code, colour):
    assert contrast(colour, "#ffffff") >= 4.5, code


def test_contrast_helper():
    assert round(contrast("#009081", "#ffffff"), 2) == 3.96  # the colour the issue measured
    assert round(contrast("#000000", "#ffffff"), 0) == 21
