"""The six apps. Each ``xxx_app(**initial_values)`` returns an :class:`App`.

``initial_values`` are control names (see :mod:`conv_teach.widgets.controls`); unknown
names raise a TypeError listing the known ones. A combination the library rejects is
shown in the app's message line, not raised.
"""
from ..viz.figures import (Col2imFigure, Conv1DFigure, DilationFigure, GemmFigure, Im2colFigure,
                           PaddingFigure)
from ..viz.formulas import column_line, memory_line, out_line_1D, out_lines_2D
from .app import App
from .controls import make_controls

__all__ = ["padding_app", "dilation_app", "im2col_app", "gemm_app", "conv1d_app", "col2im_app"]

#: app -> default values of its controls (small enough for a < 50 ms update)
DEFAULTS = {
    "padding_app": dict(in_rows=5, in_cols=5, fr=3, fc=3, stride=1, pad=1, out_row=0, out_col=0),
    "dilation_app": dict(in_rows=7, in_cols=7, fr=3, fc=3, stride=1, dilation=1, pad=0,
                         out_row=0, out_col=0),
    "im2col_app": dict(in_rows=4, in_cols=4, in_ch=1, n_ex=1, fr=3, fc=3, stride=1, pad=1,
                       dilation=0, out_row=0, out_col=0, example=0),
    "gemm_app": dict(in_rows=5, in_cols=5, in_ch=1, n_ex=1, out_ch=2, fr=3, fc=3, stride=1,
                     pad=0, dilation=0, out_row=0, out_col=0, example=0),
    "conv1d_app": dict(l_in=8, fw=3, in_ch=1, stride=1, pad="causal", dilation=0, out_pos=0),
    "col2im_app": dict(in_rows=4, in_cols=4, fr=3, fc=3, stride=1, pad=1, dilation=0,
                       out_row=0, out_col=0),
}

TITLES = {
    "padding_app": "<b>Padding</b>: the zeros around <code>X</code> (hatched), the window of the "
                   "selected output cell, and the output size.",
    "dilation_app": "<b>Stride and dilation</b>: the dilated kernel (zeros between its taps) and "
                    "the cells one output reads.",
    "im2col_app": "<b>im2col</b>: every window of <code>X_pad</code> becomes one column of "
                  "<code>X_col</code>.",
    "gemm_app": "<b>Convolution as one GEMM</b>: <code>W_col @ X_col</code>, reshaped into "
                "<code>Z</code>.",
    "conv1d_app": "<b>conv1D</b>: conv2D on a one-row image (channels drawn as rows).",
    "col2im_app": "<b>col2im</b>: how many windows read each pixel, and how gradients add back up.",
}


def _values(app, initial):
    defaults = DEFAULTS[app]
    unknown = sorted(set(initial) - set(defaults))
    if unknown:
        raise TypeError(f"{app}: unknown control(s) {', '.join(unknown)}; "
                        f"the controls are {', '.join(defaults)}.")
    return {**defaults, **initial}


def _limits_2D(scene):
    (oh, ow), n_ex = scene["out"], scene["X"].shape[0]
    return {"out_row": oh - 1, "out_col": ow - 1, "example": n_ex - 1}


def _shape_line(scene, name="Z"):
    return f"{name} shape: {tuple(scene[name].shape)}"


def _app(name, figure_cls, initial, limits, readout, one_d=False):
    values = _values(name, initial)
    # draw the defaults first, so that a rejected initial combination still leaves a picture
    builder = figure_cls(**DEFAULTS[name])
    controls = make_controls(values, one_d=one_d)
    return App(builder, controls, limits, readout, title=TITLES[name])


def padding_app(**initial_values):
    """Padding: ``X``, ``X_pad`` (hatched border) with the window of the selected cell, ``Z``.

    Controls: in_rows, in_cols, fr, fc, stride, pad, out_row, out_col.
    Arrays: X, W, X_pad, Z.
    """
    return _app("padding_app", PaddingFigure, initial_values, _limits_2D,
                lambda s: [_shape_line(s)] + out_lines_2D(s))


def dilation_app(**initial_values):
    """Stride and dilation: ``dilate(W)``, ``X_pad`` with the taps of the cell, ``Z``.

    Controls: in_rows, in_cols, fr, fc, stride, dilation, pad, out_row, out_col.
    Arrays: X, W, W_dil, X_pad, Z.
    """
    return _app("dilation_app", DilationFigure, initial_values, _limits_2D,
                lambda s: [_shape_line(s)] + out_lines_2D(s) +
                [f"eff = k + (k - 1)*dilation = {s['eff'][0]} x {s['eff'][1]}"])


def im2col_app(**initial_values):
    """im2col: each channel of ``X_pad[n]`` with the taps of the cell, and ``X_col``.

    Controls: in_rows, in_cols, in_ch, n_ex, fr, fc, stride, pad, dilation, out_row, out_col,
    example. Arrays: X, W, X_pad, X_col.
    """
    return _app("im2col_app", Im2colFigure, initial_values, _limits_2D,
                lambda s: [_shape_line(s, "X_col")] + out_lines_2D(s) +
                [column_line(s), memory_line(s["X"].shape, s["X_col"].shape)])


def gemm_app(**initial_values):
    """Convolution as one matrix multiply: ``W_col @ X_col = Z_col``, reshaped into ``Z``.

    Controls: those of :func:`im2col_app` and out_ch. Arrays: X, W, X_col, W_col, Z_col, Z.
    """
    return _app("gemm_app", GemmFigure, initial_values, _limits_2D,
                lambda s: [f"W_col {s['W_col'].shape} @ X_col {s['X_col'].shape} = "
                           f"Z_col {s['Z_col'].shape} -> Z {s['Z'].shape}"] +
                out_lines_2D(s) + [column_line(s), memory_line(s["X"].shape, s["X_col"].shape)])


def conv1d_app(**initial_values):
    """conv1D as conv2D on one row: ``X_pad``, ``W``, ``X_col``, ``Z``.

    Controls: l_in, fw, in_ch, stride, pad, dilation, out_pos. Arrays: X, W, X_pad, X_col, W_col, Z.
    """
    return _app("conv1d_app", Conv1DFigure, initial_values,
                lambda s: {"out_pos": s["out"] - 1},
                lambda s: [_shape_line(s), out_line_1D(s),
                           memory_line(s["X"].shape, s["X_col"].shape)], one_d=True)


def col2im_app(**initial_values):
    """col2im and the backward pass: window counts, ``dZ``, ``dX_col``, ``dX = col2im(dX_col)``.

    Controls: in_rows, in_cols, fr, fc, stride, pad, dilation, out_row, out_col.
    Arrays: X, W, W_col, X_col, counts, dZ, dX_col, dX.
    """
    return _app("col2im_app", Col2imFigure, initial_values, _limits_2D,
                lambda s: [_shape_line(s, "dX")] + out_lines_2D(s) +
                [f"most windows on one pixel: {int(s['counts'].max())}"])
