"""The Examples in the core modules' docstrings run and are right."""
import doctest
import importlib

import pytest

CORE = ["conv_teach", "conv_teach.shapes", "conv_teach.pad", "conv_teach.im2col",
        "conv_teach.conv", "conv_teach.backward", "conv_teach.transpose", "conv_teach.windows",
        "conv_teach.formulas", "conv_teach.groups", "conv_teach.exercises.predict"]


@pytest.mark.parametrize("name", CORE)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted > 0, f"{name} has no doctest examples"
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctest examples failed in {name}"
