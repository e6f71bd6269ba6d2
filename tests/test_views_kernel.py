"""A view inside a real IPython kernel (no browser): it displays as one widget, the ES module
and CSS it ships are what anywidget sends, and a control change updates it."""
import re

import nbformat
from nbclient import NotebookClient

from conv_teach.views.widget import STATIC, ViewCanvas

SOURCES = [
    "import conv_teach.views as V\nv = V.im2col_view(n_ex=2)\nv",
    "v.controls['stride'].value = 2\n"
    "print(v.arrays['X_col'].shape, repr(v.message), v.selection)",
]


def test_view_in_a_kernel():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in SOURCES])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    shown = [sorted(o.get("data", {})) for o in nb.cells[0].outputs if o.output_type != "stream"]
    assert shown == [["application/vnd.jupyter.widget-view+json", "text/plain"]]
    printed = "".join(o.text for o in nb.cells[1].outputs if o.output_type == "stream")
    # stride 2 on 4x4 with pad 1 and a 3x3 kernel: (4 + 2 - 3) // 2 + 1 = 2 per axis, 2 examples
    assert printed.strip() == "(9, 8) '' ('Z', (0, 0, 0, 0))"


def test_the_front_end_ships_inside_the_package():
    assert ViewCanvas._esm == (STATIC / "view.js").read_text(encoding="utf-8")
    assert ViewCanvas._css == (STATIC / "view.css").read_text(encoding="utf-8")
    js = ViewCanvas._esm
    assert "export default" in js
    # nothing fetched from the network: no import at all (one self-contained module), no fetch
    assert not re.search(r"^\s*import\b|\bimport\(", js, re.M)
    assert "http://" not in js.replace("http://www.w3.org/2000/svg", "") and "https://" not in js
    assert "fetch(" not in js
