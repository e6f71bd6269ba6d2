"""Where a figure lives: a plain Agg figure (inline backend, tests) or an ipympl canvas widget."""
import matplotlib

__all__ = ["using_ipympl", "new_figure"]


def using_ipympl():
    """True under ``%matplotlib widget`` / ``%matplotlib ipympl``."""
    backend = matplotlib.get_backend().lower()
    return "ipympl" in backend or backend == "widget"


def new_figure(figsize):
    """A new Figure that no pyplot cell-end hook will show, close or duplicate.

    With ipympl the figure needs pyplot's manager (its canvas is the widget); it is made
    inside ``plt.ioff()`` so that it is displayed once, by the app, not when created.
    Otherwise it is a bare :class:`~matplotlib.figure.Figure` on an Agg canvas: the
    inline backend's "show every open figure at the end of the cell" never sees it,
    and the app re-displays it itself after each update.
    """
    if using_ipympl():
        import matplotlib.pyplot as plt
        with plt.ioff():
            fig = plt.figure(figsize=figsize)
        fig.canvas.header_visible = False
        return fig
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig
