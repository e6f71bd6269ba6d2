"""Figure builders: each draws the arrays of one scene and redraws them in place.

A builder is a small class::

    fig = Im2colFigure(in_rows=5, pad=1, out_row=1, out_col=2)
    fig.fig                      # the matplotlib Figure
    fig.update(stride=2)         # recompute with the library, move/refill the artists
    fig.arrays["X_col"]          # what is drawn now, under the library's names
    fig.x_col.image.get_array()  # ... read back from the artist itself

``update`` first asks :mod:`conv_teach.viz.scenes` for the arrays (which raises the
library's error for a bad combination, before anything is touched), then refills the
existing images (``set_data``), moves the existing rectangles (``set_bounds``) and
rewrites the existing texts, so a redraw costs one canvas draw. Builders hold no widget
state; :mod:`conv_teach.widgets` drives them.

Colours (see :mod:`conv_teach.viz.palette`): input blue, padding grey hatched, the
selected output cell and everything it reads orange, output sky blue, kernels purple.
"""
import inspect

import numpy as np

from . import palette
from .backend import new_figure
from .formulas import column_line, memory_line, out_line_1D, out_lines_2D
from .panels import Boxes, GridPanel, PadBands
from .pathtext import PathText
from .scenes import scene1D, scene2D, scene_col2im

__all__ = ["FigureBuilder", "PaddingFigure", "DilationFigure", "Im2colFigure", "GemmFigure",
           "Conv1DFigure", "Col2imFigure"]

SEL = palette.RECEPTIVE_FIELD


def _title(name, shape, index=""):
    return f"{name} {tuple(shape)}" + (f"\n{index}" if index else "")


def _inside(taps, pad_before, shape):
    """Taps (padded coordinates) that fall on real input pixels, in input coordinates."""
    t, l = pad_before
    return [(r - t, c - l) for r, c in taps if 0 <= r - t < shape[0] and 0 <= c - l < shape[1]]


def _selection(ax):
    """Orange boxes for the taps of the selected cell (filled lightly, thick edge)."""
    return Boxes(ax, SEL, linewidth=2.5, fill_alpha=0.2)


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
        self.taps = _selection(ax[1])
        self.z = self.panel(ax[2], "output")
        self.cell = _selection(ax[2])

    def _first_panel(self, ax):
        panel = self.panel(ax, "input")
        self.x_taps = _selection(ax)
        return panel

    def draw(self, s):
        X, X_pad, Z = s["X"], s["X_pad"], s["Z"]
        self._draw_first(s)
        self.x_pad.show(X_pad[0, :, :, 0], _title("X_pad", X_pad.shape, "[0, :, :, 0]  pad " + str(s["pad"])))
        self.pad_bands.set(X_pad.shape[1:3], s["pad"])
        self.taps.set_cells(s["taps"])
        (r0, c0), (er, ec) = s["taps"][0], s["eff"]
        self.window.set([(r0, c0, er, ec)])
        self.z.show(Z[0, :, :, 0], _title("Z = conv2D(X, W)", Z.shape, "[0, :, :, 0]"))
        self.cell.set_cells([s["cell"]])
        self.caption.set_text("\n".join(out_lines_2D(s)))

    def _draw_first(self, s):
        X = s["X"]
        self.x.show(X[0, :, :, 0], _title("X", X.shape, "[0, :, :, 0]"))
        self.x_taps.set_cells(_inside(s["taps"], (s["pad"][0], s["pad"][2]), X.shape[1:3]))


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
        self.w_gaps = Boxes(ax, palette.PADDING, linewidth=0, fill_alpha=0.35, zorder=1,
                            hatch=palette.PAD_HATCH)
        self.w_taps = Boxes(ax, palette.KERNEL, linewidth=2.0)
        return panel

    def _draw_first(self, s):
        W_dil, d = s["W_dil"], s["params"]["dilation"]
        fr, fc = s["W"].shape[:2]
        self.w_dil.show(W_dil, _title("dilate(W)", W_dil.shape, f"W[:, :, 0, 0], dilation={d}"))
        taps = [(ki * (d + 1), kj * (d + 1)) for ki in range(fr) for kj in range(fc)]
        self.w_taps.set_cells(taps)
        self.w_gaps.set_cells(sorted(set(np.ndindex(*W_dil.shape)) - set(taps)))


class Im2colFigure(FigureBuilder):
    """Each channel of ``X_pad[n]`` with the taps of the cell, above ``X_col = im2col(X)``.

    Attributes
    ----------
    x_pad : list of 3 GridPanel
        ``x_pad[c].image.get_array()`` is ``X_pad[n, :, :, c]`` (only ``in_ch`` are visible).
    pad_bands, taps : list of 3 PadBands / Boxes
        Per channel.
    x_col : GridPanel
        The whole ``X_col``.
    column : Boxes
        The column of the selected cell and example.
    channel_blocks : Boxes
        Thin outlines of the row block of each channel.
    """

    array_names = ("X", "W", "X_pad", "X_col")
    figsize = (9, 5.2)
    max_channels = 3

    def _build(self):
        gs = self.fig.add_gridspec(2, self.max_channels, left=0.02, right=0.98, top=0.9, bottom=0.17,
                                   hspace=0.35, wspace=0.1, height_ratios=[1, 1])
        axes = [self.fig.add_subplot(gs[0, c]) for c in range(self.max_channels)]
        self.x_pad = [self.panel(a, "input") for a in axes]
        self.pad_bands = [PadBands(a) for a in axes]
        self.window = [Boxes(a, SEL, linewidth=1.2, linestyle="--") for a in axes]
        self.taps = [_selection(a) for a in axes]
        ax = self.fig.add_subplot(gs[1, :])
        self.x_col = self.panel(ax, "input", matrix=True)
        self.channel_blocks = Boxes(ax, "black", linewidth=0.8, zorder=2)
        self.column = Boxes(ax, SEL, linewidth=3)

    def draw(self, s):
        X_pad, X_col, n = s["X_pad"], s["X_col"], s["example"]
        ch = X_pad.shape[3]
        (r0, c0), (er, ec) = s["taps"][0], s["eff"]
        for c in range(self.max_channels):
            self.x_pad[c].ax.set_visible(c < ch)
            if c < ch:
                self.x_pad[c].show(X_pad[n, :, :, c], _title("X_pad", X_pad.shape, f"[{n}, :, :, {c}]"))
                self.pad_bands[c].set(X_pad.shape[1:3], s["pad"])
                self.taps[c].set_cells(s["taps"])
                self.window[c].set([(r0, c0, er, ec)])
        self.x_col.show(X_col, _title("X_col = im2col(X)", X_col.shape,
                                      "rows: channel, then tap (ki, kj); columns: (i*out_cols + j)*n_ex + n"))
        k = X_col.shape[0] // ch
        self.channel_blocks.set((c * k, 0, k, X_col.shape[1]) for c in range(ch))
        self.column.set([(0, s["column"], X_col.shape[0], 1)])
        self.caption.set_text("\n".join(out_lines_2D(s) + [column_line(s),
                                                           memory_line(s["X"].shape, X_col.shape)]))


class GemmFigure(FigureBuilder):
    """Convolution as one matrix multiply: ``W_col @ X_col = Z_col``, reshaped into ``Z``.

    Attributes
    ----------
    w_col, x_col, z_col : GridPanel
        ``W_col (out_ch, in_ch*fr*fc)``, ``X_col``, ``Z_col = W_col @ X_col (out_ch, N)``.
    z : GridPanel
        ``Z[n, :, :, 0]`` from :func:`conv_teach.conv2D`.
    w_block, column, z_column, cell : Boxes
        The W_col row block (all kernels), the X_col column and the Z_col column of the
        selected cell and example, and the cell itself in ``Z``.
    """

    array_names = ("X", "W", "X_col", "W_col", "Z_col", "Z")
    figsize = (9, 4.8)

    def _build(self):
        # X_col above Z_col (same columns), W_col left of Z_col (same rows)
        gs = self.fig.add_gridspec(2, 2, left=0.02, right=0.98, top=0.9, bottom=0.2, hspace=0.3,
                                   wspace=0.06, width_ratios=[1, 2.4], height_ratios=[1.7, 1])
        a = {k: self.fig.add_subplot(gs[k]) for k in [(0, 0), (0, 1), (1, 0), (1, 1)]}
        self.z = self.panel(a[0, 0], "output")
        self.x_col = self.panel(a[0, 1], "input", matrix=True)
        self.w_col = self.panel(a[1, 0], "kernel", matrix=True)
        self.z_col = self.panel(a[1, 1], "output", matrix=True)
        self.w_block = Boxes(self.w_col.ax, palette.KERNEL, linewidth=3)
        self.column = Boxes(self.x_col.ax, SEL, linewidth=3)
        self.z_column = Boxes(self.z_col.ax, SEL, linewidth=3)
        self.cell = _selection(self.z.ax)

    def draw(self, s):
        W_col, X_col, Z_col, Z, n = s["W_col"], s["X_col"], s["Z_col"], s["Z"], s["example"]
        self.w_col.show(W_col, _title("W_col", W_col.shape, "one row per kernel"))
        self.x_col.show(X_col, _title("X_col = im2col(X)", X_col.shape))
        self.z_col.show(Z_col, _title("Z_col = W_col @ X_col", Z_col.shape))
        self.z.show(Z[n, :, :, 0], _title("Z = conv2D(X, W)", Z.shape, f"[{n}, :, :, 0]"))
        self.w_block.set([(0, 0, W_col.shape[0], W_col.shape[1])])
        self.column.set([(0, s["column"], X_col.shape[0], 1)])
        self.z_column.set([(0, s["column"], Z_col.shape[0], 1)])
        self.cell.set_cells([s["cell"]])
        self.caption.set_text("\n".join(out_lines_2D(s) + [
            column_line(s),
            "Z = Z_col.reshape(out_ch, out_rows, out_cols, n_ex).transpose(3, 1, 2, 0)"]))


class Conv1DFigure(FigureBuilder):
    """conv1D as conv2D on one row: ``X_pad`` (channels as rows), ``W``, ``X_col``, ``Z``.

    Parameters: those of :func:`conv_teach.viz.scenes.scene1D`.

    Attributes
    ----------
    x_pad : GridPanel
        ``X_pad[0].T`` (in_ch x padded length).
    w : GridPanel
        ``W[:, :, 0].T`` (in_ch x fw).
    x_col : GridPanel
        ``im2col`` of the one-row image, ``(in_ch*fw, l_out)``.
    z : GridPanel
        ``Z[0].T`` (1 x l_out) from :func:`conv_teach.conv1D`.
    pad_bands, taps, window : on ``x_pad``; column : on ``x_col``; cell : on ``z``.
    """

    scene_fn = staticmethod(scene1D)
    array_names = ("X", "W", "X_pad", "X_col", "W_col", "Z")
    figsize = (9, 4.4)

    def _build(self):
        gs = self.fig.add_gridspec(3, 2, left=0.02, right=0.98, top=0.9, bottom=0.14, hspace=0.6,
                                   wspace=0.08, width_ratios=[3, 1], height_ratios=[1, 1.6, 1])
        ax_pad, ax_w = self.fig.add_subplot(gs[0, 0]), self.fig.add_subplot(gs[0, 1])
        ax_col, ax_z = self.fig.add_subplot(gs[1, 0]), self.fig.add_subplot(gs[2, 0])
        self.x_pad, self.w = self.panel(ax_pad, "input"), self.panel(ax_w, "kernel")
        self.x_col, self.z = self.panel(ax_col, "input", matrix=True), self.panel(ax_z, "output")
        self.pad_bands = PadBands(ax_pad)
        self.window = Boxes(ax_pad, SEL, linewidth=1.2, linestyle="--")
        self.taps = _selection(ax_pad)
        self.column = Boxes(ax_col, SEL, linewidth=3)
        self.cell = _selection(ax_z)

    def draw(self, s):
        X_pad, W, X_col, Z, t = s["X_pad"], s["W"], s["X_col"], s["Z"], s["pos"]
        ch = X_pad.shape[2]
        self.x_pad.show(X_pad[0].T, _title("X_pad", X_pad.shape, f"[0].T (channels as rows)  pad {s['pad']}"))
        self.pad_bands.set((ch, X_pad.shape[1]), (0, 0) + tuple(s["pad"]))
        self.taps.set((0, c, ch, 1) for c in s["taps"])
        self.window.set([(0, s["taps"][0], ch, s["eff"])])
        self.w.show(W[:, :, 0].T, _title("W", W.shape, "[:, :, 0].T"))
        self.x_col.show(X_col, _title("X_col = im2col(X[:, None])", X_col.shape, "conv1D is conv2D on one row"))
        self.column.set([(0, t, X_col.shape[0], 1)])
        self.z.show(Z[0].T, _title("Z = conv1D(X, W)", Z.shape, "[0].T"))
        self.cell.set_cells([(0, t)])
        self.caption.set_text(out_line_1D(s))


class Col2imFigure(FigureBuilder):
    """The backward pass: how many windows read each pixel, and ``dX = col2im(W_col.T @ dZ_col)``.

    Parameters: those of :func:`conv_teach.viz.scenes.scene_col2im`.

    Attributes
    ----------
    counts : GridPanel
        ``col2im(ones like X_col)[0, :, :, 0]``.
    dz : GridPanel
        ``dZ[0, :, :, 0]``, the upstream gradient.
    dx_col : GridPanel
        ``dX_col = W_col.T @ dZ_col``.
    dx : GridPanel
        ``col2im(dX_col)[0, :, :, 0]``.
    counts_taps, dx_taps : Boxes
        The pixels the selected window adds into (taps on real pixels).
    cell, column : Boxes
        The selected cell in ``dZ``, its column in ``dX_col``.
    """

    scene_fn = staticmethod(scene_col2im)
    array_names = ("X", "W", "W_col", "X_col", "counts", "dZ", "dX_col", "dX")
    figsize = (9, 5.0)

    def _build(self):
        gs = self.fig.add_gridspec(2, 3, left=0.02, right=0.98, top=0.9, bottom=0.12, hspace=0.45,
                                   wspace=0.1)
        ax_n, ax_dz, ax_dx = (self.fig.add_subplot(gs[0, k]) for k in range(3))
        ax_col = self.fig.add_subplot(gs[1, :])
        self.counts, self.dz = self.panel(ax_n, "input"), self.panel(ax_dz, "output")
        self.dx, self.dx_col = self.panel(ax_dx, "input"), self.panel(ax_col, "input", matrix=True)
        self.counts_taps, self.dx_taps = _selection(ax_n), _selection(ax_dx)
        self.cell = _selection(ax_dz)
        self.column = Boxes(ax_col, SEL, linewidth=3)

    def draw(self, s):
        counts, dZ, dX_col, dX = s["counts"], s["dZ"], s["dX_col"], s["dX"]
        inside = _inside(s["taps"], (s["pad"][0], s["pad"][2]), dX.shape[1:3])
        self.counts.show(counts[0, :, :, 0], _title("col2im(ones)", counts.shape, "windows reading each pixel"))
        self.counts_taps.set_cells(inside)
        self.dz.show(dZ[0, :, :, 0], _title("dZ", dZ.shape, "[0, :, :, 0]"))
        self.cell.set_cells([s["cell"]])
        self.dx.show(dX[0, :, :, 0], _title("dX = col2im(dX_col)", dX.shape, "[0, :, :, 0]"))
        self.dx_taps.set_cells(inside)
        self.dx_col.show(dX_col, _title("dX_col = W_col.T @ dZ_col", dX_col.shape))
        self.column.set([(0, s["column"], dX_col.shape[0], 1)])
        self.caption.set_text("\n".join(out_lines_2D(s) + [
            "each column of dX_col is added back onto the pixels its window read"]))
