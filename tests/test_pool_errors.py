"""Every bad input to the pooling functions gets a clear error naming the parameter and the
value received (one table, each message pinned with ``match=``), and the docstrings' examples run."""
import doctest
import re

import numpy as np
import pytest

import conv_teach as ct
from conv_teach import pool, reference_pool

X2, X1 = np.ones((1, 5, 5, 2)), np.ones((1, 5, 2))


def esc(text):
    return re.escape(text)


CASES = [
    ("X_ndim_2D", lambda: ct.maxpool2D(np.ones((5, 5, 2)), 2, 2, 0), ValueError,
     esc("maxpool2D: X must be 4-D, got shape (5, 5, 2) (3-D). X is (n_ex, in_rows, in_cols, in_ch)")),
    ("X_ndim_1D", lambda: ct.maxpool1D(X2, 2, 2, 0), ValueError,
     esc("maxpool1D: X must be 3-D, got shape (1, 5, 5, 2) (4-D). X is (n_ex, l_in, in_ch)")),
    ("X_strings", lambda: ct.avgpool2D(np.array([[[["a"]]]]), 1, 1, 0), TypeError,
     esc("avgpool2D: X must hold real numbers (int or float), got dtype <U1")),
    ("X_bool", lambda: ct.maxpool2D(X2 > 0, 2, 1, 0), TypeError,
     esc("maxpool2D: X must hold real numbers (int or float), got dtype bool")),
    ("pool_zero", lambda: ct.maxpool2D(X2, 0, 2, 0), ValueError,
     esc("maxpool2D: pool_shape must be an int >= 1, got 0.")),
    ("pool_float", lambda: ct.avgpool2D(X2, 2.0, 2, 0), TypeError,
     esc("avgpool2D: pool_shape must be an int >= 1, got 2.0 (float)")),
    ("pool_3_tuple", lambda: ct.maxpool2D(X2, (2, 2, 2), 2, 0), ValueError,
     esc("maxpool2D: pool_shape must be an int >= 1 or a (rows, cols) pair, got a 3-tuple (2, 2, 2)")),
    ("pool_width_tuple", lambda: ct.maxpool1D(X1, (2,), 2, 0), TypeError,
     esc("maxpool1D: pool_width must be an int >= 1, got (2,) (tuple)")),
    ("stride_zero", lambda: ct.maxpool2D_backward(np.ones((1, 4, 4, 2)), X2, 2, 0, 0), ValueError,
     esc("maxpool2D_backward: stride must be an int >= 1, got 0.")),
    ("dilation_negative", lambda: ct.maxpool2D(X2, 2, 1, 0, -1), ValueError,
     esc("maxpool2D: dilation must be an int >= 0, got -1. dilation counts the cells skipped "
         "between the taps of the pooling window")),
    ("pad_negative", lambda: ct.maxpool2D(X2, 2, 1, -1), ValueError,
     esc("maxpool2D: pad must be an int >= 0, got -1; padding adds -inf cells (they never win "
         "the max), it cannot remove cells.")),
    ("pad_negative_avg", lambda: ct.avgpool1D(X1, 2, 1, -1), ValueError,
     esc("avgpool1D: pad must be an int >= 0, got -1; padding adds zero cells")),
    ("pad_causal_2D", lambda: ct.maxpool2D(X2, 2, 1, "causal"), ValueError,
     esc("maxpool2D: pad='causal' is only defined in 1D")),
    ("pad_unknown", lambda: ct.avgpool1D(X1, 2, 1, "full"), ValueError,
     esc("avgpool1D: unknown pad 'full'")),
    ("window_too_large_2D", lambda: ct.maxpool2D(X2, 6, 1, 0), ValueError,
     esc("maxpool2D: the pooling window (6x6 after dilation=0) is larger than the padded input (5x5)")),
    ("window_too_large_1D", lambda: ct.maxpool1D(X1, 3, 1, 0, 2), ValueError,
     esc("maxpool1D: the pooling window (length 7 after dilation=2) is longer than the padded input "
         "(length 5)")),
    ("count_include_pad_int", lambda: ct.avgpool2D(X2, 2, 1, 0, 1), TypeError,
     esc("avgpool2D: count_include_pad must be True or False, got 1 (int).")),
    ("count_include_pad_None", lambda: ct.avgpool1D_backward(np.ones((1, 4, 2)), X1, 2, 1, 0, None),
     TypeError, esc("avgpool1D_backward: count_include_pad must be True or False, got None (NoneType).")),
    ("only_padding_2D", lambda: ct.avgpool2D(X2, 2, 1, (0, 0, 2, 0), False), ValueError,
     esc("avgpool2D: with count_include_pad=False every window must read at least one input cell, "
         "but the window of output cell (0, 0) reads only padding (pad (0, 0, 2, 0))")),
    ("only_padding_last_row", lambda: ct.avgpool2D(X2, (1, 2), 1, (0, 1, 0, 0), False), ValueError,
     esc("avgpool2D: with count_include_pad=False every window must read at least one input cell, "
         "but the window of output cell (5, 0) reads only padding (pad (0, 1, 0, 0))")),
    ("only_padding_1D", lambda: ct.avgpool1D(X1, 1, 1, (0, 1), False), ValueError,
     esc("avgpool1D: with count_include_pad=False every window must read at least one input cell, "
         "but the window of output position 5 reads only padding (pad (0, 1))")),
    ("max_window_only_padding", lambda: ct.maxpool2D(X2, 2, 1, 2), ValueError,
     esc("maxpool2D: every window must read at least one input cell, but the window of output cell "
         "(0, 0) reads only padding (pad (2, 2, 2, 2)), so it has no maximum (max pooling pads with "
         "-inf, which never wins). Use less padding: torch allows at most half the window, pad <= 1 here.")),
    ("max_window_only_padding_last_cols", lambda: ct.maxpool2D_backward(np.ones((1, 5, 7, 2)), X2, (1, 2), 1, (0, 0, 0, 3)),
     ValueError, esc("maxpool2D_backward: every window must read at least one input cell, but the "
                     "window of output cell (0, 5) reads only padding (pad (0, 0, 0, 3))")),
    ("max_window_only_padding_equal_limits_said_once", lambda: ct.maxpool2D(X2, (2, 3), 1, (0, 0, 0, 3), (1, 0)),
     ValueError, esc("torch allows at most half the window, pad <= 1 here.")),      # eff (3, 3)
    ("max_window_only_padding_dilated_limit", lambda: ct.maxpool2D(X2, 2, 1, (0, 0, 0, 5), (0, 3)),
     ValueError, esc("torch allows at most half the window, pad <= (1, 2) (rows, cols) here.")),
    ("max_window_only_padding_dilated_1D", lambda: ct.maxpool1D(np.ones((1, 1, 1)), 2, 1, (3, 3), 4),
     ValueError, esc("maxpool1D: every window must read at least one input cell, but the window of "
                     "output position 0 reads only padding (pad (3, 3))")),
    ("max_window_only_padding_loops", lambda: reference_pool.maxpool1D_loops(X1, 1, 1, (0, 1)), ValueError,
     esc("maxpool1D_loops: every window must read at least one input cell, but the window of output "
         "position 5 reads only padding (pad (0, 1))")),
    ("dZ_shape", lambda: ct.maxpool2D_backward(np.ones((1, 4, 4, 3)), X2, 2, 1, 0), ValueError,
     esc("maxpool2D_backward: dZ must have the shape of the forward output (1, 4, 4, 2), got (1, 4, 4, 3).")),
    ("loops_pool_zero", lambda: reference_pool.maxpool2D_loops(X2, 0, 1, 0), ValueError,
     esc("maxpool2D_loops: pool_shape must be an int >= 1, got 0.")),
    ("loops_window_too_large", lambda: reference_pool.avgpool1D_loops(X1, 6, 1, 0), ValueError,
     esc("avgpool1D_loops: the pooling window (length 6 after dilation=0) is longer than the padded "
         "input (length 5)")),
    ("loops_count_include_pad", lambda: reference_pool.avgpool2D_backward_loops(
        np.ones((1, 4, 4, 2)), X2, 2, 1, 0, "no"), TypeError,
     esc("avgpool2D_backward_loops: count_include_pad must be True or False, got 'no' (str).")),
    ("dZ_ndim", lambda: ct.avgpool1D_backward(np.ones((1, 4)), X1, 2, 1, 0), ValueError,
     esc("avgpool1D_backward: dZ must be 3-D, got shape (1, 4) (2-D). dZ is (n_ex, l_out, in_ch).")),
]


@pytest.mark.parametrize("call, exc, match", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_error(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.parametrize("module", [pool, reference_pool], ids=["pool", "reference_pool"])
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"
    assert module is reference_pool or result.attempted >= 8
