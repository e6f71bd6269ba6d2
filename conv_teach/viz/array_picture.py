"""One static picture of one 2D array: what the lessons draw before their apps.

The figure builders (:mod:`conv_teach.viz.figures`) draw seeded arrays they compute
themselves; a lesson that works an example by hand needs its *own* array drawn. This draws
the array it is given, so no number on screen is ever retyped. The drawing itself is
:func:`conv_teach.viz.grid.draw_grid`, the same as every figure's and animation's.
"""
from .grid import draw_grid

__all__ = ["draw_array"]


def draw_array(ax, A, title, role="input", pad=(0, 0, 0, 0), cells=(), gaps=()):
    """Draw the 2D array ``A`` on ``ax`` with its values written in the cells.

    Rows and columns are labelled with their indices (from 0); a signed array is drawn on a
    diverging scale centred on 0.

    Parameters
    ----------
    ax : matplotlib Axes
    A : array_like of shape (rows, cols)
        The array to draw, e.g. ``X_pad[0, :, :, 0]`` from :func:`conv_teach.pad2D`.
    title : str
        Shown above the array, followed by its shape ``rows x cols``.
    role : {'input', 'kernel', 'output'}, default 'input'
        Picks the colour map of the lessons' colour code (:mod:`conv_teach.viz.palette`).
    pad : (top, bottom, left, right), default no padding
        The border of ``A`` that is padding: drawn as four grey hatched bands.
    cells : sequence of (row, col)
        Cells outlined in the receptive-field colour (e.g. the taps of one window).
    gaps : sequence of (row, col)
        Zeros that are not data, grey and hatched like padding: e.g. the gaps of a dilated
        kernel, ``[(r, c) for r, c in np.ndindex(*W_dil.shape) if r % (d + 1) or c % (d + 1)]``.

    Returns
    -------
    matplotlib.image.AxesImage
        The image, whose ``get_array()`` is ``A``. The whole panel (values written,
        padding bands, outlines) is ``conv_teach.viz.grid.panel_of(ax)``.
    """
    return draw_grid(ax, A, title, role=role, pad=pad, outline=cells, gaps=gaps).image
