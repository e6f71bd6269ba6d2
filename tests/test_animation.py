"""The animations: frames, drawn artists (not pixels), files, and the command line.

What each frame highlights is read back from the matplotlib artists and compared with
the receptive field written out from the definition (window start ``i*s``, taps
``d + 1`` apart), and, for the transposed convolution, with the input cells whose
scattered kernel reaches the output cell. The values drawn are compared with the loop
references. Images are tiny and at low dpi, except where the text size is checked.
"""
import errno
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conv_teach.animation import INPUT, PADDING, ZERO, Animator, animate, plan
from conv_teach.cli import main
from conv_teach.reference import conv2D_loops, conv2D_transpose_loops, im2col_loops, receptive_field
from conv_teach.viz.palette import PAD_HATCH

DPI = 30


def shown(panel):
    """Which cells of a GridPanel are shown (not masked as 'not computed yet')."""
    return ~np.ma.getmaskarray(panel.image.get_array())


def written_values(panel):
    """The values written in a panel's visible cells, by (row, col), read from its labels."""
    A = np.ma.getdata(panel.image.get_array())
    alpha = panel.values.get_facecolors()[:, 3]
    return {divmod(k, A.shape[1]): float(t) for k, t in enumerate(panel.labels) if alpha[k] > 0}


def _pair(v):
    return tuple(v) if isinstance(v, tuple) else (v, v)


def _quad(pad, in_shape, k, s, d):
    """(top, bottom, left, right) by hand for the numeric forms; 'same' by the TF rule."""
    if pad == "valid":
        return (0, 0, 0, 0)
    if pad == "same":
        out = []
        for n, kk, ss, dd in zip(in_shape, k, s, d):
            total = max((-(-n // ss) - 1) * ss + kk + (kk - 1) * dd - n, 0)
            out += [total // 2, total - total // 2]
        return tuple(out)
    if isinstance(pad, int):
        return (pad,) * 4
    return (pad[0], pad[0], pad[1], pad[1]) if len(pad) == 2 else pad


FORWARD = [  # input, kernel, stride, pad, dilation
    ((5, 5), (3, 3), 1, 0, 0),
    ((5, 5), (3, 3), 2, 1, 1),
    ((4, 6), (2, 3), (1, 2), (1, 0, 2, 1), (1, 0)),
    ((3, 5), (2, 2), 2, (1, 2), 0),
    ((5, 4), (3, 2), (2, 1), "same", (0, 1)),
    ((4, 4), (2, 2), 1, "valid", 0),
]
FORWARD_IDS = ["no_padding_no_strides", "padding_strides_dilation", "non_square_quad_pad",
               "pair_pad", "same_padding", "valid"]


def _forward_out(in_shape, k, s, p, d):
    t, b, l, r = p
    return ((in_shape[0] + t + b - (k[0] + (k[0] - 1) * d[0])) // s[0] + 1,
            (in_shape[1] + l + r - (k[1] + (k[1] - 1) * d[1])) // s[1] + 1)


@pytest.mark.parametrize("in_shape, k, stride, pad, dilation", FORWARD, ids=FORWARD_IDS)
@pytest.mark.parametrize("hold", [0, 2])
def test_forward_frames_highlight_the_receptive_field(in_shape, k, stride, pad, dilation, hold):
    s, d = _pair(stride), _pair(dilation)
    p = _quad(pad, in_shape, k, s, d)
    out = _forward_out(in_shape, k, s, p, d)
    pl = plan(in_shape, k, stride, pad, dilation, hold=hold)
    assert len(pl.frames) == out[0] * out[1] + 2 * hold
    anim = Animator(pl, dpi=DPI)
    cells = [(i, j) for i in range(out[0]) for j in range(out[1])]
    for n, cell in enumerate(cells):
        frame = hold + n
        anim.draw(frame)
        drawn = sorted((int(y), int(x)) for x, y in (t.get_xy() for t in anim.tap_patches if t.get_visible()))
        expected = sorted((cell[0] * s[0] + ki * (d[0] + 1), cell[1] * s[1] + kj * (d[1] + 1))
                          for ki in range(k[0]) for kj in range(k[1]))
        assert drawn == expected, f"frame {frame}, output cell {cell}"
        filled = sorted(map(tuple, np.argwhere(shown(anim.out))))
        assert filled == cells[:n + 1]
        assert sorted(written_values(anim.out)) == cells[:n + 1]      # values only where computed
        assert anim.current.get_xy() == (cell[1], cell[0])
    for frame in list(range(hold)) + list(range(hold + len(cells), len(pl.frames))):
        anim.draw(frame)
        assert not any(t.get_visible() for t in anim.tap_patches)
    # the output values are conv2D of the numbered input with a kernel of ones (loop reference)
    X = np.arange(1, in_shape[0] * in_shape[1] + 1, dtype=float).reshape(1, *in_shape, 1)
    Z = conv2D_loops(X, np.ones(k + (1, 1)), stride, pad, dilation)[0, :, :, 0]
    anim.draw(len(pl.frames) - 1)
    assert written_values(anim.out) == {(i, j): Z[i, j] for i, j in cells}
    np.testing.assert_array_equal(np.ma.getdata(anim.out.image.get_array()), Z)
    # the grid shows X_pad of the same numbers: the input's numbers inside, zeros around
    grid = np.zeros((in_shape[0] + p[0] + p[1], in_shape[1] + p[2] + p[3]))
    grid[p[0]:p[0] + in_shape[0], p[2]:p[2] + in_shape[1]] = X[0, :, :, 0]
    assert anim.grid.labels == [f"{v:g}" for v in grid.ravel()]


@pytest.mark.parametrize("in_shape, k, stride, pad, dilation", FORWARD, ids=FORWARD_IDS)
def test_padding_cells_are_hatched_exactly_around_the_input(in_shape, k, stride, pad, dilation):
    s, d = _pair(stride), _pair(dilation)
    t, b, l, r = _quad(pad, in_shape, k, s, d)
    anim = Animator(plan(in_shape, k, stride, pad, dilation), dpi=DPI)
    assert all(p.get_hatch() == PAD_HATCH and p.get_visible() for p in anim.padding.patches)
    hatched = {(int(p.get_y()), int(p.get_x())) for p in anim.padding.patches}
    assert len(hatched) == len(anim.padding.patches) and not anim.zeros.patches
    rows, cols = in_shape[0] + t + b, in_shape[1] + l + r
    inside = {(rr, cc) for rr in range(t, t + in_shape[0]) for cc in range(l, l + in_shape[1])}
    assert hatched == {(rr, cc) for rr in range(rows) for cc in range(cols)} - inside


TRANSPOSED = [  # input, kernel, stride, pad, dilation, output_padding
    ((3, 3), (3, 3), 2, 1, 0, 1),
    ((2, 3), (3, 2), (2, 1), 0, 0, 0),
    ((2, 2), (1, 1), 2, 1, 0, 0),            # pad > k - 1 (numpy-ml's Q15)
    ((3, 2), (2, 3), (1, 2), (0, 1, 1, 0), (1, 0), 0),
    ((2, 3), (3, 3), 2, "same", 1, 0),
    ((2, 2), (2, 2), 3, "valid", 0, (2, 1)),
]
TRANSPOSED_IDS = ["padding_strides_output_padding", "no_padding_strides", "pad_beyond_kernel",
                  "quad_pad_dilation", "same", "valid_output_padding"]


@pytest.mark.parametrize("in_shape, k, stride, pad, dilation, op", TRANSPOSED, ids=TRANSPOSED_IDS)
def test_transposed_frames_highlight_the_cells_that_scatter_into_the_output(
        in_shape, k, stride, pad, dilation, op):
    s, d, o = _pair(stride), _pair(dilation), _pair(op)
    eff = (k[0] + (k[0] - 1) * d[0], k[1] + (k[1] - 1) * d[1])
    if pad == "same":
        t, b, l, r = _quad("same", (in_shape[0] * s[0], in_shape[1] * s[1]), k, s, d)
        out = (in_shape[0] * s[0], in_shape[1] * s[1])
    else:
        t, b, l, r = _quad(pad, in_shape, k, s, d)
        out = ((in_shape[0] - 1) * s[0] + eff[0] - t - b + o[0], (in_shape[1] - 1) * s[1] + eff[1] - l - r + o[1])
    pl = plan(in_shape, k, stride, pad, dilation, transposed=True, output_padding=op, hold=1)
    assert pl.out == out and len(pl.frames) == out[0] * out[1] + 2
    anim = Animator(pl, dpi=DPI)
    # the numbers written in the grid's input cells, by position (from the drawn labels)
    number_at = {rc: int(v) for rc, v in written_values(anim.grid).items() if v > 0}
    # every input cell is drawn once, except when pad > eff - 1 crops the drawing itself
    assert len(number_at) == len(set(number_at.values()))
    if max(t, b) <= eff[0] - 1 and max(l, r) <= eff[1] - 1:
        assert sorted(number_at.values()) == list(range(1, in_shape[0] * in_shape[1] + 1))
    for n in range(out[0] * out[1]):
        i, j = divmod(n, out[1])
        anim.draw(1 + n)
        under = {number_at[(int(y), int(x))] for x, y in (p.get_xy() for p in anim.tap_patches)
                 if (int(y), int(x)) in number_at}
        # the definition: input (a, b) writes to (a*s + ki*(d+1) - top, b*s + kj*(d+1) - left)
        writers = {a * in_shape[1] + bb + 1
                   for a in range(in_shape[0]) for bb in range(in_shape[1])
                   for ki in range(k[0]) for kj in range(k[1])
                   if a * s[0] + ki * (d[0] + 1) - t == i and bb * s[1] + kj * (d[1] + 1) - l == j}
        assert under == writers, f"output cell {(i, j)}"
    # the output values are conv2D_transpose of the numbered input with ones (loop reference)
    X = np.arange(1, in_shape[0] * in_shape[1] + 1, dtype=float).reshape(1, *in_shape, 1)
    Z = conv2D_transpose_loops(X, np.ones(k + (1, 1)), stride, pad, dilation, op)[0, :, :, 0]
    np.testing.assert_array_equal(np.ma.getdata(anim.out.image.get_array()), Z)


@st.composite
def transposed_settings(draw):
    H, Wd = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    d = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    pad = tuple(draw(st.integers(0, 4)) for _ in range(4))
    op = tuple(draw(st.integers(0, max(ss, dd + 1) - 1)) for ss, dd in zip(s, d))
    return (H, Wd), k, s, pad, d, op


@given(transposed_settings())
def test_transposed_grid_numbers_every_drawn_input_cell_by_its_own_index(setting):
    """Independent of the plan's code: by the scatter definition, input (a, b) with tap
    (ki, kj) writes to output (a*s + ki*(d+1) - top, ...). The drawn stride-1 window of
    output (i, j) reads grid cell (i + ki'*(d+1), ...) with the kernel rotated, ki' =
    fr - 1 - ki: that grid cell must show input (a, b)'s number a*in_cols + b + 1, and 0
    (padding or an inserted zero) when no input cell is there. This covers every grid
    cell, also when pad crops input cells off the drawing. Grid cells between dilated taps
    that no window reads are checked by the same rule, extended to output positions
    beyond the output (i up to the grid's size, where tap ki = fr - 1 lands on g = i)."""
    (H, Wd), k, s, pad, d, op = setting
    t, b, l, r = pad
    try:
        pl = plan((H, Wd), k, s, pad, d, transposed=True, output_padding=op, hold=0)
    except ValueError:
        assume(False)
    eff = [kk + (kk - 1) * dd for kk, dd in zip(k, d)]
    out = ((H - 1) * s[0] + eff[0] - t - b + op[0], (Wd - 1) * s[1] + eff[1] - l - r + op[1])
    assert pl.out == out and pl.labels.shape == (out[0] + eff[0] - 1, out[1] + eff[1] - 1)
    expected = np.full(pl.labels.shape, -1)
    rows, cols = pl.labels.shape
    for i in range(rows):
        for j in range(cols):
            for ki in range(k[0]):
                for kj in range(k[1]):
                    g = (i + (k[0] - 1 - ki) * (d[0] + 1), j + (k[1] - 1 - kj) * (d[1] + 1))
                    if g[0] >= rows or g[1] >= cols:
                        continue
                    num = 0
                    for a in range(H):
                        for bb in range(Wd):
                            if (a * s[0] + ki * (d[0] + 1) - t == i
                                    and bb * s[1] + kj * (d[1] + 1) - l == j):
                                num = a * Wd + bb + 1
                    assert expected[g] in (-1, num)
                    expected[g] = num
    assert (expected >= 0).all()                      # every grid cell was checked
    np.testing.assert_array_equal(pl.labels, expected)
    assert ((pl.kinds == INPUT) == (pl.labels > 0)).all()
    # the drawn values: the grid's numbers, and Z from the loop reference
    X = np.arange(1, H * Wd + 1, dtype=float).reshape(1, H, Wd, 1)
    Z = conv2D_transpose_loops(X, np.ones(k + (1, 1)), s, pad, d, op)[0, :, :, 0]
    np.testing.assert_array_equal(pl.Z, Z)
    np.testing.assert_array_equal(pl.X_col.sum(axis=0), Z.ravel())     # W is all ones


def test_transposed_labels_bug_of_issue_9_is_fixed():
    # input (2, 3) numbered 1..6; pad 2 crops row 0 off the drawing: cells 5 and 6 remain
    pl = plan(input_shape=(2, 3), kernel=2, stride=2, pad=2, transposed=True, output_padding=1)
    drawn = {tuple(rc): int(pl.labels[tuple(rc)]) for rc in np.argwhere(pl.kinds == INPUT)}
    assert sorted(drawn.values()) == [5, 6]


def test_im2col_panel_fills_with_im2col_columns():
    in_shape, k, s, p, d = (4, 5), (2, 3), (2, 1), (1, 0, 0, 1), (0, 1)
    anim = Animator(plan(in_shape, k, s, p, d, hold=1), show_im2col=True, dpi=DPI)
    numbers = np.arange(1, 21).reshape(1, 4, 5, 1)
    X_col = im2col_loops(numbers, (2, 3, 1, 1), p, s, d)
    ones_in = im2col_loops(np.ones((1, 4, 5, 1)), (2, 3, 1, 1), p, s, d)   # 1 where a real pixel
    n_taps, n_out = X_col.shape
    assert anim.col.row_labels == [f"{ki},{kj}" for ki in range(2) for kj in range(3)]
    out_cols = anim.pl.out[1]
    assert anim.col.col_labels == [f"{c // out_cols},{c % out_cols}" for c in range(n_out)]
    for m in range(n_out):
        anim.draw(1 + m)
        values = written_values(anim.col)
        assert values == {(tap, col): X_col[tap, col] for tap in range(n_taps) for col in range(m + 1)}
        assert (shown(anim.col)[:, :m + 1]).all() and not shown(anim.col)[:, m + 1:].any()
        hatched = {(int(b.get_y()), int(b.get_x())) for b in anim.col_hatched.patches}
        assert hatched == {(tap, col) for tap in range(n_taps) for col in range(m + 1)
                           if ones_in[tap, col] == 0}
        assert anim.col_current.get_xy() == (m, 0)


# --- files -------------------------------------------------------------------------

def test_gif_opens_with_pillow_with_the_right_size_frames_and_duration(tmp_path):
    from PIL import Image
    out = tmp_path / "conv.gif"
    r = animate((4, 4), (3, 3), stride=1, pad=0, out=out, fps=4, hold=2, dpi=DPI)
    n_out = 2 * 2
    assert r.n_frames == n_out + 2 * 2
    with Image.open(out) as im:
        assert im.size == r.size
        assert im.n_frames == n_out + 2          # each hold stored once, with hold x the duration
        durations = []
        for k in range(im.n_frames):
            im.seek(k)
            durations.append(im.info["duration"])
    assert durations == [2 * 250] + [250] * n_out + [2 * 250]
    text = (tmp_path / "conv.gif.alt.txt").read_text()
    assert "input 4x4, kernel 3x3" in text and "2x2 output" in text


def test_gif_without_hold_has_one_image_per_output_cell(tmp_path):
    from PIL import Image
    r = animate((3, 4), (2, 2), stride=1, pad=0, out=tmp_path / "c.gif", hold=0, dpi=DPI)
    with Image.open(r.path) as im:
        assert im.n_frames == 2 * 3


def test_png_frames_folder_holds_every_frame(tmp_path):
    from PIL import Image
    r = animate((3, 3), (2, 2), stride=1, pad=1, out=tmp_path / "frames", hold=1, dpi=DPI)
    names = sorted(os.listdir(r.path))
    assert len(names) == 4 * 4 + 2 == r.n_frames
    with Image.open(os.path.join(r.path, names[0])) as im:
        assert im.size == r.size
    assert os.path.isfile(tmp_path / "frames.alt.txt")


def test_svg_still_parses(tmp_path):
    r = animate((3, 3), (2, 2), stride=1, pad=0, dilation=0, transposed=True, out=tmp_path / "t.svg",
                frame=3, dpi=DPI)
    root = ET.parse(r.path).getroot()
    assert root.tag.endswith("svg")
    assert "Still image (SVG, frame 3" in r.alt_text


def test_nothing_written_without_out_and_output_files_are_not_private(tmp_path):
    r = animate((3, 3), (2, 2), hold=0)
    assert r.path is None and r.n_frames == 4
    r = animate((3, 3), (2, 2), out=tmp_path / "c.png", dpi=DPI)
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(r.path).st_mode & 0o777 == 0o666 & ~umask


def test_an_error_while_rendering_leaves_nothing_behind(tmp_path, monkeypatch):
    calls = []

    def broken(self, k):
        calls.append(k)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return np.zeros((10, 10, 3), np.uint8)

    monkeypatch.setattr(Animator, "render_rgb", broken)
    for out in ("c.gif", "frames"):
        with pytest.raises(RuntimeError, match="disk full"):
            animate((3, 3), (2, 2), out=tmp_path / out, dpi=DPI)
        calls.clear()
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(input_shape=(2, 2), kernel=(3, 3)), ValueError, r"animate: kernel \(3x3 after dilation=0\) is larger"),
    (dict(pad="full"), ValueError, r"animate: unknown pad 'full'"),
    (dict(stride=0), ValueError, r"animate: stride must be an int >= 1, got 0"),
    (dict(input_shape=(5, 0)), ValueError, r"animate: input_shape\[1\] must be an int >= 1, got 0"),
    (dict(fps=0), ValueError, r"animate: fps must be a number > 0, got 0"),
    (dict(out="x.jpeg"), ValueError, r"cannot tell the format of out='x.jpeg'"),
    (dict(out="x.gif", fmt="svg"), ValueError, r"animate: out='x.gif' ends in .gif but fmt='svg'"),
    (dict(input_shape=(100, 100)), ValueError, rf"{98 * 98} output cells"),   # (100 - 3) + 1 = 98
    (dict(transposed=True, stride=2, output_padding=2), ValueError, r"output_padding must be smaller"),
    (dict(output_padding=1), ValueError, r"output_padding must be 0 for a convolution"),
    (dict(hold=-1), ValueError, r"animate: hold must be an int >= 0, got -1"),
    (dict(frame=99, out="x.svg"), ValueError, r"frame must be a frame number below 13"),
], ids=["kernel_too_big", "unknown_pad", "stride_0", "empty_input", "fps_0", "unknown_format",
        "format_contradicts_name", "too_many_frames", "output_padding", "output_padding_forward", "hold", "frame"])
def test_bad_parameters_raise_the_library_message_and_write_nothing(kwargs, exc, match, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kwargs.setdefault("out", "x.gif")
    with pytest.raises(exc, match=match):
        animate(dpi=DPI, **kwargs)
    assert os.listdir(tmp_path) == []


def test_mp4_without_ffmpeg_names_ffmpeg_and_the_alternatives(tmp_path, monkeypatch):
    from matplotlib.animation import writers
    monkeypatch.setattr(writers, "is_available", lambda name: False)
    with pytest.raises(RuntimeError, match=r"needs the ffmpeg program.*GIF.*PNG frames"):
        animate(out=tmp_path / "c.mp4", dpi=DPI)
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg not installed")
def test_mp4_with_ffmpeg(tmp_path):
    r = animate((3, 3), (2, 2), out=tmp_path / "c.mp4", hold=0, dpi=DPI)
    assert os.path.getsize(r.path) > 0


# --- the command line ------------------------------------------------------------------

def test_cli_writes_the_gif_and_says_where(tmp_path, capsys):
    out = tmp_path / "conv.gif"
    code = main(["animate", "--input", "5", "5", "--kernel", "3", "3", "--stride", "2", "--pad", "1",
                 "--dilation", "1", "--out", str(out), "--dpi", str(DPI), "--hold", "0"])
    assert code == 0
    assert out.is_file() and (tmp_path / "conv.gif.alt.txt").is_file()
    assert f"wrote {out}" in capsys.readouterr().out



def test_cli_frame_count_matches_what_the_gif_holds(tmp_path, capsys):
    """With hold frames the GIF stores fewer images than frames: the printed line says both,
    and both agree with the file (3x3 outputs + 2 holds of 2 frames each)."""
    from PIL import Image
    out = tmp_path / "conv.gif"
    assert main(["animate", "--input", "5", "5", "--kernel", "3", "3", "--stride", "2",
                 "--pad", "1", "--out", str(out), "--dpi", str(DPI), "--hold", "2"]) == 0
    printed = capsys.readouterr().out
    with Image.open(out) as gif:
        images = gif.n_frames
    assert images == 9 + 2
    assert f"13 frames, stored as {images} images with the holds merged" in printed
    assert str(out) + ".alt.txt" in printed


def test_cli_says_a_png_still_is_one_frame(tmp_path, capsys):
    """A .png path writes one still; the line said "(png, 13 frames, ...)" of it (sixth tester)."""
    from PIL import Image
    out = tmp_path / "still.png"
    assert main(["animate", "--input", "5", "5", "--kernel", "3", "3", "--stride", "2",
                 "--pad", "1", "--out", str(out), "--dpi", str(DPI), "--hold", "2"]) == 0
    printed = capsys.readouterr().out
    with Image.open(out) as png:
        assert getattr(png, "n_frames", 1) == 1
    assert "(png, one still of the animation's 13 frames," in printed

@pytest.mark.parametrize("argv, match", [
    (["--input", "2", "2", "--kernel", "3", "3"], "kernel (3x3 after dilation=0) is larger than the padded input (2x2)"),
    (["--pad", "full"], "unknown pad 'full'"),
    (["--pad", "1", "2", "3"], "--pad takes an int, 2 ints (rows cols), 4 ints"),
    (["--stride", "0"], "stride must be an int >= 1, got 0"),
    (["--input", "4", "4", "--transposed", "--stride", "2", "--output-padding", "3"], "output_padding must be smaller"),
    (["--format", "png"], "ends in .gif but fmt='png' (--format on the command line) asks for png"),
], ids=["kernel_too_big", "unknown_pad", "three_pads", "stride_0", "output_padding", "format_contradicts_name"])
def test_cli_bad_input_exits_2_with_the_message_and_no_file(argv, match, tmp_path, capsys):
    out = tmp_path / "conv.gif"
    assert main(["animate", "--out", str(out)] + argv) == 2
    err = capsys.readouterr().err
    # one prefix: the command's, not the command's and the function's
    assert err.startswith("conv-teach animate: error: ") and "error: animate:" not in err and match in err
    assert os.listdir(tmp_path) == []


def test_cli_unknown_suffix_names_the_format_option(tmp_path, capsys):
    assert main(["animate", "--out", str(tmp_path / "x.txt")]) == 2
    err = capsys.readouterr().err
    assert "cannot tell the format of out=" in err and "--format on the command line" in err
    assert os.listdir(tmp_path) == []


def test_cli_never_overwrites_without_force(tmp_path, capsys):
    out = tmp_path / "conv.gif"
    out.write_bytes(b"my own slide")
    assert main(["animate", "--out", str(out), "--dpi", str(DPI)]) == 2
    assert "already exists; it was left untouched" in capsys.readouterr().err
    assert out.read_bytes() == b"my own slide"
    assert sorted(os.listdir(tmp_path)) == ["conv.gif"]
    assert main(["animate", "--out", str(out), "--dpi", str(DPI), "--force"]) == 0
    assert out.read_bytes()[:3] == b"GIF"


def test_force_replaces_a_frames_folder_but_not_a_folder_of_other_files(tmp_path, capsys):
    frames = tmp_path / "frames"
    args = ["animate", "--input", "3", "3", "--kernel", "2", "2", "--out", str(frames), "--dpi", str(DPI)]
    assert main(args) == 0
    assert main(args) == 2                                      # exists
    assert main(args + ["--force"]) == 0
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "lecture.tex").write_text("keep me")
    (tmp_path / "notes.alt.txt").unlink(missing_ok=True)
    assert main(args[:-4] + ["--out", str(mine), "--dpi", str(DPI), "--force"]) == 2
    assert "holding files that are not frames" in capsys.readouterr().err
    assert (mine / "lecture.tex").read_text() == "keep me"


def test_cli_argparse_rejects_non_numbers(capsys):
    with pytest.raises(SystemExit) as info:
        main(["animate", "--input", "five", "--out", "x.gif"])
    assert info.value.code == 2


def test_import_conv_teach_does_not_import_matplotlib_and_animate_is_lazy():
    code = ("import sys, conv_teach\n"
            "assert 'matplotlib' not in sys.modules\n"
            "from conv_teach.animation import animate\n"
            "assert conv_teach.animate is animate\n"
            "assert 'matplotlib' in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_grid_kinds_count_inputs_once():
    pl = plan((3, 4), (3, 3), 2, 1, 0, transposed=True)
    assert (pl.kinds == INPUT).sum() == 12


def test_readme_gallery_gifs_are_small_and_described():
    """docs/gallery: each GIF under 200 KB, with its alt text, and opens as an animation."""
    from pathlib import Path

    from PIL import Image
    gallery = Path(__file__).resolve().parent.parent / "docs" / "gallery"
    gifs = sorted(gallery.glob("*.gif"))
    assert len(gifs) >= 3
    for gif in gifs:
        assert gif.stat().st_size < 200 * 1024, gif.name
        assert (gallery / (gif.name + ".alt.txt")).read_text().startswith("Animation (GIF")
        with Image.open(gif) as im:
            assert im.n_frames > 1


def test_alt_text_says_when_pad_crops_input_cells_out_of_the_transposed_drawing():
    # H=2, k=1, s=2, pad=1: the zero-inserted input [a, 0, b] loses a and b to the crop
    r = animate((2, 2), (1, 1), stride=2, pad=1, transposed=True, hold=0)
    assert "so 4 input cell(s) fall outside the drawing" in r.alt_text
    assert "fall outside" not in animate((2, 2), (3, 3), stride=2, pad=1, transposed=True).alt_text


@pytest.mark.parametrize("transposed, show_im2col", [(False, True), (True, False)])
def test_blitted_frames_equal_frames_drawn_from_scratch(transposed, show_im2col):
    """render_rgb keeps the still parts as a background; it must give the very same pixels."""
    pl = plan((3, 3), (2, 2), 2, 1, 0, transposed=transposed, hold=1)
    fast, full = Animator(pl, show_im2col, dpi=DPI), Animator(pl, show_im2col, dpi=DPI)
    for k in range(len(pl.frames)):
        np.testing.assert_array_equal(fast.render_rgb(k), full.render_rgb_full(k))


# --- the look: text size and nothing overlapping ------------------------------------

LOOKS = [  # plan arguments, show_im2col
    (dict(input_shape=(5, 5), kernel=(3, 3), stride=2, pad=1, dilation=1), False),
    (dict(input_shape=(4, 4), kernel=(3, 3), pad=1), True),
    (dict(input_shape=(2, 2), kernel=(3, 3), stride=2, transposed=True), False),
    (dict(input_shape=(3, 3), kernel=(3, 3), stride=2, pad=1, transposed=True, output_padding=1), True),
    (dict(input_shape=(1, 1), kernel=(1, 1)), True),                  # 1x1 everything: titles widest
    (dict(input_shape=(2, 9), kernel=(1, 3), stride=(1, 2), pad=(0, 0, 1, 1)), True),
    (dict(input_shape=(12, 12), kernel=(3, 3), stride=2, pad="same"), False),   # big values
]


def _overlap(a, b, tol=0.5):
    return a.x0 < b.x1 - tol and b.x0 < a.x1 - tol and a.y0 < b.y1 - tol and b.y0 < a.y1 - tol


@pytest.mark.parametrize("kwargs, im2col", LOOKS)
def test_text_is_at_least_14_px_and_nothing_overlaps_at_the_default_size(kwargs, im2col):
    anim = Animator(plan(hold=1, **kwargs), show_im2col=im2col)       # default dpi
    dpi = anim.fig.dpi
    anim.draw(len(anim.pl.frames) - 1)                               # every value shown
    anim.fig.canvas.draw()
    renderer = anim.fig.canvas.get_renderer()
    px = lambda pt: pt * dpi / 72
    panels = [anim.grid, anim.out] + ([anim.col] if anim.col is not None else [])
    assert anim.title.get_fontsize() and px(anim.title.get_fontsize()) >= 14
    figure = anim.fig.bbox
    head = anim.title.get_window_extent(renderer)
    groups = []
    for panel in panels:
        ax = panel.ax
        assert px(panel.font_size) >= 14 and px(panel.title.size) >= 14
        assert len(panel.labels) == np.ma.getdata(panel.image.get_array()).size   # every value written
        cells = ax.get_window_extent(renderer)
        rows, cols = np.ma.getdata(panel.image.get_array()).shape
        cell_w, cell_h = cells.width / cols, cells.height / rows
        for path in panel.values.get_paths():                       # each value fits its cell
            (x0, y0), (x1, y1) = path.vertices.min(axis=0), path.vertices.max(axis=0)
            assert px(x1 - x0) < cell_w - 2 and px(y1 - y0) < cell_h - 2
        ticks = [t for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_text()]
        assert [t.get_text() for t in ax.get_yticklabels()] == panel.row_labels
        assert [t.get_text() for t in ax.get_xticklabels()] == panel.col_labels
        assert all(px(t.get_fontsize()) >= 14 for t in ticks)
        boxes = [t.get_window_extent(renderer) for t in ticks]
        title = panel.title.patch.get_window_extent(renderer)
        for k, a in enumerate(boxes + [title]):
            assert not _overlap(a, cells), (panel.title.get_text(), k)
            assert not _overlap(a, head)
            for b in (boxes + [title])[k + 1:]:
                assert not _overlap(a, b), (panel.title.get_text(), k)
        whole = cells
        for b in boxes + [title]:
            whole = whole.union([whole, b])
        assert not _overlap(whole, head)
        assert figure.x0 <= whole.x0 and whole.x1 <= figure.x1 and figure.y0 <= whole.y0 \
            and whole.y1 <= figure.y1, panel.title.get_text()
        groups.append(whole)
    assert figure.x0 <= head.x0 and head.x1 <= figure.x1 and head.y1 <= figure.y1
    for k, a in enumerate(groups):
        for b in groups[k + 1:]:
            assert not _overlap(a, b)


def test_default_gif_text_is_readable_size(tmp_path):
    """Today's complaint: a 650x328 GIF with ~8 px text. The default 5x5 / 3x3 animation is
    now drawn at 13 pt = 14.4 px."""
    r = animate((5, 5), (3, 3), out=None)
    anim = Animator(plan((5, 5), (3, 3)))
    assert r.size == anim.size
    assert anim.grid.font_size * anim.fig.dpi / 72 >= 14


# --- operating-system errors: one clear line, non-zero exit, nothing partial ---------------

def _one_clear_line(err, *needles):
    assert err.startswith("conv-teach animate: error: ") and "error: animate:" not in err, err
    assert err.strip().count("\n") == 0 and "Traceback" not in err, err
    for n in needles:
        assert n in err, (n, err)


def _disk_full_after_some_bytes(anim, tmp, fps):
    with open(tmp, "wb") as fh:          # a partial file, as a full disk leaves it
        fh.write(b"GIF89a partial")
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), tmp)


def _disk_full_in_frames(anim, tmp_dir):
    with open(os.path.join(tmp_dir, "frame_000.png"), "wb") as fh:
        fh.write(b"\x89PNG partial")
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("out, writer, fake", [
    ("conv.gif", "_write_gif", _disk_full_after_some_bytes),
    ("frames", "_write_frames", _disk_full_in_frames),
], ids=["gif", "frames_folder"])
@pytest.mark.parametrize("existing", [False, True])
def test_cli_full_disk_prints_one_line_exits_1_and_leaves_nothing(out, writer, fake, existing, tmp_path,
                                                                 capsys, monkeypatch):
    from conv_teach.animation import writers
    target = tmp_path / out
    if existing:                         # with --force an old result stays as it was
        assert main(["animate", "--input", "3", "3", "--kernel", "2", "2", "--out", str(target),
                     "--dpi", str(DPI)]) == 0
        before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
        capsys.readouterr()
    monkeypatch.setattr(writers, writer, fake)
    assert main(["animate", "--out", str(target), "--dpi", str(DPI), "--force"]) == 1
    _one_clear_line(capsys.readouterr().err, f"could not write {target}: No space left on device",
                    "nothing was written")
    if existing:
        assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
    else:
        assert os.listdir(tmp_path) == []          # no partial file, no temporary file


def test_animate_keeps_the_errno_of_an_os_error(tmp_path, monkeypatch):
    from conv_teach.animation import writers
    monkeypatch.setattr(writers, "_write_gif", _disk_full_after_some_bytes)
    with pytest.raises(OSError, match=r"^animate: could not write .*c\.gif: No space left") as info:
        animate((3, 3), (2, 2), out=tmp_path / "c.gif", dpi=DPI)
    assert info.value.errno == errno.ENOSPC
    assert os.listdir(tmp_path) == []


def test_cli_read_only_folder_prints_one_line_and_exits_1(tmp_path, capsys, monkeypatch):
    """A folder we may not write in (simulated: root may write anywhere; see the tmpfs test)."""
    import tempfile

    def denied(*args, dir=None, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), dir)

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    monkeypatch.setattr(tempfile, "mkdtemp", denied)
    for out in ("conv.gif", "frames"):
        assert main(["animate", "--out", str(tmp_path / out), "--dpi", str(DPI)]) == 1
        _one_clear_line(capsys.readouterr().err, f"could not write {tmp_path / out}: Permission denied")
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_cli_real_read_only_folder(tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert main(["animate", "--out", str(folder / "conv.gif"), "--dpi", str(DPI)]) == 1
        _one_clear_line(capsys.readouterr().err, "Permission denied")
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o755)


@pytest.fixture
def small_tmpfs(tmp_path):
    """A real 200 KiB file system mounted on tmp_path/small (needs root and mount; else skip)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a tmpfs")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode:
        pytest.skip(f"mount failed: {r.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_cli_really_full_disk_and_really_read_only(small_tmpfs, capsys):
    """The same two errors on a real file system: a 200 KiB tmpfs filled up, then remounted
    read-only."""
    filler = small_tmpfs / "filler"
    with open(filler, "wb") as fh:
        try:
            fh.write(b"\0" * (200 * 1024))
        except OSError:
            pass
    left = os.statvfs(small_tmpfs).f_bavail * os.statvfs(small_tmpfs).f_frsize
    out = small_tmpfs / "conv.gif"
    assert main(["animate", "--out", str(out), "--dpi", "80"]) == 1, f"{left} bytes were left"
    _one_clear_line(capsys.readouterr().err, f"could not write {out}: No space left on device")
    assert os.listdir(small_tmpfs) == ["filler"]
    filler.unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(small_tmpfs)], check=True)
    assert main(["animate", "--out", str(out), "--dpi", str(DPI)]) == 1
    _one_clear_line(capsys.readouterr().err, f"could not write {out}: Read-only file system")
    assert os.listdir(small_tmpfs) == []


@pytest.mark.parametrize("argv, needles", [
    (["--out", ""], ["out is an empty name"]),
    (["--dpi", "100000"], ["dpi=100000 would make a", "more than 10000 pixels a side", "use dpi="]),
    (["--dpi", "5"], ["dpi must be an int >= 10, got 5"]),
], ids=["empty_out", "huge_dpi", "tiny_dpi"])
def test_cli_bad_out_or_dpi_prints_one_line_exits_2_and_writes_nothing(argv, needles, tmp_path, capsys,
                                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = ["--out", "conv.gif"] + argv if "--out" not in argv else argv
    assert main(["animate"] + argv) == 2
    _one_clear_line(capsys.readouterr().err, *needles)
    assert os.listdir(tmp_path) == []


def test_cli_missing_parent_folder_names_it(tmp_path, capsys):
    out = tmp_path / "no" / "such" / "conv.gif"
    assert main(["animate", "--out", str(out), "--dpi", str(DPI)]) == 2
    _one_clear_line(capsys.readouterr().err, f"{tmp_path / 'no' / 'such'} does not exist")
    assert os.listdir(tmp_path) == []


def test_the_suggested_dpi_works():
    import re
    with pytest.raises(ValueError, match="use dpi=") as info:
        animate((5, 5), (3, 3), dpi=100000)
    best = int(re.search(r"use dpi=(\d+)", str(info.value)).group(1))
    assert max(animate((5, 5), (3, 3), dpi=best).size) <= 10000


@st.composite
def forward_settings(draw):
    H, Wd = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    d = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    pad = draw(st.one_of(st.integers(0, 2), st.sampled_from(["same", "valid"]),
                         st.tuples(*[st.integers(0, 2)] * 4)))
    return (H, Wd), k, s, pad, d


@given(forward_settings(), st.data())
def test_any_forward_frame_draws_the_library_truth(setting, data):
    """Random settings and a random frame: the taps outlined are the receptive field by the
    definition, the values drawn in the grid, in Z and in X_col equal pad / conv2D / im2col
    loop references of the numbered input with a kernel of ones."""
    in_shape, k, s, pad, d = setting
    p = _quad(pad, in_shape, k, s, d)
    out = _forward_out(in_shape, k, s, p, d)
    assume(min(out) >= 1)
    anim = Animator(plan(in_shape, k, s, pad, d, hold=1), show_im2col=True, dpi=DPI)
    n_out = out[0] * out[1]
    n = data.draw(st.integers(0, n_out - 1))
    cell = divmod(n, out[1])
    anim.draw(1 + n)
    drawn_taps = sorted((int(y), int(x)) for x, y in (t.get_xy() for t in anim.tap_patches if t.get_visible()))
    assert drawn_taps == sorted((cell[0] * s[0] + ki * (d[0] + 1), cell[1] * s[1] + kj * (d[1] + 1))
                                for ki in range(k[0]) for kj in range(k[1]))
    X = np.arange(1, in_shape[0] * in_shape[1] + 1, dtype=float).reshape(1, *in_shape, 1)
    Z = conv2D_loops(X, np.ones(k + (1, 1)), s, pad, d)[0, :, :, 0]
    assert written_values(anim.out) == {divmod(m, out[1]): Z[divmod(m, out[1])] for m in range(n + 1)}
    grid = np.zeros((in_shape[0] + p[0] + p[1], in_shape[1] + p[2] + p[3]))
    grid[p[0]:p[0] + in_shape[0], p[2]:p[2] + in_shape[1]] = X[0, :, :, 0]
    assert anim.grid.labels == [f"{v:g}" for v in grid.ravel()]
    if anim.col is not None:
        X_col = im2col_loops(X, k + (1, 1), pad, s, d)
        assert written_values(anim.col) == {(t, c): X_col[t, c] for t in range(X_col.shape[0])
                                            for c in range(n + 1)}


def test_the_command_line_parser_and_the_plan_do_not_import_matplotlib():
    code = ("import sys, conv_teach.cli as c, conv_teach.animation.plan\n"
            "c.build_parser()\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("setting", [((2, 2), 3, 2, 0, 0), ((2, 3), 2, 2, 2, 1)])
def test_transposed_im2col_panel_hatches_copies_of_padding_and_of_inserted_zeros_apart(setting):
    in_shape, k, s, pad, op = setting
    pl = plan(in_shape, k, s, pad, transposed=True, output_padding=op, hold=1)
    anim = Animator(pl, show_im2col=True, dpi=DPI)
    anim.draw(len(pl.frames) - 1)
    at = lambda boxes: {(int(b.get_y()), int(b.get_x())) for b in boxes.patches}
    grid_cell = [receptive_field(c, pl.kernel, 1, dilation=pl.dilation) for c in np.ndindex(*pl.out)]
    kind = np.array([[pl.kinds[rc] for rc in cells] for cells in grid_cell]).T   # (taps, columns)
    assert at(anim.col_hatched) == set(map(tuple, np.argwhere(kind == PADDING)))
    assert at(anim.col_zeros) == set(map(tuple, np.argwhere(kind == ZERO)))
    assert at(anim.col_zeros)
