"""conv_teach.widgets: ipywidgets apps on top of :mod:`conv_teach.viz`.

>>> app = conv_teach.widgets.im2col_app(pad=1, stride=2)      # doctest: +SKIP
>>> app.controls["out_row"].value = 1                          # doctest: +SKIP
>>> app.arrays["X_col"].shape                                  # doctest: +SKIP

Every app is an :class:`App` (an ``ipywidgets.VBox``) with ``.figure``, ``.controls``,
``.arrays``, ``.readout`` and ``.message``; see :mod:`conv_teach.widgets.app`.
"""
from .app import App
from .apps import col2im_app, conv1d_app, dilation_app, gemm_app, im2col_app, padding_app

__all__ = ["App", "padding_app", "dilation_app", "im2col_app", "gemm_app", "conv1d_app",
           "col2im_app"]
