"""The capstone lesson (notebooks/08_capstone_cnn.ipynb) is committed clean and keeps its promises.

nbval runs it (testpaths include notebooks/); these checks make sure that run means something:
(tests/test_lesson_rules.py holds it to every lesson's rules) nbval directives as cell tags (never comments), a
checked cell pinning the accuracy threshold, the 'test accuracy: 0.97'-style line, and no
``inspect.getsource``.
"""
import re
from pathlib import Path

import nbformat


LESSON = Path(__file__).resolve().parent.parent / "notebooks" / "08_capstone_cnn.ipynb"


def _nb():
    return nbformat.read(LESSON, as_version=4)


def test_nbval_directives_are_tags_not_comments():
    for cell in _nb().cells:
        assert not re.search(r"^\s*#\s*NBVAL", cell.source, re.M), cell.source[:60]
        assert "inspect.getsource" not in cell.source


def test_accuracy_is_printed_and_the_threshold_is_checked():
    code = [c for c in _nb().cells if c.cell_type == "code"]
    assert any('print(f"test accuracy: {accuracy:.2f}")' in c.source for c in code)
    checked = [c for c in code if "nbval-check-output" in c.metadata.get("tags", [])]
    texts = ["".join(o.get("text", "") for o in c.outputs) for c in checked]
    assert "test accuracy >= 0.95: True\n" in texts
    assert any(t.startswith("finite differences agree on ") for t in texts)


def test_uses_only_the_library_for_the_network():
    """The numpy network calls conv_teach for convolution and pooling (torch only in its twin)."""
    (network,) = [c.source for c in _nb().cells if "def loss_and_grads(" in c.source]
    for call in ("ct.conv2D(", "ct.maxpool2D(", "ct.maxpool2D_backward(", "ct.conv2D_backward("):
        assert call in network
    assert "torch" not in network
