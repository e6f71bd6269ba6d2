"""``App``: an ipywidgets VBox that drives one figure builder from its controls.

All the state of an app lives here (the widgets); the figure builder only draws what
the library computes for the values it is given.
"""
import html
import io

import ipywidgets as widgets

from ..viz.backend import using_ipympl
from ..viz.formulas import explain

__all__ = ["App"]

#: what a library error looks like to the app (the core raises only these for bad input)
LIBRARY_ERRORS = (ValueError, TypeError)


def _in_kernel():
    try:
        from IPython import get_ipython
    except ImportError:          # pragma: no cover - IPython comes with ipywidgets
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class App(widgets.VBox):
    """An interactive figure: controls, a readout, an error line and the figure.

    Parameters
    ----------
    builder : conv_teach.viz.FigureBuilder
        Already drawn with valid values.
    controls : dict of str -> ipywidgets.ValueWidget
        Named like the builder's parameters.
    limits : callable(scene) -> dict of str -> int
        The maximum of each cell selector (``out_row``, ...) for a scene.
    readout : callable(scene) -> list of str
        The lines of the readout (output shape, formulas with numbers).
    title : str
        One line saying what the app shows (HTML).

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    controls : dict of str -> ipywidgets widget
        Setting ``controls[name].value`` redraws synchronously.
    arrays : dict of str -> ndarray
        The arrays drawn now, under the library's names.
    readout : ipywidgets.HTML
        DOM class ``conv-teach-readout``: output shape and formulas with the numbers.
    message : ipywidgets.HTML
        DOM class ``conv-teach-error``: empty, or the library's message for a rejected
        combination (the picture then stays, greyed, marked "not updated").
    builder : conv_teach.viz.FigureBuilder
    """

    def __init__(self, builder, controls, limits, readout, title=""):
        self.builder = builder
        self.figure = builder.fig
        self.controls = dict(controls)
        self.arrays = {}
        self._limits, self._readout_lines = limits, readout
        self.readout = widgets.HTML()
        self.readout.add_class("conv-teach-readout")
        self.message = widgets.HTML()
        self.message.add_class("conv-teach-error")
        self._ipympl = using_ipympl()
        self.view = self.figure.canvas if self._ipympl else widgets.Output()
        self._busy = False
        box = widgets.Box(list(self.controls.values()),
                          layout=widgets.Layout(display="flex", flex_flow="row wrap"))
        head = [widgets.HTML(title)] if title else []
        super().__init__(head + [box, self.readout, self.message, self.view])
        self.add_class("conv-teach-app")
        for w in self.controls.values():
            w.observe(self.refresh, names="value")
        self.refresh()

    def values(self):
        return {name: w.value for name, w in self.controls.items()}

    def refresh(self, change=None):
        """Redraw for the current control values (called by every control change)."""
        if self._busy:          # a cell slider clamped by us below: one redraw is enough
            return
        self._busy = True
        try:
            self._redraw()
        finally:
            self._busy = False
        self._show()

    def _redraw(self):
        values = self.values()
        self.builder.check_names(values)      # outside the try: a wrong name is our bug
        try:
            scene = self.builder.update(**values)
        except LIBRARY_ERRORS as err:
            self._stale(err)
            return
        # the cell selectors follow the output size (a smaller output clamps the selection)
        for name, top in self._limits(scene).items():
            if name in self.controls and self.controls[name].max != top:
                self.controls[name].max = top
        if self.values() != values:
            scene = self.builder.update(**self.values())
        self.arrays = dict(self.builder.arrays)
        self.message.value = ""
        self.readout.value = _html_lines(self._readout_lines(scene))

    def _stale(self, err):
        text = str(err)
        self.builder.mark_stale(text.split(";")[0])
        self.message.value = (f'<div style="color:#b00020"><b>{type(err).__name__}:</b> '
                              f"{html.escape(text)}</div>")
        lines = ['<span style="color:#8c8c8c">not updated: the picture shows the last valid values</span>']
        try:
            lines += [f"<code>{html.escape(line)}</code>" for line in explain(self.values())]
        except LIBRARY_ERRORS:       # a pad the library cannot even resolve: the message says it
            pass
        self.readout.value = "<br>".join(lines)

    def _show(self):
        """Put the updated picture on screen: ipympl redraws its canvas, inline re-displays."""
        if self._ipympl:
            self.figure.canvas.draw_idle()
        elif _in_kernel():
            from IPython.display import Image, clear_output, display
            # an explicit PNG: the figure is not pyplot's, so no inline formatter may know it
            buf = io.BytesIO()
            self.figure.savefig(buf, format="png", dpi=self.figure.dpi)
            with self.view:
                clear_output(wait=True)
                display(Image(data=buf.getvalue(), format="png"))


def _html_lines(lines):
    first, *rest = lines
    return "<br>".join([f"<b>{html.escape(first)}</b>"] +
                       [f"<code>{html.escape(line)}</code>" for line in rest])
