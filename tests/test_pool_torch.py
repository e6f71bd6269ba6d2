"""Pooling against torch's max_pool2d / avg_pool2d / max_pool1d / avg_pool1d and autograd
(skipped when torch is not installed).

Two routes into torch:

* **native**: torch's own ``padding=`` (symmetric, at most half the window) and ``dilation=``
  (ours + 1). This is where the special values are compared: ties, NaN (torch propagates it
  and routes the gradient to the last NaN), ``-inf`` in the input (torch gives such a window's
  gradient to its first *input* cell, never to padding) and count_include_pad=False.
* **any pad form**: the pad resolved by ``pad2D``/``pad1D`` applied with ``F.pad`` (``-inf``
  for max, zeros for average) and then ``padding=0``. Average pooling with
  count_include_pad=True divides by the window size either way, so every pad form ('same',
  4-tuples, 'causal') is compared too. Inputs here have no ``-inf``: torch would then route a
  window's gradient to the ``-inf`` padding it was given as an input.

Layouts: ours NHWC / (n, l, c), torch's NCHW / (n, c, l).
"""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import conv_teach as ct

from test_pool import pool_cases

from torch_helpers import one_torch_thread, pair  # noqa: F401 (autouse fixture)

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _to_torch(A, dim):
    axes = (0, 3, 1, 2) if dim == 2 else (0, 2, 1)
    return torch.tensor(np.ascontiguousarray(A.transpose(axes)))


def _from_torch(t, dim):
    return t.detach().numpy().transpose((0, 2, 3, 1) if dim == 2 else (0, 2, 1))


def torch_pool(kind, dim, X, dZ, pool, stride, pad, dilation=0, count_include_pad=True,
               native=False):
    """(Z, dX) from torch. ``native``: ``pad`` is an int or (rows, cols) for torch's padding=."""
    x = _to_torch(X, dim).requires_grad_()
    if dim == 2:
        k, s, d = pair(pool), pair(stride), tuple(a + 1 for a in pair(dilation))
    else:
        k, s, d = int(pool), int(stride), int(dilation) + 1
    if native:
        padding, inp = (pair(pad) if dim == 2 else int(pad)), x
    else:
        if dim == 2:
            _, (t, b, left, right) = ct.pad2D(X, pad, pair(pool), pair(stride), pair(dilation))
            spec = (left, right, t, b)
        else:
            _, spec = ct.pad1D(X, pad, int(pool), int(stride), int(dilation))
        inp = F.pad(x, spec, value=-np.inf if kind == "max" else 0.0)
        padding = 0
    if kind == "max":
        fn = F.max_pool2d if dim == 2 else F.max_pool1d
        z = fn(inp, k, s, padding, d)
    else:
        fn = F.avg_pool2d if dim == 2 else F.avg_pool1d
        z = fn(inp, k, s, padding, count_include_pad=count_include_pad)
    z.backward(_to_torch(dZ, dim))
    return _from_torch(z, dim), _from_torch(x.grad, dim)


def ours(kind, dim, X, dZ, pool, stride, pad, extra):
    name = f"{kind}pool{dim}D"
    return (getattr(ct, name)(X, pool, stride, pad, extra),
            getattr(ct, name + "_backward")(dZ, X, pool, stride, pad, extra))


def check(kind, dim, case, extra, native):
    X, pool, stride, pad, dilation, dZ = case
    Z, dX = ours(kind, dim, X, dZ, pool, stride, pad, extra)
    kwargs = {"dilation": extra} if kind == "max" else {"count_include_pad": extra}
    Zt, dXt = torch_pool(kind, dim, X, dZ, pool, stride, pad, native=native, **kwargs)
    assert_allclose(Z, Zt, rtol=1e-10, atol=1e-12, equal_nan=True)
    assert_allclose(dX, dXt, rtol=1e-10, atol=1e-12, equal_nan=True)


def _native_pad(draw, pool, dim):
    """A pad torch's padding= accepts: symmetric, at most half the window, per axis."""
    k = pair(pool) if dim == 2 else (int(pool),)
    pads = tuple(draw(st.integers(0, kk // 2)) for kk in k)
    return pads if dim == 2 else pads[0]


@st.composite
def native_cases(draw, dim, dilated):
    case = draw(pool_cases(dim=dim, dilated=dilated, max_pad=0))
    assume(not isinstance(case.pad, str) or case.pad == "valid")
    pad = _native_pad(draw, case.pool, dim)
    # torch also needs the output non-empty with its own padding: redraw the input to fit
    X, k = case.X, (pair(case.pool) if dim == 2 else (int(case.pool),))
    dil = pair(case.dilation) if dim == 2 else (int(case.dilation),)
    pads = pad if dim == 2 else (pad,)
    for axis in range(dim):
        eff = k[axis] + (k[axis] - 1) * dil[axis]
        assume(X.shape[1 + axis] + 2 * pads[axis] >= eff)
    out = (ct.maxpool2D(X, case.pool, case.stride, pad, case.dilation) if dim == 2 else
           ct.maxpool1D(X, case.pool, case.stride, pad, case.dilation)).shape
    dZ = np.random.default_rng(out[1]).standard_normal(out)
    return case._replace(pad=pad, dZ=dZ)


@given(native_cases(dim=2, dilated=True))
def test_maxpool2D_native_torch(case):
    check("max", 2, case, case.dilation, native=True)


@given(native_cases(dim=1, dilated=True))
def test_maxpool1D_native_torch(case):
    check("max", 1, case, case.dilation, native=True)


@given(native_cases(dim=2, dilated=False), st.booleans())
def test_avgpool2D_native_torch(case, include):
    check("avg", 2, case, include, native=True)


@given(native_cases(dim=1, dilated=False), st.booleans())
def test_avgpool1D_native_torch(case, include):
    check("avg", 1, case, include, native=True)


def _finite_below(case):
    """No -inf in X (see the module docstring); NaN and +inf stay."""
    return case._replace(X=np.where(case.X == -np.inf, -5.0, case.X))


@given(pool_cases(dim=2))
def test_maxpool2D_every_pad_form_torch(case):
    case = _finite_below(case)
    check("max", 2, case, case.dilation, native=False)


@given(pool_cases(dim=1))
def test_maxpool1D_every_pad_form_torch(case):
    case = _finite_below(case)
    check("max", 1, case, case.dilation, native=False)


@given(pool_cases(dim=2, dilated=False))
def test_avgpool2D_every_pad_form_torch(case):
    check("avg", 2, case, True, native=False)


@given(pool_cases(dim=1, dilated=False))
def test_avgpool1D_every_pad_form_torch(case):
    check("avg", 1, case, True, native=False)


def test_torch_tie_and_nan_rules_by_hand():
    """The rules the docstrings state, read off torch itself."""
    X = np.array([2.0, 2.0, 1.0, np.nan, 0.0, np.nan]).reshape(1, 6, 1)
    Z, dX = torch_pool("max", 1, X, np.ones((1, 2, 1)), 3, 3, 0, native=True)
    assert Z[0, 0, 0] == 2.0 and np.isnan(Z[0, 1, 0])
    assert dX[0, :, 0].tolist() == [1, 0, 0, 0, 0, 1]             # first 2; the last NaN
    assert ct.maxpool1D_backward(np.ones((1, 2, 1)), X, 3, 3, 0)[0, :, 0].tolist() == [1, 0, 0, 0, 0, 1]
