"""Which lessons the browser tests open, which sliders they move, and what the readout must say.

The expected readout is computed here with the library from the slider values read in the page,
never copied from the app.
"""
import conv_teach as ct


def expect_out_rows(v):
    """What the readout must show: the output rows the library computes for the page's values."""
    return [f"= {ct.conv_out_len(v['in_rows'], v['fr'], v['stride'])}"]


# notebook, slider moved with the keyboard, slider dragged with the mouse, expected readout pieces
LAB = [
    ("03_im2col.ipynb", "stride", "fr", expect_out_rows),
    ("01_padding.ipynb", "stride", "fr", expect_out_rows),
]
# present mode: notebook, slider moved with the keyboard, expected readout pieces
VOILA = [
    ("03_im2col.ipynb", "stride", expect_out_rows),
]
