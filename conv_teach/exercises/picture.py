"""The student's answer drawn next to the right one (matplotlib, imported only here)."""
import numpy as np

__all__ = ["show_diff"]


def _as_matrix(a, n=0, c=0):
    """A 2-D view for drawing: example ``n``, channel ``c`` of an NHWC array."""
    a = np.asarray(a, float)
    if a.ndim == 4:
        return a[n, :, :, c], f" (example {n}, channel {c})"
    if a.ndim == 1:
        return a[None, :], ""
    if a.ndim != 2:
        return a.reshape(a.shape[0], -1), ""
    return a, ""


def _worst_slice(expected, received):
    """(example, channel) of an NHWC pair with the most differing cells (0, 0 otherwise)."""
    e, r = np.asarray(expected, float), np.asarray(received, float)
    if e.ndim != 4 or e.shape != r.shape:
        return 0, 0
    bad = (~np.isclose(e, r)).sum(axis=(1, 2))          # (n_ex, in_ch)
    n, c = np.unravel_index(np.argmax(bad), bad.shape)
    return int(n), int(c)


def show_diff(expected, received, axes=None):
    """Draw the received matrix next to the expected one, differing cells outlined.

    Both are drawn with :func:`conv_teach.viz.grid.draw_grid` on one colour scale
    (diverging, centred on 0, when a value is negative); the differing cells of the
    received matrix get a thick vermillion outline (:data:`conv_teach.viz.palette.DIFFERENCE`).

    Parameters
    ----------
    expected, received : ndarray, 2-D, or 4-D NHWC
        Of an NHWC pair, the (example, channel) with the most differing cells is drawn.
    axes : pair of matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.axes[1].patches`` holds one rectangle per differing cell (none when the
        shapes differ: then only the shapes are compared, in the titles).
    """
    import matplotlib.pyplot as plt

    from ..viz import palette
    from ..viz.grid import draw_grid

    n, c = _worst_slice(expected, received)
    E, note = _as_matrix(expected, n, c)
    R, _ = _as_matrix(received, n, c)
    if axes is None:
        with plt.ioff():
            fig, axes = plt.subplots(1, 2, figsize=(8, 3.8))
            fig.subplots_adjust(top=0.8, bottom=0.1)      # room for the titles and the labels
    fig = axes[0].figure
    clim = (min(E.min(), R.min()), max(E.max(), R.max()))
    bad = ~np.isclose(E, R) if E.shape == R.shape else np.zeros(R.shape, bool)
    for ax, M, name, cells in zip(axes, (E, R), ("expected", "received"), ((), np.argwhere(bad))):
        draw_grid(ax, M, f"{name}{note}", clim=clim, outline=[tuple(rc) for rc in cells],
                  outline_color=palette.DIFFERENCE, labels=M.shape[0] <= 40 and M.shape[1] <= 40)
    if E.shape == R.shape:
        fig.suptitle(f"{int(bad.sum())} cells differ (outlined)", fontsize=10)
    else:
        fig.suptitle(f"shapes differ: expected {E.shape}, received {R.shape}", fontsize=10)
    return fig
