"""The backward pass through im2col: window counts, ``dZ``, ``dX_col`` and ``dX = col2im(dX_col)``."""
from .builder import SEL, FigureBuilder, inside, selection, title
from .formulas import out_lines_2D
from .grid import Boxes
from .scenes import scene_col2im

__all__ = ["Col2imFigure"]


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
        self.counts_taps, self.dx_taps = selection(ax_n), selection(ax_dx)
        self.cell = selection(ax_dz)
        self.column = Boxes(ax_col, SEL, linewidth=3)

    def draw(self, s):
        counts, dZ, dX_col, dX = s["counts"], s["dZ"], s["dX_col"], s["dX"]
        read = inside(s["taps"], (s["pad"][0], s["pad"][2]), dX.shape[1:3])
        self.counts.show(counts[0, :, :, 0], title("col2im(ones)", counts.shape, "windows reading each pixel"))
        self.counts_taps.set_cells(read)
        self.dz.show(dZ[0, :, :, 0], title("dZ", dZ.shape, "[0, :, :, 0]"))
        self.cell.set_cells([s["cell"]])
        self.dx.show(dX[0, :, :, 0], title("dX = col2im(dX_col)", dX.shape, "[0, :, :, 0]"))
        self.dx_taps.set_cells(read)
        self.dx_col.show(dX_col, title("dX_col = W_col.T @ dZ_col", dX_col.shape))
        self.column.set([(0, s["column"], dX_col.shape[0], 1)])
        self.caption.set_text("\n".join(out_lines_2D(s) + [
            "each column of dX_col is added back onto the pixels its window read"]))
