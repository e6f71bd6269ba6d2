"""Deliberately wrong answers, used to name a student's mistake.

A checker knows the right answer for a case. To say *what* went wrong it also computes
what a handful of classic mistakes would have produced on the same case (rows and
columns swapped, dilation off by one, stride on the wrong axis, ...) and looks for the
one the student's output equals. The mutated answers are built here with :func:`gather`
and :func:`scatter`: im2col and col2im written with index arrays and a knob for every
mistake. They share no code with :mod:`conv_teach.im2col`; with all knobs at their
defaults they give exactly ``im2col`` / ``col2im`` (``tests/test_exercises.py`` checks).

Every hint text lives in :data:`HINTS`, so tests can assert on it.
"""
import numpy as np

#: hint key -> the sentence a student reads.
HINTS = {
    "transposed": "rows and columns of the matrix swapped? (you returned its transpose)",
    "kernel_rows_cols": ("kernel rows and columns swapped? Inside one channel, tap (ki, kj) goes "
                         "to row ki*fc + kj (kernel row slowest)."),
    "out_rows_cols": ("output rows and columns swapped? Window (i, j) goes to column "
                      "(i*out_cols + j)*n_ex + n (output row slowest)."),
    "channel_order": ("wrong channel order? Rows are channel-slowest: row c*fr*fc + ki*fc + kj, "
                      "not (ki*fc + kj)*in_ch + c."),
    "batch_order": ("batch/column order wrong? The example index is the fastest in a column: "
                    "(i*out_cols + j)*n_ex + n, not n*out_rows*out_cols + i*out_cols + j."),
    "dilation_ignored": ("dilation ignored? dilation=d puts d zeros between taps, so taps are "
                         "d+1 apart and the kernel spans k + (k-1)*d cells."),
    "dilation_off_by_one": ("dilation off by one? dilation=d inserts d zeros, so taps are d+1 apart "
                            "(torch's dilation is d+1; conv_teach's 0 is a dense kernel)."),
    "dilation_twice": ("dilation counted twice? The kernel spans k + (k-1)*d cells, "
                       "not k + 2*(k-1)*d."),
    "stride_ignored_rows": ("stride ignored along the rows? Window (i, j) starts at row "
                            "i*stride_rows."),
    "stride_ignored_cols": ("stride ignored along the columns? Window (i, j) starts at column "
                            "j*stride_cols."),
    "stride_swapped": ("stride on the wrong axis? stride=(rows, cols): the first number moves "
                       "down the rows, the second along the columns."),
    "pad_one_side": ("padding on one side only? An int pad p adds p zeros on all four sides; "
                     "a 4-tuple is (top, bottom, left, right)."),
    "pad_wrong_side": ("padding on the wrong side? With an odd total, 'same' puts the extra zero "
                       "after (bottom/right), as TF does."),
    "pad_rows_cols": ("padding of rows and columns swapped? A 2-tuple pad is (rows, cols): "
                      "(top=bottom=rows, left=right=cols)."),
    "pad_tuple_order": ("4-tuple read in the wrong order? It is (top, bottom, left, right), "
                        "not (top, left, bottom, right)."),
    "pad_wrong_axes": ("padded the wrong axes? X is NHWC (n_ex, in_rows, in_cols, in_ch): pad "
                       "axes 1 and 2 only."),
    "pad_not_zero": "padded with something other than zeros? Padding adds zeros.",
    "same_out_eq_in": ("'same' padded so that out == in? 'same' gives ceil(in/stride) outputs "
                       "per axis (TF rule); numpy-ml's out == in over-pads at stride > 1."),
    "same_ignores_stride": ("'same' ignores the stride? The total pad is "
                            "max((ceil(in/s) - 1)*s + eff - in, 0), not eff - 1."),
    "off_by_one": ("off by one in the output size? out = (in + pad_before + pad_after - eff) "
                   "// stride + 1 with eff = k + (k-1)*d."),
    "kernel_flipped": ("kernel flipped? conv_teach's convolution is cross-correlation (as in "
                       "every deep-learning library): W[ki, kj] multiplies the window's "
                       "tap (ki, kj), no flip."),
    "w_rows_order": ("W_col's column order does not match X_col's rows. X_col rows run "
                     "(channel, kernel row, kernel col): use W.transpose(3, 2, 0, 1)"
                     ".reshape(out_ch, -1), not W.reshape(-1, out_ch).T."),
    "z_unpack": ("Z unpacked in the wrong order? W_col @ X_col has shape "
                 "(out_ch, out_rows*out_cols*n_ex) with the example fastest: "
                 "reshape(out_ch, out_rows, out_cols, n_ex).transpose(3, 1, 2, 0)."),
    "overwrite": ("overlaps overwritten (or averaged) instead of summed? A pixel read by m "
                  "windows must receive the sum of its m entries (use +=)."),
    "not_cropped": "returned the padded image? Crop the padding off: return X_shape.",
    "nchw": "returned NCHW? conv_teach is NHWC: (n_ex, in_rows, in_cols, in_ch).",
    "same_values_wrong_order": ("the right numbers in the wrong places: check the order of "
                                "rows and columns."),
    "out_rows_cols_one_channel": ("output rows and columns swapped? Window (i, j) goes to column "
                                  "i*out_cols + j (output row slowest)."),
    # max-pool backward (exercise 7, conv_teach.exercises.pool_checks)
    "pool_copy_to_window": ("gradient copied to every cell of the window? Only the maximum was "
                            "used in the forward pass, so only it gets dZ[i, j]; the others get 0."),
    "pool_overwrite": ("overlapping windows overwritten instead of added? A cell that is the "
                       "maximum of several windows gets the sum of their gradients (use +=)."),
    "pool_ties_twice": ("ties counted twice? When several cells hold the maximum, only the first "
                        "(row by row) gets the gradient; giving it to all of them multiplies it."),
    "pool_average": ("gradient shared over the window (dZ / window size)? That is average "
                     "pooling's backward pass; max pooling routes all of dZ to the maximum."),
    "pool_last_max": ("tie given to the last maximum? Take the first one in window order "
                      "(row by row), as np.argmax does."),
}

#: exercise 3's Part A has one image and one channel: these keys there read as their values
ONE_CHANNEL = {"out_rows_cols": "out_rows_cols_one_channel"}

AXES_ROWS = ("c", "ki", "kj")
AXES_COLS = ("i", "j", "n")


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def out_len(n, k, s, d, before, after):
    """The output-size formula, on one axis (may be <= 0 for impossible geometries)."""
    return (n + before + after - (k + (k - 1) * d)) // s + 1


def _indices(X_shape, kernel, stride, tap_step, pad, out):
    """Row and column index arrays into the *unpadded* input, and the valid mask.

    ``r[i, ki]`` and ``q[j, kj]`` may fall outside the input (a padded zero).
    """
    _, rows, cols, _ = X_shape
    (fr, fc), (s_r, s_c), (t_r, t_c) = kernel, stride, tap_step
    top, left = pad[0], pad[2]
    oh, ow = out
    r = np.arange(oh)[:, None] * s_r + np.arange(fr)[None, :] * t_r - top
    q = np.arange(ow)[:, None] * s_c + np.arange(fc)[None, :] * t_c - left
    return r, q, (0 <= r) & (r < rows), (0 <= q) & (q < cols)


def _geometry(X_shape, kernel, stride, dilation, pad, tap_step, out_delta):
    s, d = _pair(stride), _pair(dilation)
    step = (d[0] + 1, d[1] + 1) if tap_step is None else _pair(tap_step)
    t, b, l, r = pad
    # the extent the (possibly wrong) code believes in: taps `step` apart (step - 1 zeros)
    oh = out_len(X_shape[1], kernel[0], s[0], step[0] - 1, t, b) + out_delta[0]
    ow = out_len(X_shape[2], kernel[1], s[1], step[1] - 1, l, r) + out_delta[1]
    return s, step, (oh, ow)


def gather(X, kernel, stride, dilation, pad, *, tap_step=None, out_delta=(0, 0),
           rows=AXES_ROWS, cols=AXES_COLS, fill=0.0):
    """im2col with knobs. Returns ``X_col`` or None when the geometry leaves no window.

    Parameters
    ----------
    X : ndarray of shape (n_ex, in_rows, in_cols, in_ch)
    kernel : (fr, fc)
    stride, dilation : (rows, cols) pairs (or ints)
    pad : (top, bottom, left, right)
    tap_step : (rows, cols), optional
        Distance between taps; default ``dilation + 1`` (right). A wrong one models a
        dilation mistake.
    out_delta : (rows, cols)
        Added to the output size (an off-by-one mistake).
    rows, cols : permutations of ``('c', 'ki', 'kj')`` and ``('i', 'j', 'n')``
        Order of the matrix's row and column indices, slowest first.
    fill : float
        What a read outside the input gives (0 is right).

    Returns
    -------
    ndarray of shape (in_ch*fr*fc, out_rows*out_cols*n_ex), or None
    """
    X = np.asarray(X)
    n_ex, _, _, ch = X.shape
    s, step, (oh, ow) = _geometry(X.shape, kernel, stride, dilation, pad, tap_step, out_delta)
    if oh <= 0 or ow <= 0:
        return None
    r, q, mr, mq = _indices(X.shape, kernel, s, step, pad, (oh, ow))
    # V[n, i, ki, j, kj, c]
    V = X[:, np.clip(r, 0, X.shape[1] - 1)[:, :, None, None],
          np.clip(q, 0, X.shape[2] - 1)[None, None, :, :], :].astype(float)
    mask = (mr[:, :, None, None] & mq[None, None, :, :])[None, :, :, :, :, None]
    V = np.where(mask, V, fill)
    names = {"n": 0, "i": 1, "ki": 2, "j": 3, "kj": 4, "c": 5}
    perm = [names[a] for a in tuple(rows) + tuple(cols)]
    return V.transpose(perm).reshape(ch * kernel[0] * kernel[1], oh * ow * n_ex)


def scatter(X_col, X_shape, kernel, stride, dilation, pad, *, rows=AXES_ROWS, cols=AXES_COLS,
            combine="add", crop=True, tap_step=None):
    """col2im with knobs: add (or, wrongly, assign) every entry back to its pixel.

    ``combine='set'`` overwrites (last window wins); ``crop=False`` returns the padded image;
    ``tap_step`` places a window's taps that far apart (``(1, 1)``: dilation ignored there,
    while the windows are still those of the right geometry, as ``X_col``'s size says).
    Returns an NHWC array (float), or None if ``X_col`` has the wrong size for the geometry.
    """
    n_ex, n_rows, n_cols, ch = X_shape
    s, step, (oh, ow) = _geometry(X_shape, kernel, stride, dilation, pad, None, (0, 0))
    if tap_step is not None:
        step = _pair(tap_step)
    fr, fc = kernel
    if oh <= 0 or ow <= 0 or np.size(X_col) != ch * fr * fc * oh * ow * n_ex:
        return None
    sizes = {"c": ch, "ki": fr, "kj": fc, "i": oh, "j": ow, "n": n_ex}
    order = tuple(rows) + tuple(cols)
    V = np.asarray(X_col, float).reshape([sizes[a] for a in order])
    V = V.transpose([order.index(a) for a in ("n", "i", "ki", "j", "kj", "c")])
    r, q, _, _ = _indices(X_shape, kernel, s, step, pad, (oh, ow))
    t, b, l, rr = pad
    buf = np.zeros((n_ex, n_rows + t + b, n_cols + l + rr, ch))
    R = np.broadcast_to((r + t)[None, :, :, None, None, None], V.shape)
    Q = np.broadcast_to((q + l)[None, None, None, :, :, None], V.shape)
    N = np.broadcast_to(np.arange(n_ex)[:, None, None, None, None, None], V.shape)
    C = np.broadcast_to(np.arange(ch)[None, None, None, None, None, :], V.shape)
    ok = (R < buf.shape[1]) & (Q < buf.shape[2])
    if combine == "add":
        np.add.at(buf, (N[ok], R[ok], Q[ok], C[ok]), V[ok])
    else:
        buf[N[ok], R[ok], Q[ok], C[ok]] = V[ok]
    return buf[:, t:t + n_rows, l:l + n_cols] if crop else buf


def im2col_mutations(X, kernel, stride, dilation, pad):
    """``[(hint key, X_col the mistake gives), ...]`` for one im2col case.

    ``stride``/``dilation`` are (rows, cols) pairs, ``pad`` the resolved 4-tuple.
    """
    s, d = _pair(stride), _pair(dilation)
    t, b, l, r = pad
    ch = np.shape(X)[3]
    g = lambda **kw: gather(X, kernel, kw.pop("stride", s), kw.pop("dilation", d),  # noqa: E731
                            kw.pop("pad", pad), **kw)
    step = (d[0] + 1, d[1] + 1)
    out = [
        ("transposed", _t(g())),
        ("kernel_rows_cols", g(rows=("c", "kj", "ki"))),
        ("out_rows_cols", g(cols=("j", "i", "n"))),
        ("channel_order", g(rows=("ki", "kj", "c")) if ch > 1 else None),
        ("batch_order", g(cols=("n", "i", "j"))),
        ("dilation_ignored", g(dilation=(0, 0))),
        ("dilation_off_by_one", g(tap_step=(step[0] + 1, step[1] + 1))),
        ("dilation_off_by_one", g(tap_step=(d[0], d[1]))),
        ("dilation_off_by_one", g(tap_step=(d[0] + 1, d[1]))),
        ("dilation_off_by_one", g(tap_step=(d[0], d[1] + 1))),
        ("dilation_twice", g(dilation=(2 * d[0], 2 * d[1]))),
        ("stride_ignored_rows", g(stride=(1, s[1]))),
        ("stride_ignored_cols", g(stride=(s[0], 1))),
        ("stride_swapped", g(stride=(s[1], s[0]))),
        ("stride_swapped", g(stride=(s[0], s[0]))),
        ("stride_swapped", g(stride=(s[1], s[1]))),
        ("pad_one_side", g(pad=(t + b, 0, l + r, 0))),
        ("pad_one_side", g(pad=(0, t + b, 0, l + r))),
        ("pad_one_side", g(pad=(t, 0, l, 0))),
        ("pad_one_side", g(pad=(0, b, 0, r))),
        ("pad_wrong_side", g(pad=(b, t, r, l))),
        ("pad_rows_cols", g(pad=(l, r, t, b))),
        ("off_by_one", g(out_delta=(-1, -1))),
        ("off_by_one", g(out_delta=(-1, 0))),
        ("off_by_one", g(out_delta=(0, -1))),
    ]
    return [(k, m) for k, m in out if m is not None]


def _t(a):
    return None if a is None else a.T


def pad_mutations(X, pad4, same=None):
    """``[(hint key, X_pad the mistake gives), ...]`` for one pad2D case.

    ``same`` is ``(kernel_shape, stride, dilation)`` when the case asked for ``'same'``.
    """
    t, b, l, r = pad4
    P = lambda p, mode="constant": np.pad(X, ((0, 0), p[:2], p[2:], (0, 0)), mode=mode)  # noqa: E731
    out = [
        ("pad_one_side", P((t + b, 0, l + r, 0))),
        ("pad_one_side", P((0, t + b, 0, l + r))),
        ("pad_one_side", P((t, 0, l, 0))),
        ("pad_one_side", P((0, b, 0, r))),
        ("pad_wrong_side", P((b, t, r, l))),
        ("pad_rows_cols", P((l, r, t, b))),
        ("pad_tuple_order", P((t, l, b, r))),
        ("pad_wrong_axes", np.pad(X, ((t, b), (l, r), (0, 0), (0, 0)))),
        ("pad_wrong_axes", np.pad(X, ((0, 0), (0, 0), (t, b), (l, r)))),
        ("pad_not_zero", P(pad4, "edge")),
    ]
    if same is not None:
        (fr, fc), (s_r, s_c), (d_r, d_c) = same
        er, ec = fr + (fr - 1) * d_r, fc + (fc - 1) * d_c
        n_r, n_c = X.shape[1:3]

        def split(total):
            total = max(total, 0)
            return total // 2, total - total // 2

        # numpy-ml: out == in at every stride
        out.append(("same_out_eq_in", P(split((n_r - 1) * s_r + er - n_r) + split((n_c - 1) * s_c + ec - n_c))))
        out.append(("same_ignores_stride", P(split(er - 1) + split(ec - 1))))
        out.append(("pad_rows_cols", P(split(_same_total(n_r, fc, s_r, d_c)) + split(_same_total(n_c, fr, s_c, d_r)))))
    return out


def _same_total(n, k, s, d):
    out = -(-n // s)
    return max((out - 1) * s + k + (k - 1) * d - n, 0)


def conv_mutations(X, W, stride, dilation, pad):
    """``[(hint key, Z the mistake gives), ...]`` for one conv2D-as-a-matmul case.

    Geometry mistakes are the library's conv2D with the wrong geometry; layout mistakes
    are one matmul with a wrongly ordered ``W_col`` or a wrongly unpacked product.
    """
    from ..conv import conv2D
    s, d = _pair(stride), _pair(dilation)
    t, b, l, r = pad
    fr, fc, ch, out_ch = W.shape
    n_ex = X.shape[0]

    def conv(stride=s, dilation=d, pad=pad, W=W):
        try:
            return conv2D(X, W, stride, pad, dilation)
        except ValueError:     # the wrong geometry does not fit: no answer to compare with
            return None

    right = conv()
    oh, ow = right.shape[1:3]
    X_col = gather(X, (fr, fc), s, d, pad)

    def matmul(W_col, unpack="ijn"):
        M = W_col @ X_col
        if unpack == "ijn":
            return M.reshape(out_ch, oh, ow, n_ex).transpose(3, 1, 2, 0)
        if unpack == "jin":
            return M.reshape(out_ch, oh, ow, n_ex).transpose(3, 2, 1, 0)
        return M.reshape(out_ch, n_ex, oh, ow).transpose(1, 2, 3, 0)

    out = [
        ("dilation_ignored", conv(dilation=(0, 0))),
        ("dilation_off_by_one", conv(dilation=(d[0] + 1, d[1] + 1))),
        ("dilation_off_by_one", conv(dilation=(d[0] - 1, d[1] - 1)) if min(d) >= 1 else None),
        ("dilation_twice", conv(dilation=(2 * d[0], 2 * d[1]))),
        ("stride_ignored_rows", conv(stride=(1, s[1]))),
        ("stride_ignored_cols", conv(stride=(s[0], 1))),
        ("stride_swapped", conv(stride=(s[1], s[0]))),
        ("pad_one_side", conv(pad=(t + b, 0, l + r, 0))),
        ("pad_one_side", conv(pad=(0, t + b, 0, l + r))),
        ("pad_wrong_side", conv(pad=(b, t, r, l))),
        ("pad_rows_cols", conv(pad=(l, r, t, b))),
        ("off_by_one", right[:, :-1, :-1] if min(oh, ow) > 1 else None),
        ("kernel_flipped", conv(W=W[::-1, ::-1])),
        ("w_rows_order", matmul(W.reshape(-1, out_ch).T) if ch > 1 else None),
        ("kernel_rows_cols", matmul(W.transpose(3, 2, 1, 0).reshape(out_ch, -1))),
        ("z_unpack", matmul(W.transpose(3, 2, 0, 1).reshape(out_ch, -1), "nij") if n_ex > 1 else None),
        ("out_rows_cols", matmul(W.transpose(3, 2, 0, 1).reshape(out_ch, -1), "jin")),
    ]
    return [(k, m) for k, m in out if m is not None]


def col2im_mutations(X_col, X_shape, kernel, stride, dilation, pad):
    """``[(hint key, X the mistake gives), ...]`` for one col2im case."""
    s, d = _pair(stride), _pair(dilation)
    sc = lambda **kw: scatter(X_col, X_shape, kernel, kw.pop("stride", s), d, pad, **kw)  # noqa: E731
    out = [
        ("overwrite", sc(combine="set")),
        ("not_cropped", sc(crop=False)),
        ("kernel_rows_cols", sc(rows=("c", "kj", "ki"))),
        ("out_rows_cols", sc(cols=("j", "i", "n"))),
        ("channel_order", sc(rows=("ki", "kj", "c")) if X_shape[3] > 1 else None),
        ("batch_order", sc(cols=("n", "i", "j"))),
        ("dilation_ignored", sc(tap_step=(1, 1)) if any(d) else None),
    ]
    right = sc()
    if right is not None:
        out.append(("nchw", right.transpose(0, 3, 1, 2)))
    return [(k, m) for k, m in out if m is not None]


#: The five bugs planted in exercise 6's ``broken_im2col``, in the order the notebook lists them.
BROKEN_IM2COL_BUGS = ("pad_wrong_side", "stride_swapped", "dilation_off_by_one", "channel_order",
                      "out_rows_cols")


def broken_im2col_knobs(bugs, stride, dilation, pad):
    """:func:`gather` keyword arguments that reproduce ``broken_im2col`` with only ``bugs`` left.

    The bugs are independent (each touches one knob), so any subset composes.
    """
    s, d = _pair(stride), _pair(dilation)
    kw = {"stride": s, "dilation": d, "pad": tuple(pad)}
    if "pad_wrong_side" in bugs:          # (bottom, top, right, left)
        kw["pad"] = (pad[1], pad[0], pad[3], pad[2])
    if "stride_swapped" in bugs:          # the row stride used along the columns too
        kw["stride"] = (s[0], s[0])
    if "dilation_off_by_one" in bugs:     # column taps d_c apart instead of d_c + 1
        kw["tap_step"] = (d[0] + 1, d[1])
    if "channel_order" in bugs:           # row (ki*fc + kj)*in_ch + c
        kw["rows"] = ("ki", "kj", "c")
    if "out_rows_cols" in bugs:           # column (j*out_rows + i)*n_ex + n
        kw["cols"] = ("j", "i", "n")
    return kw
