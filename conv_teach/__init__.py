"""conv_teach: convolution arithmetic and im2col, made visible.

The numeric core (this namespace) needs only NumPy::

    >>> import numpy as np, conv_teach as ct
    >>> ct.conv2D(np.ones((1, 5, 5, 1)), np.ones((3, 3, 1, 1)), stride=2, pad="same").shape
    (1, 3, 3, 1)

Conventions (stated once, see the README's table): ``X`` is NHWC
``(n_ex, in_rows, in_cols, in_ch)``, ``W`` is ``(fr, fc, in_ch, out_ch)``; a resolved 2D
pad is ``(top, bottom, left, right)``; ``dilation=d`` inserts ``d`` zeros between kernel
taps (torch's ``dilation`` is ``d + 1``); "convolution" is cross-correlation.

The figures (``conv_teach.viz``) and the linked browser views (``conv_teach.views``) are
imported on first use, so ``import conv_teach``
imports neither matplotlib nor ipywidgets.
"""
import importlib as _importlib

from ._validate import ArrayTooLarge, ColumnMatrixTooLarge
from .backward import conv1D_backward, conv2D_backward
from .conv import conv1D, conv2D
from .groups import block_diagonal
from .im2col import IM2COL_MAX_BYTES, col2im, im2col
from .pad import dilate, pad1D, pad2D
from .reference import (col2im_loops, conv1D_backward_loops, conv1D_loops,
                        conv2D_backward_loops, conv2D_loops, conv2D_transpose_loops, im2col_loops)
from .shapes import causal_pad, conv_out_len, conv_out_shape, effective_kernel, same_pad
from .transpose import conv2D_transpose
from . import windows

__version__ = "0.1.0"

__all__ = [
    "pad1D", "pad2D", "dilate", "im2col", "col2im", "conv1D", "conv2D",
    "conv1D_backward", "conv2D_backward",
    "conv_out_len", "conv_out_shape", "effective_kernel", "same_pad", "causal_pad",
    "conv2D_loops", "conv1D_loops", "im2col_loops", "col2im_loops",
    "conv2D_backward_loops", "conv1D_backward_loops",
    "ArrayTooLarge", "ColumnMatrixTooLarge", "IM2COL_MAX_BYTES",
    "conv2D_transpose", "conv2D_transpose_loops", "block_diagonal",
]

# submodules that pull in matplotlib or ipywidgets: imported when first touched
_LAZY = {"viz", "views", "exercises", "animation", "cli"}


def __getattr__(name):
    if name == "animate":   # conv_teach.animate -> conv_teach.animation.animate, matplotlib on first use
        return _importlib.import_module(".animation", __name__).animate
    if name in _LAZY:
        return _importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'conv_teach' has no attribute {name!r}")

# --- pooling (issue 13): conv_teach.pool, loop references in conv_teach.reference_pool
from .pool import (avgpool1D, avgpool1D_backward, avgpool2D, avgpool2D_backward, maxpool1D,
                   maxpool1D_backward, maxpool2D, maxpool2D_backward)
from .reference_pool import (avgpool1D_backward_loops, avgpool1D_loops, avgpool2D_backward_loops,
                             avgpool2D_loops, maxpool1D_backward_loops, maxpool1D_loops,
                             maxpool2D_backward_loops, maxpool2D_loops)

__all__ += [
    "maxpool2D", "avgpool2D", "maxpool1D", "avgpool1D",
    "maxpool2D_backward", "avgpool2D_backward", "maxpool1D_backward", "avgpool1D_backward",
    "maxpool2D_loops", "avgpool2D_loops", "maxpool1D_loops", "avgpool1D_loops",
    "maxpool2D_backward_loops", "avgpool2D_backward_loops", "maxpool1D_backward_loops",
    "avgpool1D_backward_loops",
]
