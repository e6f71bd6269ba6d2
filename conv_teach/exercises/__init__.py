"""Exercises: checkers that name a student's mistake, quizzes, and the release command.

``check_<name>(student_function)`` prints "not implemented yet" for a stub, raises
:class:`CheckFailed` (an ``AssertionError``) with a report for a wrong answer, and prints
what was checked for a right one. Modules: ``checks`` (the cases and the checkers),
``runner`` (calling the student's function case by case, and the report),
``hints`` and ``questions`` (the classic mistakes and their hints), ``feedback`` (the
report and what IPython shows of it), ``predict`` (:func:`verify`, what every lesson's
predict-then-verify cell prints), ``limits`` (the time limit per call), ``taught``
(noticing an answer that calls the library function it should replace), ``quiz`` (the
ipywidgets quizzes, imported on first use, like matplotlib inside :func:`show_diff`, so
importing the checkers needs only NumPy) and ``release`` (student notebooks).
"""
import importlib

from .checks import (NOT_IMPLEMENTED, CheckFailed, check_col2im, check_conv2D_gemm, check_fixed_im2col,
                     check_im2col, check_im2col_one_channel, check_out_shapes, check_pad2D,
                     show_diff)
from .predict import verify

__all__ = ["check_pad2D", "check_im2col_one_channel", "check_im2col", "check_conv2D_gemm",
           "check_col2im", "check_fixed_im2col", "check_out_shapes", "show_diff",
           "NOT_IMPLEMENTED", "CheckFailed", "verify"]


def __getattr__(name):
    if name in ("quiz", "release", "hints", "questions", "feedback", "limits", "taught", "runner"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'conv_teach.exercises' has no attribute {name!r}")
