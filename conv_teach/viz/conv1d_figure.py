"""conv1D as conv2D on one row: ``X_pad``, ``W``, the one-row ``X_col`` and ``Z``."""
from .builder import SEL, FigureBuilder, selection, title
from .formulas import out_line_1D
from .grid import Boxes, PadBands
from .scenes import scene1D

__all__ = ["Conv1DFigure"]


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
        self.taps = selection(ax_pad)
        self.column = Boxes(ax_col, SEL, linewidth=3)
        self.cell = selection(ax_z)

    def draw(self, s):
        X_pad, W, X_col, Z, t = s["X_pad"], s["W"], s["X_col"], s["Z"], s["pos"]
        ch = X_pad.shape[2]
        self.x_pad.show(X_pad[0].T, title("X_pad", X_pad.shape, f"[0].T (channels as rows)  pad {s['pad']}"))
        self.pad_bands.set((ch, X_pad.shape[1]), (0, 0) + tuple(s["pad"]))
        self.taps.set((0, c, ch, 1) for c in s["taps"])
        self.window.set([(0, s["taps"][0], ch, s["eff"])])
        self.w.show(W[:, :, 0].T, title("W", W.shape, "[:, :, 0].T"))
        self.x_col.show(X_col, title("X_col = im2col(X[:, None])", X_col.shape, "conv1D is conv2D on one row"))
        self.column.set([(0, t, X_col.shape[0], 1)])
        self.z.show(Z[0].T, title("Z = conv1D(X, W)", Z.shape, "[0].T"))
        self.cell.set_cells([(0, t)])
        self.caption.set_text(out_line_1D(s))
