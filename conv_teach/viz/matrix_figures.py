"""Matrix figures: the im2col matrix, and convolution as one GEMM ``W_col @ X_col``."""
from . import palette
from .builder import SEL, FigureBuilder, selection, title
from .formulas import column_line, memory_line, out_lines_2D
from .grid import Boxes, PadBands

__all__ = ["Im2colFigure", "GemmFigure"]


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
        self._slots = [a.get_position() for a in axes]     # where 1, 2 or 3 channels go
        self.x_pad = [self.panel(a, "input") for a in axes]
        self.pad_bands = [PadBands(a) for a in axes]
        self.window = [Boxes(a, SEL, linewidth=1.2, linestyle="--") for a in axes]
        self.taps = [selection(a) for a in axes]
        ax = self.fig.add_subplot(gs[1, :])
        self.x_col = self.panel(ax, "input", matrix=True)
        self.channel_blocks = Boxes(ax, "black", linewidth=0.8, zorder=2)
        self.column = Boxes(ax, SEL, linewidth=3)

    def draw(self, s):
        X_pad, X_col, n = s["X_pad"], s["X_col"], s["example"]
        ch = X_pad.shape[3]
        (r0, c0), (er, ec) = s["taps"][0], s["eff"]
        # the visible channels sit centred above X_col
        shift = (self._slots[1].x0 - self._slots[0].x0) * (self.max_channels - ch) / 2
        for c in range(self.max_channels):
            self.x_pad[c].ax.set_visible(c < ch)
            if c < ch:
                self.x_pad[c].ax.set_position(self._slots[c].translated(shift, 0))
                self.x_pad[c].show(X_pad[n, :, :, c], title("X_pad", X_pad.shape, f"[{n}, :, :, {c}]"))
                self.pad_bands[c].set(X_pad.shape[1:3], s["pad"])
                self.taps[c].set_cells(s["taps"])
                self.window[c].set([(r0, c0, er, ec)])
        self.x_col.show(X_col, title("X_col = im2col(X)", X_col.shape,
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
        self.cell = selection(self.z.ax)

    def draw(self, s):
        W_col, X_col, Z_col, Z, n = s["W_col"], s["X_col"], s["Z_col"], s["Z"], s["example"]
        self.w_col.show(W_col, title("W_col", W_col.shape, "one row per kernel"))
        self.x_col.show(X_col, title("X_col = im2col(X)", X_col.shape))
        self.z_col.show(Z_col, title("Z_col = W_col @ X_col", Z_col.shape))
        self.z.show(Z[n, :, :, 0], title("Z = conv2D(X, W)", Z.shape, f"[{n}, :, :, 0]"))
        self.w_block.set([(0, 0, W_col.shape[0], W_col.shape[1])])
        self.column.set([(0, s["column"], X_col.shape[0], 1)])
        self.z_column.set([(0, s["column"], Z_col.shape[0], 1)])
        self.cell.set_cells([s["cell"]])
        self.caption.set_text("\n".join(out_lines_2D(s) + [
            column_line(s),
            "Z = Z_col.reshape(out_ch, out_rows, out_cols, n_ex).transpose(3, 1, 2, 0)"]))
