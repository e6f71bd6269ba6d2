"""framework_code: the PyTorch and Keras code it writes computes what the library computes.

Each snippet is executed, as a user would run it, with random ``X``, ``W`` (and ``dZ``) in
the library's layouts bound in its namespace, and its ``Z`` (``dX`` for col2im) compared with
conv2D / conv1D / conv2D_transpose / conv2D_backward on the same arrays, over random settings
in the views' ranges (every pad form, strides, dilations, output_padding). The oracle is the
library here, which test_torch_oracle.py and the loop references check independently; what is
tested is the translation (layouts, dilation + 1, pads, crops, detours).

torch runs in this process (skipped without torch). Keras 3 runs in ONE subprocess on the
torch backend (``KERAS_BACKEND=torch``, ``KERAS_HOME`` in a temporary directory), so that
neither the backend choice nor Keras's config file leaks into other tests; skipped without
keras or torch. CI installs neither (see README, "Framework code"), so there both skip.
"""
import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, strategies as st
from numpy.testing import assert_allclose

from conv_teach import avgpool2D, conv1D, conv2D, conv2D_backward, conv2D_transpose, maxpool2D
from conv_teach.framework_code import KINDS, SETTINGS, framework_code
from conv_teach.framework_code import framework_code as _framework_code

HAVE_TORCH = importlib.util.find_spec("torch") is not None
HAVE_KERAS = HAVE_TORCH and importlib.util.find_spec("keras") is not None
needs_torch = pytest.mark.skipif(not HAVE_TORCH, reason="torch is not installed")
needs_keras = pytest.mark.skipif(not HAVE_KERAS, reason="keras (or torch, its backend here) "
                                 "is not installed")

#: every pad form the views offer (conv_teach.views.controls), plus a few more
PADS_2D = [0, 1, 2, 3, "same", "valid", (1, 2), (2, 1), (1, 0, 2, 0), (0, 1, 0, 1), (2, 0, 0, 1)]
PADS_1D = [0, 1, 2, 3, (1, 2), (2, 0), "same", "valid", "causal"]
PADS_T = [0, 1, 2, "same", "valid", (1, 2), (1, 0, 2, 0), (0, 2, 1, 1)]


@st.composite
def settings_of(draw, kind):
    """Random settings of view ``kind`` in the views' slider ranges."""
    p = dict(stride=draw(st.integers(1, 3)), dilation=draw(st.integers(0, 3)))
    if kind == "pool":
        p.update(mode=draw(st.sampled_from(["max", "avg"])), in_rows=draw(st.integers(1, 8)),
                 in_cols=draw(st.integers(1, 8)), in_ch=draw(st.integers(1, 3)),
                 n_ex=draw(st.integers(1, 2)), fr=draw(st.integers(1, 4)),
                 fc=draw(st.integers(1, 4)), pad=draw(st.sampled_from(PADS_2D)))
        if p["mode"] == "avg":
            p["dilation"] = 0
        return p
    if kind == "conv1d":
        p.update(l_in=draw(st.integers(1, 14)), fw=draw(st.integers(1, 5)),
                 in_ch=draw(st.integers(1, 3)), out_ch=draw(st.integers(1, 2)),
                 n_ex=draw(st.integers(1, 2)), pad=draw(st.sampled_from(PADS_1D)))
        return draw_groups(draw, p, kind)
    p.update(in_rows=draw(st.integers(1, 8)), in_cols=draw(st.integers(1, 8)))
    for k, n in (("fr", "in_rows"), ("fc", "in_cols")):   # mostly kernels that fit (some don't)
        p[k] = draw(st.integers(1, min(5, (p[n] + 3) // (p["dilation"] + 1) + 1)))
    if draw(st.integers(0, 3)) == 0:     # now and then (rows, cols) pairs, as the library takes
        p["stride"] = (p["stride"], draw(st.integers(1, 3)))
        p["dilation"] = (p["dilation"], draw(st.integers(0, 2)))
    p.update(
             in_ch=draw(st.integers(1, 3)), out_ch=draw(st.integers(1, 3)),
             n_ex=draw(st.integers(1, 2)))
    if kind == "transpose":
        p.update(pad=draw(st.sampled_from(PADS_T)), output_padding=draw(st.integers(0, 2)))
    else:
        p["pad"] = draw(st.sampled_from(PADS_2D))
    return draw_groups(draw, p, kind)


def draw_groups(draw, p, kind):
    """Mostly groups=1 for the ordinary views (the groups view always > 1): ``groups`` of 2..3
    with ``in_ch`` and ``out_ch`` its multiples (``in_ch == groups``: depthwise), now and then
    an ``in_ch`` it does not divide (the library's error)."""
    if draw(st.integers(0, 3 if kind != "groups" else 0)):
        return p
    g = draw(st.integers(2, 3))
    p.update(groups=g, in_ch=g * draw(st.integers(1, 2)), out_ch=g * draw(st.integers(1, 2)))
    if kind != "transpose" and draw(st.integers(0, 9)) == 0:
        p["in_ch"] += 1
    return p


def arrays_for(kind, p, seed):
    """Random X, W (and dZ) of the settings' shapes, and the library's answer on them."""
    rng = np.random.default_rng(seed)
    if kind == "pool":
        X = rng.standard_normal((p["n_ex"], p["in_rows"], p["in_cols"], p["in_ch"]))
        k = (p["fr"], p["fc"])
        if p["mode"] == "max":
            return dict(X=X), maxpool2D(X, k, p["stride"], p["pad"], p["dilation"])
        return dict(X=X), avgpool2D(X, k, p["stride"], p["pad"])
    g = p["groups"]
    w_in = max(p["in_ch"] // g, 1)          # W's input-channel axis: in_ch // groups
    if kind == "conv1d":
        X = rng.standard_normal((p["n_ex"], p["l_in"], p["in_ch"]))
        W = rng.standard_normal((p["fw"], w_in, p["out_ch"]))
        return dict(X=X, W=W), conv1D(X, W, p["stride"], p["pad"], p["dilation"], g)
    X = rng.standard_normal((p["n_ex"], p["in_rows"], p["in_cols"], p["in_ch"]))
    if kind == "transpose":                 # W (fr, fc, in_ch, out_ch // groups)
        W = rng.standard_normal((p["fr"], p["fc"], p["in_ch"], p["out_ch"] // g))
        return dict(X=X, W=W), conv2D_transpose(X, W, p["stride"], p["pad"], p["dilation"],
                                                 p["output_padding"], g)
    W = rng.standard_normal((p["fr"], p["fc"], w_in, p["out_ch"]))
    Z = conv2D(X, W, p["stride"], p["pad"], p["dilation"], g)
    if kind == "col2im":
        dZ = rng.standard_normal(Z.shape)
        return dict(X=X, W=W, dZ=dZ), conv2D_backward(dZ, X, W, p["stride"], p["pad"],
                                                      p["dilation"], g)[0]
    return dict(X=X, W=W), Z


def case(kind, p, framework, seed=0):
    """(code, arrays, expected), or None when the library rejects the settings: then
    framework_code must raise the library's own error (same type, same message)."""
    p = {**SETTINGS[kind], **p}
    try:
        arrays, expected = arrays_for(kind, p, seed)
    except (ValueError, TypeError) as err:
        with pytest.raises(type(err)) as got:
            framework_code(kind, framework, **p)
        assert str(got.value).split(": ", 1)[1] == str(err).split(": ", 1)[1]
        return None
    return framework_code(kind, framework, **p), arrays, expected


def result_name(kind):
    return "dX" if kind == "col2im" else "Z"


# ---- torch, in this process --------------------------------------------------------------
@needs_torch
@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data(), seed=st.integers(0, 2 ** 32 - 1))
def test_torch_code_computes_the_library_result(kind, data, seed):
    p = data.draw(settings_of(kind))
    c = case(kind, p, "torch", seed)
    if c is None:
        return
    code, arrays, expected = c
    ns = dict(arrays)
    if kind == "pool":          # its torch code runs the backward pass too
        ns["dZ"] = np.ones(expected.shape)
    exec(compile(code, f"<torch code for {kind} {p}>", "exec"), ns)
    got = ns[result_name(kind)]
    assert isinstance(got, np.ndarray) and got.shape == expected.shape, (code, got.shape)
    assert_allclose(got, expected, rtol=1e-10, atol=1e-10, err_msg=code)


@needs_torch
def test_torch_code_takes_the_routes_the_docs_promise():
    """The translation rules themselves, read from the code: dilation + 1, 'same' kept at
    stride 1, F.pad at stride 2 and for asymmetric pads, symmetric crop in ConvTranspose2d."""
    def framework_code(*a, **k):      # the text with its argument lists unwrapped
        return re.sub(r",\n *", ", ", _framework_code(*a, **k))
    c = framework_code("padding", "torch", pad="same", stride=1, dilation=2)
    assert "padding='same'" in c and "dilation=3" in c and "F.pad" not in c.split("\n", 1)[1]
    c = framework_code("padding", "torch", pad="same", stride=2, in_rows=6, in_cols=6)
    assert "padding=0" in c and "x = F.pad(x, (0, 1, 0, 1))" in c
    c = framework_code("padding", "torch", pad="same", stride=2, in_rows=5, in_cols=5)
    assert "padding=1," in c and "torch's padding='same' refuses stride > 1" in c
    assert "F.pad(" not in c
    c = framework_code("im2col", "torch", pad=(1, 0, 2, 0))
    assert "x = F.pad(x, (2, 0, 1, 0))" in c
    c = framework_code("transpose", "torch", pad=1, stride=2, output_padding=1)
    assert "padding=1, output_padding=1" in c and "crop" not in c
    c = framework_code("conv1d", "torch", pad="causal", fw=3, dilation=1)
    assert "x = F.pad(x, (4, 0))" in c


# ---- Keras 3 on the torch backend, in one subprocess ---------------------------------------
RUNNER = textwrap.dedent("""
    import json, sys
    import numpy as np
    import keras
    assert keras.backend.backend() == "torch", keras.backend.backend()
    for line in sys.stdin:
        job = json.loads(line)
        ns = {k: np.array(v, dtype=float) for k, v in job["arrays"].items()}
        try:
            exec(job["code"], ns)
            out = {"ok": np.asarray(ns[job["result"]]).tolist()}
        except Exception as err:
            out = {"error": f"{type(err).__name__}: {err}"}
        print(json.dumps(out), flush=True)
""")


@pytest.fixture(scope="module")
def keras_runner(tmp_path_factory):
    env = dict(os.environ, KERAS_BACKEND="torch", KERAS_HOME=str(tmp_path_factory.mktemp("keras")),
               OMP_NUM_THREADS="1")
    proc = subprocess.Popen([sys.executable, "-c", RUNNER], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)

    def run(code, arrays, result):
        job = dict(code=code, arrays={k: a.tolist() for k, a in arrays.items()}, result=result)
        proc.stdin.write(json.dumps(job) + "\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        if not line:
            pytest.fail("the Keras subprocess died: " + proc.stderr.read()[-3000:])
        out = json.loads(line)
        if "error" in out:
            pytest.fail(f"Keras code raised {out['error']}\n{code}")
        return np.array(out["ok"], dtype=float)

    yield run
    proc.stdin.close()
    proc.wait(timeout=60)


@needs_keras
@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data(), seed=st.integers(0, 2 ** 32 - 1))
def test_keras_code_computes_the_library_result(keras_runner, kind, data, seed):
    p = data.draw(settings_of(kind))
    c = case(kind, p, "keras", seed)
    if c is None:
        return
    code, arrays, expected = c
    got = keras_runner(code, arrays, result_name(kind))
    assert got.shape == expected.shape, (code, got.shape)
    assert_allclose(got, expected, rtol=1e-10, atol=1e-10, err_msg=code)


@needs_keras
@pytest.mark.parametrize("kind, p", [
    ("dilation", dict(stride=2, dilation=1, pad="same", in_rows=7, in_cols=6)),
    ("conv1d", dict(stride=3, dilation=2, pad="causal", l_in=14)),
    ("transpose", dict(stride=3, dilation=1, pad=(1, 0, 2, 0), output_padding=2)),
    ("col2im", dict(stride=2, dilation=2, pad=1, in_rows=8, in_cols=7)),
])
def test_keras_detour_where_keras_refuses_stride_with_dilation(keras_runner, kind, p):
    """Keras raises for strides > 1 with dilation_rate > 1; the code takes the exact detour."""
    code, arrays, expected = case(kind, p, "keras", seed=1)
    assert "strides=1" in code and "Keras refuses strides > 1" in code
    assert_allclose(keras_runner(code, arrays, result_name(kind)), expected, rtol=1e-10,
                    atol=1e-10, err_msg=code)


# ---- pure checks (no framework needed) ----------------------------------------------------
def test_every_kind_and_view_name_gives_code_for_both_frameworks():
    for kind in KINDS:
        for fw in ("torch", "keras"):
            for name in (kind, kind + "_view"):
                code = framework_code(name, fw)
                compile(code, name, "exec")          # valid Python
                assert code.startswith("# ")         # says what it computes


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="framework must be 'torch' or 'keras', got 'jax'"):
        framework_code("padding", "jax")
    with pytest.raises(ValueError, match="kind must be one of .*got 'pooling'"):
        framework_code("pooling", "torch")
    with pytest.raises(TypeError, match="unknown control.*output_padding.*the controls are"):
        framework_code("padding", "torch", output_padding=1)
    with pytest.raises(ValueError, match="conv2D"):   # the library's own verdict
        framework_code("padding", "keras", in_rows=2, fr=5, pad=0)


def test_settings_are_those_of_the_views():
    """Every control of every view is a setting here (so view.code can pass them all)."""
    pytest.importorskip("ipywidgets")
    from conv_teach.views.builders import DEFAULTS
    for name, controls in DEFAULTS.items():
        assert set(controls) <= set(SETTINGS[name[:-5]]), name


# ---- wired into the views (kernel side) ---------------------------------------------------
VIEW_CHANGES = {   # one control change per view that changes the code
    "padding_view": ("pad", "same"), "dilation_view": ("dilation", 2),
    "im2col_view": ("stride", 2), "gemm_view": ("out_ch", 3), "conv1d_view": ("pad", "same"),
    "col2im_view": ("pad", (1, 0, 2, 0)), "transpose_view": ("output_padding", 1),
    "pool_view": ("mode", "avg"),
}


@pytest.mark.parametrize("name", sorted(VIEW_CHANGES))
def test_view_code_follows_the_controls(name):
    pytest.importorskip("ipywidgets")
    pytest.importorskip("anywidget")
    import conv_teach.views as V
    view = getattr(V, name)()
    for fw in ("torch", "keras"):
        assert view.code(fw) == framework_code(name, fw, **view.values())
        shown = view.code_box.texts[fw].value          # what the view shows: where its arrays
        assert shown == shown.splitlines(keepends=True)[0] + view.code(fw)   # are, then the code
    before = {fw: view.code(fw) for fw in ("torch", "keras")}
    control, value = VIEW_CHANGES[name]
    view.controls[control].value = value
    for fw in ("torch", "keras"):
        assert view.code(fw) != before[fw]
        assert view.code(fw) == framework_code(name, fw, **{**view.values(), control: value})
        assert view.code_box.texts[fw].value.endswith(view.code(fw))


def test_view_with_rejected_settings_shows_no_code_and_code_raises():
    pytest.importorskip("ipywidgets")
    pytest.importorskip("anywidget")
    import conv_teach.views as V
    view = V.padding_view()
    view.controls["fr"].value = 5
    view.controls["in_rows"].value = 2
    view.controls["pad"].value = 0
    assert view.message                                   # the library rejected it ...
    with pytest.raises(ValueError, match="conv2D"):       # ... so there is no code
        view.code("torch")
    assert view.code_box.texts["keras"].value.startswith("# no code: these settings are rejected")


@pytest.mark.parametrize("name", sorted(VIEW_CHANGES))
def test_the_code_box_says_where_its_arrays_are(name):
    """Its first line binds the names the code reads to the view's ``inputs``, which are the
    arrays the view computed from: the library on them gives what the view draws."""
    pytest.importorskip("ipywidgets")
    pytest.importorskip("anywidget")
    import conv_teach as ct
    import conv_teach.views as V
    view = getattr(V, name)()
    first = view.code_box.texts["torch"].value.splitlines()[0]
    names = [n for n in ("X", "W", "dZ") if n in view.inputs]
    assert first.startswith(f"{', '.join(names)} = " + ", ".join(f'view.inputs["{n}"]' for n in names))
    v, i = view.values(), view.inputs
    if name in ("padding_view", "dilation_view", "im2col_view", "gemm_view"):
        Z = ct.conv2D(i["X"], i["W"], v.get("stride", 1), v["pad"], v.get("dilation", 0))
        assert_allclose(Z, view.arrays["Z"], rtol=1e-12)
    elif name == "conv1d_view":
        assert_allclose(ct.conv1D(i["X"], i["W"], v["stride"], v["pad"], v["dilation"]),
                        view.arrays["Z"], rtol=1e-12)


@needs_torch
@pytest.mark.parametrize("name", sorted(VIEW_CHANGES))
def test_the_code_box_pasted_into_a_lesson_gives_the_views_result(name):
    """What the sixth tester did in lesson 08: paste the box's whole text into a cell of a
    notebook that has its own X and W (the network's). It must compute what the view draws."""
    import conv_teach.views as V
    view = getattr(V, name)()
    ns = {"view": view, "X": np.ones((8, 12, 12, 1)), "W": np.ones((3, 3, 1, 8)),
          "dZ": np.ones((8, 12, 12, 8))}
    exec(view.code_box.texts["torch"].value, ns)
    outs = [k for k in ("Z", "dX") if k in view.arrays and k in ns]
    assert outs, f"{name}: the code left none of the view's results"
    for k in outs:
        assert_allclose(ns[k], view.arrays[k], rtol=1e-12, atol=1e-12)


@needs_torch
def test_view_code_runs_on_the_views_own_arrays():
    """The code shown under the default gemm view reproduces the Z it draws."""
    import conv_teach.views as V
    view = V.gemm_view(stride=2, pad="same", dilation=1)
    from conv_teach.views.drawings import example_data     # the X the view draws, unpadded
    v = view.values()
    ns = dict(X=example_data((v["n_ex"], v["in_rows"], v["in_cols"], v["in_ch"]), 0, 0, 10),
              W=view.arrays["W"])
    exec(view.code("torch"), ns)
    assert_allclose(ns["Z"], view.arrays["Z"], rtol=1e-12)


def test_docstring_examples():
    import doctest

    import conv_teach.framework_code as mod
    result = doctest.testmod(mod)
    assert result.attempted >= 1 and result.failed == 0


# ---- groups (grouped and depthwise convolution) ---------------------------------------------
GROUPED = [   # (kind, settings, what the Keras code must use)
    ("groups", dict(), "keras.layers.Conv2D("),
    ("groups", dict(in_ch=3, out_ch=6, groups=3, stride=2, dilation=1, pad="same"),
     "keras.layers.DepthwiseConv2D("),
    ("conv1d", dict(in_ch=4, out_ch=6, groups=2, pad="causal"), "keras.layers.Conv1D("),
    ("conv1d", dict(in_ch=2, out_ch=4, groups=2, stride=2), "keras.layers.DepthwiseConv1D("),
    ("col2im", dict(in_ch=4, out_ch=2, groups=2, stride=2, pad=1), "W_full"),
    ("transpose", dict(in_ch=4, out_ch=6, groups=2, stride=2, pad=1, output_padding=1), "W_full"),
    ("transpose", dict(in_ch=3, out_ch=3, groups=3, pad="same", stride=2), "W_full"),
]


@needs_torch
@pytest.mark.parametrize("kind, p, _", GROUPED)
def test_torch_code_passes_groups(kind, p, _):
    code, arrays, expected = case(kind, p, "torch", seed=2)
    assert f"groups={p.get('groups', 2)}," in re.sub(r",\n *", ", ", code)
    ns = dict(arrays)
    exec(code, ns)
    assert_allclose(ns[result_name(kind)], expected, rtol=1e-10, atol=1e-10, err_msg=code)


@needs_keras
@pytest.mark.parametrize("kind, p, layer", GROUPED)
def test_keras_code_for_groups_uses_the_honest_layer(keras_runner, kind, p, layer):
    """groups= on Conv2D/Conv1D, DepthwiseConv2D/1D for depthwise, and for the transposed
    convolution (Keras's Conv2DTranspose has no groups) the dense block-diagonal kernel."""
    code, arrays, expected = case(kind, p, "keras", seed=3)
    assert layer in code, code
    assert_allclose(keras_runner(code, arrays, result_name(kind)), expected, rtol=1e-10,
                    atol=1e-10, err_msg=code)


def test_groups_settings_are_checked_with_the_library_words():
    with pytest.raises(ValueError, match=re.escape(
            "conv2D: groups=3 must divide the input channels, but X has 4")):   # the library's verdict
        framework_code("groups", "torch", groups=3)
    with pytest.raises(TypeError, match=re.escape(
            "framework_code: groups must be an int >= 1, got 2.0 (float).")):
        framework_code("conv1d", "keras", groups=2.0, in_ch=2, out_ch=2)
    with pytest.raises(ValueError, match=re.escape(
            "framework_code: groups=2 must divide the output channels, got 3 (out_ch=3)")):
        framework_code("transpose", "torch", in_ch=2, out_ch=3, groups=2)


@needs_keras
@pytest.mark.parametrize("p", [dict(pad="causal", in_ch=2, out_ch=2, groups=2, l_in=7, fw=3),
                               dict(pad="causal", in_ch=2, out_ch=4, groups=2, l_in=6, fw=2,
                                    dilation=1)])
def test_keras_causal_depthwise_conv1d_pads_by_hand(keras_runner, p):
    """Keras's DepthwiseConv1D refuses padding='causal' (Conv1D takes it): the code pads the
    left by hand and runs 'valid' (found by hypothesis when groups= arrived)."""
    code, arrays, expected = case("conv1d", p, "keras", seed=3)
    assert "DepthwiseConv1D" in code and "padding='causal'" not in code
    assert_allclose(keras_runner(code, arrays, "Z"), expected, rtol=1e-10, atol=1e-10,
                    err_msg=code)
