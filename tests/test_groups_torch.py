"""Grouped and depthwise convolution against torch (``groups=``), skipped without torch.

Forward with ``F.conv2d`` / ``F.conv1d``, backward with autograd, transposed with
``F.conv_transpose2d``, on random shapes over every pad form, strides, dilations and group
counts (depthwise included). Layouts as in test_torch_oracle.py: torch's grouped weight is
``(out_ch, in_ch // groups, fr, fc)`` = ``W.transpose(3, 2, 0, 1)``; its transposed grouped
weight ``(in_ch, out_ch // groups, fr, fc)`` = ``W.transpose(2, 3, 0, 1)``.
"""
import numpy as np
import pytest
from hypothesis import given
from numpy.testing import assert_allclose

from conv_teach import conv1D, conv1D_backward, conv2D, conv2D_backward, conv2D_transpose, pad1D, pad2D

from strategies import grouped_cases
from test_groups import grouped_transpose_cases

torch = pytest.importorskip("torch")
F = torch.nn.functional
TOL = dict(rtol=1e-10, atol=1e-10)


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def T(A, *axes):
    return torch.tensor(np.ascontiguousarray(A.transpose(*axes)))


def _pair(v):
    return (int(v[0]), int(v[1])) if isinstance(v, (tuple, list)) else (int(v), int(v))


def torch_conv2D(X, W, stride, pad, dilation, groups, dZ):
    """(Z, dX, dW) from torch: conv2d with groups=, then autograd with dZ."""
    _, (t, b, l, r) = pad2D(X[..., :1], pad, W.shape[:2], stride, dilation)
    x = T(X, 0, 3, 1, 2).requires_grad_()
    w = T(W, 3, 2, 0, 1).requires_grad_()
    d = tuple(k + 1 for k in _pair(dilation))
    z = F.conv2d(F.pad(x, (l, r, t, b)), w, stride=_pair(stride), dilation=d, groups=int(groups))
    z.backward(T(dZ, 0, 3, 1, 2))
    return (z.detach().numpy().transpose(0, 2, 3, 1), x.grad.numpy().transpose(0, 2, 3, 1),
            w.grad.numpy().transpose(2, 3, 1, 0))


def torch_conv1D(X, W, stride, pad, dilation, groups, dZ):
    _, (l, r) = pad1D(X[..., :1], pad, W.shape[0], stride, dilation)
    x = T(X, 0, 2, 1).requires_grad_()
    w = T(W, 2, 1, 0).requires_grad_()
    z = F.conv1d(F.pad(x, (l, r)), w, stride=int(stride), dilation=int(dilation) + 1,
                 groups=int(groups))
    z.backward(T(dZ, 0, 2, 1))
    return (z.detach().numpy().transpose(0, 2, 1), x.grad.numpy().transpose(0, 2, 1),
            w.grad.numpy().transpose(2, 1, 0))


@given(grouped_cases(dim=2))
def test_conv2D_and_backward_match_torch(case):
    Z = conv2D(*case)
    dZ = np.random.default_rng(5).standard_normal(Z.shape)
    Z_t, dX_t, dW_t = torch_conv2D(*case, dZ)
    dX, dW = conv2D_backward(dZ, *case)
    assert_allclose(Z, Z_t, **TOL)
    assert_allclose(dX, dX_t, **TOL)
    assert_allclose(dW, dW_t, **TOL)


@given(grouped_cases(dim=2, depthwise=True))
def test_depthwise_conv2D_and_backward_match_torch(case):
    Z = conv2D(*case)
    dZ = np.random.default_rng(6).standard_normal(Z.shape)
    for got, want in zip((Z,) + conv2D_backward(dZ, *case), torch_conv2D(*case, dZ)):
        assert_allclose(got, want, **TOL)


@given(grouped_cases(dim=1))
def test_conv1D_and_backward_match_torch(case):
    Z = conv1D(*case)
    dZ = np.random.default_rng(7).standard_normal(Z.shape)
    for got, want in zip((Z,) + conv1D_backward(dZ, *case), torch_conv1D(*case, dZ)):
        assert_allclose(got, want, **TOL)


def _torch_transpose(case):
    (d_r, d_c) = _pair(case.dilation)
    return F.conv_transpose2d(T(case.X, 0, 3, 1, 2), T(case.W, 2, 3, 0, 1), stride=case.stride,
                              padding=case.pad, dilation=(d_r + 1, d_c + 1),
                              output_padding=case.output_padding,
                              groups=case.groups).numpy().transpose(0, 2, 3, 1)


@given(grouped_transpose_cases(pad_forms=("int", "pair")))
def test_conv2D_transpose_matches_torch(case):
    assert_allclose(conv2D_transpose(*case), _torch_transpose(case), **TOL)


@given(grouped_transpose_cases(pad_forms=("int", "pair"), depthwise=True))
def test_depthwise_conv2D_transpose_matches_torch(case):
    assert_allclose(conv2D_transpose(*case), _torch_transpose(case), **TOL)
