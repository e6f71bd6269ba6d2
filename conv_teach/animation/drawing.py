"""The figure of one animation, drawn with the shared grid module (:mod:`conv_teach.viz.grid`).

Three panels in a row, each titled with its name and shape, rows and columns labelled
with their indices from 0, values written in every cell:

* the grid the kernel slides over (``X_pad``, or for a transposed convolution the
  zero-inserted, padded input), padding grey and hatched ``//``, inserted zeros grey and
  hatched ``..``; the taps of the current window outlined in orange, the whole dilated
  window dashed;
* the output ``Z`` (the library's numbers), filling in one cell per frame, the current cell
  outlined;
* optionally ``X_col`` (im2col of the grid), filling in column by column, the current
  column outlined.

Sizes are in points, so text is the same size in pixels at every output size:
:data:`FONT_PT` points are ``FONT_PT * dpi / 72`` pixels (14.4 px at the default 80 dpi).
Cells are :data:`CELL_INCHES` wide, or wider (and as tall) where the values have more
than three digits. Frames are drawn with matplotlib's Agg canvas (no
pyplot, no GUI backend) by moving the same artists from frame to frame; :class:`Animator`
exposes them so that tests can check what is drawn without looking at pixels.
"""
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..viz import palette
from ..viz.grid import DIGIT_EM, Boxes, GridPanel, hatched
from ..viz.pathtext import glyphs
from .plan import IM2COL_LIMIT, INPUT, PADDING, ZERO, taps, title

__all__ = ["Animator", "FONT_PT", "CELL_INCHES", "IM2COL_LIMIT", "ZERO_HATCH"]

#: font size of values, labels and titles, in points (14.4 px at 80 dpi)
FONT_PT = 13.0
#: side of one cell, in inches (40 px at 80 dpi)
CELL_INCHES = 0.5
#: hatch of the zeros a transposed convolution inserts between input cells
ZERO_HATCH = ".."

_PT = 1 / 72          # inches per point
_GAP = 22 * _PT       # between panels
_MARGIN = 10 * _PT    # around the figure


def _text_width_pt(line, size=FONT_PT):
    """Width of one line of text in points (from the glyph outlines)."""
    v = glyphs(line, size).vertices
    return float(v[:, 0].max() - v[:, 0].min()) if len(v) else 0.0


def _wrap(text, width_pt, size):
    """Split each line of ``text`` between words into lines no wider than ``width_pt``."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            trial = f"{line} {word}" if line else word
            if line and _text_width_pt(trial, size) > width_pt:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


class _Slot:
    """Where one panel goes, in inches: its labels, title and cells."""

    def __init__(self, rows, cols, title, row_labels, col_labels, values, col_rotation=0):
        self.rows, self.cols, self.title = rows, cols, title
        # cells grow (square) when the values have many digits, so the text keeps its size
        chars = max(len(f"{v:g}") for v in np.ravel(values))
        self.cell = max(CELL_INCHES, 1.02 * (DIGIT_EM * chars + 0.3) * FONT_PT / 0.9 * _PT)
        self.row_labels, self.col_labels, self.col_rotation = row_labels, col_labels, col_rotation
        self.label_w = (DIGIT_EM * FONT_PT * max(map(len, row_labels)) + 6) * _PT
        longest = max(map(len, col_labels))
        along = DIGIT_EM * FONT_PT * longest if col_rotation else 1.2 * FONT_PT
        self.head = (3 + along + 4 + 1.25 * FONT_PT * len(title.split("\n")) + 4) * _PT
        self.cells_w = cols * self.cell
        title_w = max(_text_width_pt(t) for t in title.split("\n")) * _PT
        self.width = self.label_w + max(self.cells_w, title_w)
        self.height = self.head + rows * self.cell


class Animator:
    """The figure of one animation and a ``draw(k)`` that shows frame ``k``.

    Parameters
    ----------
    pl : Plan
        From :func:`conv_teach.animation.plan.plan`.
    show_im2col : bool
        Add the ``X_col`` panel (when there are at most :data:`IM2COL_LIMIT` output cells).
    dpi : int

    Attributes
    ----------
    fig : matplotlib.figure.Figure
    grid, out, col : conv_teach.viz.grid.GridPanel
        The grid the kernel slides over (values ``pl.labels``), the output ``pl.Z`` and
        ``X_col`` (``pl.X_col``; None without the im2col panel). Cells of ``out`` and ``col``
        not computed yet are masked in ``image.get_array()`` and their values transparent.
    tap_patches : list of Rectangle
        One per kernel tap, its corner at grid ``(col, row)``; visible only on frames of an
        output cell.
    window : Rectangle
        The whole dilated window, dashed.
    current, col_current : Rectangle
        Outline of the current output cell, and of its ``X_col`` column.
    padding, zeros : conv_teach.viz.grid.Boxes
        The hatched padding cells and inserted zeros of the grid.
    col_hatched, col_zeros : conv_teach.viz.grid.Boxes
        The hatched ``X_col`` entries filled so far that copy padding (``//``) or an
        inserted zero (``..``).
    """

    def __init__(self, pl, show_im2col=False, dpi=80):
        self.pl, self.dpi = pl, dpi
        self.show_im2col = bool(show_im2col) and pl.out[0] * pl.out[1] <= IM2COL_LIMIT
        gr, gc = pl.kinds.shape
        orr, occ = pl.out
        fr, fc = pl.kernel
        fn = "conv2D_transpose" if pl.transposed else "conv2D"
        grid_title = (f"zero-inserted X, padded {(gr, gc)}\nkernel rotated 180\u00b0"
                      if pl.transposed else f"X_pad {(gr, gc)}")
        slots = [_Slot(gr, gc, grid_title, [str(r) for r in range(gr)], [str(c) for c in range(gc)],
                       pl.labels),
                 _Slot(orr, occ, f"Z = {fn}(X, W) {(orr, occ)}", [str(i) for i in range(orr)],
                       [str(j) for j in range(occ)], pl.Z)]
        if self.show_im2col:
            n_taps, n_out = pl.X_col.shape
            slots.append(_Slot(n_taps, n_out, f"X_col = im2col {(n_taps, n_out)}\nrows: tap (ki,kj)",
                               [f"{ki},{kj}" for ki in range(fr) for kj in range(fc)],
                               [f"{i},{j}" for i in range(orr) for j in range(occ)], pl.X_col,
                               col_rotation=90))
        width = 2 * _MARGIN + sum(s.width for s in slots) + _GAP * (len(slots) - 1)
        # the title breaks only between its parts ("stride 2", "dilation 0 -> output 3x3")
        head = (", ".join(part.replace(" ", "\u00a0") for part in title(pl).split(", ")) +
                "\nX = 1, 2, 3, ... row by row; W = ones, so each output is the sum of the "
                "numbers under its taps")
        self.head_lines = _wrap(head, (width - 2 * _MARGIN) / _PT, FONT_PT)
        head_h = (len(self.head_lines) * 1.3 * FONT_PT + 6) * _PT
        height = head_h + max(s.height for s in slots) + _MARGIN
        self.fig = Figure(figsize=(width, height), dpi=dpi)
        FigureCanvasAgg(self.fig)
        self.title = self.fig.text(0.5, 1 - 6 * _PT / height, "\n".join(self.head_lines),
                                   ha="center", va="top", fontsize=FONT_PT, linespacing=1.3)
        x = _MARGIN
        axes = []
        for s in slots:
            left = x + s.label_w + (s.width - s.label_w - s.cells_w) / 2
            top = height - head_h - s.head
            axes.append(self.fig.add_axes((left / width, (top - s.rows * s.cell) / height,
                                           s.cells_w / width, s.rows * s.cell / height)))
            x += s.width + _GAP
        self.slots = slots
        self.ax_grid, self.ax_out = axes[0], axes[1]
        self._draw_grid(slots[0])
        self._draw_output(slots[1])
        self.col = None
        if self.show_im2col:
            self.ax_col = axes[2]
            self._draw_im2col(slots[2])

    def _panel(self, ax, role, slot, values, hide=None, clim=None):
        panel = GridPanel(ax, role, corner=0, max_font=FONT_PT, title_size=FONT_PT)
        panel.show(values, slot.title, row_labels=slot.row_labels, col_labels=slot.col_labels,
                   col_rotation=slot.col_rotation, label_size=FONT_PT, hide=hide, clim=clim)
        return panel

    # --- static parts -------------------------------------------------------------
    def _draw_grid(self, slot):
        pl, ax = self.pl, self.ax_grid
        self.grid = self._panel(ax, "input", slot, pl.labels)
        self.padding = hatched(ax, corner=0)
        self.padding.set_cells(map(tuple, np.argwhere(pl.kinds == PADDING)))
        self.zeros = hatched(ax, hatch=ZERO_HATCH, corner=0)
        self.zeros.set_cells(map(tuple, np.argwhere(pl.kinds == ZERO)))
        (fr, fc), (dr, dc) = pl.kernel, pl.dilation
        self._window = Boxes(ax, palette.RECEPTIVE_FIELD, linewidth=1.5, linestyle="--", corner=0,
                             gid="window", zorder=4)
        self._window.set([(0, 0, (fr - 1) * (dr + 1) + 1, (fc - 1) * (dc + 1) + 1)])
        self.window = self._window.patches[0]
        self.taps = Boxes(ax, palette.RECEPTIVE_FIELD, linewidth=3.0, corner=0, gid="tap", zorder=5)
        self.taps.set_cells([(0, 0)] * (fr * fc))
        self.tap_patches = list(self.taps.patches)

    def _draw_output(self, slot):
        pl = self.pl
        self.out = self._panel(self.ax_out, "output", slot, pl.Z, hide=np.ones(pl.out, bool))
        self._current = Boxes(self.ax_out, palette.RECEPTIVE_FIELD, linewidth=3.0, corner=0,
                              gid="current", zorder=5)
        self._current.set_cells([(0, 0)])
        self.current = self._current.patches[0]

    def _draw_im2col(self, slot):
        pl, ax = self.pl, self.ax_col
        # the same colours as the grid: an entry looks like the cell it copies
        self.col = self._panel(ax, "input", slot, pl.X_col, hide=np.ones(pl.X_col.shape, bool),
                               clim=self.grid.image.get_clim())
        self.col_hatched = hatched(ax, corner=0)
        self.col_zeros = hatched(ax, hatch=ZERO_HATCH, corner=0)
        for boxes in (self.col_hatched, self.col_zeros):
            boxes.set_cells(np.ndindex(*pl.X_col.shape))    # the whole pool, made once
            boxes.hide()
        self._col_current = Boxes(ax, palette.RECEPTIVE_FIELD, linewidth=3.0, corner=0,
                                  gid="column", zorder=5)
        self._col_current.set([(0, 0, pl.X_col.shape[0], 1)])
        self.col_current = self._col_current.patches[0]
        # which X_col entries copy padding or an inserted zero (the grid cell each tap reads)
        cells = [(i, j) for i in range(pl.out[0]) for j in range(pl.out[1])]
        self._col_kind = np.array([[pl.kinds[rc] for rc in taps(pl, c)] for c in cells]).T

    # --- per frame ----------------------------------------------------------------
    def cells_done(self, k):
        """How many output cells frame ``k`` shows computed."""
        pl = self.pl
        cell = pl.frames[k]
        if cell is None:     # a hold frame: nothing at the start, everything at the end
            return 0 if k < pl.hold else pl.out[0] * pl.out[1]
        return cell[0] * pl.out[1] + cell[1] + 1

    def draw(self, k):
        """Show frame ``k`` (moves artists, fills values in; does not render)."""
        pl = self.pl
        cell = pl.frames[k]
        done = self.cells_done(k)
        hide = np.arange(pl.out[0] * pl.out[1]).reshape(pl.out) >= done
        self.out.set_hidden(hide)
        show = cell is not None
        for p in [self.window, self.current] + self.tap_patches:
            p.set_visible(show)
        if show:
            rc = taps(pl, cell)
            self.window.set_xy((rc[0][1], rc[0][0]))
            for p, (r, c) in zip(self.tap_patches, rc):
                p.set_xy((c, r))
            self.current.set_xy((cell[1], cell[0]))
        if self.col is not None:
            self.col.set_hidden(np.broadcast_to(hide.ravel()[None, :], pl.X_col.shape))
            filled = ~hide.ravel()[None, :]
            self.col_hatched.set_cells(map(tuple, np.argwhere((self._col_kind == PADDING) & filled)))
            self.col_zeros.set_cells(map(tuple, np.argwhere((self._col_kind == ZERO) & filled)))
            self.col_current.set_visible(show)
            if show:
                self.col_current.set_xy((done - 1, 0))

    def _moving(self):
        """The artists that change from frame to frame, in drawing (z) order."""
        moving = [self.out.image, self.out.grid, self.out.values]
        if self.col is not None:
            moving += [self.col.image, self.col.grid] + self.col_hatched._pool + self.col_zeros._pool
            moving += [self.col.values]
        moving += [self.window] + self.tap_patches + [self.current]
        if self.col is not None:
            moving.append(self.col_current)
        return moving

    def render_rgb(self, k):
        """Frame ``k`` as an RGB uint8 array of shape (height, width, 3).

        The still parts (grid, hatching, titles, labels) are rendered once and kept as a
        background; each frame restores it and draws only the artists that move (blitting).
        """
        self.draw(k)
        canvas = self.fig.canvas
        if getattr(self, "_background", None) is None:
            moving = self._moving()
            for a in moving:                  # a full draw without them gives the background
                a.set_animated(True)
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            for a in moving:
                a.set_animated(False)
        canvas.restore_region(self._background)
        for a in self._moving():
            if a.get_visible():
                a.axes.draw_artist(a)
        return np.asarray(canvas.buffer_rgba())[:, :, :3].copy()

    def render_rgb_full(self, k):
        """Frame ``k`` drawn from scratch (no blitting); the reference for :meth:`render_rgb`."""
        self.draw(k)
        self.fig.canvas.draw()
        return np.asarray(self.fig.canvas.buffer_rgba())[:, :, :3].copy()

    @property
    def size(self):
        """(width, height) in pixels."""
        w, h = self.fig.canvas.get_width_height()
        return int(w), int(h)
