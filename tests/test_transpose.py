"""conv2D_transpose: against the scatter loops, the adjoint of conv2D, conv2D_backward and torch."""
from collections import namedtuple

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conv_teach import conv2D, conv2D_backward, conv2D_transpose, dilate, pad2D
from conv_teach.reference import conv2D_transpose_loops

TCase = namedtuple("TCase", "X W stride pad dilation output_padding")


@st.composite
def transpose_cases(draw, pad_forms=("int", "pair", "quad", "same", "valid"), op_below_stride=False):
    """A valid transposed-convolution problem: the pad never crops the whole output.

    Pads are drawn per side in ``0 .. (full - 1) // 2`` where ``full = (in-1)*s + eff``
    is the uncropped size, so at least one cell is left on each axis.
    """
    n_ex, in_ch, out_ch = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    rows, cols = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    fr, fc = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    d = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    full = ((rows - 1) * s[0] + (fr - 1) * (d[0] + 1) + 1, (cols - 1) * s[1] + (fc - 1) * (d[1] + 1) + 1)
    side = [st.integers(0, min(3, (f - 1) // 2)) for f in full]
    form = draw(st.sampled_from(pad_forms))
    op = (0, 0)
    if form not in ("same", "valid"):
        limit = [s[a] if op_below_stride else max(s[a], d[a] + 1) for a in range(2)]
        op = tuple(draw(st.integers(0, limit[a] - 1)) for a in range(2))
    if form == "int":
        pad = draw(st.integers(0, min(3, (min(full) - 1) // 2)))
    elif form == "pair":
        pad = (draw(side[0]), draw(side[1]))
    elif form == "quad":
        pad = (draw(side[0]), draw(side[0]), draw(side[1]), draw(side[1]))
    else:
        pad = form
    stride = s if draw(st.booleans()) or s[0] != s[1] else s[0]
    dilation = d if d[0] != d[1] else d[0]
    output_padding = op if op[0] != op[1] else op[0]
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    X = rng.standard_normal((n_ex, rows, cols, in_ch))
    W = rng.standard_normal((fr, fc, in_ch, out_ch))
    return TCase(X, W, stride, pad, dilation, output_padding)


def _pair(v):
    return tuple(v) if isinstance(v, tuple) else (v, v)


def _resolved_pad(case):
    """(top, bottom, left, right) written out independently of the library for numeric pads."""
    p = case.pad
    if p == "valid":
        return (0, 0, 0, 0)
    if isinstance(p, int):
        return (p, p, p, p)
    if len(p) == 2:
        return (p[0], p[0], p[1], p[1])
    return p


@given(transpose_cases())
def test_matches_scatter_loops(case):
    Z = conv2D_transpose(*case)
    np.testing.assert_allclose(Z, conv2D_transpose_loops(*case), rtol=1e-12, atol=1e-12)


@given(transpose_cases(pad_forms=("int", "pair", "quad", "valid")))
def test_output_shape_formula(case):
    (s_r, s_c), (d_r, d_c) = _pair(case.stride), _pair(case.dilation)
    op_r, op_c = _pair(case.output_padding)
    t, b, l, r = _resolved_pad(case)
    n, rows, cols, _ = case.X.shape
    fr, fc, _, out_ch = case.W.shape
    eff_r, eff_c = fr + (fr - 1) * d_r, fc + (fc - 1) * d_c
    expected = (n, (rows - 1) * s_r - t - b + eff_r + op_r, (cols - 1) * s_c - l - r + eff_c + op_c, out_ch)
    assert conv2D_transpose(*case).shape == expected


@given(transpose_cases(pad_forms=("same",)))
def test_same_gives_in_times_stride(case):
    (s_r, s_c) = _pair(case.stride)
    n, rows, cols, _ = case.X.shape
    assert conv2D_transpose(*case).shape == (n, rows * s_r, cols * s_c, case.W.shape[3])


@given(transpose_cases(op_below_stride=True), st.integers(0, 2 ** 32 - 1))
def test_adjoint_of_conv2D(case, seed):
    """<conv2D(Y, W2), X> == <Y, conv2D_transpose(X, W)> with W2 = W with its channel axes swapped."""
    Z = conv2D_transpose(*case)
    Y = np.random.default_rng(seed).standard_normal(Z.shape)
    W2 = case.W.transpose(0, 1, 3, 2)
    forward = conv2D(Y, W2, case.stride, case.pad, case.dilation)
    assert forward.shape == case.X.shape          # conv2D maps the output size back to the input's
    np.testing.assert_allclose(np.vdot(forward, case.X), np.vdot(Y, Z), rtol=1e-10, atol=1e-10)


@given(transpose_cases(op_below_stride=True), st.integers(0, 2 ** 32 - 1))
def test_equals_the_input_gradient_of_conv2D(case, seed):
    Z = conv2D_transpose(*case)
    Y = np.random.default_rng(seed).standard_normal(Z.shape)
    dX, _ = conv2D_backward(case.X, Y, case.W.transpose(0, 1, 3, 2), case.stride, case.pad, case.dilation)
    np.testing.assert_allclose(Z, dX, rtol=1e-12, atol=1e-12)


@given(transpose_cases(pad_forms=("int", "pair", "quad", "valid")))
def test_equals_stride_1_conv_of_the_zero_inserted_input(case):
    """The other picture: dilate X by stride-1, pad by eff-1-pad, convolve with the kernel rotated 180."""
    (s_r, s_c), (d_r, d_c) = _pair(case.stride), _pair(case.dilation)
    op_r, op_c = _pair(case.output_padding)
    t, b, l, r = _resolved_pad(case)
    fr, fc = case.W.shape[:2]
    eff_r, eff_c = fr + (fr - 1) * d_r, fc + (fc - 1) * d_c
    X_big = dilate(case.X, (s_r - 1, s_c - 1))
    # a negative pad crops: pad by the largest amount first, then cut what was too much
    big, _ = pad2D(X_big, (eff_r - 1, eff_r - 1 + op_r, eff_c - 1, eff_c - 1 + op_c))
    big = big[:, t:big.shape[1] - b, l:big.shape[2] - r]
    W_rot = case.W[::-1, ::-1]          # same channel layout: X has in_ch, the result out_ch
    Z = conv2D(big, W_rot, 1, 0, (d_r, d_c))
    np.testing.assert_allclose(conv2D_transpose(*case), Z, rtol=1e-12, atol=1e-12)


@given(transpose_cases(pad_forms=("int", "pair")))
def test_matches_torch_conv_transpose2d(case):
    torch = pytest.importorskip("torch")
    (d_r, d_c) = _pair(case.dilation)
    Zt = torch.nn.functional.conv_transpose2d(
        torch.from_numpy(case.X).permute(0, 3, 1, 2),        # NHWC -> NCHW
        torch.from_numpy(case.W).permute(2, 3, 0, 1),        # (fr, fc, in, out) -> (in, out, fr, fc)
        stride=case.stride, padding=case.pad, dilation=(d_r + 1, d_c + 1),
        output_padding=case.output_padding)
    np.testing.assert_allclose(conv2D_transpose(*case), Zt.permute(0, 2, 3, 1).numpy(),
                               rtol=1e-10, atol=1e-10)


def test_stride_2_copies_the_kernel_without_overlap():
    X = np.array([[1., 2.], [3., 4.]]).reshape(1, 2, 2, 1)
    K = np.array([[1., 10.], [100., 1000.]])
    Z = conv2D_transpose(X, K.reshape(2, 2, 1, 1), stride=2, pad=0)[0, :, :, 0]
    expected = np.block([[1 * K, 2 * K], [3 * K, 4 * K]])
    np.testing.assert_array_equal(Z, expected)


def test_overlapping_writes_add():
    X = np.array([[1., 2.], [3., 4.]]).reshape(1, 2, 2, 1)
    Z = conv2D_transpose(X, np.ones((2, 2, 1, 1)), stride=1, pad=0)[0, :, :, 0]
    np.testing.assert_array_equal(Z, [[1, 1 + 2, 2], [1 + 3, 1 + 2 + 3 + 4, 2 + 4], [3, 3 + 4, 4]])


def test_pad_larger_than_kernel_minus_one():
    """numpy-ml's Q15: H=2, k=1, s=2, p=1 raises there; torch gives one row (the inserted zero)."""
    X = np.array([5., 7.]).reshape(1, 2, 1, 1)
    Z = conv2D_transpose(X, np.full((1, 1, 1, 1), 2.), stride=(2, 1), pad=(1, 0))
    # uncropped rows: 5*2, 0 (between the two inputs), 7*2; crop one each side -> [0]
    np.testing.assert_array_equal(Z[0, :, :, 0], [[0.]])


def test_same_with_kernel_shorter_than_stride():
    """k=1, s=3: uncropped 3n-2 cells, 'same' still gives 3n (output_padding fills the end)."""
    X = np.array([1., 2.]).reshape(1, 1, 2, 1)
    Z = conv2D_transpose(X, np.ones((1, 1, 1, 1)), stride=3, pad="same")
    np.testing.assert_array_equal(Z[0, 0, :, 0], [1, 0, 0, 2, 0, 0])


def test_dilation_spreads_the_taps():
    X = np.ones((1, 1, 1, 1))
    K = np.array([[1., 2.]]).reshape(1, 2, 1, 1)
    Z = conv2D_transpose(X, K, stride=1, pad=0, dilation=2)
    np.testing.assert_array_equal(Z[0, 0, :, 0], [1, 0, 0, 2])


def test_float32_stays_float32_and_inputs_are_untouched():
    X = np.arange(8, dtype=np.float32).reshape(1, 2, 2, 2)
    W = np.ones((2, 2, 2, 3), np.float32)
    X0, W0 = X.copy(), W.copy()
    assert conv2D_transpose(X, W, 2, 0).dtype == np.float32
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(W, W0)


X1, W1 = np.ones((1, 3, 3, 2)), np.ones((3, 3, 2, 1))


@pytest.mark.parametrize("call, exc, match", [
    (lambda: conv2D_transpose(X1, np.ones((3, 3, 1, 2)), 1, 0), ValueError,
     r"conv2D_transpose: X has 2 input channels but W expects 1"),
    (lambda: conv2D_transpose(X1[0], W1, 1, 0), ValueError, r"X must be 4-D, got shape \(3, 3, 2\)"),
    (lambda: conv2D_transpose(X1, W1, 0, 0), ValueError, r"stride must be an int >= 1, got 0"),
    (lambda: conv2D_transpose(X1, W1, 1, 0, dilation=-1), ValueError, r"dilation must be an int >= 0"),
    (lambda: conv2D_transpose(X1, W1, 2, 0, output_padding=2), ValueError,
     r"output_padding must be smaller than max\(stride, dilation \+ 1\) on each axis \(here \(2, 2\)\), got \(2, 2\)"),
    (lambda: conv2D_transpose(X1, W1, 2, "same", output_padding=1), ValueError,
     r"pad='same' already chooses the output size"),
    (lambda: conv2D_transpose(X1, W1, 1, 3), ValueError,
     r"pad \(3, 3, 3, 3\) crops the whole output: the uncropped output is 5x5"),
    (lambda: conv2D_transpose(X1, W1, 1, "full"), ValueError, r"unknown pad 'full'"),
    (lambda: conv2D_transpose(X1, W1, 1, -1), ValueError, r"pad must be an int >= 0, got -1"),
], ids=["channels", "ndim", "stride_0", "dilation_negative", "output_padding_too_large",
        "same_with_output_padding", "crop_everything", "unknown_pad", "negative_pad"])
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.parametrize("name", ["conv_teach.transpose", "conv_teach.animation", "conv_teach.animation_plan"])
def test_docstring_examples(name):
    import doctest
    import importlib
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"np": np}, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    if name != "conv_teach.animation_plan":
        assert result.attempted > 0


@given(transpose_cases(), st.data())
def test_non_finite_weights_match_the_scatter_loops(case, data):
    # the fast path gathers (reads zeros around X); with nan/inf in W it must still add only
    # what the definition scatters: 0 * nan would be nan where nothing is written
    W = case.W.copy()
    for value in (np.nan, np.inf):
        idx = tuple(data.draw(st.integers(0, n - 1)) for n in W.shape)
        W[idx] = value
    case = case._replace(W=W)
    np.testing.assert_allclose(conv2D_transpose(*case), conv2D_transpose_loops(*case),
                               rtol=1e-12, atol=1e-12, equal_nan=True)


# ------------------------------------------------------------------ memory
def _extra_bytes(call):
    """tracemalloc's peak during ``call()`` minus the result's own bytes (what it needed besides)."""
    import tracemalloc
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        out = call()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return peak - sum(a.nbytes for a in (out if isinstance(out, tuple) else (out,)))


@pytest.mark.parametrize("stride, pad, dilation", [(1, 2, 0), (2, 1, 0), (3, 0, 1)])
def test_extra_memory_is_bounded_by_the_block_whatever_the_batch(stride, pad, dilation):
    # the old scatter held one weighted 5x5 kernel per input cell: 25x the output's channels
    # per input cell (batch 16 here: 4.2 MB), growing with the batch
    from conv_teach.transpose import transpose_geometry, transposed_core
    block = 2 ** 16
    rng = np.random.default_rng(0)
    W = rng.standard_normal((5, 5, 8, 8))
    for n_ex in (2, 16):
        X = rng.standard_normal((n_ex, 16, 16, 8))
        g, _, _ = transpose_geometry("t", (16, 16), (5, 5), stride, pad, dilation, 0)
        extra = _extra_bytes(lambda: transposed_core(X, W, g.stride, g.dilation, (g.pad[0], g.pad[2]),
                                                     g.out, block_bytes=block))
        assert extra <= 4 * block + W.nbytes + 2 ** 14, (n_ex, extra)
    Z = conv2D_transpose(X, W, stride, pad, dilation)
    np.testing.assert_allclose(
        transposed_core(X, W, g.stride, g.dilation, (g.pad[0], g.pad[2]), g.out, block_bytes=block),
        Z, rtol=1e-12, atol=1e-12)
