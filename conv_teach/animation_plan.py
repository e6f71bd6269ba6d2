"""Kept so that ``from conv_teach.animation_plan import plan`` (lesson 07) keeps working.

The code lives in :mod:`conv_teach.animation.plan`.
"""
from .animation.plan import *          # noqa: F401,F403
from .animation.plan import FN, INPUT, PADDING, ZERO, Plan, alt_text, plan, taps, title  # noqa: F401
