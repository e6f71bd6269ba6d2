"""The view's settings as PyTorch and Keras code, under the drawing, ready to copy.

A collapsed ``Accordion`` ("PyTorch and Keras code") holding a ``Tab`` with one read-only
``Textarea`` per framework; :meth:`CodeBox.show` rewrites both for the current settings
(the text is :func:`conv_teach.framework_code.framework_code`'s). Settings the library
rejects get a one-line comment instead, with its message (the view shows the same message).
"""
import ipywidgets as widgets

from ..framework_code import FRAMEWORKS, framework_code

__all__ = ["CodeBox"]

TITLES = {"torch": "PyTorch", "keras": "Keras"}


class CodeBox(widgets.Accordion):
    """Collapsed by default; ``texts[framework].value`` is the code shown."""

    def __init__(self):
        self.texts = {fw: widgets.Textarea(value="", rows=8, layout=widgets.Layout(width="100%"))
                      for fw in FRAMEWORKS}
        for t in self.texts.values():
            t.add_class("ct-code")
        tabs = widgets.Tab(children=[self.texts[fw] for fw in FRAMEWORKS])
        for i, fw in enumerate(FRAMEWORKS):
            tabs.set_title(i, TITLES[fw])
        super().__init__(children=[tabs], selected_index=None)
        self.set_title(0, "PyTorch and Keras code")

    def show(self, view_name, values, inputs=()):
        """Write the code for ``values`` (the view's controls) into both text areas, under a
        line that binds its ``inputs`` (names, e.g. ``("X", "W")``) to the view's arrays: pasted
        into a notebook whose ``X`` is another array (lesson 08's network input), the code used
        that one and failed."""
        names = [n for n in ("X", "W", "dZ") if n in inputs]
        where = (f"{', '.join(names)} = " + ", ".join(f'view.inputs["{n}"]' for n in names)
                 + "   # the view's arrays (view: your name for this view)\n" if names else "")
        for fw, t in self.texts.items():
            try:
                text = where + framework_code(view_name, fw, **values)
            except (ValueError, TypeError) as err:
                text = f"# no code: these settings are rejected ({err})\n"
            t.rows = max(4, text.count("\n") + 1)
            t.value = text
