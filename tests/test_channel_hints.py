"""A channel mismatch gets the same explanation from a fast function and its loop reference.

A student who calls ``conv2D_loops`` with the mistake that ``conv2D`` explains ("If W is a
grouped kernel ..., pass groups=4", "If X is in torch's NCHW layout ...") must read the same
hints there: the message of every public loop reference is its fast counterpart's, word for
word, with only the function's name changed. The wrong calls are hand-picked (one per hint)
and random (hypothesis: grouped kernels, torch's NCHW / NCL and weight layouts, both at once,
and plain mismatches, with ``groups`` 1 to 3 where the function takes it).
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import conv_teach as ct
import conv_teach.reference as reference


def _dZ(X, dim):
    return np.ones((X.shape[0],) + (1,) * dim + (1,))


# (fast, loop, dim, takes groups, call(f, X, W, groups)): every public function that checks
# X's channels against W's, the fast one and its loop reference side by side
PAIRS = [
    (ct.conv2D, ct.conv2D_loops, 2, True, lambda f, X, W, g: f(X, W, 1, 0, groups=g)),
    (ct.conv1D, ct.conv1D_loops, 1, True, lambda f, X, W, g: f(X, W, 1, 0, groups=g)),
    (ct.conv2D_backward, ct.conv2D_backward_loops, 2, True,
     lambda f, X, W, g: f(_dZ(X, 2), X, W, 1, 0, groups=g)),
    (ct.conv1D_backward, ct.conv1D_backward_loops, 1, True,
     lambda f, X, W, g: f(_dZ(X, 1), X, W, 1, 0, groups=g)),
    (ct.conv2D_transpose, ct.conv2D_transpose_loops, 2, True,
     lambda f, X, W, g: f(X, W, 1, 0, groups=g)),
    (ct.im2col, ct.im2col_loops, 2, False, lambda f, X, W, g: f(X, W.shape, 0, 1)),
    (ct.col2im, ct.col2im_loops, 2, False,
     lambda f, X, W, g: f(np.ones((1, 1)), X.shape, W.shape, 0, 1)),
]
IDS = [fast.__name__ for fast, *_ in PAIRS]


def test_every_loop_reference_is_paired():
    # a loop reference added later must join the table (receptive_field checks no channels)
    loops = {name for name in reference.__all__ if name.endswith("_loops")}
    assert {loop.__name__ for _, loop, *_ in PAIRS} == loops


def messages(pair, X, W, groups=1):
    """The ValueError of the fast function and of its loop reference (with the fast one's name)."""
    fast, loop, _, _, call = pair
    with pytest.raises(ValueError) as a:
        call(fast, X, W, groups)
    with pytest.raises(ValueError) as b:
        call(loop, X, W, groups)
    return str(a.value), str(b.value).replace(loop.__name__, fast.__name__)


# one wrong call per hint: (dim, X shape, W shape, a phrase the conv-side message holds)
HAND = [
    ("depthwise", 2, (1, 5, 5, 4), (3, 3, 1, 4), "pass groups=4"),
    ("grouped_1D", 1, (1, 5, 6), (3, 2, 3), "pass groups=3"),
    ("grouped_needs_out_ch", 2, (1, 5, 5, 2), (3, 3, 1, 3), "to be a multiple of 2"),
    ("X_NCHW", 2, (2, 4, 9, 9), (3, 3, 4, 8), "If X is in torch's NCHW layout"),
    ("X_NCL", 1, (2, 4, 9), (3, 4, 8), "If X is in torch's NCL layout"),
    ("W_torch", 2, (2, 9, 9, 4), (8, 4, 3, 3), "W.transpose(2, 3, 1, 0)"),
    ("W_torch_transpose", 2, (2, 9, 9, 4), (4, 6, 3, 3), "W.transpose(2, 3, 0, 1)"),
    ("both_torch", 2, (2, 3, 8, 8), (6, 3, 3, 3), "If X and W are in torch's layouts"),
    ("plain", 2, (1, 5, 5, 3), (3, 3, 2, 1), "input channels but W expects 2"),
]


@pytest.mark.parametrize("pair, X_shape, W_shape", [
    pytest.param(pair, X_shape, W_shape, id=f"{name}-{fast.__name__}")
    for name, dim, X_shape, W_shape, _ in HAND
    for pair in PAIRS for fast in pair[:1] if pair[2] == dim])
def test_hand_cases_same_hints(pair, X_shape, W_shape):
    fast_msg, loop_msg = messages(pair, np.ones(X_shape), np.ones(W_shape))
    assert "input channels but W expects" in fast_msg
    assert loop_msg == fast_msg


def test_hand_cases_do_give_their_hint():
    # the table's phrases are where the hints are meant to be (so the comparison above
    # compares messages that hold them, not two bare messages)
    for name, dim, X_shape, W_shape, phrase in HAND:
        transposed = name == "W_torch_transpose"
        fast, loop = ((ct.conv2D_transpose, ct.conv2D_transpose_loops) if transposed else
                      (ct.conv2D, ct.conv2D_loops) if dim == 2 else (ct.conv1D, ct.conv1D_loops))
        for f in (fast, loop):
            with pytest.raises(ValueError) as e:
                f(np.ones(X_shape), np.ones(W_shape), 1, 0)
            assert phrase in str(e.value), (f.__name__, name, str(e.value))


@st.composite
def wrong_calls(draw, dim, takes_groups):
    """``(X_shape, W_shape, groups)`` whose channels do not fit: a grouped kernel given as a
    dense one, X in torch's channels-first layout, W in torch's weight layout (conv or
    transposed), both at once, or two random channel counts."""
    groups = draw(st.integers(1, 3)) if takes_groups else 1
    n = draw(st.integers(1, 2))
    space = draw(st.lists(st.integers(1, 6), min_size=dim, max_size=dim))
    k = draw(st.integers(1, 3))
    kernel = (k,) * dim if draw(st.booleans()) else tuple(draw(st.integers(1, 3)) for _ in range(dim))
    in_ch, out_ch = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    kind = draw(st.sampled_from(["grouped", "X_first", "W_torch", "W_torch_t", "both", "random"]))
    X = (n, *space, in_ch)
    W = (*kernel, in_ch, out_ch)
    if kind == "grouped":
        g = draw(st.integers(2, 4))
        X = (n, *space, in_ch * g)
    elif kind == "X_first":
        X = (n, in_ch, *space)
    elif kind == "W_torch":
        W = (out_ch, in_ch, k, k) if dim == 2 else (out_ch, in_ch, k)
    elif kind == "W_torch_t":
        W = (in_ch, out_ch, k, k) if dim == 2 else (in_ch, out_ch, k)
    elif kind == "both":
        X = (n, in_ch, *space)
        W = (out_ch, in_ch, k, k) if dim == 2 else (out_ch, in_ch, k)
    else:
        W = (*kernel, draw(st.integers(1, 8)), out_ch)
    return X, W, groups


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
@given(data=st.data())
def test_random_wrong_calls_same_hints(pair, data):
    _, _, dim, takes_groups, _ = pair
    X_shape, W_shape, groups = data.draw(wrong_calls(dim, takes_groups))
    X, W = np.ones(X_shape), np.ones(W_shape)
    try:                                  # only calls that the channel check refuses
        pair[-1](pair[0], X, W, groups)
    except ValueError as e:
        if "channels" not in str(e):
            return
    else:
        return
    fast_msg, loop_msg = messages(pair, X, W, groups)
    assert loop_msg == fast_msg


def test_the_hints_follow_the_flags_not_the_name():
    # which hints apply is what the caller states (takes_groups=, transposed=), whatever
    # its name says: a function named like conv2D that takes no groups offers no groups=,
    # one named like conv2D_transpose that is not transposed gets conv2d's layout
    from conv_teach import _validate as v

    def message(fn, X_shape, W_shape, **flags):
        with pytest.raises(ValueError) as e:
            v.check_channels(fn, X_shape[-1], W_shape[-2], 2, (X_shape, W_shape), **flags)
        return str(e.value)

    depthwise = ((1, 5, 5, 4), (3, 3, 1, 4))
    assert "groups=" not in message("conv2D", *depthwise)
    assert "pass groups=4" in message("anything", *depthwise, takes_groups=True)
    assert "groups=" not in message("anything", *depthwise, takes_groups=True, transposed=True)
    torch_w = ((2, 9, 9, 4), (8, 4, 3, 3))                 # conv2d's (out_ch, in_ch, kH, kW)
    assert "pass W.transpose(2, 3, 1, 0)" in message("conv2D_transpose_new", *torch_w)
    torch_wt = ((2, 9, 9, 4), (4, 6, 3, 3))                # conv_transpose2d's (in, out, kH, kW)
    assert "pass W.transpose(2, 3, 0, 1)" in message("new_fn", *torch_wt, transposed=True)
    assert not hasattr(v, "GROUPED")
