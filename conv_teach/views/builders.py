"""The nine views. Each ``xxx_view(**controls)`` returns a :class:`~conv_teach.views.View`.

Keyword arguments are control names (see :mod:`conv_teach.views.controls`); unknown names
raise a TypeError listing the known ones. A combination the library rejects is not raised:
the view shows the library's message and the last valid picture, greyed.

Data: ``X=`` (and ``W=`` where the view has a kernel; col2im_view takes ``dZ=`` and ``W=``)
draw the user's own numbers instead of the example ones, e.g. a crop of a photograph. The
array must be in the view's layout (``X`` ``(n_ex, in_rows, in_cols, in_ch)``, ``W`` ``(fr, fc,
in_ch, out_ch)``; conv1d_view ``(n_ex, l_in, in_ch)`` and ``(fw, in_ch, out_ch)``); the shape
controls it sets follow it and are disabled, the others (stride, pad, dilation...) still work.
Axes the view has no control for must be 1. Errors (wrong number of axes, a size the view
cannot draw, not real numbers, NaN or infinity) are raised at once, in
:mod:`conv_teach._validate`'s words; so is a first setting the library rejects for the arrays.
"""
from .. import _validate as v
from .controls import CHOICES, SIZES, make_controls, set_tooltip
from .widget import View

__all__ = ["padding_view", "dilation_view", "im2col_view", "gemm_view", "conv1d_view",
           "col2im_view", "transpose_view", "pool_view", "groups_view", "DEFAULTS"]

#: view -> default values of its controls, in the order the controls are shown
DEFAULTS = {
    "padding_view": dict(in_rows=5, in_cols=5, fr=3, fc=3, stride=1, pad=1),
    "dilation_view": dict(in_rows=7, in_cols=7, fr=3, fc=3, stride=1, dilation=1, pad=0),
    "im2col_view": dict(in_rows=4, in_cols=4, in_ch=1, n_ex=1, fr=3, fc=3, stride=1, pad=1,
                        dilation=0),
    "gemm_view": dict(in_rows=5, in_cols=5, in_ch=1, n_ex=1, out_ch=2, fr=3, fc=3, stride=1,
                      pad=0, dilation=0),
    "conv1d_view": dict(l_in=8, fw=3, in_ch=1, stride=1, pad="causal", dilation=0),
    "col2im_view": dict(in_rows=4, in_cols=4, fr=3, fc=3, stride=1, pad=1, dilation=0),
    "transpose_view": dict(in_rows=3, in_cols=3, fr=3, fc=3, stride=2, pad=0, dilation=0,
                           output_padding=0),
    "pool_view": dict(in_rows=4, in_cols=4, in_ch=1, fr=2, fc=2, stride=2, pad=0, dilation=0,
                      mode="max"),
    # the picture lesson 09 draws: 2x2 taps on a 3x3 image keep X_col at 16 rows, so the
    # block-diagonal W_col and a hover stay legible and quick (a 3x3 kernel, pad 1, on 4x4 made
    # ~1000 cells: hover median 19 ms, slider step 119 ms in benchmarks/bench_views.py)
    "groups_view": dict(in_rows=3, in_cols=3, in_ch=4, out_ch=4, groups=2, fr=2, fc=2, stride=1,
                        pad=0, dilation=0),
}
#: slider ranges of one view that differ from controls.SLIDERS
RANGES = {"groups_view": {"in_ch": (1, 8), "out_ch": (1, 8), "groups": (1, 8)}}

#: the cell selected when nothing (valid) is: the first output cell (the first input cell of
#: a transposed convolution, whose story starts at the input)
FIRST_CELL = {"col2im_view": "dZ", "transpose_view": "X"}


def _first_cell(name):
    def first(d):
        panel = FIRST_CELL.get(name, "Z")
        return panel, (0,) * d.arrays[panel].ndim
    return first


#: the arrays each view takes as data (``X=``, ``W=``; col2im_view's input is ``dZ=``)
DATA = {"padding_view": ("X", "W"), "dilation_view": ("X", "W"), "im2col_view": ("X", "W"),
        "gemm_view": ("X", "W"), "conv1d_view": ("X", "W"), "col2im_view": ("dZ", "W"),
        "transpose_view": ("X", "W"), "pool_view": ("X",), "groups_view": ("X", "W")}
#: the axes of a data array in a view's layout; an axis named like a control sets that control
AXES_X = ("n_ex", "in_rows", "in_cols", "in_ch")
AXES_W = ("fr", "fc", "in_ch", "out_ch")
AXES_1D = {"X": ("n_ex", "l_in", "in_ch"), "W": ("fw", "in_ch", "out_ch")}
AXES_DZ = ("n_ex", "out_rows", "out_cols", "out_ch")
#: axes that are no control but need not be 1 (the drawing checks them against the controls)
FREE_AXES = {"out_rows", "out_cols", "in_ch // groups"}


def data_axes(view, name):
    """The axis names of data array ``name`` (``'X'``, ``'W'``, ``'dZ'``) of ``view``."""
    if view == "conv1d_view":
        return AXES_1D[name]
    if name == "dZ":
        return AXES_DZ
    if name == "W" and view == "groups_view":
        return ("fr", "fc", "in_ch // groups", "out_ch")
    return AXES_X if name == "X" else AXES_W


def _take_data(name, initial, defaults):
    """Pop and check the data arrays of ``initial``; return ``(data, derived control values,
    {control: [(array, axis), ...] that fix it})``."""
    data, derived, fixed_by = {}, {}, {}
    for arr in DATA.get(name, ()):
        if arr not in initial:
            continue
        axes = data_axes(name, arr)
        fixed = [a for a in axes if a not in defaults and a not in FREE_AXES]
        a = v.view_array(name, arr, initial.pop(arr), axes, fixed)
        for axis, what in enumerate(axes):
            if what not in defaults:
                continue
            if what in initial and initial[what] != a.shape[axis]:
                raise v.control_contradicts_data(name, what, initial[what], arr, axis, a.shape[axis])
            if what in derived and derived[what] != a.shape[axis]:     # X and W disagree
                raise v.data_disagree(name, what, fixed_by[what][-1], derived[what], (arr, axis),
                                      a.shape[axis])
            derived[what] = a.shape[axis]
            fixed_by.setdefault(what, []).append((arr, axis))
        data[arr] = a
    return data, derived, fixed_by


def fixed_tooltip(control, fixed_by):
    """The words on a control that data arrays fix (shown on hover: a disabled slider says why),
    e.g. ``"in_rows is fixed by the X passed to this view (its axis 1)"``."""
    why = " and ".join(f"the {arr} passed to this view (its axis {axis})" for arr, axis in fixed_by)
    return f"{control} is fixed by {why}"


def _view(name, initial):
    defaults = DEFAULTS[name]
    initial = dict(initial)
    unknown = set(initial) - set(defaults) - set(DATA.get(name, ()))
    if unknown:
        raise v.unknown_controls(name, unknown, list(defaults) + [f"{a}= (data)" for a in DATA.get(name, ())])
    data, derived, fixed_by = _take_data(name, initial, defaults)
    values = {**defaults, **initial, **derived}
    # a slider holds an int: sizes and the stride from 1, dilation from 0 (a kernel larger
    # than the input is the library's to refuse, shown as the view's message)
    for key, value in values.items():
        if key in CHOICES:
            values[key] = v.check_choice(name, key, value, CHOICES[key])
        elif key != "pad":
            values[key] = v.check_int(name, key, value, 1 if key in SIZES or key == "stride" else 0)
    if data:      # the user's own numbers: a rejected first setting is an error, not a grey picture
        from .drawings import drawing
        drawing(name, **values, **data)
    controls = make_controls(values, one_d=name == "conv1d_view", ranges=RANGES.get(name))
    for key in derived:                      # the array decides: the slider cannot contradict it
        controls[key].disabled = True
        set_tooltip(controls[key], fixed_tooltip(key, fixed_by[key]))
    return View(name, controls, _first_cell(name), values_first=None if data else defaults,
                data=data)


def padding_view(**controls):
    """Padding: ``X``, ``X_pad`` (hatched border), the kernel ``W`` and the output ``Z``.

    Controls: in_rows, in_cols, fr, fc, stride, pad. Arrays: X, X_pad, W, Z.
    Hover an output cell: its window in ``X_pad`` (and the pixels of ``X`` inside it) lights.
    Hover a pixel: every output that reads it lights.
    """
    return _view("padding_view", controls)


def dilation_view(**controls):
    """Stride and dilation: ``X_pad``, ``W``, the dilated kernel ``W_dil`` and ``Z``.

    Controls: in_rows, in_cols, fr, fc, stride, dilation, pad. Arrays: X_pad, W, W_dil, Z.
    An output cell lights the taps it reads in ``X_pad``: the gaps of the dilation stay dark.
    """
    return _view("dilation_view", controls)


def im2col_view(**controls):
    """im2col: every example's ``X_pad`` per channel, ``W``, ``Z`` and ``X_col``.

    Controls: in_rows, in_cols, in_ch, n_ex, fr, fc, stride, pad, dilation.
    Arrays: X_pad, W, Z, X_col (rows labelled ``c0 (0,1)``: channel, tap; columns
    ``(i,j) n1``: output cell, example). An output cell lights its receptive field in every
    channel and its ``X_col`` column; a pixel lights every ``X_col`` entry that copies it and
    every output that reads it; an ``X_col`` entry lights its pixel, its output and its tap.
    """
    return _view("im2col_view", controls)


def gemm_view(**controls):
    """Convolution as one matrix product: ``W_col @ X_col = Z_col``, reshaped into ``Z``.

    Controls: those of :func:`im2col_view` and out_ch. Arrays: X_pad, W, Z, X_col, W_col, Z_col.
    An output cell lights its ``X_col`` column, its ``W_col`` row and its ``Z_col`` entry.
    """
    return _view("gemm_view", controls)


def conv1d_view(**controls):
    """conv1D as conv2D on one row: ``X_pad`` (channels as rows), ``W``, ``Z`` and ``X_col``.

    Controls: l_in, fw, in_ch, stride, pad (also ``'causal'``), dilation.
    Arrays: X_pad (n, t, ch), W (fw, in_ch, 1), Z (n, t, 1), X_col.
    """
    return _view("conv1d_view", controls)


def col2im_view(**controls):
    """col2im and the backward pass: ``dZ``, ``W_col``, ``dX_col = W_col.T @ dZ_col``,
    ``dX = col2im(dX_col)`` and ``counts = col2im(ones)`` (how many windows read each pixel).

    Controls: in_rows, in_cols, fr, fc, stride, pad, dilation.
    Arrays: dZ, W_col, dX_col, dX, counts. A ``dX`` pixel lights the ``dX_col`` entries summed
    into it and the gradients ``dZ`` they come from.
    """
    return _view("col2im_view", controls)


def transpose_view(**controls):
    """Transposed convolution: every input cell of ``X`` writes its weighted kernel into ``Z``.

    Controls: in_rows, in_cols, fr, fc, stride, pad, dilation, output_padding.
    Arrays: X, W, Z. An input cell lights the output cells it writes into; an output cell lights
    the input cells writing into it and the taps they write through; a tap lights its writes.
    """
    return _view("transpose_view", controls)


def pool_view(**controls):
    """Max and average pooling, forward and backward: ``X``, ``X_pad``, ``Z``, ``dZ``, ``dX``.

    Controls: in_rows, in_cols, in_ch, fr, fc (the window), stride, pad, dilation, mode
    (``'max'`` or ``'avg'``; average pooling has no dilation). Data: ``X=`` (1, in_rows,
    in_cols, in_ch).

    Arrays: ``X``; ``X_pad`` (max pooling pads with -inf, drawn "−∞" on hatched cells; average
    pooling with 0); ``Z`` = :func:`conv_teach.maxpool2D` / :func:`conv_teach.avgpool2D`;
    ``dZ`` (an example gradient); ``dX`` = :func:`conv_teach.maxpool2D_backward` /
    :func:`conv_teach.avgpool2D_backward` of ``dZ``.

    Links: an output cell (``Z`` or its ``dZ``) lights its window in ``X_pad`` and ``X``, its
    ``dZ`` (``Z``) and the ``dX`` cells its gradient is routed to; a pixel lights the outputs
    whose windows read it and its ``dX``; a ``dX`` cell lights the ``dZ`` (and ``Z``) cells routed
    into it and its pixel. ``view.picked(panel, index)``: the maximum an output picks (max
    pooling), marked ``.ct-picked`` in the browser, distinct from merely lit cells.
    """
    return _view("pool_view", controls)


def groups_view(**controls):
    """Grouped (and depthwise) convolution as one matrix product with a block-diagonal W_col.

    Controls: in_rows, in_cols, in_ch, out_ch, groups, fr, fc, stride, pad, dilation. Data:
    ``X=`` (1, in_rows, in_cols, in_ch), ``W=`` (fr, fc, in_ch // groups, out_ch).

    Arrays: ``X_pad``, ``W`` (fr, fc, in_ch // groups, out_ch), ``Z`` = ``conv2D(X, W, ...,
    groups=groups)``, ``X_col``, ``W_col`` (out_ch, in_ch*fr*fc): the rows of
    ``block_diagonal(W, groups)``, zero outside the groups' blocks (drawn empty, grey). Either
    ``W_col`` is drawn transposed beside ``X_col`` (``W_col.T``) or ``X_col`` under ``W_col``
    (``X_col.T``), whichever gives the larger cells, so that each weight lines up with the
    ``X_col`` entries it multiplies.

    Links: an output lights the ``X_col`` rows of its group only (and the pixels they copy,
    its taps in ``W`` and its row of ``W_col``); a ``W_col`` weight lights the ``X_col`` row it
    multiplies; a cell outside the blocks lights nothing else. The readout counts weights and
    multiply-adds: this grouped convolution, a full one, and depthwise-separable (depthwise +
    1x1, MobileNet's, Howard et al. 2017).
    """
    return _view("groups_view", controls)
