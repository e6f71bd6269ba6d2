"""What each frame of a convolution animation shows: numbers only, no matplotlib.

An animation draws one convolution over a *grid* of cells:

* a convolution (``conv2D``): the padded input; each output cell reads the kernel taps
  ``(i*s + ki*(d+1), j*s + kj*(d+1))`` of that grid (:func:`conv_teach.reference.receptive_field`);
* a transposed convolution (``conv2D_transpose``): its equivalent stride-1 convolution, the
  one teachers know from Dumoulin & Visin's figures: the input with ``stride - 1`` zeros
  inserted between cells, padded by ``eff - 1 - pad`` (a negative amount crops), and the
  kernel rotated by 180 degrees, with the same dilation. Output cell ``(i, j)`` then reads
  the input cells that scatter into it (:func:`conv_teach.conv2D_transpose`).

Every cell of the grid has a *kind*: an input cell, padding, or an inserted zero. The
input's values are its cell numbers 1, 2, ... row by row (``X[a, b] = a * in_cols + b + 1``),
so that every value drawn says where it came from: a grid cell shows the number of the
input cell it holds (0 for padding and inserted zeros), and so does every entry of
``X_col``. The kernel is all ones, so each output value is the sum of the numbers under
its taps, computed by the library (:func:`conv_teach.conv2D` or
:func:`conv_teach.conv2D_transpose`).
"""
from collections import namedtuple

import numpy as np

from .. import _validate as v
from ..conv import conv2D
from ..im2col import im2col
from ..reference import receptive_field
from ..shapes import effective_kernel, out_sizes, resolve_pad2D
from ..transpose import conv2D_transpose, transpose_geometry

__all__ = ["Plan", "plan", "INPUT", "PADDING", "ZERO", "alt_text"]

#: kinds of grid cells
INPUT, PADDING, ZERO = 0, 1, 2

FN = "animate"

#: the im2col panel is drawn for at most this many output cells
IM2COL_LIMIT = 64

Plan = namedtuple("Plan", [
    "transposed",     # bool
    "input_shape",    # (in_rows, in_cols) of the animated function's input
    "kernel",         # (fr, fc)
    "stride",         # (rows, cols) as given to conv2D / conv2D_transpose
    "dilation",       # (rows, cols)
    "pad",            # resolved (top, bottom, left, right) of that function
    "output_padding",  # (rows, cols); (0, 0) for conv2D
    "out",            # (out_rows, out_cols)
    "kinds",          # int array (grid_rows, grid_cols): INPUT, PADDING or ZERO
    "labels",         # int array, same shape: the number (1..) of the input cell there, or 0
    "grid_stride",    # stride of the drawn convolution over the grid (1 when transposed)
    "grid_offset",    # (rows, cols): grid cell of input cell (0, 0)
    "X_col",          # int array (fr*fc, out_rows*out_cols): im2col of the labels
    "frames",         # list: output cell (i, j) per frame, None for a hold frame
    "hold",           # hold frames at each end
    "X",              # float array (in_rows, in_cols): the input, X[a, b] = a * in_cols + b + 1
    "W",              # float array (fr, fc): the kernel, all ones
    "Z",              # float array (out_rows, out_cols): conv2D or conv2D_transpose of X with W
])


def _axis_kinds_transposed(n, s, before, size):
    """Per grid position along one axis: the input index it holds, or -1 (inserted zero) or -2 (padding)."""
    span = (n - 1) * s + 1                    # the zero-inserted input
    out = np.full(size, -2)
    for g in range(size):
        u = g - before                        # position in the zero-inserted input
        if 0 <= u < span:
            out[g] = u // s if u % s == 0 else -1
    return out


def plan(input_shape=(5, 5), kernel=(3, 3), stride=1, pad=0, dilation=0, transposed=False,
         output_padding=0, hold=2, max_frames=400):
    """Check the parameters and lay out the frames of an animation.

    Parameters
    ----------
    input_shape : int or (in_rows, in_cols)
        Spatial size of the input (of ``conv2D_transpose`` when ``transposed``).
    kernel : int or (fr, fc)
    stride, pad, dilation
        As for :func:`conv_teach.conv2D` (every pad form it accepts).
    transposed : bool
        Animate :func:`conv_teach.conv2D_transpose` instead.
    output_padding : int or (rows, cols)
        Only with ``transposed``.
    hold : int >= 0
        Frames showing the empty grid at the start and the finished output at the end.
    max_frames : int
        Refuse settings with more output cells than this.

    Returns
    -------
    Plan

    Raises
    ------
    ValueError, TypeError
        The library's message, naming the parameter, e.g. when the kernel does not fit.
    """
    H, Wd = v.check_pair(FN, "input_shape", input_shape, 1, 2)
    k = v.check_pair(FN, "kernel", kernel, 1, 2)
    s = v.check_pair(FN, "stride", stride, 1, 2)
    d = v.check_pair(FN, "dilation", dilation, 0, 2)
    hold = v.check_int(FN, "hold", hold, 0)
    if not isinstance(transposed, (bool, np.bool_)):
        raise v.bad_number(FN, "transposed", transposed, "True or False")
    eff = tuple(effective_kernel(kk, dd) for kk, dd in zip(k, d))
    if not transposed:
        op = v.check_pair(FN, "output_padding", output_padding, 0, 2)
        if any(op):
            raise v.bad_number(FN, "output_padding", output_padding,
                               "0 for a convolution (it belongs to transposed=True)")
        p = resolve_pad2D(FN, pad, (H, Wd), k, s, d)
        out = out_sizes(FN, (H, Wd), k, s, d, ((p[0], p[1]), (p[2], p[3])))
        kinds = np.full((H + p[0] + p[1], Wd + p[2] + p[3]), PADDING)
        kinds[p[0]:p[0] + H, p[2]:p[2] + Wd] = INPUT
        offset, grid_stride = (p[0], p[2]), s
    else:
        g, op, _ = transpose_geometry(FN, (H, Wd), k, s, pad, d, output_padding)
        p, out = g.pad, g.out
        before = (eff[0] - 1 - p[0], eff[1] - 1 - p[2])
        size = (out[0] + eff[0] - 1, out[1] + eff[1] - 1)
        rows = _axis_kinds_transposed(H, s[0], before[0], size[0])
        cols = _axis_kinds_transposed(Wd, s[1], before[1], size[1])
        kinds = np.full(size, ZERO)
        kinds[(rows[:, None] == -2) | (cols[None, :] == -2)] = PADDING
        kinds[(rows[:, None] >= 0) & (cols[None, :] >= 0)] = INPUT
        # each drawn input cell keeps its own number, also when pad crops cells off the drawing
        numbers = rows[:, None] * Wd + cols[None, :] + 1
        offset, grid_stride = before, (1, 1)
    n_out = out[0] * out[1]
    if n_out > max_frames:
        raise v.too_many_frames(FN, n_out, max_frames)
    X = np.arange(1, H * Wd + 1, dtype=float).reshape(H, Wd)
    W = np.ones(k)
    if not transposed:
        labels = np.zeros(kinds.shape, int)
        labels[kinds == INPUT] = np.arange(1, H * Wd + 1)
        X_col = im2col(X.reshape(1, H, Wd, 1), (k[0], k[1], 1, 1), pad, s, d)[0].astype(int)
        Z = conv2D(X[None, :, :, None], W[:, :, None, None], s, pad, d)[0, :, :, 0]
    else:
        labels = np.where(kinds == INPUT, numbers, 0)
        X_col = im2col(labels[None, :, :, None], (k[0], k[1], 1, 1), 0, 1, d)[0].astype(int)
        Z = conv2D_transpose(X[None, :, :, None], W[:, :, None, None], s, pad, d,
                             op)[0, :, :, 0]
    cells = [(i, j) for i in range(out[0]) for j in range(out[1])]
    frames = [None] * hold + cells + [None] * hold
    return Plan(bool(transposed), (H, Wd), k, s, d, tuple(p), tuple(op), tuple(out), kinds,
                labels, grid_stride, offset, X_col, frames, hold, X, W, Z)


def taps(pl, cell):
    """Grid coordinates ``[(row, col), ...]`` of the kernel taps that output ``cell`` reads."""
    return receptive_field(cell, pl.kernel, pl.grid_stride, dilation=pl.dilation)


def _fmt_pair(pair, word="x"):
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}{word}{pair[1]}"


def title(pl):
    """One line naming the function and its parameters."""
    fn = "conv2D_transpose" if pl.transposed else "conv2D"
    t, b, l, r = pl.pad
    pad = str(t) if t == b == l == r else f"({t}, {b}, {l}, {r})"
    extra = (f", output_padding {_fmt_pair(pl.output_padding, ', ')}"
             if any(pl.output_padding) else "")
    return (f"{fn}: input {pl.input_shape[0]}x{pl.input_shape[1]}, kernel "
            f"{pl.kernel[0]}x{pl.kernel[1]}, stride {_fmt_pair(pl.stride, ', ')}, pad {pad}, "
            f"dilation {_fmt_pair(pl.dilation, ', ')}{extra} -> output {pl.out[0]}x{pl.out[1]}")


def alt_text(pl, fmt, n_frames, fps, show_im2col, still=None):
    """A plain-language description of the animation, for screen readers and slide notes.

    ``still`` is the frame number of a still image (SVG or one PNG), None for an animation.
    """
    H, Wd = pl.input_shape
    fr, fc = pl.kernel
    t, b, l, r = pl.pad
    n_out = pl.out[0] * pl.out[1]
    if still is None:
        head = f"Animation ({fmt.upper()}, {n_frames} frames at {fps:g} frames per second)"
    else:
        cell = pl.frames[still]
        shows = (f"output cell {cell}" if cell is not None else
                 "the empty setting" if still < pl.hold else "the finished output")
        head = f"Still image ({fmt.upper()}, frame {still} of {n_frames}, showing {shows})"
    lines = [f"{head}: {title(pl)}."]
    lines.append(f"The input X holds the numbers 1 to {H * Wd} row by row and the kernel W is all "
                 f"ones, so every output value is the sum of the numbers under the kernel's taps. "
                 f"Every panel is titled with its name and shape, and its rows and columns are "
                 f"labelled with their indices from 0.")
    if not pl.transposed:
        lines.append(
            f"Left: X_pad, the {H}x{Wd} input as blue cells showing their numbers, padded by {t} "
            f"row(s) on top, {b} below, {l} column(s) on the left and {r} on the right (grey "
            f"hatched cells holding zeros).")
        lines.append(
            f"An orange {fr}x{fc} kernel window moves over it row by row, {pl.stride[0]} row(s) "
            f"and {pl.stride[1]} column(s) at a time; with dilation {_fmt_pair(pl.dilation, ', ')} "
            f"its taps are {pl.dilation[0] + 1} row(s) and {pl.dilation[1] + 1} column(s) apart, "
            f"and only the taps are outlined.")
    else:
        lines.append(
            f"Left: the transposed convolution drawn as an ordinary stride-1 convolution: the "
            f"{H}x{Wd} input (blue cells showing their numbers) with {pl.stride[0] - 1} zero "
            f"row(s) and {pl.stride[1] - 1} zero column(s) inserted between its cells (grey dotted "
            f"cells), "
            f"surrounded by padding (grey hatched cells); pad crops the output, so it pads the "
            f"drawing less.")
        hidden = H * Wd - int((pl.kinds == INPUT).sum())
        if hidden:
            lines.append(
                f"pad is larger than the dilated kernel minus one, so {hidden} input cell(s) fall "
                f"outside the drawing: their kernel copies land only on cropped output cells.")
        lines.append(
            f"An orange {fr}x{fc} window of the kernel rotated by 180 degrees (all ones, so it "
            f"looks the same) moves over it one "
            f"cell at a time; each output cell is the sum of the input cells under its taps, "
            f"which are exactly the input cells whose scattered kernel reaches that output cell.")
    lines.append(f"Right: the {pl.out[0]}x{pl.out[1]} output Z (sky blue) fills in with its values, "
                 f"one cell per frame, {n_out} cells in all, row by row; the current cell is "
                 f"outlined in orange.")
    if show_im2col and n_out <= IM2COL_LIMIT:
        lines.append(f"Far right: the im2col matrix X_col, {fr * fc} rows (one per kernel tap "
                     f"(ki, kj)) by {n_out} columns (one per output cell (i, j)), fills in column by "
                     f"column with the numbers of the input cells the window reads (0, hatched, "
                     f"for padding); the sum of a column is that output cell's value.")
    if pl.hold:
        lines.append(f"The first {pl.hold} frame(s) show the empty setting and the last "
                     f"{pl.hold} the finished output.")
    return "\n".join(lines) + "\n"
