"""The base of every figure builder, and the small helpers they share.

A builder draws the arrays of one *scene* (:mod:`conv_teach.viz.scenes`) and redraws them
in place: ``update(**params)`` recomputes with the library (raising its error before any
artist is touched), refills the images, moves the rectangles and rewrites the texts.
Builders hold no widget state (the interactive path is :mod:`conv_teach.views`).
"""
import inspect

from . import palette
from .backend import new_figure
from .grid import Boxes, GridPanel
from .pathtext import PathText
from .scenes import scene2D

__all__ = ["FigureBuilder", "SEL", "title", "inside", "selection"]

SEL = palette.RECEPTIVE_FIELD


def title(name, shape, index=""):
    return f"{name} {tuple(shape)}" + (f"\n{index}" if index else "")


def inside(taps, pad_before, shape):
    """Taps (padded coordinates) that fall on real input pixels, in input coordinates."""
    t, l = pad_before
    return [(r - t, c - l) for r, c in taps if 0 <= r - t < shape[0] and 0 <= c - l < shape[1]]


def selection(ax):
    """Orange outlines for the taps of the selected cell (thick edge, no fill: the cells
    keep their value colours and readable text)."""
    return Boxes(ax, SEL, linewidth=2.5)


class FigureBuilder:
    """Base class: a figure, a status line (stale marker) and a caption (the formulas).

    Subclasses set ``scene_fn``, ``array_names``, ``figsize`` and implement ``_build()``
    (make the artists once) and ``draw(scene)`` (refill them).

    Attributes
    ----------
    fig : matplotlib.figure.Figure
    scene : dict
        The last scene drawn (see :mod:`conv_teach.viz.scenes`).
    arrays : dict of ndarray
        The drawn arrays under the library's names.
    params : dict
        The parameters of the last scene drawn.
    caption : PathText
        The output-size formula (and im2col memory cost) with the numbers put in.
    status : matplotlib.text.Text
        Empty, or ``"not updated: ..."`` while the picture is stale.
    """

    scene_fn = staticmethod(scene2D)
    array_names = ()
    figsize = (9, 3.4)

    def __init__(self, **params):
        self.fig = new_figure(self.figsize)
        self.status = self.fig.text(0.5, 0.995, "", ha="center", va="top", fontsize=9,
                                    color=palette.STALE, wrap=True)
        self.caption = PathText(self.fig, 0.01, 0.015, self.fig.transFigure, size=8, font="mono")
        self.fig.add_artist(self.caption.patch)
        self.panels = []
        self.params, self.scene, self.arrays, self.stale = {}, None, {}, ""
        self._build()
        self.update(**params)

    def panel(self, ax, role, matrix=False):
        p = GridPanel(ax, role, matrix)
        self.panels.append(p)
        return p

    def update(self, **params):
        """Recompute with ``params`` (merged into the current ones) and redraw in place.

        Raises the library's ValueError/TypeError, leaving the picture untouched, if the
        combination is invalid.
        """
        self.check_names(params)
        scene = self.scene_fn(**{**self.params, **params})
        self.draw(scene)
        self.scene, self.params = scene, scene["params"]
        self.arrays = {k: scene[k] for k in self.array_names}
        self.mark_stale("")
        return scene

    def check_names(self, params):
        """Raise a TypeError naming any parameter this figure does not have (a caller's bug,
        kept apart from the library's errors about values)."""
        known = inspect.signature(self.scene_fn).parameters
        unknown = sorted(set(params) - set(known))
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown parameter(s) {', '.join(unknown)}; "
                            f"known: {', '.join(known)}.")

    def _repr_png_(self):
        """Show the figure when a builder is the last value of a notebook cell."""
        import io
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=self.fig.dpi)
        return buf.getvalue()

    def mark_stale(self, reason):
        """Grey the picture out under "not updated: reason" (``""`` restores it)."""
        self.stale = reason
        self.status.set_text(f"not updated: {reason}" if reason else "")
        for p in self.panels:
            p.set_stale(bool(reason))
        self.caption.set_color(palette.STALE if reason else "black")

    def _build(self):
        raise NotImplementedError

    def draw(self, scene):
        raise NotImplementedError
