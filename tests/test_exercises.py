"""The exercise checkers: a stub is "not implemented yet", a right answer passes and says what
was checked, and every known mistake, written out as a deliberately wrong implementation,
is caught with its hint.

The wrong implementations below are plain loops with one bug each, written independently of
the mutation machinery in conv_teach/exercises/hints.py (which they are meant to test).
"""
import html
import itertools
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import conv_teach as ct
from conv_teach.exercises import (NOT_IMPLEMENTED, check_col2im, check_conv2D_gemm,
                                  check_fixed_im2col, check_im2col, check_im2col_one_channel,
                                  check_out_shapes, check_pad2D)
from conv_teach.exercises import CheckFailed, checks, hints, limits, runner
from conv_teach.exercises.hints import HINTS

ROOT = Path(__file__).resolve().parents[1]


def stub(*args, **kwargs):
    raise NotImplementedError()



def assert_hint(excinfo, key, phrase):
    text = str(excinfo.value)
    assert "Hint: " + HINTS[key] in text, text
    assert phrase.lower() in text.lower(), text


def assert_top_down(text):
    """What was checked, the failing case, expected against received, then the hint(s) last."""
    marks = [r"compared your \w+ with conv_teach\.\w+ on \d+ cases:\n  \d+ fixed \+ ", r"\nCase \d+ of \d+ failed: ",
             r"\nexpected:\n", r"\nreceived:\n", r"\nHint: "]
    where = [re.search(m, text) for m in marks]
    assert all(where), (marks, text)
    assert [m.start() for m in where] == sorted(m.start() for m in where), text
    assert text.rstrip().splitlines()[-1].startswith("Hint: "), text


# ----------------------------------------------------------------------------------------
# stubs and right answers


ALL_CHECKS = [check_pad2D, check_im2col_one_channel, check_im2col, check_conv2D_gemm,
              check_col2im, check_fixed_im2col, check_out_shapes]


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.__name__)
def test_stub_is_not_implemented_yet_and_does_not_raise(check, capsys):
    assert check(stub) is False
    out = capsys.readouterr().out
    assert NOT_IMPLEMENTED in out and check.__name__ in out


# The right answers are this file's own loops (below), not the library: a checker refuses an
# answer that calls the library function it compares with.


def right_pad2D(X, pad, kernel_shape=None, stride=1):
    return wrong_pad2D(None)(X, pad, kernel_shape, stride)


def right_one_channel(x, kernel_shape, stride, dilation):
    return loop_im2col(x[None, :, :, None], tuple(kernel_shape) + (1, 1), 0, stride, dilation)


def right_im2col(X, W_shape, pad, stride, dilation):
    return loop_im2col(X, W_shape, pad, stride, dilation)


def right_im2col_pair(X, W_shape, pad, stride, dilation):
    """The library's return convention, (X_col, p), is accepted too."""
    p = ct.pad2D(X, pad, W_shape[:2], stride, dilation)[1]
    return loop_im2col(X, W_shape, pad, stride, dilation), p


def right_conv(X, W, stride, pad, dilation):
    return wrong_conv(None)(X, W, stride, pad, dilation)


def right_col2im(X_col, X_shape, W_shape, pad, stride, dilation):
    return wrong_col2im(None)(X_col, X_shape, W_shape, pad, stride, dilation)


def right_shapes():
    # worked by hand, see notebooks/exercises/solutions/ex01_output_shapes.ipynb
    return [(1, 3, 3, 1),    # (5 - 3) // 1 + 1
            (1, 7, 7, 1),    # (5 + 2 + 2 - 3) // 1 + 1
            (2, 3, 3, 8),    # rows (8 - 3) // 2 + 1 = 3 (round down), cols (7 - 3) // 2 + 1
            (1, 5, 6, 4),    # rows 6 - 2 + 1, cols 9 - 4 + 1
            (4, 4, 4, 16),   # 'same' at stride 2: ceil(7 / 2), ceil(8 / 2)
            (1, 5, 5, 2)]    # eff = 3 + 2 * 1 = 5, 9 - 5 + 1


@pytest.mark.parametrize("check, fn, expect", [
    (check_pad2D, right_pad2D, r"all 16 cases pass \(8 fixed \+ 8 random from seed 0; pad in"),
    (check_im2col_one_channel, right_one_channel, r"all \d+ cases pass \(\d+ fixed \+ 6 random"),
    (check_im2col, right_im2col, r"all 19 cases pass \(11 fixed \+ 8 random .*dilation in"),
    (check_im2col, right_im2col_pair, r"all 19 cases pass"),
    (check_conv2D_gemm, right_conv, r"all 17 cases pass \(11 fixed \+ 6 random"),
    (check_col2im, right_col2im, r"all 19 cases pass"),
    (check_fixed_im2col, right_im2col, r"all 5 bugs fixed; all \d+ cases pass"),
    (check_out_shapes, right_shapes, r"all 6 shapes right"),
], ids=lambda v: getattr(v, "__name__", "")[:20])
def test_right_answer_passes_and_says_what_was_checked(check, fn, expect, capsys):
    assert check(fn) is True
    assert re.search(expect, capsys.readouterr().out)


def test_importing_the_checkers_imports_neither_matplotlib_nor_ipywidgets():
    code = ("import sys, conv_teach, conv_teach.exercises as e; e.check_pad2D;"
            "print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_mutation_machinery_without_knobs_is_the_library():
    """gather/scatter with default knobs must be im2col/col2im, or every hint is suspect."""
    rng = np.random.default_rng(3)
    for _ in range(40):
        X_shape, k, s, d, pad = checks._random_geometry(rng)
        X = rng.random(X_shape)
        W_shape = k + (X_shape[3], 1)
        p = checks._resolved_pad(X_shape, k, s, d, pad)
        X_col = hints.gather(X, k, s, d, p)
        np.testing.assert_allclose(X_col, ct.im2col_loops(X, W_shape, pad, s, d))
        np.testing.assert_allclose(hints.scatter(X_col, X_shape, k, s, d, p),
                                   ct.col2im_loops(X_col, X_shape, W_shape, pad, s, d))


# ----------------------------------------------------------------------------------------
# pad2D mistakes


def _pads(X, pad, kernel_shape, stride):
    """The right (top, bottom, left, right), by hand from the rules in the notebook."""
    s_r, s_c = stride if isinstance(stride, tuple) else (stride, stride)
    if pad == "valid":
        return (0, 0, 0, 0)
    if pad == "same":
        def same(n, k, s):
            total = max((-(-n // s) - 1) * s + k - n, 0)
            return total // 2, total - total // 2
        return same(X.shape[1], kernel_shape[0], s_r) + same(X.shape[2], kernel_shape[1], s_c)
    if isinstance(pad, int):
        return (pad,) * 4
    if len(pad) == 2:
        return (pad[0], pad[0], pad[1], pad[1])
    return tuple(pad)


def wrong_pad2D(bug):
    def pad2D(X, pad, kernel_shape=None, stride=1):
        t, b, l, r = p = _pads(X, pad, kernel_shape, stride)
        if bug == "pad_one_side":
            t, b, l, r = t + b, 0, l + r, 0
        elif bug == "pad_wrong_side":
            t, b, l, r = b, t, r, l
        elif bug == "pad_rows_cols" and not isinstance(pad, str) and not isinstance(pad, int) and len(pad) == 2:
            t, b, l, r = pad[1], pad[1], pad[0], pad[0]
        elif bug == "pad_tuple_order" and isinstance(pad, tuple) and len(pad) == 4:
            t, l, b, r = pad
        elif bug in ("same_out_eq_in", "same_ignores_stride") and pad == "same":
            s_r, s_c = stride if isinstance(stride, tuple) else (stride, stride)
            tot = []
            for n, k, s in zip(X.shape[1:3], kernel_shape, (s_r, s_c)):
                tot.append(max((n - 1) * s + k - n, 0) if bug == "same_out_eq_in" else k - 1)
            t, b, l, r = tot[0] // 2, tot[0] - tot[0] // 2, tot[1] // 2, tot[1] - tot[1] // 2
        if bug == "pad_wrong_axes":
            out = np.zeros((X.shape[0] + t + b, X.shape[1] + l + r) + X.shape[2:])
            out[t:t + X.shape[0], l:l + X.shape[1]] = X
            return out, p
        out = np.zeros((X.shape[0], X.shape[1] + t + b, X.shape[2] + l + r, X.shape[3]))
        if bug == "pad_not_zero":
            out += 1.0
        out[:, t:t + X.shape[1], l:l + X.shape[2]] = X
        return out, p
    return pad2D


@pytest.mark.parametrize("bug, phrase", [
    ("pad_one_side", "one side only"),
    ("pad_wrong_side", "wrong side"),
    ("pad_rows_cols", "rows and columns swapped"),
    ("pad_tuple_order", "(top, bottom, left, right)"),
    ("pad_wrong_axes", "NHWC"),
    ("pad_not_zero", "zeros"),
    ("same_out_eq_in", "ceil(in/stride)"),
    ("same_ignores_stride", "ignores the stride"),
])
def test_pad2D_mistake_is_named(bug, phrase):
    with pytest.raises(AssertionError) as e:
        check_pad2D(wrong_pad2D(bug), draw=False)
    assert_hint(e, bug, phrase)
    assert_top_down(str(e.value))


def test_pad2D_wrong_p_is_reported_even_if_the_array_is_right():
    def pad2D(X, pad, kernel_shape=None, stride=1):
        X_pad, p = right_pad2D(X, pad, kernel_shape, stride)
        return X_pad, (p[0], p[2], p[1], p[3])
    with pytest.raises(AssertionError, match=r"the returned p is .* expected"):
        check_pad2D(pad2D, draw=False)


# ----------------------------------------------------------------------------------------
# im2col mistakes: one loop implementation, one bug per flag


def loop_im2col(X, W_shape, pad, stride, dilation, bug=None):
    n_ex, rows, cols, ch = X.shape
    fr, fc = W_shape[:2]
    (s_r, s_c), (d_r, d_c) = stride, dilation
    t, b, l, r = ct.pad2D(X, pad, (fr, fc), stride, dilation)[1]
    step_r, step_c = d_r + 1, d_c + 1
    if bug == "pad_one_side":
        t, b, l, r = t + b, 0, l + r, 0
    if bug == "pad_wrong_side":
        t, b, l, r = b, t, r, l
    if bug == "pad_rows_cols":
        t, b, l, r = l, r, t, b
    if bug == "stride_ignored_rows":
        s_r = 1
    if bug == "stride_ignored_cols":
        s_c = 1
    if bug == "stride_swapped":
        s_r, s_c = s_c, s_r
    if bug == "dilation_ignored":
        step_r, step_c = 1, 1
    if bug == "dilation_off_by_one":          # torch's convention: d + 1 zeros
        step_r, step_c = d_r + 2, d_c + 2
    if bug == "dilation_twice":
        step_r, step_c = 2 * d_r + 1, 2 * d_c + 1
    X_pad = np.zeros((n_ex, rows + t + b, cols + l + r, ch))
    X_pad[:, t:t + rows, l:l + cols] = X
    oh = (rows + t + b - (fr - 1) * step_r - 1) // s_r + 1
    ow = (cols + l + r - (fc - 1) * step_c - 1) // s_c + 1
    if bug == "off_by_one":                    # forgot the + 1
        oh, ow = oh - 1, ow - 1
    X_col = np.zeros((ch * fr * fc, oh * ow * n_ex))
    for i, j, n, c, ki, kj in itertools.product(range(oh), range(ow), range(n_ex), range(ch),
                                                range(fr), range(fc)):
        row = c * fr * fc + ki * fc + kj
        if bug == "channel_order":
            row = (ki * fc + kj) * ch + c
        if bug == "kernel_rows_cols":
            row = c * fr * fc + kj * fr + ki
        column = (i * ow + j) * n_ex + n
        if bug == "out_rows_cols":
            column = (j * oh + i) * n_ex + n
        if bug == "batch_order":
            column = n * oh * ow + i * ow + j
        X_col[row, column] = X_pad[n, i * s_r + ki * step_r, j * s_c + kj * step_c, c]
    if bug == "reversed_columns":             # right numbers, an order no hint names
        return X_col[:, ::-1]
    return X_col.T if bug == "transposed" else X_col


IM2COL_BUGS = [
    ("transposed", "transpose"),
    ("kernel_rows_cols", "kernel rows and columns swapped"),
    ("out_rows_cols", "output rows and columns swapped"),
    ("channel_order", "channel order"),
    ("batch_order", "batch/column order"),
    ("dilation_ignored", "dilation ignored"),
    ("dilation_off_by_one", "dilation off by one"),
    ("dilation_twice", "counted twice"),
    ("stride_ignored_rows", "ignored along the rows"),
    ("stride_ignored_cols", "ignored along the columns"),
    ("stride_swapped", "wrong axis"),
    ("pad_one_side", "one side only"),
    ("pad_wrong_side", "wrong side"),
    ("pad_rows_cols", "rows and columns swapped"),
    ("off_by_one", "off by one in the output size"),
]


@pytest.mark.parametrize("bug, phrase", IM2COL_BUGS)
def test_im2col_mistake_is_named(bug, phrase):
    def student(X, W_shape, pad, stride, dilation):
        return loop_im2col(X, W_shape, pad, stride, dilation, bug)
    with pytest.raises(AssertionError) as e:
        check_im2col(student, draw=False)
    assert_hint(e, bug, phrase)
    assert_top_down(str(e.value))
    assert "X.shape=" in str(e.value)


def test_im2col_ambiguous_case_keeps_only_the_hint_later_cases_confirm():
    """At dilation 1, 'off by one' and 'counted twice' both space taps 3 apart; the case
    with dilation 2 tells them apart, so only one hint may remain."""
    for bug, other in [("dilation_off_by_one", "dilation_twice"), ("dilation_twice", "dilation_off_by_one")]:
        with pytest.raises(AssertionError) as e:
            check_im2col(lambda *a, bug=bug: loop_im2col(*a, bug=bug), draw=False)
        assert HINTS[bug] in str(e.value) and HINTS[other] not in str(e.value)


@pytest.mark.parametrize("bug, phrase", [b for b in IM2COL_BUGS if b[0] not in
                                         ("channel_order", "batch_order", "pad_one_side",
                                          "pad_wrong_side", "pad_rows_cols")])
def test_im2col_one_channel_mistake_is_named(bug, phrase):
    def student(x, kernel_shape, stride, dilation):
        return loop_im2col(x[None, :, :, None], tuple(kernel_shape) + (1, 1), 0, stride, dilation, bug)
    with pytest.raises(AssertionError) as e:
        check_im2col_one_channel(student, draw=False)
    assert_hint(e, hints.ONE_CHANNEL.get(bug, bug), phrase)
    assert "n_ex" not in str(e.value)          # Part A has no batch: no hint may speak of one


def test_a_crashing_student_function_is_reported_with_its_case():
    def student(X, W_shape, pad, stride, dilation):
        return X[99]
    with pytest.raises(AssertionError, match=r"Case 1 of \d+ failed: X.shape=.*\n"
                                             r"Your student raised IndexError: index 99") as e:
        check_im2col(student)
    assert isinstance(e.value.__cause__, IndexError)      # the student's own traceback stays


def test_a_crash_on_a_pad_form_says_what_pad_can_be():
    """The sixth tester's col2im handled int and 4-tuple pads and crashed on 'same' with a
    TypeError of its own: the report now says which forms pad takes and what resolves them."""
    def int_pads_only(X_col, X_shape, W_shape, pad, stride, dilation):
        if isinstance(pad, str):
            raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")
        return right_col2im(X_col, X_shape, W_shape, pad, stride, dilation)
    with pytest.raises(AssertionError, match=r"pad='same'") as e:
        check_col2im(int_pads_only, draw=False)
    text = str(e.value)
    assert "Your int_pads_only raised TypeError" in text
    assert "Hint: pad is 'same' in this case" in text and "ct.pad2D(np.zeros(X_shape), pad" in text


def test_a_crash_on_an_int_pad_gets_no_pad_hint():
    def student(X, W_shape, pad, stride, dilation):
        return X[99]
    with pytest.raises(AssertionError) as e:
        check_im2col(student)
    assert "pad takes every form" not in str(e.value)


# ----------------------------------------------------------------------------------------
# conv2D as one matmul


def wrong_conv(bug):
    def conv2D_gemm(X, W, stride, pad, dilation):
        fr, fc, ch, out_ch = W.shape
        n_ex = X.shape[0]
        if bug == "kernel_flipped":
            W = W[::-1, ::-1]
        geo = {"dilation_ignored": dict(dilation=(0, 0)),
               "stride_ignored_cols": dict(stride=(stride[0], 1))}.get(bug, {})
        s, d = geo.get("stride", stride), geo.get("dilation", dilation)
        X_col = ct.im2col_loops(X, W.shape, pad, s, d)
        oh, ow = ct.conv_out_shape(X.shape, W.shape, s, pad, d)[1:3]
        if bug == "w_rows_order":
            W_col = W.reshape(fr * fc * ch, out_ch).T
        elif bug == "kernel_rows_cols":
            W_col = np.stack([W[:, :, c, o].T.ravel() for o in range(out_ch) for c in range(ch)]
                             ).reshape(out_ch, -1)
        else:
            W_col = np.stack([W[:, :, :, o].transpose(2, 0, 1).ravel() for o in range(out_ch)])
        M = W_col @ X_col
        Z = np.zeros((n_ex, oh, ow, out_ch))
        for o, i, j, n in itertools.product(range(out_ch), range(oh), range(ow), range(n_ex)):
            col = (i * ow + j) * n_ex + n
            if bug == "z_unpack":
                col = n * oh * ow + i * ow + j
            Z[n, i, j, o] = M[o, col]
        if bug == "out_rows_cols":
            Z = Z.transpose(0, 2, 1, 3)
        if bug == "off_by_one":
            Z = Z[:, :-1, :-1]
        return Z
    return conv2D_gemm


@pytest.mark.parametrize("bug, phrase", [
    ("kernel_flipped", "cross-correlation"),
    ("w_rows_order", "W_col's column order"),
    ("kernel_rows_cols", "kernel rows and columns swapped"),
    ("z_unpack", "unpacked in the wrong order"),
    ("out_rows_cols", "output rows and columns swapped"),
    ("off_by_one", "off by one"),
    ("dilation_ignored", "dilation ignored"),
    ("stride_ignored_cols", "ignored along the columns"),
])
def test_conv2D_gemm_mistake_is_named(bug, phrase):
    with pytest.raises(AssertionError) as e:
        check_conv2D_gemm(wrong_conv(bug), draw=False)
    assert_hint(e, bug, phrase)


# ----------------------------------------------------------------------------------------
# col2im


def wrong_col2im(bug):
    def col2im(X_col, X_shape, W_shape, pad, stride, dilation):
        n_ex, rows, cols, ch = X_shape
        fr, fc = W_shape[:2]
        (s_r, s_c), (d_r, d_c) = stride, dilation
        t, b, l, r = ct.pad2D(np.zeros(X_shape), pad, (fr, fc), stride, dilation)[1]
        oh = (rows + t + b - (fr - 1) * (d_r + 1) - 1) // s_r + 1
        ow = (cols + l + r - (fc - 1) * (d_c + 1) - 1) // s_c + 1
        buf = np.zeros((n_ex, rows + t + b, cols + l + r, ch))
        for i, j, n, c, ki, kj in itertools.product(range(oh), range(ow), range(n_ex), range(ch),
                                                    range(fr), range(fc)):
            row = c * fr * fc + ki * fc + kj
            if bug == "channel_order":
                row = (ki * fc + kj) * ch + c
            if bug == "kernel_rows_cols":
                row = c * fr * fc + kj * fr + ki
            column = (i * ow + j) * n_ex + n
            if bug == "out_rows_cols":
                column = (j * oh + i) * n_ex + n
            if bug == "batch_order":
                column = n * oh * ow + i * ow + j
            where = (n, i * s_r + ki * (d_r + 1), j * s_c + kj * (d_c + 1), c)
            if bug == "dilation_ignored":           # the taps side by side, the windows right
                where = (n, i * s_r + ki, j * s_c + kj, c)
            if bug == "overwrite":
                buf[where] = X_col[row, column]
            else:
                buf[where] += X_col[row, column]
        if bug == "not_cropped":
            return buf
        X = buf[:, t:t + rows, l:l + cols]
        return X.transpose(0, 3, 1, 2) if bug == "nchw" else X
    return col2im


@pytest.mark.parametrize("bug, phrase", [
    ("overwrite", "instead of summed"),
    ("not_cropped", "padded image"),
    ("nchw", "NCHW"),
    ("channel_order", "channel order"),
    ("kernel_rows_cols", "kernel rows and columns"),
    ("out_rows_cols", "output rows and columns"),
    ("batch_order", "batch/column order"),
    ("dilation_ignored", "dilation ignored"),       # the sixth tester's wish
])
def test_col2im_mistake_is_named(bug, phrase):
    with pytest.raises(AssertionError) as e:
        check_col2im(wrong_col2im(bug), draw=False)
    assert_hint(e, bug, phrase)


def test_col2im_averaging_is_caught_by_the_ones_probe():
    def averaged(X_col, X_shape, W_shape, pad, stride, dilation):
        total = right_col2im(X_col, X_shape, W_shape, pad, stride, dilation)
        counts = right_col2im(np.ones_like(X_col), X_shape, W_shape, pad, stride, dilation)
        return total / np.maximum(counts, 1)
    with pytest.raises(AssertionError) as e:
        check_col2im(averaged, draw=False)
    assert_hint(e, "overwrite", "averaged")


# ----------------------------------------------------------------------------------------
# exercise 6: the planted bugs


def broken_im2col(X, W_shape, pad, stride, dilation=(0, 0), bugs=hints.BROKEN_IM2COL_BUGS):
    """The notebook's broken_im2col, with a switch per bug (written out again here)."""
    n_ex, rows, cols, ch = X.shape
    fr, fc = W_shape[:2]
    s_r, s_c = stride
    d_r, d_c = dilation
    t, b, l, r = ct.pad2D(X, pad, (fr, fc), stride, dilation)[1]
    pads = ((b, t), (r, l)) if "pad_wrong_side" in bugs else ((t, b), (l, r))
    X_pad = np.pad(X, ((0, 0),) + pads + ((0, 0),))
    step_r, step_c = d_r + 1, (d_c if "dilation_off_by_one" in bugs else d_c + 1)
    s_cols = s_r if "stride_swapped" in bugs else s_c
    oh = (rows + t + b - (fr - 1) * step_r - 1) // s_r + 1
    ow = (cols + l + r - (fc - 1) * step_c - 1) // s_cols + 1
    X_col = np.zeros((ch * fr * fc, oh * ow * n_ex))
    for i, j, n, c, ki, kj in itertools.product(range(oh), range(ow), range(n_ex), range(ch),
                                                range(fr), range(fc)):
        column = ((j * oh + i) if "out_rows_cols" in bugs else (i * ow + j)) * n_ex + n
        row = (ki * fc + kj) * ch + c if "channel_order" in bugs else c * fr * fc + ki * fc + kj
        X_col[row, column] = X_pad[n, i * s_r + ki * step_r, j * s_cols + kj * step_c, c]
    return X_col


SUBSETS = [s for k in range(1, 6) for s in itertools.combinations(hints.BROKEN_IM2COL_BUGS, k)]


@pytest.mark.parametrize("bugs", SUBSETS, ids=lambda s: "+".join(b.split("_")[0] for b in s))
def test_fixed_im2col_names_exactly_the_bugs_left(bugs):
    with pytest.raises(AssertionError) as e:
        check_fixed_im2col(lambda *a: broken_im2col(*a, bugs=bugs), draw=False)
    text = str(e.value)
    assert f"{len(bugs)} of the 5 bugs" in text, text
    for b in hints.BROKEN_IM2COL_BUGS:
        assert (HINTS[b] in text) == (b in bugs), (b, text)


def _cell_source(notebook, startswith):
    nb = json.loads((ROOT / notebook).read_text())
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if src.startswith(startswith):
            return src
    raise LookupError(startswith)


def test_the_notebooks_broken_im2col_has_all_five_bugs():
    src = _cell_source("notebooks/exercises/ex06_fix_im2col.ipynb", "def broken_im2col")
    ns = {"np": np, "ct": ct}
    exec(src, ns)
    with pytest.raises(AssertionError) as e:
        check_fixed_im2col(ns["broken_im2col"], draw=False)
    assert "5 of the 5 bugs are still there" in str(e.value)


def test_a_new_bug_in_the_fixed_im2col_gets_the_general_diagnosis():
    def student(X, W_shape, pad, stride, dilation):
        return loop_im2col(X, W_shape, pad, stride, dilation, "batch_order")
    with pytest.raises(AssertionError) as e:
        check_fixed_im2col(student, draw=False)
    assert_hint(e, "batch_order", "batch/column order")


# ----------------------------------------------------------------------------------------
# exercise 1: shapes and the quizzes


def test_out_shapes_wrong_answer_gets_a_hint():
    answers = right_shapes()
    answers[0] = (1, 2, 2, 1)        # forgot the + 1
    answers[5] = (1, 7, 7, 2)        # ignored the dilation: (9 - 3) + 1
    with pytest.raises(AssertionError) as e:
        check_out_shapes(lambda: answers)
    text = str(e.value)
    assert "2 of 6 answers wrong" in text
    assert "the +1 counts the first window" in text and "k + (k-1)*d" in text


quiz = pytest.importorskip("conv_teach.exercises.quiz")


def submit(q, value):
    q.answer.value = value
    q.submit.click()
    return q.feedback.value


def test_out_len_quiz_right_and_wrong_with_hint():
    q = quiz.OutLenQuiz(7, 3, stride=2, pad=1)
    assert "Not quite" in submit(q, 3) and "+1" in q.feedback.value   # (7 + 2 - 3) // 2 forgot +1
    assert q.correct is False
    assert "Right!" in submit(q, 4)                                   # (7 + 2 - 3) // 2 + 1 = 4
    assert q.correct is True and q.attempts == 2


def test_out_len_quiz_names_ignored_dilation():
    q = quiz.OutLenQuiz(10, 3, stride=1, pad=0, dilation=2)          # eff = 3 + 2*2 = 7 -> 4
    assert "k + (k-1)*d" in submit(q, 8)                              # 10 - 3 + 1 with eff = 3
    assert "Right!" in submit(q, 4)


def test_shape_quiz_parses_and_hints():
    q = quiz.ShapeQuiz((2, 8, 6, 3), (3, 3, 3, 4), stride=2, pad="same")   # ceil(8/2), ceil(6/2)
    assert "type 4 numbers" in submit(q, "4, 3")
    assert "type whole numbers" in submit(q, "(2, 4.0, 3, 4)") and "4.0" in submit(q, "(2, 4.0, 3, 4)")
    assert "Right!" in submit(q, "2 4 3 4")                           # any separators
    assert "out_ch" in submit(q, "(2, 4, 3, 3)")                      # in_ch instead of out_ch
    assert "Rows first" in submit(q, "(2, 3, 4, 4)")
    assert "Right!" in submit(q, "(2, 4, 3, 4)")


@pytest.mark.parametrize("kwargs, answer", [
    (dict(in_shape=(5, 5), kernel=(3, 3), pixel=(2, 2)), 9),          # 3 row windows x 3 col windows
    (dict(in_shape=(5, 5), kernel=(3, 3), pixel=(0, 1)), 2),          # 1 x 2
    (dict(in_shape=(6, 6), kernel=(2, 2), stride=2, pixel=(3, 3)), 1),
    (dict(in_shape=(4, 4), kernel=(3, 3), pad=1, pixel=(0, 0)), 4),   # 2 x 2
])
def test_window_count_quiz(kwargs, answer):
    q = quiz.WindowCountQuiz(**kwargs)
    assert q.right_answer == answer
    assert "Not quite" in submit(q, answer + 1)
    assert "Right!" in submit(q, answer)


# ----------------------------------------------------------------------------------------
# the picture


def test_show_diff_marks_exactly_the_differing_cells():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    expected = np.arange(12.).reshape(3, 4)
    received = expected.copy()
    received[0, 1] = -1
    received[2, 3] = 99
    fig = checks.show_diff(expected, received)
    left, right = fig.axes
    assert np.array_equal(left.images[0].get_array(), expected)
    assert np.array_equal(right.images[0].get_array(), received)
    from matplotlib.patches import Rectangle
    boxes = [p for p in right.patches if isinstance(p, Rectangle)]       # not the title's glyphs
    corners = sorted((int(p.get_y() + 0.5), int(p.get_x() + 0.5)) for p in boxes)
    assert corners == [(0, 1), (2, 3)]
    plt.close(fig)
    fig = checks.show_diff(expected, expected.T)
    assert "shapes differ" in fig._suptitle.get_text()
    assert not [p for p in fig.axes[1].patches if isinstance(p, Rectangle)]
    plt.close(fig)


def test_checker_draws_when_asked(monkeypatch):
    import matplotlib
    matplotlib.use("Agg")
    shown = []
    monkeypatch.setattr(runner, "draw", lambda e, g: shown.append((np.shape(e), np.shape(g))))
    with pytest.raises(AssertionError):
        check_pad2D(wrong_pad2D("pad_wrong_side"), draw=True)
    assert len(shown) == 1 and shown[0][0] == shown[0][1]


@pytest.mark.parametrize("check, example", [(check_pad2D, "check_pad2D(pad2D)"),
                                            (check_fixed_im2col, "check_fixed_im2col(fixed_im2col)"),
                                            (check_out_shapes, "check_out_shapes(my_shapes)")])
def test_passing_a_result_instead_of_the_function_is_a_clear_error(check, example):
    with pytest.raises(TypeError, match=re.escape(f"pass your function itself, e.g. {example}, "
                                                  "not the result of calling it; got tuple")):
        check((np.zeros(1), (0, 0, 0, 0)))


def test_window_count_quiz_rejects_a_pixel_outside_the_input():
    with pytest.raises(ValueError, match=r"pixel must be a \(row, col\) inside the 5x5 input, got \(5, 0\)"):
        quiz.WindowCountQuiz((5, 5), (3, 3), pixel=(5, 0))


def test_a_function_that_changes_its_input_is_told_so():
    def pad2D(X, pad, kernel_shape=None, stride=1):
        X_pad, p = right_pad2D(X, pad, kernel_shape, stride)
        X[...] = 0
        return X_pad, p
    with pytest.raises(AssertionError, match=r"Case 1 of \d+ failed: .*\nYour pad2D changed its input X"):
        check_pad2D(pad2D)


def test_a_changed_input_is_named_by_the_students_own_parameter():
    # the second argument of max-pool backward is X: the message names it by the student's
    # name for it (it used to read "changed its input the second argument")
    from conv_teach.exercises.pool_checks import check_maxpool2D_backward

    def mp_modifies_input(dZ, inputs, pool, stride):
        dX = np.zeros_like(inputs)          # the input is changed before any answer is judged
        inputs[...] = 0
        return dX
    with pytest.raises(AssertionError, match=r"Your mp_modifies_input changed its input inputs; work on"):
        check_maxpool2D_backward(mp_modifies_input)

    def positional_only(*args):
        dX = np.zeros_like(args[1])
        args[1][...] = 0
        return dX
    with pytest.raises(AssertionError, match=r"Your positional_only changed its second argument; work on"):
        check_maxpool2D_backward(positional_only)


def test_show_diff_draws_the_nhwc_slice_where_the_mistake_is():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    expected = np.zeros((2, 3, 3, 2))
    received = expected.copy()
    received[1, 0, 2, 1] = 5          # example 1, channel 1 only
    fig = checks.show_diff(expected, received)
    from conv_teach.viz.grid import panel_of
    assert "(example 1, channel 1)" in panel_of(fig.axes[0]).title.get_text()
    from matplotlib.patches import Rectangle
    assert [(int(p.get_y() + 0.5), int(p.get_x() + 0.5)) for p in fig.axes[1].patches
            if isinstance(p, Rectangle)] == [(0, 2)]
    plt.close(fig)


# ----------------------------------------------------------------------------------------
# every hint can fire: for each hint of every table, a planted wrong answer earns it through
# the checker's real case list


def _plant_im2col(bug):
    return lambda X, W_shape, pad, stride, dilation: loop_im2col(X, W_shape, pad, stride,
                                                                 dilation, bug)


def _plant_one_channel(bug):
    return lambda x, k, s, d: loop_im2col(x[None, :, :, None], tuple(k) + (1, 1), 0, s, d, bug)


HINT_PLANTS = (
    [(check_pad2D, wrong_pad2D(b), b) for b in
     ["pad_one_side", "pad_wrong_side", "pad_rows_cols", "pad_tuple_order", "pad_wrong_axes",
      "pad_not_zero", "same_out_eq_in", "same_ignores_stride"]]
    + [(check_im2col, _plant_im2col(b), b) for b, _ in IM2COL_BUGS]
    + [(check_im2col, _plant_im2col("reversed_columns"), "same_values_wrong_order"),
       (check_im2col_one_channel, _plant_one_channel("out_rows_cols"), "out_rows_cols_one_channel")]
    + [(check_conv2D_gemm, wrong_conv(b), b) for b in ["kernel_flipped", "w_rows_order", "z_unpack"]]
    + [(check_col2im, wrong_col2im(b), b) for b in ["overwrite", "not_cropped", "nchw"]]
)


@pytest.mark.parametrize("check, student, key", HINT_PLANTS,
                         ids=[f"{c.__name__}-{k}" for c, _, k in HINT_PLANTS])
def test_every_hint_of_the_checkers_can_fire(check, student, key):
    with pytest.raises(CheckFailed) as e:
        check(student, draw=False)
    assert e.value.hints[:1] == [HINTS[key]], str(e.value)     # the planted mistake comes first


def test_the_hint_plants_cover_the_whole_hint_table():
    # the max-pool exercise's hints join HINTS when pool_checks is imported; each of those is
    # planted in tests/test_pool_exercise.py::test_each_mistake_gets_its_hint
    from conv_teach.exercises.pool_checks import POOL_HINTS
    assert {key for _, _, key in HINT_PLANTS} == set(HINTS) - set(POOL_HINTS)


#: (question index, a wrong answer worked out by hand, the hint it must earn)
SHAPE_PLANTS = [
    (0, (1, 2, 2, 1), "plus_one"),          # (5 - 3) // 1, no + 1
    (5, (1, 7, 7, 2), "dilation"),          # eff taken as 3: 9 - 3 + 1
    (5, (1, 3, 3, 2), "dilation_torch"),    # eff = 3 + 2 * 2 = 7: 9 - 7 + 1
    (1, (1, 3, 3, 1), "pad"),               # no padding: 5 - 3 + 1
    (1, (1, 5, 5, 1), "pad_once"),          # pad on one side: 5 + 2 - 3 + 1
    (2, (2, 4, 3, 8), "ceil"),              # ceil((8 - 3) / 2) + 1
    (2, (2, 6, 3, 8), "stride"),            # stride ignored: 8 - 3 + 1
    (4, (4, 7, 8, 16), "same"),             # 'same' read as out == in
    (4, (4, 3, 4, 16), "same_floor"),       # 'same' read as in // stride: 7 // 2, 8 // 2
    (2, (2, 3, 3, 3), "channels"),          # in_ch instead of out_ch
    (2, (1, 3, 3, 8), "batch"),
    (3, (1, 6, 5, 4), "rows_cols"),
    (0, (1, 17, 3, 1), "formula"),          # no classic mistake gives 17
]


@pytest.mark.parametrize("index, answer, key", SHAPE_PLANTS, ids=[k for _, _, k in SHAPE_PLANTS])
def test_every_hint_of_exercise_1_can_fire(index, answer, key):
    from conv_teach.exercises.questions import QUIZ_HINTS
    answers = right_shapes()
    answers[index] = answer
    with pytest.raises(CheckFailed) as e:
        check_out_shapes(lambda: answers)
    text = str(e.value)
    assert "1 of 6 answers wrong" in text and f"question {index + 1} " in text, text
    assert "Hint: " + QUIZ_HINTS[key] in text, text


def _notebook_quizzes():
    """The quizzes exactly as the exercise 1 notebook makes them."""
    src = _cell_source("notebooks/exercises/solutions/ex01_output_shapes.ipynb", "quizzes = [")
    ns = dict(vars(quiz), display=lambda *a: None)
    exec(src, ns)
    return ns["quizzes"]


def test_the_window_count_hints_can_fire_in_the_notebooks_quizzes():
    from conv_teach.exercises.questions import QUIZ_HINTS
    window = [q for q in _notebook_quizzes() if isinstance(q, quiz.WindowCountQuiz)]
    fired = set()
    for q in window:
        for wrong in (q.kernel[0] * q.kernel[1], q.right_answer + 1):
            if wrong != q.right_answer:
                submit(q, wrong)
                fired |= {k for k in ("window_max", "window_axes")
                          if html.escape(QUIZ_HINTS[k]) in q.feedback.value}
    assert fired == {"window_max", "window_axes"}


def test_the_exercise_1_plants_cover_the_whole_quiz_hint_table():
    from conv_teach.exercises.questions import QUIZ_HINTS
    assert {k for _, _, k in SHAPE_PLANTS} | {"window_max", "window_axes"} == set(QUIZ_HINTS)


def test_part_a_of_exercise_3_never_speaks_of_a_batch():
    one_channel_keys = {hints.ONE_CHANNEL.get(k, k) for k, _ in IM2COL_BUGS}
    for key in one_channel_keys - {"channel_order", "batch_order", "pad_one_side",
                                   "pad_wrong_side", "pad_rows_cols"}:
        assert "n_ex" not in HINTS[key], key


# ----------------------------------------------------------------------------------------
# answers that are not arrays of numbers


def _returning(check, make):
    """A student function for ``check`` whose (right) answer is passed through ``make``."""
    right = {check_pad2D: right_pad2D, check_im2col_one_channel: right_one_channel,
             check_im2col: right_im2col, check_conv2D_gemm: right_conv,
             check_col2im: right_col2im, check_fixed_im2col: right_im2col}[check]

    def student(*args):
        out = right(*args)
        if check is check_pad2D:
            return make(out[0]), out[1]
        return make(out)
    return student


def _with_nan(a):
    a = np.array(a, float)
    a.flat[0] = np.nan
    return a


ARRAY_CHECKS = [check_pad2D, check_im2col_one_channel, check_im2col, check_conv2D_gemm,
                check_col2im, check_fixed_im2col]
BAD_RETURNS = [
    ("none", lambda a: None, r"returned None: did you forget `return`\?"),
    ("text", lambda a: str(a), r"returned text \('\["),
    ("complex", lambda a: np.asarray(a) + 0j, r"returned complex numbers \(dtype complex128\)"),
    ("nan", _with_nan, r"returned 1 NaN or infinite value\(s\) \(the first at index \(0"),
    ("objects", lambda a: np.asarray(a).astype(object), r"of object values, not an array of numbers"),
]


@pytest.mark.parametrize("check", ARRAY_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("name, make, message", BAD_RETURNS, ids=[b[0] for b in BAD_RETURNS])
def test_an_answer_that_is_not_an_array_of_numbers_gets_a_sentence(check, name, make, message):
    student = _returning(check, make)
    if check is not check_pad2D and name == "none":
        student = lambda *args: None          # noqa: E731  (the whole answer is None)
    with pytest.raises(CheckFailed, match=message) as e:
        check(student, draw=False)
    assert "Case 1 of" in str(e.value) and e.value.__cause__ is None


@pytest.mark.parametrize("check", ARRAY_CHECKS, ids=lambda c: c.__name__)
def test_a_torch_tensor_gets_a_sentence(check):
    torch = pytest.importorskip("torch")
    student = _returning(check, lambda a: torch.from_numpy(np.asarray(a, float)))
    with pytest.raises(CheckFailed, match=r"returned a torch\.Tensor; these exercises are in "
                                          r"NumPy: return a NumPy array \(.*t\.numpy\(\)\)"):
        check(student, draw=False)


@pytest.mark.parametrize("p, message", [
    (lambda p: (p[0] + 0.4,) + tuple(p[1:]), r"its top is the float 1\.4 \(use ints"),
    (lambda p: (p[0], float("nan")) + tuple(p[2:]), r"its bottom is NaN"),
    (lambda p: ("1",) + tuple(p[1:]), r"its top is '1' \(str\)"),
    (lambda p: tuple(float(v) for v in p), r"its top is the float 1\.0"),
    (lambda p: (True,) + tuple(p[1:]), r"its top is the bool True"),
    (lambda p: tuple(p[:3]), r"p should be 4 ints .*, got \(1, 1, 1\) \(tuple\)"),
    (lambda p: "1, 1, 1, 1", r"got '1, 1, 1, 1' \(str\)"),
])
def test_pad2D_p_must_be_four_ints(p, message):
    def pad2D(X, pad, kernel_shape=None, stride=1):
        X_pad, right = right_pad2D(X, pad, kernel_shape, stride)
        return X_pad, p(right)
    with pytest.raises(CheckFailed, match=message) as e:
        check_pad2D(pad2D, draw=False)
    assert "Case 1 of 16 failed: X.shape=(1, 2, 3, 1), pad=1" in str(e.value)


def test_pad2D_p_may_be_numpy_integers_or_a_list():
    def pad2D(X, pad, kernel_shape=None, stride=1):
        X_pad, p = right_pad2D(X, pad, kernel_shape, stride)
        return X_pad, list(np.array(p, dtype=np.int64))
    assert check_pad2D(pad2D) is True


@pytest.mark.parametrize("answers, message", [
    (None, r"Your <lambda> returned None: did you forget `return`\?|returned None: did you forget"),
    (5, r"returned 5 \(int\); return a list of 6 shapes, one 4-tuple per question"),
    ("(1, 3, 3, 1)", r"returned '\(1, 3, 3, 1\)' \(str\); return a list of 6 shapes"),
    (["(1, 3, 3, 1)"] * 6, r"question 1 \(.*\): '\(1, 3, 3, 1\)' is text; write a tuple of 4 ints"),
    ([(1, 3.0, 3, 1)] + right_shapes()[1:], r"question 1 .*: \(1, 3\.0, 3, 1\) holds the float 3\.0"),
    ([(1, 3, 3)] + right_shapes()[1:], r"question 1 .*: \(1, 3, 3\) is not 4 numbers"),
    ([(1, 3, 3, float("nan"))] + right_shapes()[1:], r"question 1 .* holds NaN"),
    (right_shapes()[:5], r"6 questions but 5 answers"),
])
def test_out_shapes_answers_that_are_not_shapes_get_a_sentence(answers, message):
    with pytest.raises(CheckFailed, match=message):
        check_out_shapes(lambda: answers)


def test_out_shapes_accepts_numpy_ints_and_torch_sizes():
    torch = pytest.importorskip("torch")
    answers = [torch.Size(s) for s in right_shapes()[:3]] + [tuple(np.array(s)) for s in right_shapes()[3:]]
    assert check_out_shapes(lambda: answers) is True


# ----------------------------------------------------------------------------------------
# the time limit


def endless(*args):
    while True:
        pass


def test_an_endless_loop_is_stopped_with_a_message():
    import signal
    before = signal.getsignal(signal.SIGALRM)
    start = time.monotonic()
    with pytest.raises(CheckFailed, match=r"Case 1 of 19 failed: .*\nYour endless ran longer than "
                                          r"0\.3 s and was stopped: an endless loop") as e:
        check_im2col(endless, time_limit=0.3)
    assert time.monotonic() - start < 3
    assert "time_limit=<seconds>" in str(e.value)
    assert signal.getsignal(signal.SIGALRM) is before and signal.getitimer(signal.ITIMER_REAL) == (0, 0)


@pytest.mark.parametrize("how", ["signal", "thread"])
def test_a_loop_that_swallows_the_stop_is_stopped_anyway(how, monkeypatch):
    def stubborn(*args):
        for _ in range(3):
            try:
                while True:
                    pass
            except:                   # noqa: E722  (a student's bare except catches the stop)
                continue
        return right_pad2D(*args)     # ... and even returns the right answer, too late
    monkeypatch.setattr(limits, "mechanism", lambda: how)
    start = time.monotonic()
    with pytest.raises(CheckFailed, match="ran longer than 0.2 s"):
        check_pad2D(stubborn, time_limit=0.2)
    assert time.monotonic() - start < 3


def test_the_time_limit_works_off_the_main_thread_too():
    """No signals there (as on Windows): an asynchronous exception stops the loop instead."""
    from conv_teach.exercises.limits import mechanism
    caught = {}

    def run():
        caught["mechanism"] = mechanism()
        try:
            check_col2im(endless, time_limit=0.3)
        except CheckFailed as e:
            caught["report"] = str(e)
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    assert caught["mechanism"] == "thread" and "ran longer than 0.3 s" in caught["report"]


def test_the_stop_never_arrives_late():
    from conv_teach.exercises.limits import time_limit
    for how in ("signal", "thread"):
        with time_limit(0.05, how=how):
            pass
        time.sleep(0.15)          # an exception delivered now would fail this test


def test_the_default_time_limit_comes_from_the_environment():
    code = "import conv_teach.exercises.limits as l; print(l.TIME_LIMIT)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "CONV_TEACH_TIME_LIMIT": "0.5"})
    assert out.stdout.strip() == "0.5"


@pytest.mark.parametrize("bad", [0, -1, "5", True])
def test_a_bad_time_limit_is_a_clear_error(bad):
    with pytest.raises(ValueError, match=r"check_im2col: time_limit must be a number of seconds > 0"):
        check_im2col(right_im2col, time_limit=bad)


def test_a_slow_but_finishing_answer_passes_with_a_larger_limit():
    def slow(*args):
        time.sleep(0.05)
        return right_col2im(*args)
    assert check_col2im(slow, time_limit=2) is True


# ----------------------------------------------------------------------------------------
# answers that only call the library function being taught


from conv_teach import im2col as library_im2col           # noqa: E402  (an alias a student might make)


LIBRARY_ANSWERS = [
    (check_pad2D, lambda X, pad, k=None, s=1: ct.pad2D(X, pad, k, s), "conv_teach.pad2D"),
    (check_im2col, lambda X, W_shape, pad, s, d: ct.im2col(X, W_shape, pad, s, d)[0],
     "conv_teach.im2col"),
    (check_im2col, lambda X, W_shape, pad, s, d: library_im2col(X, W_shape, pad, s, d),
     "conv_teach.im2col"),
    (check_im2col, lambda X, W_shape, pad, s, d: ct.reference.im2col_loops(X, W_shape, pad, s, d),
     "conv_teach.im2col_loops"),
    (check_im2col_one_channel,
     lambda x, k, s, d: ct.im2col(x[None, :, :, None], tuple(k) + (1, 1), 0, s, d)[0],
     "conv_teach.im2col"),
    (check_conv2D_gemm, lambda X, W, s, pad, d: ct.conv2D(X, W, s, pad, d), "conv_teach.conv2D"),
    (check_col2im, lambda C, X_shape, W_shape, pad, s, d: ct.col2im(C, X_shape, W_shape, pad, s, d),
     "conv_teach.col2im"),
    (check_fixed_im2col, lambda X, W_shape, pad, s, d: ct.im2col(X, W_shape, pad, s, d),
     "conv_teach.im2col"),
    (check_out_shapes, lambda: [ct.conv_out_shape(*q) for q in
                                __import__("conv_teach.exercises.questions").exercises.questions.SHAPE_QUESTIONS],
     "conv_teach.conv_out_shape"),
]


@pytest.mark.parametrize("check, student, name", LIBRARY_ANSWERS,
                         ids=[f"{c.__name__}-{n}" for c, _, n in LIBRARY_ANSWERS])
def test_an_answer_that_calls_the_taught_function_is_refused(check, student, name):
    with pytest.raises(CheckFailed, match=rf"your function calls {re.escape(name)}, the function "
                                          r"this exercise asks you to write"):
        check(student)
    # every binding is put back
    assert ct.im2col.__module__ == "conv_teach.im2col" and library_im2col is ct.im2col
    assert ct.reference.im2col_loops is ct.im2col_loops and ct.pad2D is ct.pad.pad2D
    assert not hasattr(ct.conv2D, "__wrapped__")


def test_a_library_call_hidden_in_a_closure_or_a_default_is_refused_too():
    lib = ct.col2im

    def closure(C, X_shape, W_shape, pad, s, d):
        return lib(C, X_shape, W_shape, pad, s, d)

    def default(C, X_shape, W_shape, pad, s, d, f=ct.col2im):
        return f(C, X_shape, W_shape, pad, s, d)
    for student in (closure, default):
        with pytest.raises(CheckFailed, match="calls conv_teach.col2im"):
            check_col2im(student)
    assert closure.__closure__[0].cell_contents is ct.col2im
    assert default.__defaults__ == (ct.col2im,)


def test_other_library_functions_stay_allowed():
    """The exercises say to use ct.pad2D in im2col and ct.im2col in conv2D_gemm."""
    def conv2D_gemm(X, W, stride, pad, dilation):
        fr, fc, in_ch, out_ch = W.shape
        X_col, _ = ct.im2col(X, W.shape, pad, stride, dilation)
        n_ex, out_rows, out_cols, _ = ct.conv_out_shape(X.shape, W.shape, stride, pad, dilation)
        Z = W.transpose(3, 2, 0, 1).reshape(out_ch, -1) @ X_col
        return Z.reshape(out_ch, out_rows, out_cols, n_ex).transpose(3, 1, 2, 0)
    assert check_conv2D_gemm(conv2D_gemm) is True
    assert check_im2col(right_im2col) is True          # calls ct.pad2D


# ----------------------------------------------------------------------------------------
# grading, and what IPython shows


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.__name__)
def test_grading_makes_a_stub_fail(check, capsys):
    with pytest.raises(CheckFailed, match=NOT_IMPLEMENTED):
        check(stub, grading=True)


def test_the_rendered_report_has_no_conv_teach_frames_and_ends_with_the_hint():
    with pytest.raises(CheckFailed) as e:
        check_im2col(_plant_im2col("stride_swapped"), draw=False)
    lines = e.value._render_traceback_()
    text = "\n".join(lines)
    assert "checks.py" not in text and "File " not in text
    assert "compared your function with conv_teach.im2col" in lines[0]
    assert lines[-1].endswith(HINTS["stride_swapped"])


def test_a_crash_renders_the_students_frames_only():
    def im2col(X, W_shape, pad, stride, dilation):
        return helper(X)

    def helper(X):
        return X[99]
    with pytest.raises(CheckFailed) as e:
        check_im2col(im2col)
    text = "\n".join(e.value._render_traceback_())
    assert "in im2col" in text and "in helper" in text and "return X[99]" in text
    assert "IndexError: index 99" in text
    assert "checks.py" not in text and "limits.py" not in text and "taught.py" not in text
    assert text.index("Case 1 of 19 failed") < text.index("in im2col")


def test_in_a_notebook_the_numbers_come_first_then_the_picture_then_verdict_and_hint(monkeypatch, capsys):
    order = []
    monkeypatch.setattr(runner, "draw", lambda e, g: order.append(("picture", capsys.readouterr().out)))
    with pytest.raises(CheckFailed) as e:
        check_im2col(_plant_im2col("dilation_ignored"), draw=True)
    (what, printed), = order
    assert printed.index("compared your") < printed.index("Case ") < printed.index("expected:")
    assert "Hint" not in printed
    rendered = e.value._render_traceback_()
    assert "failed (the numbers and the picture are above)" in rendered[0]
    assert rendered[-1].endswith(HINTS["dilation_ignored"]) and len(rendered) == 2


# ----------------------------------------------------------------------------------------
# in a real Jupyter kernel: what IPython actually shows


KERNEL_CELLS = [
    "import numpy as np\nimport conv_teach as ct\nfrom conv_teach.exercises import check_im2col, check_pad2D",
    '''def im2col(X, W_shape, pad, stride, dilation):
    fr, fc = W_shape[:2]
    X_pad, _ = ct.pad2D(X, pad, (fr, fc), stride, dilation)
    (s_r, s_c), (d_r, d_c) = stride, dilation
    out_r = (X_pad.shape[1] - (fr - 1) * (d_r + 1) - 1) // s_r + 1
    out_c = (X_pad.shape[2] - (fc - 1) * (d_c + 1) - 1) // s_c + 1
    cols = []
    for i in range(out_r):
        for j in range(out_c):
            for n in range(X.shape[0]):
                window = X_pad[n, i * s_r:i * s_r + (fr - 1) * (d_r + 1) + 1:d_r + 1,
                               j * s_c:j * s_c + (fc - 1) * (d_c + 1) + 1:d_c + 1, :]
                cols.append(window.transpose(2, 0, 1).ravel())
    return np.array(cols)          # the planted bug: this is X_col's transpose''',
    "check_im2col(im2col)\n### BEGIN HIDDEN TESTS\ncheck_im2col(im2col, n_random=30, grading=True)\n"
    "### END HIDDEN TESTS",
    "def crash(X, W_shape, pad, stride, dilation):\n    return X[99]\n\ncheck_im2col(crash)",
    "def endless(*args):\n    while True:\n        pass\n\ncheck_pad2D(endless, time_limit=1)",
    "print('the kernel carries on')",
    "def interrupted(*args):\n    raise KeyboardInterrupt\n\ncheck_im2col(interrupted)",
]

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def kernel_outputs():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in KERNEL_CELLS])
    start = time.monotonic()
    nbclient.NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3").execute()
    return [cell.outputs for cell in nb.cells], time.monotonic() - start


def _error_text(outputs):
    (error,) = [o for o in outputs if o.output_type == "error"]
    return ANSI.sub("", "\n".join(error.traceback))


def test_in_a_kernel_a_wrong_answer_shows_numbers_picture_then_hint_and_no_code(kernel_outputs):
    outputs = kernel_outputs[0][2]
    assert [o.output_type for o in outputs] == ["stream", "display_data", "error"]
    assert "image/png" in outputs[1].data
    printed = outputs[0].text
    # (case 1, a 2x2 kernel on a 3x3 input, has a symmetric X_col: its transpose passes)
    assert printed.index("compared your im2col with conv_teach.im2col") < printed.index(
        "Case 2 of 19 failed") < printed.index("expected:") < printed.index("received:")
    shown = _error_text(outputs)
    assert shown.splitlines() == ["check_im2col: case 2 of 19 failed (the numbers and the picture "
                                  "are above).", "Hint: " + HINTS["transposed"]]


def test_in_a_kernel_a_crash_shows_the_students_frames_and_none_of_conv_teach(kernel_outputs):
    shown = _error_text(kernel_outputs[0][3])
    assert "Cell In[" in shown and "return X[99]" in shown and "IndexError: index 99" in shown
    assert shown.index("Case 1 of 19 failed") < shown.index("return X[99]")
    for ours in ("checks.py", "limits.py", "taught.py", "site-packages", "conv_teach/"):
        assert ours not in shown, (ours, shown)


def test_in_a_kernel_an_endless_loop_is_stopped_and_the_kernel_carries_on(kernel_outputs):
    outputs, seconds = kernel_outputs
    assert "ran longer than 1 s and was stopped" in _error_text(outputs[4])
    assert outputs[5][0].text == "the kernel carries on\n"
    assert seconds < 60


def test_out_shapes_an_endless_or_crashing_answer_gets_a_sentence():
    with pytest.raises(CheckFailed, match=r"compared what your endless\(\) returns .*\n"
                                          r"Your endless ran longer than 0.2 s and was stopped"):
        check_out_shapes(endless, time_limit=0.2)

    def my_shapes():
        return [(1, 3, 3, 1)] * (1 // 0)
    with pytest.raises(CheckFailed, match=r"Your my_shapes raised ZeroDivisionError") as e:
        check_out_shapes(my_shapes)
    assert isinstance(e.value.__cause__, ZeroDivisionError)


def test_in_a_kernel_other_exceptions_skip_the_checkers_frames_too(kernel_outputs):
    """__tracebackhide__: IPython's own traceback (here of a KeyboardInterrupt, which the
    checkers let through) skips every conv_teach frame and keeps the student's."""
    shown = _error_text(kernel_outputs[0][6])
    assert "skipping hidden" in shown and "in interrupted" in shown and "KeyboardInterrupt" in shown
    assert "conv_teach/" not in shown and "site-packages" not in shown, shown
