"""The controls of the views: one factory, one set of names, ranges and pad choices.

Names follow the library (see the README's conventions): 2D ``in_rows in_cols in_ch n_ex
out_ch fr fc stride pad dilation``, 1D ``l_in fw in_ch stride pad dilation``, and
``output_padding`` for the transposed convolution. There are no cell selectors: a cell is
selected by clicking it (or ``view.select``).
"""
import ipywidgets as widgets
import traitlets

__all__ = ["SLIDERS", "CHOICES", "PAD_OPTIONS_2D", "PAD_OPTIONS_1D", "make_controls",
           "set_tooltip", "tooltip_of", "TooltipBox", "laid_out"]

#: name -> (min, max); sizes re-lay the picture out, so they update on release only
SLIDERS = {
    "in_rows": (1, 8), "in_cols": (1, 8), "l_in": (1, 14), "in_ch": (1, 3), "n_ex": (1, 3),
    "out_ch": (1, 3), "fr": (1, 5), "fc": (1, 5), "fw": (1, 5), "stride": (1, 3),
    "dilation": (0, 3), "output_padding": (0, 2), "groups": (1, 8),
}
SIZES = {"in_rows", "in_cols", "l_in", "in_ch", "n_ex", "out_ch", "fr", "fc", "fw", "groups"}
#: controls that pick one of a few names (a dropdown)
CHOICES = {"mode": ("max", "avg")}

#: the library's own pad values (label, value)
PAD_OPTIONS_2D = [("0", 0), ("1", 1), ("2", 2), ("3", 3), ("'same'", "same"), ("'valid'", "valid"),
                  ("(1, 2)", (1, 2)), ("(2, 1)", (2, 1)), ("(1, 0, 2, 0)", (1, 0, 2, 0)),
                  ("(0, 1, 0, 1)", (0, 1, 0, 1))]
PAD_OPTIONS_1D = [("0", 0), ("1", 1), ("2", 2), ("3", 3), ("(1, 2)", (1, 2)), ("(2, 0)", (2, 0)),
                  ("'same'", "same"), ("'valid'", "valid"), ("'causal'", "causal")]

_STYLE = {"description_width": "112px"}  # "output_padding" whole
_LAYOUT = {"width": "280px"}


def make_controls(values, one_d=False, ranges=None):
    """``{name: widget}`` for the names of ``values`` (in that order), set to those values.

    A slider's range is widened to hold a value outside the usual one (a value asked for
    is never silently changed); a pad that is not among the choices is added to them (the
    library then accepts or rejects it, and the view shows its message).
    """
    controls = {}
    for name, value in values.items():
        if name == "pad":
            options = list(PAD_OPTIONS_1D if one_d else PAD_OPTIONS_2D)
            if all(v != value or type(v) is not type(value) for _, v in options):
                options.append((repr(value), value))
            w = widgets.Dropdown(options=options, value=value, description="pad", style=_STYLE,
                                 layout=_LAYOUT)
        elif name in CHOICES:
            w = widgets.Dropdown(options=[(repr(c), c) for c in CHOICES[name]], value=value,
                                 description=name, style=_STYLE, layout=_LAYOUT)
        else:
            lo, hi = (ranges or {}).get(name, SLIDERS[name])
            w = widgets.IntSlider(value=value, min=min(lo, value), max=max(hi, value),
                                  description=name, continuous_update=name not in SIZES,
                                  style=_STYLE, layout=_LAYOUT)
        set_tooltip(w, "")      # no hover text, and never the word "null" (see set_tooltip)
        controls[name] = w
    return controls


#: ipywidgets 8 has ``DOMWidget.tooltip`` (7.7 only ``description_tooltip``, on the label)
BOX_TOOLTIP = "tooltip" in widgets.Box.class_trait_names()


def set_tooltip(widget, text):
    """Set the words shown on hovering ``widget``'s label; ``""`` shows none.

    Parameters
    ----------
    widget : ipywidgets.IntSlider or ipywidgets.Dropdown
    text : str

    Notes
    -----
    ipywidgets 8: ``tooltip`` (``description_tooltip`` is deprecated there); 7.7:
    ``description_tooltip``. Never leave it None in 8: None is its default, and 8.1.9's
    ``DescriptionView.updateTooltip`` does ``label.title = tooltip``, which the browser turns
    into the text ``"null"`` on every slider's label (7.7 shows the description instead).
    """
    if "tooltip" in widget.trait_names():
        widget.tooltip = text
    else:
        widget.description_tooltip = text


def tooltip_of(widget):
    """str or None: the words :func:`set_tooltip` set on ``widget`` (ipywidgets 8 or 7.7)."""
    return widget.tooltip if "tooltip" in widget.trait_names() else widget.description_tooltip


class TooltipBox(widgets.Box):
    """A box around one control whose ``tooltip`` shows on the whole control (ipywidgets 8).

    A described widget's own ``tooltip`` goes on its label only (8.1.9's ``DescriptionView``);
    a plain ``Box(tooltip=...)`` breaks there: ``DOMWidgetView.updateTooltip`` reads
    ``description.length`` of a model with no description (ipywidgets issue #3860, a
    TypeError in the page). This box syncs an empty ``description``, so the front end makes
    the tooltip the ``title`` of the box's element; its label (same words), track, handle and
    readout have no title of their own, so the browser shows the box's on all of them.
    """
    description = traitlets.Unicode("").tag(sync=True)


def laid_out(widget):
    """``widget`` as a view lays it out.

    Parameters
    ----------
    widget : ipywidgets.IntSlider or ipywidgets.Dropdown

    Returns
    -------
    TooltipBox or the widget itself
        A :class:`TooltipBox` holding ``widget`` when it has hover words and ipywidgets is 8
        (the box's tooltip follows the widget's), else ``widget``: 7.7 has no ``tooltip`` on
        boxes, its ``description_tooltip`` covers the label only.
    """
    text = tooltip_of(widget)
    if not (text and BOX_TOOLTIP):
        return widget
    box = TooltipBox([widget], layout=widgets.Layout(overflow="visible"))
    widgets.dlink((widget, "tooltip"), (box, "tooltip"))
    return box
