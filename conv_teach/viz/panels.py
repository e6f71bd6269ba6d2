"""Drawing pieces that every figure shares, each updated in place.

* :class:`GridPanel` -- one 2D array as coloured cells (an ``AxesImage`` whose data *are*
  the array) with the values written in when the array is small.
* :class:`Boxes` -- a pool of rectangles outlining cells or blocks (receptive-field
  taps, a column of ``X_col``, an output cell); moved with ``set_bounds``.
* :class:`PadBands` -- four hatched bands over the padded border of a padded array.

Cell ``(row, col)`` of an array covers ``[col - 0.5, col + 0.5] x [row - 0.5, row + 0.5]``
in data coordinates (``imshow``'s convention), so a box's ``(x, y)`` corner is
``(col - 0.5, row - 0.5)``.
"""
import numpy as np
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgb
from matplotlib.patches import Rectangle
from matplotlib.transforms import Affine2D

from . import palette
from .pathtext import PathText, centred_glyphs

class GridPanel:
    """A 2D array drawn on ``ax`` in the colours of ``role``, titled with its name and shape.

    The values are written in the cells while they are big enough to read. They are
    drawn as glyph outlines in one ``PathCollection`` (not one ``Text`` per cell):
    a hundred Text artists cost ~50 ms per canvas draw, the collection ~2 ms.

    Attributes
    ----------
    image : matplotlib.image.AxesImage
        ``image.get_array()`` is exactly the last array shown.
    values : matplotlib.collections.PathCollection
        The value labels, one path per cell (row-major), centred on the cells.
    labels : list of str
        The labels written, row-major (empty when the cells are too small for text).
    title : PathText
        ``title.get_text()`` names the array and its shape.
    """

    def __init__(self, ax, role, matrix=False):
        self.ax, self.role = ax, role
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
        self.labels = []
        self.title = PathText(ax.figure, 0.5, 1.0, ax.transAxes, size=9, ha="center", offset=3)
        ax.add_artist(self.title.patch)
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ax.spines.values():
            side.set_visible(False)

    def set_stale(self, stale):
        """Fade the cells and values (and grey the title) of a picture that is out of date."""
        self.image.set_alpha(0.3 if stale else 1.0)
        self.values.set_alpha(0.3 if stale else None)
        self.title.set_color(palette.STALE if stale else "black")

    def show(self, A, title, values=True, fmt="{:g}"):
        """Draw the 2D array ``A`` (replacing the previous one) under ``title``."""
        A = np.asarray(A, dtype=float)
        rows, cols = A.shape
        lo, hi = float(A.min()), float(A.max())
        self.image.set_data(A)
        self.image.set_extent((-0.5, cols - 0.5, rows - 0.5, -0.5))
        self.image.set_clim(lo, hi if hi > lo else lo + 1)
        self.grid.set_segments([[(-0.5, r - 0.5), (cols - 0.5, r - 0.5)] for r in range(rows + 1)] +
                               [[(c - 0.5, -0.5), (c - 0.5, rows - 0.5)] for c in range(cols + 1)])
        self.ax.set_xlim(-0.5, cols - 0.5)
        self.ax.set_ylim(rows - 0.5, -0.5)
        self.title.set_text(title)
        size = self._font_size(rows, cols) if values else 0
        self._write_values(A, fmt, size)

    def _font_size(self, rows, cols):
        """Points that fit a cell (the smaller side, the width counted for ~3 characters), 0 if < 5."""
        fig = self.ax.figure
        box = self.ax.get_position()
        width, height = box.width * fig.get_figwidth() / cols, box.height * fig.get_figheight() / rows
        if not self.matrix:
            width = height = min(width, height)
        size = min(9.0, 0.45 * height * 72, 0.3 * width * 72)
        return size if size >= 5 else 0

    def _write_values(self, A, fmt, size):
        if not size:
            self.labels = []
            self.values.set_paths([])
            self.values.set_offsets(np.zeros((0, 2)))
            return
        self.labels = [fmt.format(v + 0.0) for v in A.ravel()]      # + 0.0 turns -0 into 0
        rows, cols = np.indices(A.shape)
        colours = self.image.cmap(self.image.norm(A.ravel()))
        self.values.set_paths([centred_glyphs(t, round(size, 1)) for t in self.labels])
        self.values.set_offsets(np.column_stack([cols.ravel(), rows.ravel()]))
        self.values.set_facecolors([palette.text_color(c[:3]) for c in colours])


class Boxes:
    """Rectangles over cells or blocks of a panel, in one role's colour.

    Attributes
    ----------
    patches : list of matplotlib.patches.Rectangle
        The visible rectangles, in the order given to :meth:`set`.
    """

    def __init__(self, ax, color, linewidth=2.5, fill_alpha=0.0, linestyle="-", zorder=4, hatch=None):
        self.ax = ax
        self._style = dict(edgecolor=color, linewidth=linewidth, linestyle=linestyle, zorder=zorder,
                           facecolor=(*to_rgb(color), fill_alpha) if fill_alpha else "none",
                           hatch=hatch)
        self._pool = []
        self.patches = []

    def set(self, blocks):
        """Show one rectangle per ``(row, col, height, width)`` block; hide the rest."""
        blocks = list(blocks)
        while len(self._pool) < len(blocks):
            self._pool.append(self.ax.add_patch(Rectangle((0, 0), 1, 1, **self._style)))
        for p, (r, c, h, w) in zip(self._pool, blocks):
            p.set_bounds(c - 0.5, r - 0.5, w, h)
            p.set_visible(True)
        for p in self._pool[len(blocks):]:
            p.set_visible(False)
        self.patches = self._pool[:len(blocks)]

    def set_cells(self, cells):
        """One unit box per ``(row, col)``."""
        self.set((r, c, 1, 1) for r, c in cells)


class PadBands:
    """Grey hatched bands over the padded border: top, bottom, left, right (in that order).

    Attributes
    ----------
    patches : list of 4 matplotlib.patches.Rectangle
        A side with no padding is hidden.
    """

    def __init__(self, ax):
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
            p.set_bounds(c0 - 0.5, r0 - 0.5, w, h)
            p.set_visible(h > 0 and w > 0)
