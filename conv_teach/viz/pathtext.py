"""Text drawn as glyph outlines: one ``PathPatch`` per text, cheap to redraw.

Agg renders a ``matplotlib.text.Text`` glyph by glyph (layout, hinting, one bitmap per
glyph) on every canvas draw; for the titles and formula captions of a figure that is
most of a redraw's time. The same words as one filled path (``TextPath``, cached per
line) draw in a fraction of that, which keeps an app's update under 50 ms.
"""
from functools import lru_cache

import numpy as np
from matplotlib.font_manager import FontProperties
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D, ScaledTranslation

__all__ = ["PathText", "glyphs"]

_FONTS = {"sans": FontProperties(family="DejaVu Sans"),
          "mono": FontProperties(family="DejaVu Sans Mono")}
_EMPTY = Path(np.zeros((1, 2)))


@lru_cache(maxsize=8192)
def glyphs(line, size, font="sans"):
    """The outline of one line of text at ``size`` points, its baseline at y = 0."""
    return TextPath((0, 0), line, size=size, prop=_FONTS[font])


@lru_cache(maxsize=8192)
def centred_glyphs(label, size):
    """The outline of ``label`` centred on (0, 0) (for values written in cells)."""
    path = glyphs(label, size)
    (x0, y0), (x1, y1) = _box(path)
    return path.transformed(Affine2D().translate(-(x0 + x1) / 2, -(y0 + y1) / 2))


def _box(path):
    """Bounding box of the control points: close enough to centre text, and ~1000x
    faster than ``Path.get_extents`` (which solves every Bezier curve)."""
    v = path.vertices
    if not len(v):
        return (0.0, 0.0), (0.0, 0.0)
    return v.min(axis=0), v.max(axis=0)


class PathText:
    """A (multi-line) text at ``(x, y)`` in ``coords`` (e.g. ``ax.transAxes``, ``fig.transFigure``).

    Parameters
    ----------
    fig : Figure
    x, y : float
        Anchor point in ``coords``.
    coords : Transform
    size : float
        Font size in points.
    ha : {'left', 'center'}; va : {'bottom', 'top'}
    font : {'sans', 'mono'}
    offset : float
        Extra upward shift in points (e.g. a title's gap above its axes).

    Attributes
    ----------
    patch : matplotlib.patches.PathPatch
        The artist (add it to a figure or axes with ``add_artist``).
    """

    def __init__(self, fig, x, y, coords, size=9, ha="left", va="bottom", font="sans", offset=0.0,
                 color="black"):
        self.size, self.ha, self.va, self.font, self.offset = size, ha, va, font, offset
        points = Affine2D().scale(1 / 72) + fig.dpi_scale_trans + ScaledTranslation(x, y, coords)
        self.patch = PathPatch(_EMPTY, facecolor=color, edgecolor="none", linewidth=0,
                               transform=points, clip_on=False)
        self._text = ""

    def get_text(self):
        return self._text

    def set_color(self, color):
        self.patch.set_facecolor(color)

    def set_text(self, text):
        if text == self._text:
            return
        self._text = text
        lines = text.split("\n") if text else []
        step = 1.25 * self.size
        paths = []
        for k, line in enumerate(lines):
            path = glyphs(line, self.size, self.font)
            width = _box(path)[1][0] if line.strip() else 0.0
            dx = -width / 2 if self.ha == "center" else 0.0
            # va='bottom': the last line sits on the anchor; 'top': the first line hangs below it
            dy = (len(lines) - 1 - k) * step if self.va == "bottom" else -(k + 0.8) * step
            paths.append(path.transformed(Affine2D().translate(dx, dy + self.offset)))
        self.patch.set_path(Path.make_compound_path(*paths) if paths else _EMPTY)
