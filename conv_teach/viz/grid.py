"""The one drawing module for grids of cells: every static figure, app and animation uses it.

* :class:`GridPanel` -- one 2D array as coloured cells (an ``AxesImage`` whose data *are*
  the array) with the values written in, titled with its name and shape, optionally with
  row and column labels (indices from 0, or any strings). Non-negative arrays go from
  white to the role's colour; signed arrays use a diverging scale centred on 0
  (:func:`conv_teach.viz.palette.signed_cmap`). Text is black or white, whichever reads
  better on its cell.
* :class:`Boxes` -- a pool of rectangles outlining cells or blocks (receptive-field
  taps, a column of ``X_col``, an output cell); moved with ``set_bounds``. Highlights are
  outlines: they never tint the cell's value colour.
* :func:`hatched` -- grey hatched cells: padding, the gaps of a dilated kernel, the zeros
  inserted by a transposed convolution.
* :class:`PadBands` -- four hatched bands over the padded border of a padded array.
* :func:`draw_grid` -- all of the above at once, for a static picture
  (:func:`conv_teach.viz.draw_array`, :func:`conv_teach.exercises.show_diff`).

Cell ``(row, col)`` of an array covers ``[col + corner, col + corner + 1] x [row + corner,
row + corner + 1]`` in data coordinates. ``corner`` is ``-0.5`` (``imshow``'s convention,
cell centres on the integers) unless a caller asks for ``0`` (cell corners on the
integers, as the animations have always used).
"""
import math
import weakref

import numpy as np
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgb
from matplotlib.patches import Rectangle
from matplotlib.transforms import Affine2D

from . import palette
from .pathtext import PathText, centred_glyphs

__all__ = ["GridPanel", "Boxes", "PadBands", "hatched", "draw_grid", "panel_of", "colour_scale"]

#: width of one digit of DejaVu Sans, in ems (for fitting values into cells)
DIGIT_EM = 0.64

_PANELS = weakref.WeakKeyDictionary()


def colour_scale(A, role, clim=None):
    """The colormap and limits a panel of ``role`` uses for the array ``A``.

    Returns ``(cmap, (vmin, vmax))``: for an array with a negative value (or negative
    ``clim``), the diverging map with limits symmetric about 0; otherwise white -> role
    colour from the smallest to the largest value.
    """
    lo, hi = clim if clim is not None else (float(np.min(A)), float(np.max(A)))
    if lo < 0:
        m = max(abs(lo), abs(hi))
        return palette.signed_cmap(role), (-m, m)
    return palette.cmap(role), (lo, hi if hi > lo else lo + 1)


def _label_texts(labels, n):
    if labels is True:
        return [str(k) for k in range(n)]
    labels = [str(t) for t in labels]
    if len(labels) != n:
        raise ValueError(f"{n} labels needed, got {len(labels)}: {labels}")
    return labels


class GridPanel:
    """A 2D array drawn on ``ax`` in the colours of ``role``, titled with its name and shape.

    The values are written in the cells while they are big enough to read. They are
    drawn as glyph outlines in one ``PathCollection`` (not one ``Text`` per cell):
    a hundred Text artists cost ~50 ms per canvas draw, the collection ~2 ms.

    Parameters
    ----------
    ax : matplotlib Axes
    role : {'input', 'output', 'kernel'}
        The colour of the cells (:mod:`conv_teach.viz.palette`).
    matrix : bool
        Fill the axes (cells need not be square), for the panels of one product.
    corner : float, default -0.5
        Data coordinate of cell (0, 0)'s top-left corner.
    max_font : float, default 9
        Largest font size of the values, in points.
    title_size : float, default 9
        Title font size in points.

    Attributes
    ----------
    image : matplotlib.image.AxesImage
        ``image.get_array()`` is exactly the last array shown (masked where ``hide`` was set).
    values : matplotlib.collections.PathCollection
        The value labels, one path per cell (row-major), centred on the cells.
    labels : list of str
        The labels written, row-major (empty when the cells are too small for text).
    font_size : float
        Points of the values written (0 when none are).
    title : PathText
        ``title.get_text()`` names the array and its shape.
    row_labels, col_labels : list of str
        The row and column labels shown (empty when none).
    """

    def __init__(self, ax, role, matrix=False, corner=-0.5, max_font=9.0, title_size=9.0):
        self.ax, self.role, self.corner, self.max_font = ax, role, corner, max_font
        # images keep square cells; matrices fill their axes so that rows/columns of the
        # panels of one product (W_col @ X_col = Z_col) line up
        self.image = ax.imshow(np.zeros((1, 1)), cmap=palette.cmap(role), interpolation="nearest",
                               vmin=0, vmax=1, zorder=0, aspect="auto" if matrix else "equal")
        self.matrix = matrix
        # glyph paths are in points; offsets are cell centres in data coordinates
        points = Affine2D().scale(1 / 72) + ax.figure.dpi_scale_trans
        self.values = PathCollection([], offsets=np.zeros((0, 2)), offset_transform=ax.transData,
                                     transform=points, linewidths=0, edgecolors="none", zorder=3)
        ax.add_collection(self.values, autolim=False)
        # thin cell borders, so that white (zero) cells still read as cells
        self.grid = LineCollection([], colors="#c8c8c8", linewidths=0.6, zorder=0.5)
        ax.add_collection(self.grid, autolim=False)
        self.labels, self.row_labels, self.col_labels = [], [], []
        self.font_size = 0
        self.title = PathText(ax.figure, 0.5, 1.0, ax.transAxes, size=title_size, ha="center", offset=3)
        ax.add_artist(self.title.patch)
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ax.spines.values():
            side.set_visible(False)
        self._text_colours = np.zeros((0, 4))
        _PANELS[ax] = self

    def set_stale(self, stale):
        """Fade the cells and values (and grey the title) of a picture that is out of date."""
        self.image.set_alpha(0.3 if stale else 1.0)
        self.values.set_alpha(0.3 if stale else None)
        self.title.set_color(palette.STALE if stale else "black")

    def show(self, A, title, values=True, fmt="{:g}", clim=None, row_labels=None, col_labels=None,
             col_rotation=0, label_size=None, hide=None, col_labels_at="top"):
        """Draw the 2D array ``A`` (replacing the previous one) under ``title``.

        Parameters
        ----------
        A : array_like (rows, cols)
        title : str
        values : bool
            Write the values in the cells (when they fit).
        fmt : str
            Format of one value.
        clim : (vmin, vmax), optional
            Colour limits (e.g. shared by two panels); default the array's range.
        row_labels, col_labels : True or sequence of str, optional
            ``True``: the indices 0, 1, ...; a sequence: one label per row/column.
        col_rotation : float
            Degrees (90 for long column labels such as ``(i,j)``).
        label_size : float, optional
            Points of the row/column labels; default as big as the cells allow (<= max_font).
        hide : bool array (rows, cols), optional
            Cells left blank (white, no value), e.g. output cells not computed yet.
        col_labels_at : {'top', 'bottom'}
            Where the column labels go (the title moves up above labels on top).
        """
        A = np.asarray(A, dtype=float)
        rows, cols = A.shape
        cmap, (lo, hi) = colour_scale(A, self.role, clim)
        self.image.set_cmap(cmap.with_extremes(bad="white"))     # hidden cells are white
        self.image.set_data(A)
        k = self.corner
        self.image.set_extent((k, cols + k, rows + k, k))
        self.image.set_clim(lo, hi)
        self.grid.set_segments([[(k, r + k), (cols + k, r + k)] for r in range(rows + 1)] +
                               [[(c + k, k), (c + k, rows + k)] for c in range(cols + 1)])
        self.ax.set_xlim(k, cols + k)
        self.ax.set_ylim(rows + k, k)
        chars = max((len(fmt.format(v + 0.0)) for v in (A.min(), A.max())), default=1) if A.size else 1
        size = self._font_size(rows, cols, chars) if values else 0
        self._write_values(A, fmt, size)
        self._set_axis_labels(rows, cols, row_labels, col_labels, col_rotation, label_size,
                              col_labels_at == "top")
        self.title.set_text(title)
        self.set_hidden(hide)

    def set_hidden(self, hide):
        """Blank the cells where ``hide`` is True (white, no value); None shows every cell."""
        A = np.ma.getdata(self.image.get_array())
        if hide is None:
            self.image.set_data(A)
            self.values.set_facecolors(self._text_colours)
            return
        hide = np.asarray(hide, bool)
        self.image.set_data(np.ma.masked_array(A, mask=hide))
        if self.labels:
            colours = self._text_colours.copy()
            colours[hide.ravel(), 3] = 0.0
            self.values.set_facecolors(colours)

    def _cell_points(self, rows, cols):
        """(width, height) of one cell in points."""
        fig = self.ax.figure
        box = self.ax.get_position()
        width = box.width * fig.get_figwidth() * 72 / cols
        height = box.height * fig.get_figheight() * 72 / rows
        if not self.matrix:
            width = height = min(width, height)
        return width, height

    def _font_size(self, rows, cols, chars=3):
        """Points that fit a cell (its height, and its width for ``chars`` digits), 0 if < 5."""
        width, height = self._cell_points(rows, cols)
        size = min(self.max_font, 0.5 * height, 0.9 * width / (DIGIT_EM * chars + 0.3))
        return size if size >= 5 else 0

    def _write_values(self, A, fmt, size):
        self.font_size = size
        if not size:
            self.labels = []
            self._text_colours = np.zeros((0, 4))
            self.values.set_paths([])
            self.values.set_offsets(np.zeros((0, 2)))
            return
        self.labels = [fmt.format(v + 0.0) for v in A.ravel()]      # + 0.0 turns -0 into 0
        rows, cols = np.indices(A.shape)
        colours = self.image.cmap(self.image.norm(A.ravel()))
        self._text_colours = np.array([to_rgb(palette.text_color(c[:3])) + (1.0,) for c in colours])
        self.values.set_paths([centred_glyphs(t, round(size, 1)) for t in self.labels])
        c = self.corner + 0.5
        self.values.set_offsets(np.column_stack([cols.ravel() + c, rows.ravel() + c]))
        self.values.set_facecolors(self._text_colours)

    def _set_axis_labels(self, rows, cols, row_labels, col_labels, col_rotation, label_size, top):
        """Row labels on the left, column labels on top (the title moves above them) or below."""
        ax, c = self.ax, self.corner + 0.5
        width, height = self._cell_points(rows, cols)
        self.row_labels = _label_texts(row_labels, rows) if row_labels is not None else []
        self.col_labels = _label_texts(col_labels, cols) if col_labels is not None else []
        size = label_size or min(self.max_font, 0.6 * height)
        offset = 3.0
        if self.row_labels:
            step = max(1, math.ceil(7.0 / (0.6 * height)))   # thin out rows too short for text
            ax.set_yticks([r + c for r in range(0, rows, step)],
                          self.row_labels[::step], fontsize=size)
        else:
            ax.set_yticks([])
        if self.col_labels:
            longest = max(len(t) for t in self.col_labels)
            if col_rotation:
                across, along = 1.2 * size, DIGIT_EM * size * longest
            else:
                across, along = DIGIT_EM * size * longest + 2, 1.2 * size
            step = max(1, math.ceil(across / width))
            ax.set_xticks([k + c for k in range(0, cols, step)], self.col_labels[::step],
                          fontsize=size, rotation=col_rotation)
            offset += (along + 4) if top else 0
        else:
            ax.set_xticks([])
        ax.tick_params(length=0, pad=2, top=False, bottom=False, left=False,
                       labeltop=bool(self.col_labels) and top,
                       labelbottom=bool(self.col_labels) and not top)
        if offset != self.title.offset:
            self.title.offset = offset
            self.title._text = None          # lay the title out again at its new height


class Boxes:
    """Rectangles over cells or blocks of a panel, in one colour (outlines unless asked).

    Attributes
    ----------
    patches : list of matplotlib.patches.Rectangle
        The visible rectangles, in the order given to :meth:`set`.
    """

    def __init__(self, ax, color, linewidth=2.5, fill_alpha=0.0, linestyle="-", zorder=4, hatch=None,
                 corner=-0.5, gid=None):
        self.ax, self.corner = ax, corner
        self._style = dict(edgecolor=color, linewidth=linewidth, linestyle=linestyle, zorder=zorder,
                           facecolor=(*to_rgb(color), fill_alpha) if fill_alpha else "none",
                           hatch=hatch, gid=gid)
        self._pool = []
        self.patches = []

    def set(self, blocks):
        """Show one rectangle per ``(row, col, height, width)`` block; hide the rest."""
        blocks = list(blocks)
        while len(self._pool) < len(blocks):
            self._pool.append(self.ax.add_patch(Rectangle((0, 0), 1, 1, **self._style)))
        for p, (r, c, h, w) in zip(self._pool, blocks):
            p.set_bounds(c + self.corner, r + self.corner, w, h)
            p.set_visible(True)
        for p in self._pool[len(blocks):]:
            p.set_visible(False)
        self.patches = self._pool[:len(blocks)]

    def set_cells(self, cells):
        """One unit box per ``(row, col)``."""
        self.set((r, c, 1, 1) for r, c in cells)

    def hide(self):
        self.set([])


def hatched(ax, hatch=palette.PAD_HATCH, corner=-0.5, linestyle="-"):
    """Grey hatched cells over zeros that are not data: padding, dilation gaps, inserted zeros.

    Returns
    -------
    Boxes
        ``.set_cells(cells)`` hatches those cells.
    """
    return Boxes(ax, palette.PADDING, linewidth=0, fill_alpha=0.35, zorder=1, hatch=hatch,
                 corner=corner, linestyle=linestyle)


class PadBands:
    """Grey hatched bands over the padded border: top, bottom, left, right (in that order).

    Attributes
    ----------
    patches : list of 4 matplotlib.patches.Rectangle
        A side with no padding is hidden.
    """

    def __init__(self, ax, corner=-0.5):
        self.corner = corner
        self.patches = [ax.add_patch(Rectangle((0, 0), 1, 1, facecolor=(*to_rgb(palette.PADDING), 0.35),
                                               edgecolor=palette.PADDING, hatch=palette.PAD_HATCH,
                                               linewidth=0, zorder=1))
                        for _ in range(4)]

    def set(self, shape, pad):
        """``shape`` (rows, cols) of the padded array; ``pad`` (top, bottom, left, right)."""
        rows, cols = shape
        t, b, l, r = pad
        bands = [(0, 0, t, cols), (rows - b, 0, b, cols),
                 (t, 0, rows - t - b, l), (t, cols - r, rows - t - b, r)]
        for p, (r0, c0, h, w) in zip(self.patches, bands):
            p.set_bounds(c0 + self.corner, r0 + self.corner, w, h)
            p.set_visible(h > 0 and w > 0)


def draw_grid(ax, A, title, role="input", pad=(0, 0, 0, 0), gaps=(), outline=(),
              outline_color=palette.RECEPTIVE_FIELD, labels=True, clim=None, max_font=10.0,
              title_size=10.0):
    """Draw the 2D array ``A`` once, for a static picture, and return its panel.

    Parameters
    ----------
    ax : matplotlib Axes
    A : array_like (rows, cols)
    title : str
        The array's name; its shape ``rows x cols`` is added.
    role : {'input', 'output', 'kernel'}
    pad : (top, bottom, left, right)
        The border of ``A`` that is padding: grey hatched bands.
    gaps : sequence of (row, col)
        Other cells that hold zeros that are not data (e.g. a dilated kernel's gaps): hatched.
    outline : sequence of (row, col)
        Cells outlined in ``outline_color`` (the cell keeps its value colour).
    labels : bool
        Label rows (left) and columns (below) with their indices (from 0), as matplotlib's
        ticks are, so that a lesson may replace them with ``ax.set_xticks``.
    clim : (vmin, vmax), optional
        Shared colour limits.

    Returns
    -------
    GridPanel
        With ``pad_bands`` (:class:`PadBands`, None without padding), ``gaps`` and
        ``outlines`` (:class:`Boxes`) attached.
    """
    A = np.asarray(A, dtype=float)
    panel = GridPanel(ax, role, max_font=max_font, title_size=title_size)
    rows, cols = A.shape
    panel.show(A, f"{title}\n{rows} x {cols}", clim=clim, col_labels_at="bottom",
               row_labels=True if labels else None, col_labels=True if labels else None)
    panel.pad_bands = None                   # no artists at all when nothing is padding
    if any(pad):
        panel.pad_bands = PadBands(ax)
        panel.pad_bands.set(A.shape, pad)
    panel.gaps = hatched(ax)
    panel.gaps.set_cells(gaps)
    panel.outlines = Boxes(ax, outline_color, linewidth=3)
    panel.outlines.set_cells(outline)
    return panel


def panel_of(ax):
    """The last :class:`GridPanel` made on ``ax`` (or None)."""
    return _PANELS.get(ax)
