"""The student's answer drawn next to the right one (matplotlib, imported only here)."""
import numpy as np

__all__ = ["show_diff"]


def _as_matrix(a):
    a = np.asarray(a, float)
    if a.ndim == 4:
        return a[0, :, :, 0], " (example 0, channel 0)"
    if a.ndim == 1:
        return a[None, :], ""
    if a.ndim != 2:
        return a.reshape(a.shape[0], -1), ""
    return a, ""


def show_diff(expected, received, axes=None):
    """Draw the received matrix next to the expected one, differing cells outlined in red.

    Parameters
    ----------
    expected, received : ndarray, 2-D (a 4-D NHWC array shows example 0, channel 0)
    axes : pair of matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.axes[1].patches`` holds one rectangle per differing cell (none when the
        shapes differ: then only the shapes are compared, in the titles).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    E, note = _as_matrix(expected)
    R, _ = _as_matrix(received)
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
                ax.text(c, r, f"{val:g}", ha="center", va="center", fontsize=7)
    if E.shape == R.shape:
        bad = ~np.isclose(E, R)
        for r, c in np.argwhere(bad):
            axes[1].add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="red", lw=2))
        fig.suptitle(f"{int(bad.sum())} cells differ (outlined in red)", fontsize=10)
    else:
        fig.suptitle(f"shapes differ: expected {E.shape}, received {R.shape}", fontsize=10)
    return fig
