"""Animations of a convolution for slides: GIF, MP4, PNG frames or SVG/PNG stills (``conv-teach animate``).

``animate(...)`` draws the kernel window sliding over the padded input (padding hatched,
only the dilated kernel's taps outlined) while the output fills in with the library's
numbers, one frame per output cell, optionally with the im2col matrix filling column by
column. With ``transposed=True`` it animates :func:`conv_teach.conv2D_transpose` as the
equivalent stride-1 convolution of the zero-inserted input.

Modules, one job each:

* :mod:`~conv_teach.animation.plan` -- what each frame shows: numbers only, no matplotlib;
* :mod:`~conv_teach.animation.drawing` -- :class:`Animator`, the figure, drawn with the
  shared grid module :mod:`conv_teach.viz.grid` (the lessons' look);
* :mod:`~conv_teach.animation.writers` -- :func:`animate`: files, written atomically;
* :mod:`~conv_teach.animation.cli` -- the ``conv-teach animate`` command.

Examples
--------
>>> from conv_teach.animation import animate, plan
>>> pl = plan((2, 3), kernel=2, stride=2, pad=2, transposed=True, output_padding=1)
>>> pl.labels[pl.labels > 0].tolist()           # the input cells drawn, by their own numbers
[5, 6]
>>> animate((4, 4), (3, 3), hold=0).n_frames      # one frame per output cell; nothing written
4
"""
import importlib

from .plan import INPUT, PADDING, ZERO, Plan, alt_text, plan

# matplotlib is imported on first use of these, so that `conv-teach --help` (which imports
# .cli) and `import conv_teach.animation.plan` stay light
_LAZY = {"Animator": ".drawing", "animate": ".writers", "AnimationResult": ".writers",
         "alt_text_path": ".writers"}


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["animate", "Animator", "AnimationResult", "plan", "Plan", "alt_text", "alt_text_path",
           "INPUT", "PADDING", "ZERO"]
