"""The readout lines of the views: the output-size formula and the im2col memory cost,
written out with the numbers put in (the lines are :mod:`conv_teach.formulas`', shared with the
static figures)."""
from ..formulas import explain as _explain
from ..formulas import memory_line, out_len_line

__all__ = ["out_len_line", "memory_line", "explain"]


def explain(params):
    """The formula lines for raw control values (:func:`conv_teach.formulas.explain`), also when
    the kernel does not fit. A transposed convolution (``output_padding`` among the controls)
    has no such lines."""
    if "output_padding" in params:
        return []
    return _explain(params)
