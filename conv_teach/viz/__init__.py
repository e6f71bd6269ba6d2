"""conv_teach.viz: matplotlib figures that draw exactly what the library computes.

``scenes`` computes the arrays (library calls only), ``figures`` draws them and updates
in place, ``grid`` draws every grid of cells (here, in the
animations and in the exercises' ``show_diff``), ``palette`` the colour code and
``formulas`` the output-size and memory lines; ``draw_array`` draws one given array
(the lessons' static pictures). Importing this imports matplotlib;
``import conv_teach`` alone does not.
"""
from . import palette
from .array_picture import draw_array
from .figures import (Col2imFigure, Conv1DFigure, DilationFigure, FigureBuilder, GemmFigure,
                      Im2colFigure, PaddingFigure)
from .scenes import scene1D, scene2D, scene_col2im

__all__ = ["palette", "draw_array", "FigureBuilder", "PaddingFigure", "DilationFigure", "Im2colFigure",
           "GemmFigure", "Conv1DFigure", "Col2imFigure", "scene2D", "scene1D", "scene_col2im"]
