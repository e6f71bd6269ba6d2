"""The controls of the views: one factory, one set of names, ranges and pad choices.

Names follow the library (see the README's conventions): 2D ``in_rows in_cols in_ch n_ex
out_ch fr fc stride pad dilation``, 1D ``l_in fw in_ch stride pad dilation``, and
``output_padding`` for the transposed convolution. There are no cell selectors: a cell is
selected by clicking it (or ``view.select``).
"""
import ipywidgets as widgets

__all__ = ["SLIDERS", "CHOICES", "PAD_OPTIONS_2D", "PAD_OPTIONS_1D", "make_controls"]

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
        controls[name] = w
    return controls
