"""Exercise 1's questions (predict a shape, an output size, a window count) and their hints.

No widgets here: :mod:`conv_teach.exercises.quiz` puts these questions in ipywidgets, and
:func:`conv_teach.exercises.check_out_shapes` grades written answers with the same hints.
Every answer is computed by the library (:func:`conv_teach.conv_out_len`,
:func:`conv_teach.conv_out_shape`, :func:`conv_teach.col2im` of ones), never typed in.
"""
import numpy as np

from ..im2col import col2im, im2col
from ..shapes import conv_out_len, conv_out_shape, same_pad

#: (X_shape, W_shape, stride, pad, dilation), the arguments of conv_out_shape. Chosen so
#: that every hint of QUIZ_HINTS can be earned (tests/test_exercises.py plants each mistake):
#: a pad of 2 tells "pad once" from "forgot +1", and 8 rows at stride 2 leave a remainder
#: for "round down".
SHAPE_QUESTIONS = [
    ((1, 5, 5, 1), (3, 3, 1, 1), 1, 0, 0),
    ((1, 5, 5, 1), (3, 3, 1, 1), 1, 2, 0),
    ((2, 8, 7, 3), (3, 3, 3, 8), 2, 0, 0),
    ((1, 6, 9, 1), (2, 4, 1, 4), 1, "valid", 0),
    ((4, 7, 8, 3), (3, 3, 3, 16), 2, "same", 0),
    ((1, 9, 9, 1), (3, 3, 1, 2), 1, 0, 1),
]

QUIZ_HINTS = {
    "plus_one": "Count the windows: out = (in + pad_before + pad_after - eff) // stride + 1; the +1 "
                "counts the first window.",
    "dilation": "dilation=d puts d zeros between taps: the kernel spans eff = k + (k-1)*d cells.",
    "dilation_torch": "dilation=d inserts d zeros (taps d+1 apart); torch's dilation is d+1, so "
                      "eff = k + (k-1)*d, not k + (k-1)*(d+1).",
    "pad": "Padding adds zeros on both sides: pad=p adds 2p cells along each axis.",
    "pad_once": "pad=p adds p zeros before AND p after: 2p cells in all.",
    "ceil": "Round down: a window that would stick out past the padded input does not count.",
    "stride": "The stride divides: windows start at 0, s, 2s, ... so out = (in + pads - eff) // s + 1.",
    "same": "'same' gives ceil(in / stride) outputs (TF rule): at stride > 1 it is not in.",
    "same_floor": "'same' rounds up: ceil(in / stride) outputs (TF rule), so 7 rows at stride 2 "
                  "give 4, not 7 // 2 = 3: the last window reaches the last row.",
    "channels": "The last axis of the output is out_ch, the last axis of W.",
    "batch": "The first axis is n_ex: the batch size does not change.",
    "rows_cols": "Rows first, then columns: (n_ex, out_rows, out_cols, out_ch).",
    "formula": ("Work it out along each axis: eff = k + (k-1)*d, then "
                "out = (in + pad_before + pad_after - eff) // stride + 1."),
    "window_max": ("fr*fc is the most any pixel can get; near the border (or with a stride) "
                   "fewer windows reach it."),
    "window_axes": ("The count is (windows that cover its row) x (windows that cover its "
                    "column): count each axis on its own."),
}


def describe(q):
    """Exercise 1's question ``q`` in words."""
    X_shape, W_shape, s, pad, d = q
    extra = f", dilation={d}" if d else ""
    return f"X {X_shape}, W {W_shape}, stride={s}, pad={pad!r}{extra}"


def _pad_pair(in_len, k, s, pad, d):
    if pad == "same":
        return same_pad(in_len, k, s, d)
    if pad == "valid":
        return 0, 0
    return pad, pad


def out_len_mistake(in_len, k, s, pad, d, answer):
    """The hint key whose classic mistake gives ``answer`` for one axis, or None."""
    b, a = _pad_pair(in_len, k, s, pad, d)
    eff = k + (k - 1) * d
    P = in_len + b + a
    candidates = [
        ("same", in_len if pad == "same" else None),   # first: the misconception 'same' names
        ("same_floor", in_len // s if pad == "same" and s > 1 else None),
        ("plus_one", (P - eff) // s),
        ("dilation", (P - k) // s + 1),
        ("dilation_torch", (P - (k + (k - 1) * (d + 1))) // s + 1 if d else None),
        ("pad", (in_len - eff) // s + 1 if b + a else None),
        ("pad_once", (in_len + b - eff) // s + 1 if b + a else None),
        ("ceil", -(-(P - eff) // s) + 1 if s > 1 else None),
        ("stride", P - eff + 1 if s > 1 else None),
    ]
    right = conv_out_len(in_len, k, s, pad if pad in ("same", "valid") else (b, a), d)
    for key, value in candidates:
        if value is not None and value != right and value == answer:
            return key
    return None


def shape_mistake(q, answer):
    """A hint (text) for a wrong predicted output shape of question ``q``, or None."""
    X_shape, W_shape, s, pad, d = q
    right = conv_out_shape(*q)
    if not isinstance(answer, tuple) or len(answer) != 4:
        return None         # not a shape at all: the caller says so (feedback.shape_problem)
    if answer[0] != right[0]:
        return QUIZ_HINTS["batch"]
    if answer[3] != right[3]:
        return QUIZ_HINTS["channels"]
    if (answer[1], answer[2]) == (right[2], right[1]):
        return QUIZ_HINTS["rows_cols"]
    for axis in (1, 2):
        if answer[axis] != right[axis]:
            key = out_len_mistake(X_shape[axis], W_shape[axis - 1], s, pad, d, answer[axis])
            return QUIZ_HINTS[key or "formula"]
    return None


def window_counts(in_shape, kernel, stride=1, pad=0, dilation=0):
    """How many windows read each pixel: col2im of an all-ones im2col, shape (rows, cols)."""
    X_shape = (1,) + tuple(in_shape) + (1,)
    W_shape = tuple(kernel) + (1, 1)
    ones, _ = im2col(np.ones(X_shape), W_shape, pad, stride, dilation)
    return col2im(ones, X_shape, W_shape, pad, stride, dilation)[0, :, :, 0].astype(int)
