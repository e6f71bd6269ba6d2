"""The output-size formula and the im2col memory cost, written out with the numbers put in.

Plain strings from the core's own arithmetic (:mod:`conv_teach.shapes`, :mod:`conv_teach.pad`),
no matplotlib and no widgets: the static figures print them as captions
(:mod:`conv_teach.viz.formulas`) and the views as their readout
(:mod:`conv_teach.views.readout`), so a student sees ``out_rows = (5 + 1 + 1 - 3) // 2 + 1 = 3``
change as the sliders move.
"""
import numpy as np

from .pad import pad1D, pad2D
from .shapes import effective_kernel

__all__ = ["out_len_line", "explain", "memory_line", "grouped_cost_lines"]


def out_len_line(name, in_len, before, after, kernel, stride, dilation):
    """``name = (in + before + after - eff) // stride + 1 = out``, ``eff`` spelled out if dilated.

    >>> out_len_line("out_rows", 5, 1, 1, 3, 2, 0)
    'out_rows = (5 + 1 + 1 - 3) // 2 + 1 = 3'
    >>> out_len_line("l_out", 8, 4, 0, 3, 1, 2)
    'l_out = (8 + 4 + 0 - (3 + 2*2)) // 1 + 1 = 6'
    >>> out_len_line("out_rows", 2, 0, 0, 5, 1, 0)
    'out_rows = (2 + 0 + 0 - 5) // 1 + 1 = -2  (no window fits: 2 < 5)'
    """
    eff = effective_kernel(kernel, dilation)
    eff_txt = str(kernel) if dilation == 0 else f"({kernel} + {kernel - 1}*{dilation})"
    out = (in_len + before + after - eff) // stride + 1
    line = f"{name} = ({in_len} + {before} + {after} - {eff_txt}) // {stride} + 1 = {out}"
    if in_len + before + after < eff:
        line += f"  (no window fits: {in_len + before + after} < {eff})"
    return line


def explain(params):
    """The formula lines for raw control values, also when the kernel does not fit.

    Only the padding is resolved (by :func:`conv_teach.pad2D` / :func:`conv_teach.pad1D`,
    which do not check the fit), so a rejected combination can show *why* it is rejected.
    """
    p = params
    d = p.get("dilation", 0)
    if "l_in" in p:
        _, (left, right) = pad1D(np.zeros((1, p["l_in"], 1)), p["pad"], p["fw"], p["stride"], d)
        return [out_len_line("l_out", p["l_in"], left, right, p["fw"], p["stride"], d)]
    _, (t, b, l, r) = pad2D(np.zeros((1, p["in_rows"], p["in_cols"], 1)), p["pad"],
                            (p["fr"], p["fc"]), p["stride"], d)
    return [out_len_line("out_rows", p["in_rows"], t, b, p["fr"], p["stride"], d),
            out_len_line("out_cols", p["in_cols"], l, r, p["fc"], p["stride"], d)]


def _times(shape):
    return " x ".join(str(s) for s in shape)


def memory_line(X_shape, X_col_shape):
    """How many numbers X_col holds against X.

    >>> memory_line((1, 5, 5, 1), (9, 9))
    'X_col: 9 x 9 = 81 numbers; X: 1 x 5 x 5 x 1 = 25 numbers; ratio 3.24'
    """
    n_col = X_col_shape[0] * X_col_shape[1]
    n_x = 1
    for s in X_shape:
        n_x *= s
    return (f"X_col: {_times(X_col_shape)} = {n_col} numbers; X: {_times(X_shape)} = {n_x} numbers; "
            f"ratio {n_col / n_x:.3g}")


def grouped_cost_lines(in_ch, out_ch, groups, fr, fc, out_rows, out_cols):
    """Weights and multiply-adds per example of a grouped convolution, against a full one and
    a depthwise-separable one (a depthwise ``fr x fc`` convolution, ``groups = in_ch``, then a
    1x1 convolution to ``out_ch`` channels: MobileNet's block, Howard et al. 2017, arXiv:1704.04861).

    Counts per example, no bias: a convolution with ``groups`` has ``fr*fc*(in_ch/groups)*out_ch``
    weights and uses each once per output position; the separable one has ``fr*fc*in_ch`` +
    ``in_ch*out_ch``, a fraction ``1/out_ch + 1/(fr*fc)`` of the full count.

    >>> for line in grouped_cost_lines(4, 4, 2, 3, 3, 4, 4): print(line)
    weights: this conv (groups=2) 3*3*(4/2)*4 = 72; full conv 3*3*4*4 = 144; depthwise-separable 3*3*4 + 4*4 = 52
    multiply-adds per example (x out_rows*out_cols = 4*4 = 16): this conv 1152; full 2304; depthwise-separable 832
    this conv needs 1/2 of the full conv's; depthwise-separable 0.361 = 1/out_ch + 1/(fr*fc) (MobileNet, Howard et al. 2017)
    """
    per_group = in_ch // groups
    mine = fr * fc * per_group * out_ch
    full = fr * fc * in_ch * out_ch
    sep = fr * fc * in_ch + in_ch * out_ch
    pos = out_rows * out_cols
    return [f"weights: this conv (groups={groups}) {fr}*{fc}*({in_ch}/{groups})*{out_ch} = {mine}; "
            f"full conv {fr}*{fc}*{in_ch}*{out_ch} = {full}; depthwise-separable "
            f"{fr}*{fc}*{in_ch} + {in_ch}*{out_ch} = {sep}",
            f"multiply-adds per example (x out_rows*out_cols = {out_rows}*{out_cols} = {pos}): "
            f"this conv {mine * pos}; full {full * pos}; depthwise-separable {sep * pos}",
            f"this conv needs 1/{groups} of the full conv's; depthwise-separable {sep / full:.3g} = "
            f"1/out_ch + 1/(fr*fc) (MobileNet, Howard et al. 2017)"]
