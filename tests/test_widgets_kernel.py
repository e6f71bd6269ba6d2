"""The apps inside a real IPython kernel (no browser): the inline path puts a PNG in the
app's Output widget after each update, the ipympl path puts the live canvas in the app,
and neither shows the figure a second time as a stray cell output."""
import nbformat
import pytest
from nbclient import NotebookClient

INLINE = [
    "import conv_teach\napp = conv_teach.widgets.padding_app()\napp",
    "app.controls['stride'].value = 2\n"
    "outs = app.view.outputs\n"
    "assert len(outs) == 1 and 'image/png' in outs[0]['data'], outs\n"
    "print('inline', app.arrays['Z'].shape, app.controls['out_row'].max)",
]
IPYMPL = [
    "%matplotlib widget",
    "import conv_teach, ipympl.backend_nbagg as nbagg\napp = conv_teach.widgets.im2col_app()\napp",
    "assert isinstance(app.view, nbagg.Canvas) and app.view in app.children\n"
    "app.controls['stride'].value = 2\n"
    "print('ipympl', app.arrays['X_col'].shape)",
]


def run(sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    return nb.cells


def mime_types(cell):
    return [sorted(o.get("data", {})) for o in cell.outputs if o.output_type != "stream"]


@pytest.mark.parametrize("backend, sources, expected", [
    # pad 1, stride 2 on 5 x 5 with a 3 x 3 kernel: (5 + 1 + 1 - 3) // 2 + 1 = 3
    ("inline", INLINE, "inline (1, 3, 3, 1) 2"),
    # pad 1, stride 2 on 4 x 4: 3 x 3 taps by (4 + 2 - 3) // 2 + 1 = 2 squared cells
    ("ipympl", IPYMPL, "ipympl (9, 4)"),
], ids=["inline", "ipympl"])
def test_app_in_a_kernel(backend, sources, expected):
    cells = run(sources)
    display_cell = cells[-2]
    assert mime_types(display_cell) == [["application/vnd.jupyter.widget-view+json", "text/plain"]]
    printed = "".join(o.text for o in cells[-1].outputs if o.output_type == "stream")
    assert printed.strip() == expected
