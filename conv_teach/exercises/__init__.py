"""Exercises: checkers that name a student's mistake, quizzes, and the release command.

``check_<name>(student_function)`` prints "not implemented yet" for a stub, raises
``AssertionError`` with a diagnosis for a wrong answer, and prints what was checked for a
right one. The ipywidgets quizzes live in :mod:`conv_teach.exercises.quiz` (imported on
first use, like matplotlib inside :func:`show_diff`), so importing the checkers needs
only NumPy.
"""
import importlib

from .checks import (NOT_IMPLEMENTED, CheckFailed, check_col2im, check_conv2D_gemm, check_fixed_im2col,
                     check_im2col, check_im2col_one_channel, check_out_shapes, check_pad2D,
                     show_diff)

__all__ = ["check_pad2D", "check_im2col_one_channel", "check_im2col", "check_conv2D_gemm",
           "check_col2im", "check_fixed_im2col", "check_out_shapes", "show_diff",
           "NOT_IMPLEMENTED", "CheckFailed"]


def __getattr__(name):
    if name in ("quiz", "release", "hints", "questions", "feedback", "limits", "taught"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'conv_teach.exercises' has no attribute {name!r}")
