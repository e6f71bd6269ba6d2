"""conv_teach.windows: the window view against the definition, the fold as its adjoint,
padding with a fill value, and the blocks that tile the work."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from conv_teach import conv_out_shape, pad2D, windows as w

from strategies import conv_cases


def _pair(v):
    return tuple(int(x) for x in v) if isinstance(v, tuple) else (int(v), int(v))


@given(conv_cases(dim=2))
def test_window_view_reads_what_the_definition_says(case):
    X, W, stride, pad, dilation = case
    g = w.geometry("t", X.shape[1:3], W.shape[:2], stride, pad, dilation)
    assert (X.shape[0],) + g.out + (W.shape[3],) == conv_out_shape(X.shape, W.shape, stride, pad, dilation)
    X_pad, p = pad2D(X, pad, W.shape[:2], stride, dilation)
    assert p == g.pad
    win = w.window_view(w.padded(X, g), g)
    (s_r, s_c), (d_r, d_c) = _pair(stride), _pair(dilation)
    fr, fc = W.shape[:2]
    for i in range(g.out[0]):
        for j in range(g.out[1]):
            for ki in range(fr):
                for kj in range(fc):
                    assert_array_equal(win[:, i, j, ki, kj],
                                       X_pad[:, i * s_r + ki * (d_r + 1), j * s_c + kj * (d_c + 1)])


@given(conv_cases(dim=2), st.integers(0, 2 ** 32 - 1))
def test_fold_is_the_adjoint_of_the_window_view(case, seed):
    # <window_view(P), C> == <P, fold_into(0, C)> for every padded image P and windows C
    X, W, stride, pad, dilation = case
    g = w.geometry("t", X.shape[1:3], W.shape[:2], stride, pad, dilation)
    rng = np.random.default_rng(seed)
    P = rng.standard_normal(w.padded_shape(X.shape, g))
    C = rng.standard_normal(w.window_view(P, g).shape)
    folded = w.fold_into(np.zeros_like(P), C, g)
    assert_allclose(np.vdot(w.window_view(P, g), C), np.vdot(P, folded), rtol=1e-10)


@given(conv_cases(dim=2), st.integers(0, 2 ** 32 - 1))
def test_add_cropped_is_the_adjoint_of_padded(case, seed):
    X, W, stride, pad, dilation = case
    g = w.geometry("t", X.shape[1:3], W.shape[:2], stride, pad, dilation)
    B = np.random.default_rng(seed).standard_normal(w.padded_shape(X.shape, g))
    assert_allclose(np.vdot(w.padded(X, g), B),
                    np.vdot(X, w.add_cropped(np.zeros_like(X), B, g)), rtol=1e-10)


def test_padded_with_a_fill_value_and_by_rows():
    X = np.arange(12.).reshape(1, 3, 4, 1)
    g = w.geometry("t", (3, 4), (2, 2), 1, (1, 2, 0, 1))
    P = w.padded(X, g, fill=-np.inf)
    assert P.shape == (1, 6, 5, 1)
    assert_array_equal(P[0, 1:4, :4, 0], X[0, :, :, 0])
    assert np.isneginf(P[0, 0]).all() and np.isneginf(P[0, 4:]).all() and np.isneginf(P[0, :, 4]).all()
    for lo, hi in [(0, 2), (1, 4), (3, 6), (4, 6)]:
        assert_array_equal(w.padded(X, g, fill=-np.inf, rows=(lo, hi)), P[:, lo:hi])
    # nothing to pad: X itself, no copy
    g0 = w.geometry("t", (3, 4), 1, 1, 0)
    assert w.padded(X, g0) is not None and np.shares_memory(w.padded(X, g0), X)


@given(case=conv_cases(dim=2), budget=st.integers(1, 4000))
def test_iter_windows_tiles_the_window_view(case, budget):
    X, W, stride, pad, dilation = case
    g = w.geometry("t", X.shape[1:3], W.shape[:2], stride, pad, dilation)
    whole = w.window_view(w.padded(X, g, fill=7.0), g)
    seen = np.zeros(whole.shape[:3], int)
    for n0, n1, r0, r1, win in w.iter_windows(X, g, fill=7.0, block_bytes=budget):
        assert not win.flags.writeable
        assert_array_equal(win, whole[n0:n1, r0:r1])
        seen[n0:n1, r0:r1] += 1
    assert (seen == 1).all()


def test_huge_stride_on_a_one_output_axis_does_not_overflow():
    g = w.geometry("t", (5, 5), (3, 3), 2 ** 58, 0)
    assert g.out == (1, 1)
    X = np.arange(25.).reshape(1, 5, 5, 1)
    assert_array_equal(w.window_view(w.padded(X, g), g)[0, 0, 0, :, :, 0], X[0, :3, :3, 0])


def test_geometry_takes_a_kernel_shape_and_names_it():
    assert w.geometry("maxpool2D", (7, 7), 3, 2, "same").out == (4, 4)
    with pytest.raises(ValueError, match="maxpool2D: kernel_shape must be an int >= 1, got 0"):
        w.geometry("maxpool2D", (7, 7), 0, 2, 0)


def test_padded_refuses_a_huge_result_with_its_size():
    X = np.lib.stride_tricks.as_strided(np.zeros(1), (1, 8, 8, 1), (0,) * 4)
    g = w.geometry("t", (8, 8), 1, 1, 2 ** 20)
    with pytest.raises(MemoryError, match=r"t: the padded input would have shape \(1, 2097160, "
                                          r"2097160, 1\) \(float64\) and need 32\.00 TiB"):
        w.padded(X, g, fn="t")
