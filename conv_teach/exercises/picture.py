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
    """Draw the received matrix next to the expected one, differing cells outlined in red.

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
    from matplotlib.patches import Rectangle

    n, c = _worst_slice(expected, received)
    E, note = _as_matrix(expected, n, c)
    R, _ = _as_matrix(received, n, c)
    if axes is None:
        with plt.ioff():
            fig, axes = plt.subplots(1, 2, figsize=(8, 3.4))
    fig = axes[0].figure
    vmin, vmax = min(E.min(), R.min()), max(E.max(), R.max())
    for ax, M, name in zip(axes, (E, R), ("expected", "received")):
        ax.imshow(M, cmap="Blues", vmin=vmin, vmax=vmax)
        ax.set_title(f"{name} {M.shape}{note}", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        if M.size <= 150:
            for (r, c), val in np.ndenumerate(M):
                dark = val > vmin + 0.6 * (vmax - vmin)     # white text on dark cells
                ax.text(c, r, f"{val:g}", ha="center", va="center", fontsize=7,
                        color="white" if dark else "black")
    if E.shape == R.shape:
        bad = ~np.isclose(E, R)
        for r, c in np.argwhere(bad):
            axes[1].add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="red", lw=2))
        fig.suptitle(f"{int(bad.sum())} cells differ (outlined in red)", fontsize=10)
    else:
        fig.suptitle(f"shapes differ: expected {E.shape}, received {R.shape}", fontsize=10)
    return fig
