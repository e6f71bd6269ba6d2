"""``View``: the controls, and a drawing in the browser that links every cell both ways.

All the state lives here (the widgets). The numbers, the cell positions and the link
table come from :mod:`conv_teach.views.drawings`; the browser side is
``static/view.js`` (an anywidget ES module: no build step, nothing fetched from the
network) and only draws what it receives.

Works with ipywidgets 7.7 and 8 on the kernel side (anywidget supports both; only
``Box``/``VBox``, ``IntSlider``, ``Dropdown``, ``Layout``, ``observe``, ``dlink`` and plain
traitlets are used; hover words of the controls: :mod:`conv_teach.views.controls`).
"""
from pathlib import Path

import anywidget
import ipywidgets as widgets
import numpy as np
import traitlets

from .. import _validate as v
from .code_box import CodeBox
from .controls import laid_out
from .drawings import drawing
from .readout import explain
from .words import sentence

__all__ = ["View", "ViewCanvas", "STATIC"]

STATIC = Path(__file__).parent / "static"
#: what a library error looks like to a view (the core raises only these for bad input)
LIBRARY_ERRORS = (ValueError, TypeError)
NOTHING_SELECTED = ("Nothing selected. Hover or focus a cell to light what it is linked to; "
                    "click pins it, Escape clears, arrow keys move.")


class ViewCanvas(anywidget.AnyWidget):
    """The drawing: every array of a view as SVG cells, linked by the kernel's link table.

    Synced traits: ``view_name``; ``data`` (``panels``, ``tables``, and the link table as
    ``indptr``/``indices``: little-endian int32 bytes); ``readout`` (lines); ``message``;
    ``selection`` (``{"panel": name, "index": [...]}`` or None; a click in the browser sets it);
    ``sentence`` (the pinned selection in words, shown in an ``aria-live`` region; while a cell
    is hovered or focused the region shows that cell's words instead, asked of the kernel with a
    custom message, see :meth:`View._on_canvas_msg`).
    """
    # the file contents, not their paths: works with every anywidget >= 0.9
    _esm = (STATIC / "view.js").read_text(encoding="utf-8")
    _css = (STATIC / "view.css").read_text(encoding="utf-8")
    view_name = traitlets.Unicode("").tag(sync=True)
    data = traitlets.Dict().tag(sync=True)
    readout = traitlets.List(traitlets.Unicode()).tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    selection = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    sentence = traitlets.Unicode("").tag(sync=True)


def payload(d):
    """The JSON-able ``data`` the front end receives for drawing ``d`` (``pick_indptr`` /
    ``pick_indices``: the table of picked cells, when the view has one)."""
    out = dict(view=d.view, panels=d.panels, tables=d.tables,
               indptr=d.links.indptr.astype("<i4").tobytes(),
               indices=d.links.indices.astype("<i4").tobytes())
    if d.picks is not None:
        out.update(pick_indptr=d.picks.indptr.astype("<i4").tobytes(),
                   pick_indices=d.picks.indices.astype("<i4").tobytes())
    return out


class View(widgets.VBox):
    """One interactive view: controls on top, the linked drawing below.

    Parameters
    ----------
    name : str
        The builder's name (``"im2col_view"``...), also ``data-view`` in the page.
    controls : dict of str -> ipywidgets widget
        Named like the parameters of the view's drawing.
    default_selection : callable(Drawing) -> (panel, index) or None
        What is selected when nothing (valid) is.
    values_first : dict, optional
        Valid control values drawn first (shown greyed if the asked ones are rejected).
    data : dict of str -> ndarray, optional
        The user's own arrays (``X``, ``W``; ``dZ`` in col2im_view), already checked: drawn
        instead of the example numbers; the shape controls they set are disabled.

    Attributes
    ----------
    controls : dict of str -> ipywidgets widget
        Setting ``controls[name].value`` recomputes and redraws synchronously.
    canvas : ViewCanvas
    drawing : conv_teach.views.drawings.Drawing
        The last valid drawing.
    data : dict of str -> ndarray
        The user's arrays the view draws (empty: the view's own example numbers).
    """

    def __init__(self, name, controls, default_selection, values_first=None, data=None):
        self.name = name
        self.data = dict(data or {})
        self.controls = dict(controls)
        self._default_selection = default_selection
        self.canvas = ViewCanvas(view_name=name)
        self.drawing = None
        # a control with hover words (fixed by data) sits in a box that shows them on all of it
        box = widgets.Box([laid_out(w) for w in self.controls.values()],
                          layout=widgets.Layout(display="flex", flex_flow="row wrap"))
        self.code_box = CodeBox()
        super().__init__([box, self.canvas, self.code_box])
        self.add_class("conv-teach-view")
        if values_first is not None:    # a picture of valid values first, in case the asked
            self._draw(values_first)    # combination is rejected (then it shows, greyed)
        for w in self.controls.values():
            w.observe(self.refresh, names="value")
        self.canvas.observe(self._selection_changed, names="selection")
        self.canvas.on_msg(self._on_canvas_msg)
        self.refresh()

    # ---- the API of issue 9 ----
    @property
    def arrays(self):
        """dict of str -> ndarray: the arrays drawn now, under the library's names."""
        return dict(self.drawing.arrays) if self.drawing else {}

    @property
    def inputs(self):
        """dict of str -> ndarray: the arrays the view computes from (``X``, ``W``; ``dZ`` in
        col2im_view and pool_view), drawn or not. Its PyTorch and Keras code (:meth:`code`) reads
        them under these names: ``X, W = view.inputs["X"], view.inputs["W"]`` before pasting."""
        return dict(self.drawing.inputs) if self.drawing else {}

    @property
    def readout(self):
        """str: output shape and formulas with the numbers (one line each)."""
        return "\n".join(self.canvas.readout)

    @property
    def message(self):
        """str: ``''``, or the library's message for the rejected combination on the controls."""
        return self.canvas.message

    @property
    def selection(self):
        """``(panel, index tuple)`` of the pinned cell, or None."""
        s = self.canvas.selection
        return None if s is None else (s["panel"], tuple(s["index"]))

    def select(self, panel, index=None):
        """Pin cell ``index`` of ``panel`` (as a click in the browser does); ``select(None)`` clears.

        Raises
        ------
        ValueError
            If the view draws no such panel or the index is outside it.
        """
        if panel is None:
            self.canvas.selection = None
            return
        index = self._check_cell("select", panel, index)
        self.canvas.selection = {"panel": panel, "index": list(index)}

    def linked(self, panel, index):
        """Every cell lit with cell ``index`` of ``panel``: ``{panel: [index tuple, ...]}``.

        Read from the same link table the browser follows; includes the cell itself.
        """
        index = self._check_cell("linked", panel, index)
        return self.drawing.links.linked(panel, index)

    def picked(self, panel, index):
        """The cells marked *picked* with cell ``index`` of ``panel``: ``{panel: [index, ...]}``.

        pool_view (max): an output (or its gradient) picks the maximum of its window (in X and
        X_pad); a pixel is picked by the outputs whose maximum it is. Empty for other views
        and for average pooling. The browser marks these cells ``.ct-picked``.
        """
        index = self._check_cell("picked", panel, index)
        if self.drawing.picks is None:
            return {}
        return self.drawing.picks.linked(panel, index)

    def code(self, framework):
        """The current settings as ``'torch'`` or ``'keras'`` code (also shown in the view).

        See :func:`conv_teach.framework_code.framework_code`; run with ``X`` and ``W`` bound
        (and ``dZ`` in col2im_view) it leaves the library's result in ``Z`` (``dX``). The view's
        own are :attr:`inputs`.
        Raises the library's error when the settings are rejected.
        """
        from ..framework_code import framework_code
        return framework_code(self.name, framework, **self.values())

    def values(self):
        return {name: w.value for name, w in self.controls.items()}

    # ---- updates ----
    def refresh(self, change=None):
        """Recompute and redraw for the current control values (called by every control change)."""
        values = self.values()
        try:
            self._draw(values)
        except LIBRARY_ERRORS as err:
            self._stale(err, values)
        self.code_box.show(self.name, values, self.inputs)

    def _draw(self, values):
        d = drawing(self.name, **values, **self.data)   # the library's error, if any, comes from here
        old = self.selection
        self.drawing = d
        with self.canvas.hold_sync():
            self.canvas.data = payload(d)
            self.canvas.readout = list(d.readout)
            self.canvas.message = ""
            if old is None or not self._valid(*old):
                old = self._default_selection(d)
            self.canvas.selection = None if old is None else {"panel": old[0], "index": list(old[1])}
            self._describe()

    def _stale(self, err, values):
        lines = ["not updated: the picture shows the last valid values"]
        try:
            lines += explain(values)
        except LIBRARY_ERRORS:       # a pad the library cannot even resolve: the message says it
            pass
        with self.canvas.hold_sync():
            self.canvas.message = f"{type(err).__name__}: {err}"
            self.canvas.readout = lines

    def _selection_changed(self, change):
        s = change["new"]
        if s is not None and not self._valid(s.get("panel"), s.get("index")):
            self.canvas.selection = None     # nothing that is not drawn can be selected
            return
        self._describe()

    def _on_canvas_msg(self, widget, content, buffers):
        """The front end asks for the words of a hovered or focused cell.

        ``{"type": "describe", "panel": name, "index": [...], "token": t}`` is answered with
        ``{"type": "sentence", "panel": name, "index": [...], "token": t, "text": words}``: the
        same :func:`~conv_teach.views.words.sentence` as for the pinned selection (the front end
        shows it while the cell stays hovered; ``canvas.sentence`` stays the pinned cell's).
        A cell the current drawing does not have is answered with ``text`` None.
        """
        if not isinstance(content, dict) or content.get("type") != "describe":
            return
        panel, index = content.get("panel"), content.get("index")
        ok = self._valid(panel, index)
        text = sentence(self.drawing, panel, tuple(int(i) for i in index)) if ok else None
        self.canvas.send({"type": "sentence", "panel": panel, "index": index,
                          "token": content.get("token"), "text": text})

    def _describe(self):
        s = self.selection
        self.canvas.sentence = NOTHING_SELECTED if s is None else sentence(self.drawing, *s)

    def _valid(self, panel, index):
        if self.drawing is None or panel not in self.drawing.arrays or index is None:
            return False
        shape = self.drawing.arrays[panel].shape
        try:
            idx = tuple(int(i) for i in index)
        except (TypeError, ValueError):
            return False
        return len(idx) == len(shape) and all(0 <= i < n for i, n in zip(idx, shape))

    def _check_cell(self, fn, panel, index):
        names = list(self.drawing.arrays)
        if panel not in self.drawing.arrays:
            raise v.bad_cell(f"{self.name}.{fn}", panel, index, names)
        if not self._valid(panel, index) or any(isinstance(i, (bool, np.bool_)) or
                                                 float(i) != int(i) for i in index):
            raise v.bad_cell(f"{self.name}.{fn}", panel, index, names, self.drawing.arrays[panel].shape)
        return tuple(int(i) for i in index)
