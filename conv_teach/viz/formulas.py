"""The formula lines of the static figures' captions, read off a scene.

The lines themselves come from :mod:`conv_teach.formulas` (pure, shared with the views);
this module only picks a scene's numbers for them.
"""
from ..formulas import explain, memory_line, out_len_line

__all__ = ["out_len_line", "out_lines_2D", "out_line_1D", "explain", "memory_line", "column_line"]


def out_lines_2D(scene):
    """The two formula lines (rows, cols) of a 2D scene from :mod:`conv_teach.viz.scenes`."""
    p, q = scene["params"], scene["pad"]
    return [out_len_line("out_rows", p["in_rows"], q[0], q[1], p["fr"], p["stride"], p["dilation"]),
            out_len_line("out_cols", p["in_cols"], q[2], q[3], p["fc"], p["stride"], p["dilation"])]


def out_line_1D(scene):
    """The formula line of a 1D scene."""
    p, q = scene["params"], scene["pad"]
    return out_len_line("l_out", p["l_in"], q[0], q[1], p["fw"], p["stride"], p["dilation"])


def column_line(scene):
    """Which X_col column holds the selected output cell, with the numbers put in.

    >>> column_line(dict(cell=(1, 2), out=(3, 4), example=0, X=[[0]] * 2, column=12))
    'column = (i*out_cols + j)*n_ex + n = (1*4 + 2)*2 + 0 = 12'
    """
    (i, j), ow, n, n_ex = scene["cell"], scene["out"][1], scene["example"], len(scene["X"])
    return f"column = (i*out_cols + j)*n_ex + n = ({i}*{ow} + {j})*{n_ex} + {n} = {scene['column']}"
