"""Pooling against its loop references (conv_teach.reference_pool) on random problems, and the
properties that hold whatever the oracle: the tie, NaN and overlap rules, the adjoint, finite
differences, dtypes, inputs left untouched, hand-worked cases.

``pool_cases`` draws the geometry first and then an input that fits, like ``strategies.conv_cases``.
Values are either standard normal (no ties) or small integers (many ties), sometimes with a NaN
or ``-inf`` planted, because ties and NaN are where max-pool backward passes go wrong.
"""
from collections import namedtuple

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import conv_teach as ct
from conv_teach import reference_pool as ref

PoolCase = namedtuple("PoolCase", "X pool stride pad dilation dZ")


def _pad(draw, dim, max_pad):
    small = st.integers(0, max_pad)
    forms = ["int", "pair", "quad", "same", "valid"] if dim == 2 else \
        ["int", "pair", "same", "valid", "causal"]
    form = draw(st.sampled_from(forms))
    if form == "int":
        p = draw(small)
        return (np.int64(p) if draw(st.booleans()) else p), [(p, p)] * dim
    if form == "pair" and dim == 2:
        r, c = draw(small), draw(small)
        return (r, c), [(r, r), (c, c)]
    if form == "pair":
        left, right = draw(small), draw(small)
        return (left, right), [(left, right)]
    if form == "quad":
        t, b, left, right = (draw(small) for _ in range(4))
        return (t, b, left, right), [(t, b), (left, right)]
    return form, ([(0, 0)] * dim if form == "valid" else None)


def values(draw, shape):
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    kind = draw(st.sampled_from(["normal", "ties", "special"]))
    if kind == "normal":
        return rng.standard_normal(shape)
    X = rng.integers(-2, 3, size=shape).astype(float)          # many ties
    if kind == "special":
        flat = X.reshape(-1)
        flat[rng.integers(0, flat.size, size=1 + flat.size // 8)] = \
            rng.choice([np.nan, -np.inf, np.inf], size=1 + flat.size // 8)
    return X


@st.composite
def pool_cases(draw, dim=2, dilated=True, max_pad=2, reads_input=True):
    """A valid pooling problem; ``dZ`` has the output's shape (from the loop reference).
    ``reads_input``: every window reads an input cell (max pooling refuses the others)."""
    n_ex, ch = draw(st.integers(1, 3)), draw(st.integers(1, 3))

    def per_axis(lo, hi):
        """An int (the same on every axis) or, in 2D, a (rows, cols) pair: (argument, tuple)."""
        if dim == 2 and draw(st.booleans()):
            pair = (draw(st.integers(lo, hi)), draw(st.integers(lo, hi)))
            return pair, pair
        value = draw(st.integers(lo, hi))
        return value, (value,) * dim

    pool, k = per_axis(1, 4)
    stride, s = per_axis(1, 3)
    dilation, d = per_axis(0, 2) if dilated else (0, (0,) * dim)
    pad, amounts = _pad(draw, dim, max_pad)
    sizes = []
    for axis in range(dim):
        eff = k[axis] + (k[axis] - 1) * d[axis]
        least = 1 if amounts is None else max(1, eff - sum(amounts[axis]))
        sizes.append(draw(st.integers(least, least + 4)))
    X = values(draw, (n_ex, *sizes, ch))
    if dim == 2:
        cells, (oh, ow), _ = ref._windows2D(X, pool, stride, pad, dilation)
        out = (n_ex, oh, ow, ch)
    else:
        cells, l_out, _ = ref._windows1D(X, pool, stride, pad, dilation)
        out = (n_ex, l_out, ch)
    assert 0 not in out
    if reads_input:
        assume(not _only_padding(cells))
    dZ = np.random.default_rng(int(np.nansum(np.abs(X[np.isfinite(X)])) * 1000) % 2 ** 32
                               ).standard_normal(out)
    return PoolCase(X, pool, stride, pad, dilation, dZ)


def same(a, b):
    """Equal, NaN where NaN and inf where inf (pooling copies values, so exactly)."""
    assert_allclose(a, b, rtol=1e-12, atol=1e-12, equal_nan=True)


# ------------------------------------------------------------------- against the loops

@given(pool_cases(dim=2))
def test_maxpool2D_matches_loops(case):
    X, k, s, p, d, dZ = case
    same(ct.maxpool2D(X, k, s, p, d), ref.maxpool2D_loops(X, k, s, p, d))
    same(ct.maxpool2D_backward(dZ, X, k, s, p, d), ref.maxpool2D_backward_loops(dZ, X, k, s, p, d))


@given(pool_cases(dim=1))
def test_maxpool1D_matches_loops(case):
    X, k, s, p, d, dZ = case
    same(ct.maxpool1D(X, k, s, p, d), ref.maxpool1D_loops(X, k, s, p, d))
    same(ct.maxpool1D_backward(dZ, X, k, s, p, d), ref.maxpool1D_backward_loops(dZ, X, k, s, p, d))


def _only_padding(windows):
    return any(len(cells) == 0 for cells in windows.values())


@given(pool_cases(dim=2, reads_input=False), st.sampled_from([1, 2]))
def test_max_pooling_refuses_a_window_of_padding_only_as_the_loops_do(case, dim):
    # such a window has no maximum (-inf, no cell for its gradient): torch refuses any pad
    # over half the window; here exactly the windows that read no input cell are refused,
    # with the same message as the loop reference (which finds them by listing each window)
    X, k, s, p, d, dZ = case
    if dim == 1:
        X, dZ, k, s, d = X[:, 0], dZ[:, 0], (k[1] if isinstance(k, tuple) else k), \
            (s[1] if isinstance(s, tuple) else s), (d[1] if isinstance(d, tuple) else d)
        if isinstance(p, tuple) and len(p) == 4:
            p = p[2:]
        elif isinstance(p, tuple):
            p = (p[1], p[1])
        try:
            cells, _, _ = ref._windows1D(X, k, s, p, d)
        except ValueError:
            return                                   # the window does not fit this row
        calls = [(ct.maxpool1D, ref.maxpool1D_loops, (X, k, s, p, d)),
                 (ct.maxpool1D_backward, ref.maxpool1D_backward_loops, (dZ, X, k, s, p, d))]
    else:
        cells, _, _ = ref._windows2D(X, k, s, p, d)
        calls = [(ct.maxpool2D, ref.maxpool2D_loops, (X, k, s, p, d)),
                 (ct.maxpool2D_backward, ref.maxpool2D_backward_loops, (dZ, X, k, s, p, d))]
    for ours, loops, args in calls:
        if not _only_padding(cells):
            if ours is ct.maxpool1D or ours is ct.maxpool2D:
                same(ours(*args), loops(*args))
            continue
        with pytest.raises(ValueError, match="reads only padding") as mine:
            ours(*args)
        with pytest.raises(ValueError) as theirs:
            loops(*args)
        assert str(theirs.value) == str(mine.value).replace(": ", "_loops: ", 1)


@given(pool_cases(dim=2, dilated=False, reads_input=False), st.booleans())
def test_avgpool2D_matches_loops(case, include):
    X, k, s, p, _, dZ = case
    cells, _, _ = ref._windows2D(X, k, s, p, 0)
    if not include and _only_padding(cells):
        with pytest.raises(ValueError, match="avgpool2D: with count_include_pad=False .* reads only padding"):
            ct.avgpool2D(X, k, s, p, include)
        return
    assert_allclose(ct.avgpool2D(X, k, s, p, include), ref.avgpool2D_loops(X, k, s, p, include),
                    rtol=1e-10, atol=1e-12, equal_nan=True)
    assert_allclose(ct.avgpool2D_backward(dZ, X, k, s, p, include),
                    ref.avgpool2D_backward_loops(dZ, X, k, s, p, include), rtol=1e-10, atol=1e-12)


@given(pool_cases(dim=1, dilated=False, reads_input=False), st.booleans())
def test_avgpool1D_matches_loops(case, include):
    X, k, s, p, _, dZ = case
    cells, _, _ = ref._windows1D(X, k, s, p, 0)
    if not include and _only_padding(cells):
        with pytest.raises(ValueError, match="avgpool1D_backward: .* output position \\d+ reads only padding"):
            ct.avgpool1D_backward(dZ, X, k, s, p, include)
        return
    assert_allclose(ct.avgpool1D(X, k, s, p, include), ref.avgpool1D_loops(X, k, s, p, include),
                    rtol=1e-10, atol=1e-12, equal_nan=True)
    assert_allclose(ct.avgpool1D_backward(dZ, X, k, s, p, include),
                    ref.avgpool1D_backward_loops(dZ, X, k, s, p, include), rtol=1e-10, atol=1e-12)


@given(pool_cases(dim=1))
def test_pool1D_is_pool2D_on_one_row(case):
    X, k, s, p, d, dZ = case
    _, (left, right) = ct.pad1D(X, p, k, s, d)       # every 1D pad form, resolved
    p2 = (0, 0, left, right)
    same(ct.maxpool1D(X, k, s, p, d), ct.maxpool2D(X[:, None], (1, k), (1, s), p2, (0, d))[:, 0])
    same(ct.maxpool1D_backward(dZ, X, k, s, p, d),
         ct.maxpool2D_backward(dZ[:, None], X[:, None], (1, k), (1, s), p2, (0, d))[:, 0])


# ------------------------------------------------------------------- properties

@given(pool_cases(dim=2, dilated=False))
def test_avgpool2D_backward_is_the_adjoint(case):
    """<avgpool(X), dZ> == <X, avgpool_backward(dZ)>: average pooling is linear."""
    X, k, s, p, _, dZ = case
    X = np.nan_to_num(X, nan=0.5, posinf=3.0, neginf=-3.0)
    assert np.isclose(np.sum(ct.avgpool2D(X, k, s, p) * dZ),
                      np.sum(X * ct.avgpool2D_backward(dZ, X, k, s, p)))


@given(pool_cases(dim=2))
def test_maxpool2D_backward_routes_each_gradient_once(case):
    """Every window reads an input cell and sends its dZ to exactly one of them, so dX sums
    to the sum of dZ and a dZ of ones to the number of output cells."""
    X, k, s, p, d, dZ = case
    dX = ct.maxpool2D_backward(dZ, X, k, s, p, d)
    assert_allclose(dX.sum(), dZ.sum(), rtol=1e-9, atol=1e-9)
    counts = ct.maxpool2D_backward(np.ones_like(dZ), X, k, s, p, d)
    assert counts.sum() == dZ.size


def test_ties_go_to_the_first_maximum_in_window_order():
    # one 2x2 window, all four equal: the top-left cell (first in row-major order) takes it
    X = np.full((1, 2, 2, 1), 7.0)
    assert_array_equal(ct.maxpool2D_backward(np.full((1, 1, 1, 1), 5.0), X, 2, 1, 0)[0, :, :, 0],
                       [[5, 0], [0, 0]])
    # maximum 3 at (0, 1) and (1, 0): row-major order reaches (0, 1) first
    X = np.array([[1., 3], [3, 2]]).reshape(1, 2, 2, 1)
    assert_array_equal(ct.maxpool2D_backward(np.ones((1, 1, 1, 1)), X, 2, 1, 0)[0, :, :, 0],
                       [[0, 1], [0, 0]])


def test_nan_propagates_and_takes_the_gradient_at_the_last_nan():
    X = np.array([1.0, np.nan, 2.0, np.nan]).reshape(1, 4, 1)
    Z = ct.maxpool1D(X, 4, 1, 0)
    assert np.isnan(Z).all()
    assert_array_equal(ct.maxpool1D_backward(np.ones((1, 1, 1)), X, 4, 1, 0)[0, :, 0], [0, 0, 0, 1])


def test_overlapping_windows_add():
    # 1 x 3 input, window 2, stride 1: the middle cell 9 is the maximum of both windows
    X = np.array([1.0, 9.0, 4.0]).reshape(1, 3, 1)
    dX = ct.maxpool1D_backward(np.array([2.0, 3.0]).reshape(1, 2, 1), X, 2, 1, 0)
    assert_array_equal(dX[0, :, 0], [0, 2 + 3, 0])
    # avg: the middle cell is read by both windows, each passing half its gradient
    dX = ct.avgpool1D_backward(np.array([2.0, 3.0]).reshape(1, 2, 1), X, 2, 1, 0)
    assert_array_equal(dX[0, :, 0], [2 / 2, 2 / 2 + 3 / 2, 3 / 2])


def test_max_pooling_pads_with_minus_infinity():
    X = -np.ones((1, 2, 2, 1))          # all negative: zero padding would win, -inf does not
    assert_array_equal(ct.maxpool2D(X, 3, 1, 1)[0, :, :, 0], -np.ones((2, 2)))
    # a window that would read only padding (pad 2, window 1) has no maximum: refused
    with pytest.raises(ValueError, match=r"maxpool1D: .* output position 0 reads only padding \(pad \(2, 2\)\)"):
        ct.maxpool1D(np.ones((1, 1, 1)), 1, 1, 2)
    # a window of input cells that are all -inf still has an input cell: its first one
    assert_array_equal(ct.maxpool1D_backward(np.ones((1, 1, 1)), np.full((1, 2, 1), -np.inf), 2, 1, 0),
                       [[[1], [0]]])


def test_hand_worked_2x2_stride_2():
    # the classic picture: four 2x2 blocks, each keeps its largest number
    X = np.array([[1, 1, 2, 4],
                  [5, 6, 7, 8],
                  [3, 2, 1, 0],
                  [1, 2, 3, 4]], float).reshape(1, 4, 4, 1)
    assert_array_equal(ct.maxpool2D(X, 2, 2, 0)[0, :, :, 0], [[6, 8], [3, 4]])
    assert_array_equal(ct.avgpool2D(X, 2, 2, 0)[0, :, :, 0],
                       [[(1 + 1 + 5 + 6) / 4, (2 + 4 + 7 + 8) / 4], [(3 + 2 + 1 + 2) / 4, (1 + 0 + 3 + 4) / 4]])
    dX = ct.maxpool2D_backward(np.array([[10., 20], [30, 40]]).reshape(1, 2, 2, 1), X, 2, 2, 0)
    assert_array_equal(dX[0, :, :, 0], [[0, 0, 0, 0], [0, 10, 0, 20], [30, 0, 0, 0], [0, 0, 0, 40]])


def test_same_and_causal_output_sizes():
    X = np.zeros((2, 7, 5, 3))
    assert ct.maxpool2D(X, 3, 2, "same").shape == (2, 4, 3, 3)            # ceil(7/2), ceil(5/2)
    assert ct.avgpool2D(X, (2, 3), 1, "same").shape == (2, 7, 5, 3)
    assert ct.maxpool1D(X[:, :, 0], 3, 1, "causal").shape == (2, 7, 3)
    # causal: output t sees inputs up to t only
    X1 = np.arange(1., 6.).reshape(1, 5, 1)
    assert_array_equal(ct.maxpool1D(X1, 3, 1, "causal")[0, :, 0], [1, 2, 3, 4, 5])
    assert_array_equal(ct.avgpool1D(X1, 2, 1, "causal", count_include_pad=False)[0, :, 0],
                       [1, 1.5, 2.5, 3.5, 4.5])


def test_finite_differences():
    """Central differences of the loss agree with both backward passes (no ties: distinct values)."""
    rng = np.random.default_rng(3)
    X = rng.permutation(2 * 5 * 6 * 2).reshape(2, 5, 6, 2) / 7.0     # distinct: the max is unique
    for fwd, bwd, k, s, p in [(ct.maxpool2D, ct.maxpool2D_backward, 3, 2, 1),
                              (ct.maxpool2D, ct.maxpool2D_backward, (2, 3), (1, 2), "same"),
                              (ct.avgpool2D, ct.avgpool2D_backward, 3, 1, (1, 0, 2, 1))]:
        dZ = rng.standard_normal(fwd(X, k, s, p).shape)
        grad = bwd(dZ, X, k, s, p)
        num = np.zeros_like(X)
        eps = 1e-6
        for index in np.ndindex(X.shape):
            up, down = X.copy(), X.copy()
            up[index] += eps
            down[index] -= eps
            num[index] = (np.sum(dZ * fwd(up, k, s, p)) - np.sum(dZ * fwd(down, k, s, p))) / (2 * eps)
        assert_allclose(grad, num, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("dtype, expected", [(np.float32, np.float32), (np.float64, np.float64),
                                             (np.int64, np.float64), (np.int8, np.float64),
                                             (np.float16, np.float32)])
def test_dtypes(dtype, expected):
    X = np.arange(2 * 4 * 4 * 2).reshape(2, 4, 4, 2).astype(dtype)
    for fwd, bwd in [(ct.maxpool2D, ct.maxpool2D_backward), (ct.avgpool2D, ct.avgpool2D_backward)]:
        Z = fwd(X, 2, 1, 1)
        assert Z.dtype == expected
        assert bwd(np.ones(Z.shape, dtype), X, 2, 1, 1).dtype == expected
    assert ct.maxpool1D(X[:, 0], 2, 1, "causal").dtype == expected
    assert_allclose(ct.maxpool2D(X, 2, 1, 1), ref.maxpool2D_loops(X, 2, 1, 1))


def test_inputs_are_not_modified_and_outputs_are_new():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((2, 5, 5, 3))
    dZ = rng.standard_normal((2, 5, 5, 3))
    X0, dZ0 = X.copy(), dZ.copy()
    outs = [ct.maxpool2D(X, 1, 1, 0), ct.avgpool2D(X, 1, 1, 0), ct.maxpool2D(X, 3, 1, 1),
            ct.maxpool2D_backward(dZ, X, 3, 1, 1), ct.avgpool2D_backward(dZ, X, 1, 1, 0),
            ct.maxpool2D_backward(dZ, X, 1, 1, 0)]
    assert_array_equal(X, X0)
    assert_array_equal(dZ, dZ0)
    for out in outs:
        assert not np.shares_memory(out, X) and not np.shares_memory(out, dZ)
        assert out.flags.writeable


@pytest.mark.parametrize("k, s, p", [(3, 2, 1), (3, 1, 0), (2, 2, 0), ((2, 3), (1, 2), "same")])
def test_blocked_path_matches_one_block(monkeypatch, k, s, p):
    """Blocks of output rows, of one example, of several: the same numbers (the average's
    backward pass sums overlaps in another order across row blocks: equal to rounding)."""
    from conv_teach import pool
    rng = np.random.default_rng(5)
    X = rng.integers(-2, 3, size=(5, 7, 6, 3)).astype(float)
    X[0, 1, 1, 0] = np.nan
    X[1, :3, :3, 1] = -np.inf
    dZ = rng.standard_normal(ct.maxpool2D(X, k, s, p).shape)

    def run():
        return (ct.maxpool2D(X, k, s, p), ct.maxpool2D_backward(dZ, X, k, s, p),
                ct.avgpool2D(X, k, s, p), ct.avgpool2D_backward(dZ, X, k, s, p))

    expect = run()
    for block in (1, X[0].nbytes * 2, 10 ** 9):
        monkeypatch.setattr(pool, "POOL_BLOCK_BYTES", block)
        for a, b in zip(run(), expect):
            assert_allclose(a, b, rtol=1e-14, atol=1e-15, equal_nan=True)
    same(expect[0], ref.maxpool2D_loops(X, k, s, p))
    same(expect[1], ref.maxpool2D_backward_loops(dZ, X, k, s, p))


def test_nonfinite_upstream_gradient_goes_only_to_the_maximum():
    X = np.array([[1., 2], [3, 4]]).reshape(1, 2, 2, 1)
    for g in (np.inf, np.nan):
        dX = ct.maxpool2D_backward(np.full((1, 1, 1, 1), g), X, 2, 2, 0)
        assert_array_equal(dX[0, :, :, 0] == 0, [[True, True], [True, False]])


def test_empty_batch_gives_empty_results():
    X2, X1 = np.zeros((0, 5, 6, 2)), np.zeros((0, 7, 2))
    assert ct.maxpool2D(X2, 2, 2, 0).shape == (0, 2, 3, 2)
    assert ct.avgpool2D(X2, 3, 1, "same", count_include_pad=False).shape == (0, 5, 6, 2)
    assert ct.maxpool2D_backward(np.zeros((0, 2, 3, 2)), X2, 2, 2, 0).shape == X2.shape
    assert ct.avgpool2D_backward(np.zeros((0, 5, 6, 2)), X2, 3, 1, 1).shape == X2.shape
    assert ct.maxpool1D(X1, 3, 1, "causal").shape == (0, 7, 2)
    assert ct.avgpool1D_backward(np.zeros((0, 3, 2)), X1, 3, 2, 0).shape == X1.shape


def test_huge_outputs_are_refused_before_allocating():
    # pad 10**6 would make a (10**6 + ...)^2 output: refused with its size, nothing allocated
    with pytest.raises(ct.ArrayTooLarge, match="avgpool2D: .*output Z"):
        ct.avgpool2D(np.ones((1, 2, 2, 1)), 1, 1, 10 ** 6)
    with pytest.raises(ct.ArrayTooLarge, match="maxpool2D: .*output Z"):
        ct.maxpool2D(np.ones((1, 3, 3, 1)), 3, 1, 1, max_bytes=8)
    with pytest.raises(ct.ArrayTooLarge, match="avgpool1D_backward: .*gradient dX"):
        ct.avgpool1D_backward(np.ones((1, 1, 1)), np.ones((1, 100, 1)), 100, 1, 0, max_bytes=99 * 8)
    assert ct.avgpool1D(np.ones((1, 100, 1)), 100, 1, 0, max_bytes=100 * 8).shape == (1, 1, 1)
    # a huge stride is fine: one output cell
    assert ct.maxpool2D(np.arange(25.).reshape(1, 5, 5, 1), 2, 2 ** 58, 0)[0, 0, 0, 0] == 6


@pytest.mark.parametrize("threads, block", [(1, 1), (2, 1), (2, 2 ** 12), (3, 2 ** 40)])
@given(case=pool_cases(dim=2))
def test_threads_and_blocks_give_the_loops_answer(threads, block, case):
    # blocks of different examples run on threads (pool.THREADS); an example cut into row
    # ranges runs them in turn: the same numbers for any thread count and block size
    from conv_teach import pool
    X, k, s, p, d, dZ = case
    saved = pool.THREADS, pool.POOL_BLOCK_BYTES
    pool.THREADS, pool.POOL_BLOCK_BYTES = threads, block
    try:
        Z, dX = ct.maxpool2D(X, k, s, p, d), ct.maxpool2D_backward(dZ, X, k, s, p, d)
    finally:
        pool.THREADS, pool.POOL_BLOCK_BYTES = saved
    same(Z, ref.maxpool2D_loops(X, k, s, p, d))
    same(dX, ref.maxpool2D_backward_loops(dZ, X, k, s, p, d))
