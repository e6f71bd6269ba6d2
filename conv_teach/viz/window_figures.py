"""Sliding-window figures: padding (``X -> X_pad -> Z``) and stride/dilation (``dilate(W)``)."""
import numpy as np

from . import palette
from .builder import SEL, FigureBuilder, inside, selection, title
from .formulas import out_lines_2D
from .grid import Boxes, PadBands, hatched

__all__ = ["PaddingFigure", "DilationFigure"]


class PaddingFigure(FigureBuilder):
    """``X`` -> ``X_pad`` (padding hatched, receptive field of the cell) -> ``Z = conv2D(...)``.

    Parameters: those of :func:`conv_teach.viz.scenes.scene2D` (one example, one channel
    is drawn: ``[0, :, :, 0]``).

    Attributes
    ----------
    x, x_pad, z : GridPanel
        ``x.image.get_array()`` is ``X[0, :, :, 0]``, ``x_pad``'s is ``X_pad[0, :, :, 0]``,
        ``z``'s is ``Z[0, :, :, 0]``.
    pad_bands : PadBands
    taps : Boxes
        One box per kernel tap of the selected cell, at its padded (row, col).
    window : Boxes
        Dashed outline of the whole (dilated) window.
    x_taps : Boxes
        The taps that land on real pixels, drawn on ``X``.
    cell : Boxes
        The selected output cell on ``Z``.
    """

    array_names = ("X", "W", "X_pad", "Z")

    def _build(self):
        gs = self.fig.add_gridspec(1, 3, left=0.02, right=0.98, top=0.84, bottom=0.2, wspace=0.12)
        ax = [self.fig.add_subplot(gs[0, k]) for k in range(3)]
        self.x = self._first_panel(ax[0])
        self.x_pad = self.panel(ax[1], "input")
        self.pad_bands = PadBands(ax[1])
        self.window = Boxes(ax[1], SEL, linewidth=1.2, linestyle="--")
        self.taps = selection(ax[1])
        self.z = self.panel(ax[2], "output")
        self.cell = selection(ax[2])

    def _first_panel(self, ax):
        panel = self.panel(ax, "input")
        self.x_taps = selection(ax)
        return panel

    def draw(self, s):
        X, X_pad, Z = s["X"], s["X_pad"], s["Z"]
        self._draw_first(s)
        self.x_pad.show(X_pad[0, :, :, 0], title("X_pad", X_pad.shape, "[0, :, :, 0]  pad " + str(s["pad"])))
        self.pad_bands.set(X_pad.shape[1:3], s["pad"])
        self.taps.set_cells(s["taps"])
        (r0, c0), (er, ec) = s["taps"][0], s["eff"]
        self.window.set([(r0, c0, er, ec)])
        self.z.show(Z[0, :, :, 0], title("Z = conv2D(X, W)", Z.shape, "[0, :, :, 0]"))
        self.cell.set_cells([s["cell"]])
        self.caption.set_text("\n".join(out_lines_2D(s)))

    def _draw_first(self, s):
        X = s["X"]
        self.x.show(X[0, :, :, 0], title("X", X.shape, "[0, :, :, 0]"))
        self.x_taps.set_cells(inside(s["taps"], (s["pad"][0], s["pad"][2]), X.shape[1:3]))


class DilationFigure(PaddingFigure):
    """The dilated kernel, then ``X_pad`` with the taps of the cell (gaps visible), then ``Z``.

    Attributes
    ----------
    w_dil : GridPanel
        ``dilate(W)`` for kernel 0, channel 0: the inserted zeros are the gaps.
    w_taps : Boxes
        The real taps in ``w_dil`` (every ``dilation + 1``-th row and column).
    w_gaps : Boxes
        The inserted zeros, grey and hatched like padding.
    x_pad, z, pad_bands, taps, window, cell
        As in :class:`PaddingFigure`.
    """

    array_names = ("X", "W", "W_dil", "X_pad", "Z")

    def _first_panel(self, ax):
        panel = self.panel(ax, "kernel")
        self.w_dil = panel
        # the inserted zeros look like padding: grey and hatched
        self.w_gaps = hatched(ax)
        self.w_taps = Boxes(ax, palette.KERNEL, linewidth=2.0)
        return panel

    def _draw_first(self, s):
        W_dil, d = s["W_dil"], s["params"]["dilation"]
        fr, fc = s["W"].shape[:2]
        self.w_dil.show(W_dil, title("dilate(W)", W_dil.shape, f"W[:, :, 0, 0], dilation={d}"))
        taps = [(ki * (d + 1), kj * (d + 1)) for ki in range(fr) for kj in range(fc)]
        self.w_taps.set_cells(taps)
        self.w_gaps.set_cells(sorted(set(np.ndindex(*W_dil.shape)) - set(taps)))
