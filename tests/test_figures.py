"""Figure truth without a browser: read every builder's artists back and compare them with
the library and the loop references (never with numbers pasted from the code under test).

One builder per class is reused across examples, so the checks also prove that updating
in place leaves nothing stale behind (old taps, old padding, old values).
"""
import doctest

import numpy as np
import pytest
from hypothesis import given

import conv_teach as ct
from conv_teach.reference import (col2im_loops, conv1D_loops, conv2D_backward_loops,
                                  conv2D_loops, im2col_loops)
from conv_teach.viz import (Col2imFigure, Conv1DFigure, DilationFigure, GemmFigure, Im2colFigure,
                            PaddingFigure, palette)
from viz_cases import (boxes, cells, drawn, hatched_cells, out_1D, out_2D, params_1D, params_2D,
                       resolved_pad_1D, resolved_pad_2D)

_BUILT = {}


def builder(cls):
    if cls not in _BUILT:
        _BUILT[cls] = cls()
    return _BUILT[cls]


def expected_taps(i, j, fr, fc, stride, dilation):
    return [(i * stride + ki * (dilation + 1), j * stride + kj * (dilation + 1))
            for ki in range(fr) for kj in range(fc)]


def formula(name, n, before, after, k, stride, dilation, out):
    eff = str(k) if dilation == 0 else f"({k} + {k - 1}*{dilation})"
    return f"{name} = ({n} + {before} + {after} - {eff}) // {stride} + 1 = {out}"


def check_values_written(panel):
    """The labels written in the cells are the drawn array's values, at the right cells."""
    A = drawn(panel)
    if not panel.labels:
        return
    assert panel.labels == [f"{v + 0.0:g}" for v in A.ravel()]
    offsets = panel.values.get_offsets()
    rows, cols = np.indices(A.shape)
    np.testing.assert_array_equal(offsets, np.column_stack([cols.ravel(), rows.ravel()]))
    assert len(panel.values.get_paths()) == A.size


def check_padding_and_window(fig, p, X_pad, taps):
    t, b, l, r = resolved_pad_2D(p["pad"], p["in_rows"], p["in_cols"], p["fr"], p["fc"],
                                 p["stride"], p["dilation"])
    rows, cols = X_pad.shape
    assert hatched_cells(fig.pad_bands) == {(rr, cc) for rr in range(rows) for cc in range(cols)
                                            if not (t <= rr < t + p["in_rows"] and l <= cc < l + p["in_cols"])}
    assert cells(fig.taps) == taps
    eff = (p["fr"] + (p["fr"] - 1) * p["dilation"], p["fc"] + (p["fc"] - 1) * p["dilation"])
    assert boxes(fig.window) == [(taps[0][0], taps[0][1]) + eff]
    return t, b, l, r


@given(params_2D())
def test_padding_figure_draws_pad2D_conv2D_and_the_receptive_field(p):
    fig = builder(PaddingFigure)
    fig.update(**p)
    X = drawn(fig.x)
    X4 = X[None, :, :, None]
    X_pad, _ = ct.pad2D(X4, p["pad"], (p["fr"], p["fc"]), p["stride"], p["dilation"])
    np.testing.assert_array_equal(drawn(fig.x_pad), X_pad[0, :, :, 0])
    np.testing.assert_array_equal(fig.arrays["X"][0, :, :, 0], X)
    Z = conv2D_loops(X4, fig.arrays["W"], p["stride"], p["pad"], p["dilation"])
    np.testing.assert_allclose(drawn(fig.z), Z[0, :, :, 0])
    assert drawn(fig.z).shape == out_2D(p)
    i, j = p["out_row"], p["out_col"]
    taps = expected_taps(i, j, p["fr"], p["fc"], p["stride"], p["dilation"])
    t, b, l, r = check_padding_and_window(fig, p, drawn(fig.x_pad), taps)
    assert cells(fig.x_taps) == [(rr - t, cc - l) for rr, cc in taps
                                 if 0 <= rr - t < p["in_rows"] and 0 <= cc - l < p["in_cols"]]
    assert cells(fig.cell) == [(i, j)]
    # the selected output is the sum over the highlighted taps of tap value x kernel weight
    W = fig.arrays["W"][:, :, 0, 0]
    by_hand = sum(drawn(fig.x_pad)[rr, cc] * W[k // p["fc"], k % p["fc"]] for k, (rr, cc) in enumerate(taps))
    assert drawn(fig.z)[i, j] == pytest.approx(by_hand)
    oh, ow = out_2D(p)
    assert fig.caption.get_text().split("\n") == [
        formula("out_rows", p["in_rows"], t, b, p["fr"], p["stride"], p["dilation"], oh),
        formula("out_cols", p["in_cols"], l, r, p["fc"], p["stride"], p["dilation"], ow)]
    assert fig.x_pad.title.get_text().startswith(f"X_pad {X_pad.shape}")
    assert fig.z.title.get_text().startswith(f"Z = conv2D(X, W) {Z.shape}")
    for panel in fig.panels:
        check_values_written(panel)


@given(params_2D())
def test_dilation_figure_draws_the_dilated_kernel_with_its_gaps(p):
    fig = builder(DilationFigure)
    fig.update(**p)
    d, W = p["dilation"], fig.arrays["W"][:, :, 0, 0]
    W_dil = np.zeros((p["fr"] + (p["fr"] - 1) * d, p["fc"] + (p["fc"] - 1) * d))
    W_dil[::d + 1, ::d + 1] = W                      # d zeros between taps, written out
    np.testing.assert_array_equal(drawn(fig.w_dil), W_dil)
    assert cells(fig.w_taps) == [(ki * (d + 1), kj * (d + 1))
                                 for ki in range(p["fr"]) for kj in range(p["fc"])]
    gaps = {(r, c) for r in range(W_dil.shape[0]) for c in range(W_dil.shape[1])
            if r % (d + 1) or c % (d + 1)}
    assert set(cells(fig.w_gaps)) == gaps and len(cells(fig.w_gaps)) == len(gaps)
    taps = expected_taps(p["out_row"], p["out_col"], p["fr"], p["fc"], p["stride"], d)
    check_padding_and_window(fig, p, drawn(fig.x_pad), taps)
    Z = conv2D_loops(fig.arrays["X"], fig.arrays["W"], p["stride"], p["pad"], d)
    np.testing.assert_allclose(drawn(fig.z), Z[0, :, :, 0])
    assert len(taps) == p["fr"] * p["fc"]           # only the taps, not a solid block


@given(params_2D(batch=True))
def test_im2col_figure_draws_im2col_of_the_drawn_input_and_the_cell_column(p):
    fig = builder(Im2colFigure)
    fig.update(**p)
    X, n = fig.arrays["X"], p["example"]
    X_pad, _ = ct.pad2D(X, p["pad"], (p["fr"], p["fc"]), p["stride"], p["dilation"])
    for c in range(3):
        assert fig.x_pad[c].ax.get_visible() == (c < p["in_ch"])
    for c in range(p["in_ch"]):
        np.testing.assert_array_equal(drawn(fig.x_pad[c]), X_pad[n, :, :, c])
    W_shape = (p["fr"], p["fc"], p["in_ch"], 1)
    X_col = drawn(fig.x_col)
    np.testing.assert_array_equal(X_col, im2col_loops(X, W_shape, p["pad"], p["stride"], p["dilation"]))
    np.testing.assert_array_equal(X_col, ct.im2col(X, W_shape, p["pad"], p["stride"], p["dilation"])[0])
    oh, ow = out_2D(p)
    i, j = p["out_row"], p["out_col"]
    column = (i * ow + j) * p["n_ex"] + n
    assert boxes(fig.column) == [(0, column, X_col.shape[0], 1)]
    taps = expected_taps(i, j, p["fr"], p["fc"], p["stride"], p["dilation"])
    for c in range(p["in_ch"]):
        assert cells(fig.taps[c]) == taps
    # the highlighted column holds exactly the highlighted taps, channel by channel
    np.testing.assert_array_equal(X_col[:, column],
                                  [X_pad[n, r, q, c] for c in range(p["in_ch"]) for r, q in taps])
    k = p["fr"] * p["fc"]
    assert boxes(fig.channel_blocks) == [(c * k, 0, k, X_col.shape[1]) for c in range(p["in_ch"])]
    size_X = p["n_ex"] * p["in_rows"] * p["in_cols"] * p["in_ch"]
    assert (f"X_col: {X_col.shape[0]} x {X_col.shape[1]} = {X_col.size} numbers; "
            f"X: {p['n_ex']} x {p['in_rows']} x {p['in_cols']} x {p['in_ch']} = {size_X} numbers; "
            f"ratio {X_col.size / size_X:.3g}") in fig.caption.get_text()


@given(params_2D(batch=True))
def test_gemm_figure_draws_W_col_times_X_col_reshaped_into_conv2D(p):
    fig = builder(GemmFigure)
    fig.update(**p)
    X, W, n = fig.arrays["X"], fig.arrays["W"], p["example"]
    fr, fc, ch, out_ch = W.shape
    W_col = np.zeros((out_ch, ch * fr * fc))
    for o in range(out_ch):
        for c in range(ch):
            for ki in range(fr):
                for kj in range(fc):
                    W_col[o, c * fr * fc + ki * fc + kj] = W[ki, kj, c, o]
    np.testing.assert_array_equal(drawn(fig.w_col), W_col)
    X_col = im2col_loops(X, W.shape, p["pad"], p["stride"], p["dilation"])
    np.testing.assert_array_equal(drawn(fig.x_col), X_col)
    np.testing.assert_allclose(drawn(fig.z_col), W_col @ X_col)
    Z = conv2D_loops(X, W, p["stride"], p["pad"], p["dilation"])
    np.testing.assert_allclose(drawn(fig.z), Z[n, :, :, 0])
    oh, ow = out_2D(p)
    i, j = p["out_row"], p["out_col"]
    column = (i * ow + j) * p["n_ex"] + n
    assert boxes(fig.w_block) == [(0, 0, out_ch, ch * fr * fc)]
    assert boxes(fig.column) == [(0, column, X_col.shape[0], 1)]
    assert boxes(fig.z_column) == [(0, column, out_ch, 1)]
    assert cells(fig.cell) == [(i, j)]
    # the highlighted Z_col column is the selected output cell, every output channel
    np.testing.assert_allclose(drawn(fig.z_col)[:, column], Z[n, i, j, :])


@given(params_1D())
def test_conv1d_figure_draws_pad1D_the_one_row_im2col_and_conv1D(p):
    fig = builder(Conv1DFigure)
    fig.update(**p)
    X, W = fig.arrays["X"], fig.arrays["W"]
    left, right = resolved_pad_1D(p["pad"], p["l_in"], p["fw"], p["stride"], p["dilation"])
    X_pad = np.zeros((p["l_in"] + left + right, p["in_ch"]))
    X_pad[left:left + p["l_in"]] = X[0]
    np.testing.assert_array_equal(drawn(fig.x_pad), X_pad.T)
    np.testing.assert_array_equal(drawn(fig.w), W[:, :, 0].T)
    l_out, t = out_1D(p), p["out_pos"]
    taps = [t * p["stride"] + k * (p["dilation"] + 1) for k in range(p["fw"])]
    X_col = drawn(fig.x_col)
    assert X_col.shape == (p["in_ch"] * p["fw"], l_out)
    for pos in range(l_out):                              # column pos: its taps, channel by channel
        where = [pos * p["stride"] + k * (p["dilation"] + 1) for k in range(p["fw"])]
        np.testing.assert_array_equal(X_col[:, pos], [X_pad[q, c] for c in range(p["in_ch"]) for q in where])
    np.testing.assert_allclose(drawn(fig.z), conv1D_loops(X, W, p["stride"], p["pad"], p["dilation"])[0].T)
    assert boxes(fig.taps) == [(0, q, p["in_ch"], 1) for q in taps]
    assert boxes(fig.column) == [(0, t, X_col.shape[0], 1)]
    assert cells(fig.cell) == [(0, t)]
    assert hatched_cells(fig.pad_bands) == {(c, q) for c in range(p["in_ch"]) for q in range(len(X_pad))
                                            if not left <= q < left + p["l_in"]}
    assert fig.caption.get_text() == formula("l_out", p["l_in"], left, right, p["fw"], p["stride"],
                                             p["dilation"], l_out)


@given(params_2D())
def test_col2im_figure_counts_windows_and_adds_gradients_back(p):
    fig = builder(Col2imFigure)
    fig.update(**p)
    X, W, dZ = fig.arrays["X"], fig.arrays["W"], fig.arrays["dZ"]
    s, d = p["stride"], p["dilation"]
    t, b, l, r = resolved_pad_2D(p["pad"], p["in_rows"], p["in_cols"], p["fr"], p["fc"], s, d)
    oh, ow = out_2D(p)
    counts = np.zeros((p["in_rows"], p["in_cols"]))
    for i in range(oh):
        for j in range(ow):
            for rr, cc in expected_taps(i, j, p["fr"], p["fc"], s, d):
                if 0 <= rr - t < p["in_rows"] and 0 <= cc - l < p["in_cols"]:
                    counts[rr - t, cc - l] += 1
    np.testing.assert_array_equal(drawn(fig.counts), counts)
    X_col_shape = (p["fr"] * p["fc"], oh * ow)
    np.testing.assert_array_equal(
        drawn(fig.counts), col2im_loops(np.ones(X_col_shape), X.shape, W.shape, p["pad"], s, d)[0, :, :, 0])
    dX, _ = conv2D_backward_loops(dZ, X, W, s, p["pad"], d)
    np.testing.assert_allclose(drawn(fig.dx), dX[0, :, :, 0], atol=1e-12)
    np.testing.assert_allclose(drawn(fig.dx), ct.col2im(drawn(fig.dx_col), X.shape, W.shape, p["pad"], s, d)[0, :, :, 0])
    np.testing.assert_array_equal(drawn(fig.dz), dZ[0, :, :, 0])
    i, j = p["out_row"], p["out_col"]
    inside = [(rr - t, cc - l) for rr, cc in expected_taps(i, j, p["fr"], p["fc"], s, d)
              if 0 <= rr - t < p["in_rows"] and 0 <= cc - l < p["in_cols"]]
    assert cells(fig.counts_taps) == inside and cells(fig.dx_taps) == inside
    assert cells(fig.cell) == [(i, j)]
    assert boxes(fig.column) == [(0, i * ow + j, p["fr"] * p["fc"], 1)]
    # dX_col's column of the cell is the kernel scaled by that cell's gradient
    np.testing.assert_allclose(drawn(fig.dx_col)[:, i * ow + j], W[:, :, 0, 0].ravel() * dZ[0, i, j, 0])


def test_a_rejected_combination_leaves_the_picture_and_marks_it_stale():
    fig = PaddingFigure(in_rows=5, in_cols=5, fr=3, fc=3, pad=0)
    before = drawn(fig.x_pad).copy()
    with pytest.raises(ValueError, match="kernel .* is larger than the padded input") as err:
        fig.update(fr=7)
    fig.mark_stale(str(err.value))
    np.testing.assert_array_equal(drawn(fig.x_pad), before)
    assert fig.status.get_text().startswith("not updated: conv2D: kernel (7x3")
    assert all(p.image.get_alpha() < 1 for p in fig.panels)
    fig.update(fr=2)
    assert fig.status.get_text() == "" and all(p.image.get_alpha() == 1 for p in fig.panels)
    assert drawn(fig.z).shape == (4, 3)                 # (5 - 2) // 1 + 1 rows, (5 - 3) // 1 + 1 cols


def test_an_unknown_parameter_is_a_TypeError_naming_it():
    fig = builder(Conv1DFigure)
    with pytest.raises(TypeError, match="Conv1DFigure: unknown parameter.*out_row.*known: l_in, fw"):
        fig.update(out_row=1)


def test_palette_has_one_distinct_colour_per_role_and_readable_text():
    assert len(set(palette.ROLES.values())) == len(palette.ROLES) == 5
    assert palette.text_color("#ffffff") == palette.TEXT_DARK
    assert palette.text_color("#000000") == palette.TEXT_LIGHT
    assert palette.text_color(palette.INPUT) == palette.TEXT_LIGHT     # dark blue cell
    assert palette.text_color(palette.RECEPTIVE_FIELD) == palette.TEXT_DARK


def test_padding_is_hatched_and_values_shrink_away_on_big_arrays():
    fig = Im2colFigure(in_rows=8, in_cols=8, in_ch=3, n_ex=3, fr=3, fc=3, pad=1)
    assert all(p.get_hatch() == palette.PAD_HATCH for p in fig.pad_bands[0].patches)
    assert fig.x_col.labels == []                      # 27 x 192 cells: too small for text
    fig.update(in_rows=3, in_cols=3, in_ch=1, n_ex=1, fr=2, fc=2, pad=0)
    assert len(fig.x_col.labels) == drawn(fig.x_col).size


def test_formula_doctests():
    """The captions' lines: conv_teach.formulas (shared with the views) and the scene readers."""
    import conv_teach.formulas as core
    import conv_teach.viz.formulas as formulas
    results = [doctest.testmod(core), doctest.testmod(formulas)]
    assert sum(r.attempted for r in results) >= 4 and all(r.failed == 0 for r in results)
    assert formulas.out_len_line is core.out_len_line and formulas.memory_line is core.memory_line


def test_the_figures_need_no_widgets():
    """viz draws with matplotlib alone; only conv_teach.views brings in ipywidgets."""
    import subprocess
    import sys
    code = ("import sys, conv_teach.viz as v; v.Im2colFigure(pad=1).fig.canvas.draw(); "
            "print('ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_draw_array_draws_the_given_array_its_padding_and_cells():
    """The lessons' static pictures: the image is the array, the numbers written are its
    values at their cells, the hatched bands cover exactly the pad border, the outlines the
    chosen cells, rows and columns are labelled from 0."""
    import matplotlib.pyplot as plt
    from conv_teach import pad2D
    from conv_teach.viz import draw_array
    from conv_teach.viz.grid import panel_of

    X = np.arange(6.).reshape(1, 2, 3, 1)
    X_pad, p = pad2D(X, (1, 0, 2, 1))                  # 3 x 6: one row on top, 2 cols left, 1 right
    fig, ax = plt.subplots(figsize=(6, 4))
    try:
        image = draw_array(ax, X_pad[0, :, :, 0], "X_pad", pad=p, cells=[(1, 2), (2, 4)])
        np.testing.assert_array_equal(image.get_array(), X_pad[0, :, :, 0])
        panel = panel_of(ax)
        assert panel.image is image
        check_values_written(panel)
        assert sorted(float(t) for t in panel.labels) == sorted(X_pad.ravel())
        border = {(r, c) for r in range(3) for c in range(6)} - {(r, c) for r in (1, 2) for c in (2, 3, 4)}
        assert hatched_cells(panel.pad_bands) == border
        assert all(b.get_hatch() == palette.PAD_HATCH for b in panel.pad_bands.patches)
        assert cells(panel.outlines) == [(1, 2), (2, 4)]
        assert all(b.get_facecolor()[3] == 0 for b in panel.outlines.patches)   # outline only
        assert panel.title.get_text() == "X_pad\n3 x 6"
        assert panel.row_labels == ["0", "1", "2"] and panel.col_labels == [str(c) for c in range(6)]
        assert [t.get_text() for t in ax.get_xticklabels()] == panel.col_labels
    finally:
        plt.close(fig)


def test_draw_array_hatches_the_gaps_of_a_dilated_kernel():
    import matplotlib.pyplot as plt
    from conv_teach.viz import draw_array
    from conv_teach.viz.grid import panel_of

    W = np.arange(1., 7.).reshape(1, 2, 3, 1).transpose(1, 2, 0, 3)     # (2, 3, 1, 1)
    W_dil = ct.dilate(W.transpose(2, 0, 1, 3), 1)[0, :, :, 0]          # (3, 5), zeros between taps
    gaps = [(r, c) for r in range(3) for c in range(5) if r % 2 or c % 2]
    fig, ax = plt.subplots()
    try:
        draw_array(ax, W_dil, "dilate(W)", role="kernel", gaps=gaps)
        panel = panel_of(ax)
        assert cells(panel.gaps) == gaps and all(W_dil[g] == 0 for g in gaps)
        assert all(b.get_hatch() == palette.PAD_HATCH for b in panel.gaps.patches)
        assert panel.pad_bands is None
    finally:
        plt.close(fig)


def test_signed_arrays_use_a_diverging_scale_centred_on_0_and_text_reads_on_every_cell():
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgb
    from conv_teach.viz import draw_array
    from conv_teach.viz.grid import panel_of

    W = np.array([[-1., 0., 3.], [2., -3., 1.]])
    fig, ax = plt.subplots()
    try:
        image = draw_array(ax, W, "W", role="kernel")
        assert image.get_clim() == (-3.0, 3.0)                   # symmetric: 0 in the middle
        rgb = lambda v: np.array(image.cmap(image.norm(v))[:3])
        np.testing.assert_allclose(rgb(0.0), 1.0, atol=0.01)     # 0 is white
        np.testing.assert_allclose(rgb(-3.0), to_rgb(palette.NEGATIVE), atol=0.01)
        np.testing.assert_allclose(rgb(3.0), to_rgb(palette.KERNEL), atol=0.01)
        # -1 is as far from white as +1 (not "empty", as on a one-hue scale)
        assert np.abs(rgb(-1.0) - 1).sum() > 0.15
        panel = panel_of(ax)
        for colour, value in zip(panel.values.get_facecolors(), W.ravel()):
            assert tuple(colour[:3]) == to_rgb(palette.text_color(rgb(value)))
        # a non-negative array keeps its one-hue white -> role colour scale
        image = draw_array(ax, np.array([[1., 4.]]), "X")
        assert image.get_clim() == (1.0, 4.0)
    finally:
        plt.close(fig)
