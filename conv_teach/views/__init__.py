"""conv_teach.views: every lesson picture drawn in the browser, every cell linked both ways.

>>> view = conv_teach.views.im2col_view(pad=1, stride=2)     # doctest: +SKIP
>>> view.arrays["X_col"].shape                                # doctest: +SKIP
>>> view.linked("Z", (0, 1, 0, 0))       # what lights with output (1, 0)   # doctest: +SKIP
>>> view.select("X_pad", (0, 2, 2, 0))   # pin a pixel, as a click does    # doctest: +SKIP

Each builder returns a :class:`View` (an ipywidgets ``VBox``: controls and an anywidget
drawing) with ``.controls``, ``.arrays``, ``.readout``, ``.message``, ``.linked(panel,
index)``, ``.select(panel, index)`` and ``.selection``. The kernel computes every array and
link with the library (:mod:`conv_teach.views.drawings`, :mod:`conv_teach.views.maps`); the
browser (``static/view.js``) only draws them and follows the links.
"""
from .builders import (col2im_view, conv1d_view, dilation_view, gemm_view, groups_view,
                       im2col_view, padding_view, pool_view, transpose_view)
from .widget import View

__all__ = ["View", "padding_view", "dilation_view", "im2col_view", "gemm_view", "conv1d_view",
           "col2im_view", "transpose_view", "pool_view", "groups_view"]
