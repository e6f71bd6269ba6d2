"""Every input check of conv_teach, and the one place that words its error messages.

Each message says three things: which parameter was wrong, what we received, and
what would have been right (numpy's style). The public functions call these checks
first and then work on values that are known to be good, so a user never sees a
bare numpy traceback from deep inside im2col.

``fn`` is the name of the public function doing the check; it starts every message
so that a student knows which call failed.
"""
import operator
import reprlib

import numpy as np

LAYOUT_2D = "X is (n_ex, in_rows, in_cols, in_ch); W is (fr, fc, in_ch, out_ch)."
LAYOUT_1D = "X is (n_ex, l_in, in_ch); W is (fw, in_ch, out_ch)."

PAD_FORMS_2D = ("an int >= 0, a 2-tuple (rows, cols), a 4-tuple (top, bottom, left, right), "
                "'same' or 'valid'")
PAD_FORMS_1D = "an int >= 0, a 2-tuple (left, right), 'same', 'valid' or 'causal'"

HINTS = {
    "stride": " A stride of 1 moves the window one cell at a time.",
    "dilation": (" dilation counts the zeros inserted between kernel taps: 0 is a dense kernel"
                 " (torch's dilation=1)."),
    "groups": (" groups=1 is an ordinary convolution; groups=in_ch is depthwise (each channel"
               " filtered on its own)."),
}

#: the same hints for pooling, whose window has no weights and whose max pads with -inf
POOL_HINTS = {
    **HINTS,
    "dilation": (" dilation counts the cells skipped between the taps of the pooling window: 0 is "
                 "a dense window (torch's dilation=1)."),
}


def _hint(fn, name):
    """The hint after an error about ``name``, worded for pooling when ``fn`` pools."""
    return (POOL_HINTS if "pool" in fn else HINTS).get(name, "")


def _pad_words(fn):
    if fn.startswith("maxpool"):
        return "padding adds -inf cells (they never win the max), it cannot remove cells."
    if fn.startswith("avgpool"):
        return "padding adds zero cells, it cannot remove cells."
    return "padding adds zeros, it cannot remove cells."


class ArrayTooLarge(MemoryError):
    """An output or working array would need more memory than the allowed limit."""


class ColumnMatrixTooLarge(ArrayTooLarge):
    """The im2col matrix asked for would not fit in the allowed memory."""


def human_bytes(nbytes):
    """``1.50 GiB``, ``3.00 MiB``, ``12.0 KiB`` or ``100 bytes``: never ``0.00 GiB``."""
    if nbytes >= 2 ** 60:
        return f"{nbytes / 2 ** 40:.3g} TiB"
    for unit, size in (("TiB", 2 ** 40), ("GiB", 2 ** 30), ("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if nbytes >= size:
            return f"{nbytes / size:.2f} {unit}"
    return f"{nbytes} bytes"


def array_bytes(shape, dtype):
    """Bytes of an array of ``shape`` and ``dtype``, in Python ints (no overflow)."""
    n = np.dtype(dtype).itemsize
    for x in shape:
        n *= int(x)
    return n


def check_size(fn, what, shape, dtype, limit):
    """Refuse an array larger than ``limit`` bytes before it is allocated; return its bytes."""
    nbytes = array_bytes(shape, dtype)
    if nbytes > limit:
        raise ArrayTooLarge(
            f"{fn}: {what} would have shape {tuple(int(x) for x in shape)} ({np.dtype(dtype)}) "
            f"and need {human_bytes(nbytes)} ({nbytes} bytes), more than the limit of "
            f"{human_bytes(limit)} ({limit} bytes). Use smaller inputs or arguments, or raise "
            f"the limit with max_bytes=...")
    return nbytes


def _type_name(value):
    return type(value).__name__


def check_int(fn, name, value, minimum):
    """Return ``value`` as a Python int >= ``minimum``.

    Python and NumPy integers pass; bools, floats and anything else raise TypeError.
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{fn}: {name} must be an int >= {minimum}, got the bool {value!r}."
                        + _hint(fn, name))
    try:
        v = operator.index(value)
    except TypeError:
        raise TypeError(f"{fn}: {name} must be an int >= {minimum}, got {value!r} "
                        f"({_type_name(value)})." + _hint(fn, name)) from None
    if v < minimum:
        raise ValueError(f"{fn}: {name} must be an int >= {minimum}, got {v}."
                         + _hint(fn, name))
    return v


def check_pair(fn, name, value, minimum, ndim):
    """An int >= ``minimum`` or, in 2D, a ``(rows, cols)`` pair of them -> a tuple of ``ndim`` ints."""
    if isinstance(value, (tuple, list)) and ndim == 2:
        if len(value) != 2:
            raise ValueError(f"{fn}: {name} must be an int >= {minimum} or a (rows, cols) pair, "
                             f"got a {len(value)}-tuple {tuple(value)!r}.")
        return tuple(check_int(fn, f"{name}[{i}]", v, minimum) for i, v in enumerate(value))
    if isinstance(value, (tuple, list, np.ndarray)):
        what = "an int >= %d" % minimum + (" or a (rows, cols) pair" if ndim == 2 else "")
        raise TypeError(f"{fn}: {name} must be {what}, got {value!r}.")
    v = check_int(fn, name, value, minimum)
    return (v,) * ndim


#: ndarray subclasses accepted as they are: their numbers are all their meaning.
PLAIN_ARRAYS = (np.ndarray, np.memmap)


def refuse_subclass(fn, name, value):
    """Masked arrays and other ndarray subclasses whose meaning numpy would drop.

    ``np.asarray`` keeps only the numbers: a masked array's mask, a ``np.matrix``'s
    algebra, a unit-carrying array's units. conv_teach refuses them rather than computing
    a silently wrong answer; the caller says what the hidden values should be.
    """
    if isinstance(value, np.ma.MaskedArray):
        raise TypeError(f"{fn}: {name} is a masked array; its mask would be ignored and the "
                        f"hidden values used. Say what masked cells should be: pass "
                        f"{name}.filled(0) (or another fill value), or np.asarray({name}) to use "
                        f"the hidden values.")
    if isinstance(value, np.ndarray) and type(value) not in PLAIN_ARRAYS:
        raise TypeError(f"{fn}: {name} is a {type(value).__module__}.{type(value).__name__}, a "
                        f"NumPy subclass whose meaning (units, mask, matrix algebra) would be "
                        f"dropped; pass np.asarray({name}) to use its plain numbers.")


def check_array(fn, name, value, ndim, layout, batch_axis=None):
    """Return ``value`` as an ndarray of real numbers with ``ndim`` axes, none of them empty
    except ``batch_axis`` (the examples: ``n_ex = 0`` gives an empty result)."""
    refuse_subclass(fn, name, value)
    try:
        a = np.asarray(value)
    except ValueError as e:          # ragged nested lists: numpy's message names no parameter
        raise ValueError(f"{fn}: {name} must be an array (or equally long nested lists) of real "
                         f"numbers, got {reprlib.repr(value)}, which numpy cannot make into one "
                         f"array ({e}). " + layout) from None
    if a.dtype.kind not in "iuf":
        raise TypeError(f"{fn}: {name} must hold real numbers (int or float), got dtype {a.dtype}."
                        + (f" Bools are not numbers here: use {name}.astype(float)."
                           if a.dtype.kind == "b" else ""))
    if a.ndim != ndim:
        raise ValueError(f"{fn}: {name} must be {ndim}-D, got shape {a.shape} ({a.ndim}-D). "
                         + layout)
    if any(n == 0 for i, n in enumerate(a.shape) if i != batch_axis):
        only = " (only the batch axis may be 0)" if batch_axis is not None else ""
        raise ValueError(f"{fn}: {name} has an empty axis, shape {a.shape}{only}. " + layout)
    return a


def shape_arg(fn, name, value):
    """A shape given as a 1-D array becomes a tuple; the array itself (``W`` for ``W.shape``,
    a common slip) gets an error that shows its shape instead of printing all its numbers."""
    if isinstance(value, np.ndarray):
        if value.ndim == 1 and value.dtype.kind in "iu":
            return tuple(value.tolist())
        array = name[:-len("_shape")] if name.endswith("_shape") else "the array"
        raise ValueError(f"{fn}: {name} must be a tuple of ints, got an array of shape "
                         f"{value.shape}; pass {array}.shape, not {array} itself.")
    return value


def check_shape(fn, name, value, ndim, layout, batch_axis=None):
    """Return a shape tuple of ``ndim`` Python ints >= 1 (>= 0 at ``batch_axis``)."""
    value = shape_arg(fn, name, value)
    if not isinstance(value, (tuple, list)) or len(value) != ndim:
        raise ValueError(f"{fn}: {name} must be a tuple of {ndim} ints, got {value!r}. " + layout)
    return tuple(check_int(fn, f"{name}[{i}]", v, 0 if i == batch_axis else 1)
                 for i, v in enumerate(value))


def _layout_hint(X_shape, W_shape, dim, transposed):
    """A channel mismatch that torch's layouts would explain (X in NCHW or NCL; W as torch
    stores it, with a square kernel), said as a condition: the shapes only suggest it. When X
    looks like NCHW and W like torch's weight for those channels, both are said at once:
    fixing X alone would let a torch W through as a wrong, non-square kernel. ``transposed``:
    W is a transposed convolution's, whose torch layout is conv_transpose2d's."""
    x_ch, w_ch = X_shape[-1], W_shape[-2]
    torch_w = "conv_transpose2d" if transposed else "conv2d"
    w_order = "(in_ch, out_ch // groups, kH, kW)" if transposed else "(out_ch, in_ch, kH, kW)"
    w_fix = "W.transpose(2, 3, 0, 1)" if transposed else "W.transpose(2, 3, 1, 0)"

    def w_is_torch(in_ch):
        return dim == 2 and W_shape[2] == W_shape[3] and W_shape[0 if transposed else 1] == in_ch

    if X_shape[1] != x_ch and (X_shape[1] == w_ch or w_is_torch(X_shape[1])):
        fix = "X.transpose(0, 2, 3, 1)" if dim == 2 else "X.transpose(0, 2, 1)"
        layout = "NCHW" if dim == 2 else "NCL"
        if w_is_torch(X_shape[1]):
            return (f"If X and W are in torch's layouts ({layout}, and {torch_w}'s {w_order}), "
                    f"pass {fix} and {w_fix}: conv_teach's X is NHWC and its W "
                    f"(fr, fc, in_ch, out_ch).")
        return (f"If X is in torch's {layout} layout (channels on axis 1), pass {fix}: "
                f"conv_teach's X is {'NHWC' if dim == 2 else 'NLC'}.")
    if w_is_torch(x_ch):
        return f"If W is in torch's {torch_w} layout {w_order}, pass {w_fix}."
    return ""


def check_channels(fn, x_ch, w_ch, dim, shapes=None, *, takes_groups=False, transposed=False):
    """Check that X's channels (its last axis) are W's input channels.

    Parameters
    ----------
    fn : str
        The public function's name, which starts the message.
    x_ch, w_ch : int
        ``X``'s channels and ``W``'s input-channel axis (``W.shape[-2]``).
    dim : {1, 2}
        1D or 2D layouts (which axes the message names).
    shapes : (X_shape, W_shape), optional
        Lets the message say when torch's layouts (X in NCHW / NCL, W as torch stores it)
        or a grouped kernel explain the mismatch; without them no hint is given.
    takes_groups : bool, default False
        The caller accepts ``groups=``: a W whose input axis divides X's channels is then
        said to be perhaps a grouped kernel, with the ``groups`` that fits. Said by the
        caller, never guessed from ``fn``, so a new function gets only the hints it states.
    transposed : bool, default False
        W is a transposed convolution's ``(fr, fc, in_ch, out_ch)``: torch's layout for it
        is conv_transpose2d's ``(in_ch, out_ch // groups, kH, kW)``, and no grouped-kernel hint is
        given (a grouped transposed W keeps all ``in_ch`` input channels).

    Raises
    ------
    ValueError
        When ``x_ch != w_ch``, naming both axes and values, the layout, and the hints.
    """
    if x_ch != w_ch:
        ax_x, ax_w = ("X.shape[3]", "W.shape[2]") if dim == 2 else ("X.shape[2]", "W.shape[1]")
        layout = LAYOUT_2D if dim == 2 else LAYOUT_1D
        hints = []
        if takes_groups and not transposed and w_ch < x_ch and x_ch % w_ch == 0:
            g, out_ch = x_ch // w_ch, (None if shapes is None else shapes[1][-1])
            kind = f"{'depthwise: ' if w_ch == 1 else ''}each output channel reads {w_ch} of the {x_ch}"
            if out_ch is None or out_ch % g == 0:
                hints.append(f"If W is a grouped kernel ({kind}), pass groups={g}.")
            else:
                hints.append(f"If W is meant as a grouped kernel ({kind}), groups={g} also needs "
                             f"W's out_ch, {out_ch}, to be a multiple of {g}.")
        if shapes is not None:       # both can fit the shapes: then both are said
            hints.append(_layout_hint(*shapes, dim, transposed))
        joined = " Or: ".join(h for h in hints if h)
        hint = " " + joined if joined else ""
        raise ValueError(f"{fn}: X has {x_ch} input channels but W expects {w_ch} "
                         f"({ax_x}={x_ch}, {ax_w}={w_ch}). " + layout + hint)


def check_pad_value(fn, name, value):
    """One padding amount: an int >= 0 (no bools, floats or negatives)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{fn}: {name} must be an int >= 0, got the bool {value!r}; "
                        f"write 1 or 0 instead.")
    try:
        v = operator.index(value)
    except TypeError:
        raise TypeError(f"{fn}: {name} must be an int >= 0, got {value!r} "
                        f"({_type_name(value)}).") from None
    if v < 0:
        raise ValueError(f"{fn}: {name} must be an int >= 0, got {v}; {_pad_words(fn)}")
    return v


def bad_pad(fn, pad, dim):
    """The error for a pad that has none of the accepted forms."""
    forms = PAD_FORMS_2D if dim == 2 else PAD_FORMS_1D
    if isinstance(pad, str):
        if pad == "causal" and dim == 2:
            return ValueError(f"{fn}: pad='causal' is only defined in 1D (conv1D, pad1D); in 2D "
                              f"pad must be {forms}.")
        return ValueError(f"{fn}: unknown pad {pad!r}; pad must be {forms}.")
    if isinstance(pad, (tuple, list)):
        return ValueError(f"{fn}: pad must be {forms}; got a {len(pad)}-tuple {tuple(pad)!r}.")
    return TypeError(f"{fn}: pad must be {forms}; got {pad!r} ({_type_name(pad)}).")


def need_kernel(fn, pad, dim):
    arg = "kernel_shape" if dim == 2 else "kernel_width"
    return ValueError(f"{fn}: pad={pad!r} depends on the kernel size: pass {arg}.")


def kernel_too_large(fn, eff, padded, dilation, what="kernel",
                     fix="shrink the kernel or its dilation"):
    """The kernel (after dilation) does not fit in the padded input; ``what`` and ``fix`` name
    the window and the remedy (pooling: "the pooling window", "use a smaller window")."""
    if len(eff) == 1:
        return ValueError(
            f"{fn}: {what} (length {eff[0]} after dilation={dilation[0]}) is longer than the "
            f"padded input (length {padded[0]}); pad more or {fix}.")
    d = dilation[0] if dilation[0] == dilation[1] else tuple(dilation)
    return ValueError(
        f"{fn}: {what} ({eff[0]}x{eff[1]} after dilation={d}) is larger than the padded input "
        f"({padded[0]}x{padded[1]}); pad more or {fix}.")


def check_cols_shape(fn, X_col, expected, X_shape, W_shape):
    if X_col.shape != expected:
        raise ValueError(
            f"{fn}: X_col must have shape (in_ch*fr*fc, out_rows*out_cols*n_ex) = {expected} "
            f"for X_shape={tuple(X_shape)} and W_shape={tuple(W_shape)}, got {X_col.shape}.")


def check_dZ_shape(fn, dZ, expected):
    if dZ.shape != expected:
        raise ValueError(f"{fn}: dZ must have the shape of the forward output {expected}, "
                         f"got {dZ.shape}.")


def too_large(fn, nbytes, limit, shape, dtype):
    return ColumnMatrixTooLarge(
        f"{fn}: the column matrix X_col would have shape {shape} ({dtype}) and need "
        f"{human_bytes(nbytes)} ({nbytes} bytes), more than the limit of {human_bytes(limit)}. "
        f"Use a smaller batch, or raise the limit with max_bytes=... "
        f"(conv2D never builds this matrix whole).")


# --- grouped and depthwise convolution (conv_teach.groups) ---------------------------

LAYOUT_GROUPS_2D = ("X is (n_ex, in_rows, in_cols, in_ch); with groups=g, W is "
                    "(fr, fc, in_ch // g, out_ch), out_ch divisible by g.")
LAYOUT_GROUPS_1D = ("X is (n_ex, l_in, in_ch); with groups=g, W is (fw, in_ch // g, out_ch), "
                    "out_ch divisible by g.")
LAYOUT_GROUPS_T = ("X is (n_ex, in_rows, in_cols, in_ch); with groups=g, W is "
                   "(fr, fc, in_ch, out_ch // g) and Z has out_ch = g * W.shape[3] channels.")


def _divisors(n):
    return ", ".join(str(k) for k in range(1, n + 1) if n % k == 0)


def check_groups(fn, groups, X_shape, W_shape, dim, transposed=False):
    """Check ``groups`` against the channels; return it as a Python int.

    Conv layouts (torch's semantics in NHWC): ``in_ch`` (``X``'s last axis) and ``out_ch``
    (``W``'s last axis) divisible by ``groups`` and ``W``'s input-channel axis equal to
    ``in_ch // groups``. Transposed layout (``transposed=True``): ``in_ch`` divisible by
    ``groups`` and ``W``'s input-channel axis equal to ``in_ch``; the output has
    ``groups * out_ch`` channels.

    Parameters
    ----------
    fn : str
        The public function's name, which starts the message.
    groups : int
        As the user passed it (checked here: an int >= 1).
    X_shape, W_shape : tuple of int
        The checked shapes of ``X`` and ``W`` (``dim + 2`` entries each).
    dim : {1, 2}
    transposed : bool, default False
        ``W`` is a transposed convolution's.

    Returns
    -------
    int

    Raises
    ------
    TypeError, ValueError
        A ``groups`` that is no int >= 1, or does not fit the channels. A channel mismatch
        that ``groups`` does not explain is :func:`check_channels`'s error, with its hints
        (the caller takes ``groups=``, so a grouped kernel is among them).
    """
    groups = check_int(fn, "groups", groups, 1)
    x_ch, w_ch, out_ch = X_shape[-1], W_shape[-2], W_shape[-1]
    x_ax = "X.shape[3]" if dim == 2 else "X.shape[2]"
    w_ax, o_ax = ("W.shape[2]", "W.shape[3]") if dim == 2 else ("W.shape[1]", "W.shape[2]")
    if transposed:
        layout = LAYOUT_GROUPS_T
    else:
        layout = LAYOUT_GROUPS_2D if dim == 2 else LAYOUT_GROUPS_1D
    if groups == 1 or (transposed and w_ch != x_ch):
        check_channels(fn, x_ch, w_ch, dim, (tuple(X_shape), tuple(W_shape)), takes_groups=True,
                       transposed=transposed)
        if groups == 1:
            return groups
    if x_ch % groups:
        raise ValueError(f"{fn}: groups={groups} must divide the input channels, but X has "
                         f"{x_ch} ({x_ax}={x_ch}); groups dividing {x_ch}: {_divisors(x_ch)}. "
                         + layout)
    if transposed:
        return groups
    if w_ch != x_ch // groups:
        hint = (" (W looks like a dense kernel: pass groups=1, or keep only each group's "
                "channels)" if w_ch == x_ch else "")
        raise ValueError(f"{fn}: with groups={groups}, W's input-channel axis must be in_ch // "
                         f"groups = {x_ch} // {groups} = {x_ch // groups}, got {w_ax}={w_ch}"
                         f"{hint}. " + layout)
    if out_ch % groups:
        raise ValueError(f"{fn}: groups={groups} must divide the output channels, but W has "
                         f"{out_ch} ({o_ax}={out_ch}); each group makes out_ch // groups of "
                         f"them. Use out_ch a multiple of {groups}. " + layout)
    return groups


def groups_not_dividing(fn, groups, n, what, axis):
    """``groups`` does not divide a channel count ``n`` (``what``, at ``axis``)."""
    return ValueError(f"{fn}: groups={groups} must divide {what}, got {n} ({axis}={n}); "
                      f"groups dividing {n}: {_divisors(n)}.")


# --- transposed convolution (conv2D_transpose) ---------------------------------------

LAYOUT_T = ("X is (n_ex, in_rows, in_cols, in_ch); W is (fr, fc, in_ch, out_ch): "
            "W maps X's in_ch channels to out_ch output channels (torch's weight "
            "(in_ch, out_ch, fr, fc) is W.transpose(2, 3, 0, 1)).")


def output_padding_too_large(fn, op, stride, dilation):
    """torch's rule: output_padding must be smaller than the stride or than torch's dilation."""
    limit = tuple(max(s, d + 1) for s, d in zip(stride, dilation))
    return ValueError(
        f"{fn}: output_padding must be smaller than max(stride, dilation + 1) on each axis "
        f"(here {limit}), got {tuple(op)}. It only picks among the output sizes that map back "
        f"to the same input size under the stride; it is not a general padding.")


def same_with_output_padding(fn, op):
    return ValueError(
        f"{fn}: pad='same' already chooses the output size (in * stride), so output_padding "
        f"must be 0, got {tuple(op)}. Give pad as numbers to set output_padding yourself.")


def transpose_output_empty(fn, full, pad, op):
    """The crop (pad) removes every row or column of the transposed output."""
    t, b, l, r = pad
    return ValueError(
        f"{fn}: pad {pad} crops the whole output: the uncropped output is {full[0]}x{full[1]} "
        f"and (top+bottom, left+right) = ({t + b}, {l + r}) with output_padding {tuple(op)} "
        f"leaves no cell. In a transposed convolution pad removes cells; use a smaller pad.")


# --- animations (conv_teach.animation) --------------------------------------------

ANIMATION_FORMATS = ("gif", "mp4", "png", "svg")


def bad_format(fn, fmt, out):
    return ValueError(
        f"{fn}: cannot tell the format of out={str(out)!r} (fmt={fmt!r}); use fmt= (--format on "
        f"the command line) one of {', '.join(ANIMATION_FORMATS)}, or a name ending in .gif, .mp4, "
        f".png (one still), .svg (one still), or a name without a suffix for a directory of PNG "
        f"frames.")


def format_contradicts_name(fn, fmt, out, suffix):
    """``out='x.gif'`` with ``fmt='png'``: the file's name would lie about what it holds."""
    return ValueError(
        f"{fn}: out={str(out)!r} ends in .{suffix} but fmt={fmt!r} (--format on the command "
        f"line) asks for {fmt}; a viewer would open it as {suffix}. Give it the suffix .{fmt}"
        f"{' (one still) or none (a directory of PNG frames)' if fmt == 'png' else ''}, or leave "
        f"fmt out to write {suffix}.")


def output_exists(fn, path):
    return FileExistsError(
        f"{fn}: {path} already exists; it was left untouched. Choose another name, or pass "
        f"force=True (--force on the command line) to replace it.")


def not_our_directory(fn, path):
    return FileExistsError(
        f"{fn}: {path} is a directory holding files that are not frames of an animation; "
        f"it was left untouched even with force. Choose another name.")


def ffmpeg_missing(fn):
    return RuntimeError(
        f"{fn}: writing MP4 needs the ffmpeg program, which was not found on PATH. Install it "
        f"(apt-get install ffmpeg, conda install ffmpeg, or brew install ffmpeg), or write a GIF "
        f"(out='conv.gif', pure Python) or PNG frames (a name without a suffix) instead.")


def too_many_frames(fn, n_cells, limit):
    return ValueError(
        f"{fn}: this setting has {n_cells} output cells, and one frame per cell would make "
        f"more than {limit} frames, too long for a slide; use a smaller input or a larger "
        f"stride (or raise max_frames=).")


def empty_out(fn):
    return ValueError(
        f"{fn}: out is an empty name; give a file (conv.gif, conv.mp4, conv.svg, conv.png) or a "
        f"new folder name for PNG frames.")


def image_too_large(fn, dpi, size, limit, max_dpi):
    return ValueError(
        f"{fn}: dpi={dpi} would make a {size[0]}x{size[1]}-pixel image, more than {limit} pixels "
        f"a side; use dpi={max_dpi} or less (default 80).")


def write_failed(fn, path, err):
    """An operating-system error while writing an animation (the files were cleaned up).

    Returns an OSError carrying ``err.errno``, whose message is one line."""
    reason = err.strerror or str(err) or type(err).__name__
    e = OSError(f"{fn}: could not write {path}: {reason}; nothing was written.")
    e.errno = err.errno
    return e


def bad_number(fn, name, value, rule):
    return ValueError(f"{fn}: {name} must be {rule}, got {value!r}.")


def cli_arity(option, values, forms):
    """A command-line option given the wrong number of values."""
    return ValueError(f"animate: --{option} takes {forms}; got {len(values)} values: "
                      f"{' '.join(map(str, values))}.")


def check_student_function(fn, value, example):
    """An exercise checker was given something that is not a function (often its result)."""
    if not callable(value):
        raise TypeError(f"{fn}: pass your function itself, e.g. {example}, not the result of "
                        f"calling it; got {type(value).__name__}.")
    return value


# --- pooling (conv_teach.pool) ------------------------------------------------------

LAYOUT_POOL_2D = ("X is (n_ex, in_rows, in_cols, in_ch); pool_shape is an int or (rows, cols); "
                  "pooling works on each channel on its own.")
LAYOUT_POOL_1D = "X is (n_ex, l_in, in_ch); pool_width is an int."


def check_flag(fn, name, value):
    """A True/False switch (Python or NumPy bool); 0, 1, 'yes' and None are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{fn}: {name} must be True or False, got {value!r} ({_type_name(value)}).")
    return bool(value)


def _extents(pool, dilation):
    """A window's size per axis after dilation, ``k + (k - 1) * d`` (shapes.effective_kernel's
    rule; that module imports this one)."""
    return tuple(k + (k - 1) * d for k, d in zip(pool, dilation))


def check_pool_fits(fn, in_shape, pool, dilation, pads):
    """The pooling window (after dilation) must fit in the padded input."""
    eff = _extents(pool, dilation)
    padded = tuple(n + a + b for n, (a, b) in zip(in_shape, pads))
    if any(e > p for e, p in zip(eff, padded)):
        raise kernel_too_large(fn, eff, padded, dilation, what="the pooling window",
                               fix="use a smaller window")


def pool_window_only_padding(fn, where, pad, mode="avg", pool=None, dilation=None):
    """A window reads no input cell: its average (count_include_pad=False) or its maximum
    (max pooling pads with -inf) is undefined.

    ``where`` names the output, e.g. 'cell (0, 2)' or (1D) 'position 5'; ``pad`` is resolved;
    ``pool`` and ``dilation`` per axis (max pooling says torch's limit, half the window)."""
    if mode == "max":
        half = tuple(e // 2 for e in _extents(pool, dilation))
        limit = f"pad <= {half[0]}" if len(set(half)) == 1 else f"pad <= {half} (rows, cols)"
        return ValueError(
            f"{fn}: every window must read at least one input cell, but the window of output "
            f"{where} reads only padding (pad {tuple(pad)}), so it has no maximum (max pooling "
            f"pads with -inf, which never wins). Use less padding: torch allows at most half "
            f"the window, {limit} here.")
    return ValueError(
        f"{fn}: with count_include_pad=False every window must read at least one input cell, "
        f"but the window of output {where} reads only padding (pad {tuple(pad)}), so its "
        f"average is undefined. Use less padding, or count_include_pad=True (padding counts as "
        f"zeros).")


def first_window_missing_input(n, out, k, s, d, before):
    """On one axis of ``n`` input cells: the first output position whose ``k`` taps (stride
    ``s``, ``d`` cells between taps, ``before`` padding cells first) all land in padding, or
    None. Tap ``t`` of output ``i`` reads cell ``i*s - before + t*(d+1)``."""
    D = d + 1
    if D <= n:
        # taps no further apart than the input is long cannot jump over it: a window misses
        # the input only if all its taps are before it (a first run of outputs) or after it
        # (a last run); both runs are found at the ends
        if (k - 1) * D - before < 0:                   # output 0: its last tap is before
            return 0
        if (out - 1) * s - before >= n:                # the last output's first tap is after
            return -(-(n + before) // s)                  # the first i with i*s - before >= n
        return None
    # taps further apart than the input: one may land inside or none; check every output
    for i in range(out):
        a = before - i * s                             # the first tap t with t*D >= a is in
        t = max(0, -(-a // D))
        if not (t < k and t * D - a < n):
            return i
    return None


def check_pool_reads_input(fn, in_shape, out_shape, pool, stride, dilation, pads):
    """Max pooling: every window must read at least one input cell (else its maximum would be
    the padding's -inf, with no cell to send the gradient to). A window reads an input cell
    when, on every axis, one of its taps lands inside the input (checked axis by axis)."""
    bad = [first_window_missing_input(n, out, k, s, d, before)
           for n, out, k, s, d, (before, _) in zip(in_shape, out_shape, pool, stride, dilation, pads)]
    if any(b is not None for b in bad):
        if len(bad) == 1:
            where = f"position {bad[0]}"
        else:                       # the first in row-major order: row 0 if any column misses
            r, c = bad
            where = f"cell ({r if c is None else 0}, {0 if r == 0 or c is None else c})"
        raise pool_window_only_padding(fn, where, tuple(a for pair in pads for a in pair), mode="max",
                                       pool=pool, dilation=dilation)


def unknown_controls(fn, unknown, known):
    """A view built with keyword arguments that are none of its controls."""
    return TypeError(f"{fn}: unknown control(s) {', '.join(sorted(unknown))}; "
                     f"the controls are {', '.join(known)}.")


def bad_cell(fn, panel, index, panels, shape=None):
    """A cell named by ``(panel, index)`` that the view does not draw."""
    if shape is None:
        return ValueError(f"{fn}: panel must be one of {', '.join(panels)}, got {panel!r}.")
    return ValueError(f"{fn}: index of {panel} must be a tuple of {len(shape)} ints inside its "
                      f"shape {tuple(shape)}, got {index!r}.")


# --- the views' data arguments (X=, W=, dZ=) and their pooling / grouping controls -------

#: the most cells a view draws along one axis of a user's array: larger is refused with a hint
#: (a whole photograph would be tens of thousands of cells, unreadable and slow)
VIEW_LIMITS = {"n_ex": 3, "in_rows": 16, "in_cols": 16, "l_in": 24, "in_ch": 8, "out_ch": 8,
               "fr": 7, "fc": 7, "fw": 7}


def view_array(fn, name, value, axes, fixed=(), limits=None):
    """An array given to a view (``X=``, ``W=``, ``dZ=``), checked against the view's layout.

    Parameters
    ----------
    fn : str
        The view's builder name (starts every message).
    name : str
        ``'X'``, ``'W'`` or ``'dZ'``.
    value : array_like
    axes : tuple of str
        The names of the array's axes in the view's layout, e.g. ``('n_ex', 'in_rows',
        'in_cols', 'in_ch')``.
    fixed : tuple of str
        Axes the view draws exactly one of (it has no control for them).
    limits : dict of str -> int, optional
        Largest size per axis (default :data:`VIEW_LIMITS`).

    Returns
    -------
    ndarray (float64), a copy: the view never keeps or changes the caller's array.

    Raises
    ------
    TypeError
        Not real numbers (bools, complex, text, object).
    ValueError
        Wrong number of axes (with the reshape that fixes a 2-D image), an axis the view draws
        only one of, an axis larger than the view draws, or NaN / infinity.
    """
    layout = f"{name} is ({', '.join(axes)}) in {fn}."
    refuse_subclass(fn, name, value)
    try:
        a = np.asarray(value)
    except ValueError:               # ragged lists: check_array words it
        a = None
    if a is not None and a.ndim != len(axes) and a.dtype.kind in "iuf":
        hint = ""
        if a.ndim == 2 and len(axes) == 4 and axes[0] == "n_ex":
            hint = " A single grey image img (rows, cols) is img[None, :, :, None]."
        elif a.ndim == 2 and len(axes) == 4:
            hint = " A single (fr, fc) kernel k is k[:, :, None, None]."
        elif a.ndim == 1 and len(axes) == 3 and axes[0] == "n_ex":
            hint = " A single sequence x (l_in,) is x[None, :, None]."
        raise ValueError(f"{fn}: {name} must be {len(axes)}-D ({', '.join(axes)}), got shape "
                         f"{a.shape} ({a.ndim}-D).{hint}")
    a = check_array(fn, name, value, len(axes), layout)
    for axis, (what, n) in enumerate(zip(axes, a.shape)):
        if what in fixed and n != 1:
            want = tuple(1 if x in fixed else x for x in axes)
            raise ValueError(
                f"{fn}: {name}.shape[{axis}] is {what}, which this view draws only one of; got "
                f"shape {a.shape}. Pass {name} of shape ({', '.join(map(str, want))}), e.g. "
                f"{name}[{', '.join('0:1' if x == what else ':' for x in axes)}]"
                + (" (im2col_view and gemm_view draw several)." if what in ("n_ex", "in_ch")
                   and fn not in ("im2col_view", "gemm_view") else "."))
    limits = VIEW_LIMITS if limits is None else limits
    for axis, (what, n) in enumerate(zip(axes, a.shape)):
        if what in limits and n > limits[what]:
            raise ValueError(
                f"{fn}: {name}.shape[{axis}] is {what} = {n}, more than the {limits[what]} a view "
                f"draws legibly. Pass a crop, e.g. {name}["
                f"{', '.join(f':{limits[x]}' if x == what else ':' for x in axes)}].")
    bad = ~np.isfinite(a)
    if bad.any():
        where = tuple(int(i[0]) for i in np.nonzero(bad))
        raise ValueError(f"{fn}: {name} holds {a[where]} at {where}; a view draws finite numbers "
                         f"only (NaN and infinity have no colour). Replace them first, e.g. "
                         f"np.nan_to_num({name}).")
    return a.astype(np.float64)


def control_contradicts_data(fn, control, value, name, axis, size):
    """A shape control given together with the array that sets it, with another value."""
    return ValueError(f"{fn}: {control}={value!r} contradicts {name}.shape[{axis}] = {size}; "
                      f"with {name}= given, {control} follows the array (leave it out).")


def data_disagree(fn, what, first, size1, second, size2):
    """Two data arrays of a view (X and W) give one axis (``what``, e.g. in_ch) two sizes."""
    return ValueError(f"{fn}: {first[0]}.shape[{first[1]}] = {size1} and {second[0]}.shape"
                      f"[{second[1]}] = {size2} are both {what}; they must agree.")


def no_dilation(fn, mode_fn):
    """avg pooling has no dilation (the library's avgpool2D and torch's avg_pool2d neither)."""
    return ValueError(f"{fn}: mode='avg' has no dilation ({mode_fn} takes none, nor does torch's "
                      f"avg_pool2d); set dilation to 0, or use mode='max'.")


def check_choice(fn, name, value, choices):
    """One of a few named options (e.g. pooling mode 'max' or 'avg')."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{fn}: {name} must be one of {', '.join(map(repr, choices))}, "
                         f"got {value!r}.")
    return value
