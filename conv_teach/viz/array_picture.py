"""One static picture of one 2D array: what the lessons draw before their apps.

The figure builders (:mod:`conv_teach.viz.figures`) draw seeded arrays they compute
themselves; a lesson that works an example by hand needs its *own* array drawn. This draws
the array it is given, so no number on screen is ever retyped.
"""
import numpy as np
from matplotlib.patches import Rectangle

from . import palette

__all__ = ["draw_array"]

#: Largest array whose values are written in the cells (beyond that they are unreadable).
MAX_LABELLED = 120


def draw_array(ax, A, title, role="input", pad=(0, 0, 0, 0), cells=()):
    """Draw the 2D array ``A`` on ``ax`` with its values written in the cells.

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

    Returns
    -------
    matplotlib.image.AxesImage
        The image, whose ``get_array()`` is ``A``.
    """
    A = np.asarray(A, dtype=float)
    image = ax.imshow(A, cmap=palette.cmap(role))
    rows, cols = A.shape
    top, bottom, left, right = pad
    if A.size <= MAX_LABELLED:
        for (r, c), value in np.ndenumerate(A):
            colour = palette.text_color(image.cmap(image.norm(value)))
            ax.text(c, r, f"{value:g}", ha="center", va="center", fontsize=8, color=colour)
    # the padding as four hatched bands: top, bottom, then left and right between them
    for x, y, w, h in [(0, 0, cols, top), (0, rows - bottom, cols, bottom),
                       (0, top, left, rows - top - bottom),
                       (cols - right, top, right, rows - top - bottom)]:
        if w > 0 and h > 0:
            ax.add_patch(Rectangle((x - .5, y - .5), w, h, fc=palette.PADDING, alpha=.3,
                                   hatch=palette.PAD_HATCH, ec="grey", lw=0))
    for r, c in cells:
        ax.add_patch(Rectangle((c - .5, r - .5), 1, 1, fill=False, ec=palette.RECEPTIVE_FIELD, lw=3))
    ax.set_title(f"{title}\n{rows} x {cols}", fontsize=9)
    ax.set_xticks(range(cols))
    ax.set_yticks(range(rows))
    ax.tick_params(labelsize=7)
    return image
