"""Where each cell of an array is drawn: grid positions in cell units, block captions, labels.

Pure NumPy, no widgets. The front end places cell ``k`` (flat, C order) of a panel at
``(gx[k], gy[k])`` and writes the captions and labels where they are given; it computes no
positions of its own beyond putting panels side by side. Layouts:

``nhwc``     (n, rows, cols, ch): one block per example (block rows) and channel (block columns)
``nhwo``     the same for an output (blocks captioned ``n0 o1``: output channel o)
``kernel``   (fr, fc, in_ch, out_ch): one block per kernel o (block rows) and channel c
``kernel_wide`` the same, one kernel o per block column and channel c per block row
``matrix``   (rows, cols): one block, with row and column labels
``matrix_t`` (rows, cols) drawn transposed (array row r is drawn as column r), e.g. W_col beside
             X_col so that each weight sits on the X_col row it multiplies
``seq``      (n, t, ch): one block per example, channels as rows, positions as columns
``kernel1d`` (fw, in_ch, out_ch): one block per kernel o, channels as rows
"""
import numpy as np

__all__ = ["grid", "BLOCK_GAP", "CAPTION_BAND"]

#: space between blocks of one panel, and the band above a block row for its captions
BLOCK_GAP = 0.5
CAPTION_BAND = 0.7
#: widest row of blocks (cells): more blocks than fit wrap onto the next line, so that a
#: panel stays narrow enough to be drawn with legible digits (the front end allows 27 cells
#: across a 1000 px output)
MAX_BLOCKS_WIDTH = 24


def _blocks(brow, bcol, r, c, nrows, ncols, n_brows, n_bcols, caption, per_line=None):
    """Place cell (r, c) of block (brow, bcol); blocks are nrows x ncols.

    Blocks form a grid (block rows x block columns) when a block row fits in
    :data:`MAX_BLOCKS_WIDTH` (or ``per_line`` blocks, if given); otherwise each block row wraps
    onto as many lines as it needs.
    """
    band = CAPTION_BAND if n_brows * n_bcols > 1 else 0.0
    if per_line is None:
        per_line = max(1, int((MAX_BLOCKS_WIDTH + BLOCK_GAP) // (ncols + BLOCK_GAP)))
    if n_bcols <= per_line:
        def place(br, bc):
            return br, bc
    else:                      # each block row (example) starts a new line
        lines = -(-n_bcols // per_line)

        def place(br, bc):
            return br * lines + bc // per_line, bc % per_line
    line, pos = place(brow, bcol)
    gx = pos * (ncols + BLOCK_GAP) + c
    gy = line * (nrows + BLOCK_GAP + band) + band + r
    captions = []
    if band:
        for br in range(n_brows):
            for bc in range(n_bcols):
                ln, ps = place(br, bc)
                captions.append([caption(br, bc), ps * (ncols + BLOCK_GAP),
                                 ln * (nrows + BLOCK_GAP + band) + band - 0.15])
    return gx.astype(float), gy.astype(float), captions


def grid(kind, shape, per_line=None):
    """``(gx, gy, captions)`` for an array of ``shape`` drawn as ``kind`` (see the module).

    ``per_line``: at most this many blocks side by side (``nhwc``, ``nhwo``, ``kernel``...;
    e.g. 2: four channels as a 2 x 2 square of blocks).

    ``gx``, ``gy``: float arrays, one entry per cell in flat order (top-left corner, cell units).
    ``captions``: ``[[text, x, y], ...]`` (text baseline at ``y``).
    """
    idx = np.indices(shape).reshape(len(shape), -1)
    if kind in ("nhwc", "nhwo"):
        n, r, c, ch = idx
        letter = "c" if kind == "nhwc" else "o"
        return _blocks(n, ch, r, c, shape[1], shape[2], shape[0], shape[3],
                       lambda br, bc: f"n{br} {letter}{bc}", per_line)
    if kind == "kernel":
        ki, kj, c, o = idx
        return _blocks(o, c, ki, kj, shape[0], shape[1], shape[3], shape[2],
                       lambda br, bc: f"o{br} c{bc}", per_line)
    if kind == "kernel_wide":
        ki, kj, c, o = idx
        return _blocks(c, o, ki, kj, shape[0], shape[1], shape[2], shape[3],
                       lambda br, bc: f"o{bc} c{br}", per_line)
    if kind == "matrix":
        r, c = idx
        return c.astype(float), r.astype(float), []
    if kind == "matrix_t":     # drawn transposed: row r of the array is drawn as column r
        r, c = idx
        return r.astype(float), c.astype(float), []
    if kind == "seq":
        n, t, ch = idx
        return _blocks(n, 0 * n, ch, t, shape[2], shape[1], shape[0], 1, lambda br, bc: f"n{br}")
    if kind == "kernel1d":
        k, c, o = idx
        return _blocks(o, 0 * o, c, k, shape[1], shape[0], shape[2], 1, lambda br, bc: f"o{br}")
    raise ValueError(f"grid: unknown layout kind {kind!r}")
