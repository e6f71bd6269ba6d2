"""One colour per role, the same in every figure (Okabe-Ito, safe for colour-blind readers).

======================  ==========================  ====================================
role                    colour                      drawn as
======================  ==========================  ====================================
input ``X``             blue ``#0072B2``            white -> blue cells
padding                 grey ``#999999``            grey cells, hatched ``//``
receptive field         orange ``#E69F00``          thick outline of every tap read
output ``Z``            sky blue ``#56B4E9``        white -> sky-blue cells
kernel taps ``W``       reddish purple ``#CC79A7``  white -> purple cells, row block
negative values         bluish green ``#009E73``    green <- white -> role colour
                                                    (a signed array: centred on 0)
a difference            vermillion ``#D55E00``      thick outline (exercises' show_diff)
======================  ==========================  ====================================

Highlights are outlines only: a highlighted cell keeps the colour of its value, and the
value's text stays black or white, whichever reads better on that colour.

Okabe & Ito, "Color Universal Design" (2008); the colours stay distinct under the
common forms of colour blindness, and every role is also told apart by a second cue
(hatching for padding, thick outlines for the receptive field).
"""
from matplotlib.colors import LinearSegmentedColormap, to_rgb

INPUT = "#0072B2"
PADDING = "#999999"
RECEPTIVE_FIELD = "#E69F00"
OUTPUT = "#56B4E9"
KERNEL = "#CC79A7"
NEGATIVE = "#009E73"
DIFFERENCE = "#D55E00"
STALE = "#8c8c8c"
TEXT_DARK = "#000000"
TEXT_LIGHT = "#ffffff"

ROLES = {"input": INPUT, "padding": PADDING, "receptive_field": RECEPTIVE_FIELD,
         "output": OUTPUT, "kernel": KERNEL}

#: hatch pattern of padded cells
PAD_HATCH = "//"


def cmap(role):
    """A white -> role-colour colormap, so that bigger values are darker cells of that role."""
    return LinearSegmentedColormap.from_list(f"conv_teach_{role}", ["#ffffff", ROLES[role]])


def signed_cmap(role):
    """A diverging colormap for signed arrays: bluish green (negative) -> white (0) -> role colour.

    Use it with limits symmetric about 0 (``-m, m``) so that 0 is white and -1 looks as
    strong as +1.
    """
    return LinearSegmentedColormap.from_list(f"conv_teach_{role}_signed",
                                             [NEGATIVE, "#ffffff", ROLES[role]])


def text_color(rgb):
    """Black or white, whichever reads better on a cell of colour ``rgb`` (WCAG luminance)."""
    def lin(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(c) for c in to_rgb(rgb))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    # contrast with black (L + 0.05) / 0.05 against white 1.05 / (L + 0.05)
    return TEXT_DARK if (luminance + 0.05) ** 2 > 0.05 * 1.05 else TEXT_LIGHT
