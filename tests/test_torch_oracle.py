"""torch.nn.functional as an independent oracle (skipped when torch is not installed).

Layout translation: our X is NHWC, torch's input NCHW; our W is (fr, fc, in_ch, out_ch),
torch's weight (out_ch, in_ch, fr, fc); our dilation d is torch's d + 1; an asymmetric pad
goes through F.pad, whose 4-tuple is (left, right, top, bottom).
"""
import numpy as np
import pytest
from hypothesis import given
from numpy.testing import assert_allclose

from conv_teach import conv1D, conv1D_backward, conv2D, conv2D_backward, conv_out_shape, pad1D, pad2D

from strategies import conv_cases

from torch_helpers import T, one_torch_thread, pair  # noqa: F401 (autouse fixture)

torch = pytest.importorskip("torch")
F = torch.nn.functional


def torch_conv2D(X, W, stride, pad, dilation, dZ=None):
    """conv2D via torch; with dZ also (dX, dW) via autograd. Pads resolved by pad2D."""
    _, (t, b, l, r) = pad2D(X, pad, W.shape[:2], stride, dilation)
    x = T(X, 0, 3, 1, 2).requires_grad_()
    w = T(W, 3, 2, 0, 1).requires_grad_()
    d = tuple(k + 1 for k in pair(dilation))
    z = F.conv2d(F.pad(x, (l, r, t, b)), w, stride=pair(stride), dilation=d)
    Z = z.detach().numpy().transpose(0, 2, 3, 1)
    if dZ is None:
        return Z
    z.backward(T(dZ, 0, 3, 1, 2))
    return Z, x.grad.numpy().transpose(0, 2, 3, 1), w.grad.numpy().transpose(2, 3, 1, 0)


def torch_conv1D(X, W, stride, pad, dilation, dZ=None):
    _, (l, r) = pad1D(X, pad, W.shape[0], stride, dilation)
    x = T(X, 0, 2, 1).requires_grad_()
    w = T(W, 2, 1, 0).requires_grad_()
    z = F.conv1d(F.pad(x, (l, r)), w, stride=int(stride), dilation=int(dilation) + 1)
    Z = z.detach().numpy().transpose(0, 2, 1)
    if dZ is None:
        return Z
    z.backward(T(dZ, 0, 2, 1))
    return Z, x.grad.numpy().transpose(0, 2, 1), w.grad.numpy().transpose(2, 1, 0)


@given(conv_cases(dim=2))
def test_conv2D_matches_torch(case):
    X, W, stride, pad, dilation = case
    assert_allclose(conv2D(X, W, stride, pad, dilation), torch_conv2D(X, W, stride, pad, dilation),
                    rtol=1e-10, atol=1e-10)


@given(conv_cases(dim=1))
def test_conv1D_matches_torch(case):
    X, W, stride, pad, dilation = case
    assert_allclose(conv1D(X, W, stride, pad, dilation), torch_conv1D(X, W, stride, pad, dilation),
                    rtol=1e-10, atol=1e-10)


@given(conv_cases(dim=2))
def test_conv2D_backward_matches_torch_autograd(case):
    X, W, stride, pad, dilation = case
    dZ = np.random.default_rng(6).standard_normal(conv_out_shape(X.shape, W.shape, stride, pad, dilation))
    _, dX_t, dW_t = torch_conv2D(X, W, stride, pad, dilation, dZ)
    dX, dW = conv2D_backward(dZ, X, W, stride, pad, dilation)
    assert_allclose(dX, dX_t, rtol=1e-10, atol=1e-10)
    assert_allclose(dW, dW_t, rtol=1e-10, atol=1e-10)


@given(conv_cases(dim=1))
def test_conv1D_backward_matches_torch_autograd(case):
    X, W, stride, pad, dilation = case
    dZ = np.random.default_rng(7).standard_normal(conv_out_shape(X.shape, W.shape, stride, pad, dilation))
    _, dX_t, dW_t = torch_conv1D(X, W, stride, pad, dilation, dZ)
    dX, dW = conv1D_backward(dZ, X, W, stride, pad, dilation)
    assert_allclose(dX, dX_t, rtol=1e-10, atol=1e-10)
    assert_allclose(dW, dW_t, rtol=1e-10, atol=1e-10)


@pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")
@given(conv_cases(dim=2))
def test_same_at_stride_1_equals_torch_padding_same(case):
    # here torch chooses the pads itself (the odd one after), independently of pad2D
    X, W, _, _, dilation = case
    d = tuple(k + 1 for k in pair(dilation))
    z = F.conv2d(T(X, 0, 3, 1, 2), T(W, 3, 2, 0, 1),
                 padding="same", dilation=d)
    assert_allclose(conv2D(X, W, 1, "same", dilation), z.numpy().transpose(0, 2, 3, 1),
                    rtol=1e-10, atol=1e-10)


@pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")
@given(conv_cases(dim=1))
def test_same_at_stride_1_equals_torch_padding_same_1D(case):
    X, W, _, _, dilation = case
    z = F.conv1d(T(X, 0, 2, 1), T(W, 2, 1, 0),
                 padding="same", dilation=int(dilation) + 1)
    assert_allclose(conv1D(X, W, 1, "same", dilation), z.numpy().transpose(0, 2, 1),
                    rtol=1e-10, atol=1e-10)


def test_float32_matches_torch_float32():
    rng = np.random.default_rng(8)
    X, W = rng.standard_normal((2, 9, 8, 3), np.float32), rng.standard_normal((3, 2, 3, 4), np.float32)
    Z = conv2D(X, W, (2, 1), (1, 0, 0, 1), (1, 0))
    assert Z.dtype == np.float32
    assert_allclose(Z, torch_conv2D(X, W, (2, 1), (1, 0, 0, 1), (1, 0)), rtol=1e-4, atol=1e-5)


def test_the_layout_hints_fix_torch_layouts():
    # a channel mismatch from torch's layouts names the transpose that fixes it: applied to
    # torch's own tensors, that transpose gives torch's answer
    import re
    import conv_teach as ct
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 4, 9, 9)), rng.standard_normal((8, 4, 3, 3))    # NCHW, OIHW
    # both in torch's layouts at once: one message names both transposes, and they are right
    with pytest.raises(ValueError, match=r"pass X\.transpose\(0, 2, 3, 1\) and W\.transpose\(2, 3, 1, 0\)"):
        conv2D(x, w, 1, 1)
    want = F.conv2d(torch.tensor(x), torch.tensor(w), padding=1).numpy().transpose(0, 2, 3, 1)
    X, W = x, w.transpose(2, 3, 1, 0)
    for _ in range(2):                     # first X is NCHW, then (X fixed) W is torch's too
        try:
            Z = conv2D(X, W, 1, 1)
            break
        except ValueError as e:
            fix = re.search(r"If (X|W) is in torch's .*?, pass ((X|W)\.transpose\([\d, ]+\))", str(e))
            assert fix, str(e)
            if fix.group(1) == "X":
                X = eval(fix.group(2), {"X": X})
            else:
                W = eval(fix.group(2), {"W": W})
    assert_allclose(Z, want, rtol=1e-10, atol=1e-10)
    W_torch = w                             # W in torch's layout, X already NHWC
    with pytest.raises(ValueError, match=r"pass W\.transpose\(2, 3, 1, 0\)"):
        conv2D(x.transpose(0, 2, 3, 1), W_torch, 1, 1)
    assert_allclose(conv2D(x.transpose(0, 2, 3, 1), W_torch.transpose(2, 3, 1, 0), 1, 1), want,
                    rtol=1e-10, atol=1e-10)
    wt = rng.standard_normal((4, 6, 3, 3))                     # conv_transpose2d: (in, out, kH, kW)
    want_t = F.conv_transpose2d(torch.tensor(x), torch.tensor(wt)).numpy().transpose(0, 2, 3, 1)
    with pytest.raises(ValueError, match=r"pass W\.transpose\(2, 3, 0, 1\)"):
        ct.conv2D_transpose(x.transpose(0, 2, 3, 1), wt, 1, 0)
    assert_allclose(ct.conv2D_transpose(x.transpose(0, 2, 3, 1), wt.transpose(2, 3, 0, 1), 1, 0), want_t,
                    rtol=1e-10, atol=1e-10)
