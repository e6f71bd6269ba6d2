"""Figure builders: each draws the arrays of one scene and redraws them in place.

A builder is a small class::

    fig = Im2colFigure(in_rows=5, pad=1, out_row=1, out_col=2)
    fig.fig                      # the matplotlib Figure
    fig.update(stride=2)         # recompute with the library, move/refill the artists
    fig.arrays["X_col"]          # what is drawn now, under the library's names
    fig.x_col.image.get_array()  # ... read back from the artist itself

``update`` first asks :mod:`conv_teach.viz.scenes` for the arrays (which raises the
library's error for a bad combination, before anything is touched), then refills the
existing images (``set_data``), moves the existing rectangles (``set_bounds``) and
rewrites the existing texts, so a redraw costs one canvas draw. Builders hold no widget
state (the interactive path is :mod:`conv_teach.views`).

Colours (see :mod:`conv_teach.viz.palette`): input blue, padding grey hatched, the
selected output cell and everything it reads orange, output sky blue, kernels purple.
"""
from .builder import FigureBuilder
from .col2im_figure import Col2imFigure
from .conv1d_figure import Conv1DFigure
from .matrix_figures import GemmFigure, Im2colFigure
from .window_figures import DilationFigure, PaddingFigure

__all__ = ["FigureBuilder", "PaddingFigure", "DilationFigure", "Im2colFigure", "GemmFigure",
           "Conv1DFigure", "Col2imFigure"]
