"""A view's settings as PyTorch and Keras code: the same layer, written in each framework.

``framework_code(kind, framework, **settings)`` returns Python source text. Run with the
numpy arrays ``X`` and ``W`` bound in its namespace (in this library's layouts: ``X`` is
``(n_ex, in_rows, in_cols, in_ch)`` NHWC, ``W`` is ``(fr, fc, in_ch, out_ch)``), it leaves the
library's result in ``Z`` as an NHWC numpy array. The backward pass (``kind='col2im'``) also
needs ``dZ`` and leaves the input gradient in ``dX`` (what :func:`conv_teach.conv2D_backward`
returns first).

What the translation has to know (each point is also a comment in the code it writes):

* torch is NCHW and its weight is ``(out_ch, in_ch, fr, fc)`` (``W.permute(3, 2, 0, 1)``);
  ``ConvTranspose2d``'s weight is ``(in_ch, out_ch, fr, fc)`` (``W.permute(2, 3, 0, 1)``).
  Keras is NHWC and its ``Conv2D``/``Conv1D`` kernel is ours; its ``Conv2DTranspose`` kernel is
  ``(fr, fc, out_ch, in_ch)``.
* ``dilation`` here counts the zeros between taps: torch's ``dilation`` and Keras's
  ``dilation_rate`` are ours plus one.
* Our ``'same'`` is TF's rule, so it is Keras's ``'same'`` (and Keras's ``'causal'`` is ours).
  torch's ``padding='same'`` is the same at stride 1 but refuses stride > 1, and torch pads
  symmetrically only: there the zeros are written as numbers, ``padding=(rows, cols)`` when
  symmetric, else an explicit ``F.pad`` and ``padding=0``. Keras has no
  explicit pad argument: numbers become a ``ZeroPadding2D``/``ZeroPadding1D`` layer and
  ``'valid'``.
* Keras refuses ``strides > 1`` together with ``dilation_rate > 1``. Nothing the library
  computes is left out, so the code takes an exact detour instead of refusing: a forward
  convolution runs at stride 1 and keeps every ``stride``-th output; a transposed one inserts
  ``stride - 1`` zeros between the input cells and runs at stride 1.
* A transposed convolution crops ``pad`` cells from its full output. torch's
  ``ConvTranspose2d`` does that for symmetric pads; any other pad (asymmetric, ``'same'``) and
  every Keras transposed convolution computes the full output and crops it with numpy.
* ``groups`` (grouped convolution) is torch's ``groups=`` (our grouped ``W`` permutes to its
  weight as a dense one does; ``ConvTranspose2d``'s ``out_channels`` is the total) and Keras's
  ``groups=`` on ``Conv2D``/``Conv1D`` (same kernel layout as ours). Depthwise
  (``groups == in_ch``) is Keras's ``DepthwiseConv2D``/``DepthwiseConv1D``, whose kernel
  ``(fr, fc, in_ch, depth_multiplier)`` is our ``W`` reshaped. Keras's ``Conv2DTranspose`` has
  no ``groups``: there the code builds the dense block-diagonal kernel
  (:func:`conv_teach.block_diagonal`), the same result with the zeros multiplied.
* Keras has no public gradient function that works on every backend, so its ``col2im`` code
  computes ``dX`` as what it is: the transposed convolution of ``dZ`` with the same kernel
  (the kernel layout ``Conv2DTranspose`` wants is then ``W`` itself), cropped by the pad.

Settings that the library rejects raise the library's own error (the code is generated only
for a valid combination).
"""
import numpy as np

from . import _validate as v
from .backward import conv2D_backward
from .conv import conv1D, conv2D
from .shapes import effective_kernel, resolve_pad1D, resolve_pad2D
from .transpose import conv2D_transpose, transpose_geometry

__all__ = ["framework_code", "KINDS", "FRAMEWORKS", "SETTINGS"]

FRAMEWORKS = ("torch", "keras")

_CONV2D = dict(in_rows=5, in_cols=5, in_ch=1, n_ex=1, out_ch=1, fr=3, fc=3, stride=1, pad=0,
               dilation=0, groups=1)
#: kind -> the settings it reads, with the value used when one is not given
SETTINGS = {
    "padding": _CONV2D, "dilation": _CONV2D, "im2col": _CONV2D, "gemm": _CONV2D,
    "groups": dict(_CONV2D, in_rows=4, in_cols=4, in_ch=4, out_ch=4, groups=2, pad=1),
    "conv1d": dict(l_in=8, n_ex=1, fw=3, in_ch=1, out_ch=1, stride=1, pad=0, dilation=0,
                   groups=1),
    "col2im": _CONV2D,
    "transpose": dict(_CONV2D, output_padding=0),
}
#: pool_view: max or average pooling (forward, and in torch the backward pass too)
SETTINGS["pool"] = dict(in_rows=4, in_cols=4, in_ch=1, n_ex=1, fr=2, fc=2, stride=2, pad=0,
                        dilation=0, mode="max")
KINDS = tuple(SETTINGS)


def framework_code(kind, framework, **settings):
    """The PyTorch or Keras code equal to one view's computation, as source text.

    Parameters
    ----------
    kind : str
        The view: ``'padding'``, ``'dilation'``, ``'im2col'``, ``'gemm'``, ``'groups'`` (all
        ``conv2D``),
        ``'conv1d'``, ``'col2im'`` (the backward pass, ``dX`` of ``conv2D``) or
        ``'transpose'`` (``conv2D_transpose``). A builder name such as ``'im2col_view'``
        is accepted too.
    framework : {'torch', 'keras'}
    **settings
        The view's controls (see :data:`SETTINGS`): sizes ``in_rows, in_cols, in_ch, n_ex,
        out_ch, fr, fc`` (1D: ``l_in, fw``), ``stride``, ``pad``, ``dilation`` (zeros between
        taps, as everywhere in this library), ``groups`` (``W`` is then
        ``(fr, fc, in_ch // groups, out_ch)``; transposed: ``(fr, fc, in_ch, out_ch // groups)``
        with ``out_ch`` the output's channels) and, for ``'transpose'``, ``output_padding``.

    Returns
    -------
    str
        Python source. Executed with numpy arrays ``X`` (NHWC; 1D: ``(n_ex, l_in, in_ch)``)
        and ``W`` (``(fr, fc, in_ch, out_ch)``; 1D: ``(fw, in_ch, out_ch)``) in its namespace
        (and ``dZ`` for ``'col2im'``), it sets ``Z`` (``dX`` for ``'col2im'``): a float64 numpy
        array in our layout, equal to the library's result. It imports ``torch`` or ``keras``
        itself; Keras code runs on any Keras 3 backend.

    Raises
    ------
    ValueError
        Unknown ``kind`` or ``framework``, or a combination the library rejects (its message).
    TypeError
        A setting the view does not have (the message lists the known ones).

    Examples
    --------
    >>> print(framework_code("padding", "torch", pad="same", stride=2).splitlines()[0])
    # Z = conv2D(X, W, stride=2, pad='same', dilation=0) in PyTorch
    """
    fn = "framework_code"
    kind = kind[:-5] if isinstance(kind, str) and kind.endswith("_view") else kind
    if kind not in SETTINGS:
        raise ValueError(f"{fn}: kind must be one of {', '.join(map(repr, KINDS))} (or the "
                         f"view's builder name), got {kind!r}.")
    if framework not in FRAMEWORKS:
        raise ValueError(f"{fn}: framework must be 'torch' or 'keras', got {framework!r}.")
    unknown = set(settings) - set(SETTINGS[kind])
    if unknown:
        raise v.unknown_controls(f"{fn}({kind!r})", unknown, list(SETTINGS[kind]))
    p = {**SETTINGS[kind], **settings}
    if kind == "pool":
        return _pool(framework, p)
    if kind == "conv1d":
        return _conv1d(framework, p)
    if kind == "transpose":
        return _transpose(framework, p)
    return _conv2d(framework, p, backward=kind == "col2im")


# ---- small helpers ----------------------------------------------------------------------
def _pair(fn, name, value, minimum):
    return v.check_pair(fn, name, value, minimum, 2)


def _lit(pair):
    """``(2, 2)`` -> ``'2'``; ``(1, 2)`` -> ``'(1, 2)'``: what one writes for a layer argument."""
    return str(pair[0]) if pair[0] == pair[1] else str(tuple(pair))


def _plus1(pair):
    return tuple(d + 1 for d in pair)


def _call(head, args, width=88):
    """``head(arg, ...)``, wrapped at ``width`` with the arguments aligned after the ``(``."""
    lines, line = [], f"{head}("
    for i, arg in enumerate(args):
        piece = arg + (")" if i == len(args) - 1 else ",")
        if len(line) + len(piece) + 1 > width and not line.endswith("("):
            lines.append(line)
            line = " " * (len(head) + 1) + piece
        else:
            line += ("" if line.endswith("(") else " ") + piece
    return "\n".join(lines + [line])


_T_HEAD = ["import numpy as np", "import torch", "import torch.nn.functional as F", ""]
_K_HEAD = ["import numpy as np", "import keras", ""]
_T_X = "x = torch.as_tensor(X, dtype=torch.float64).permute(0, 3, 1, 2)   # NHWC -> NCHW"
_T_OUT = ".permute(0, 2, 3, 1).numpy()   # NCHW -> NHWC"
_T_WEIGHT = ("with torch.no_grad():   # torch's weight is (out_ch, in_ch, fr, fc); ours is "
             "(fr, fc, in_ch, out_ch)\n    conv.weight.copy_(torch.as_tensor(W).permute(3, 2, 0, 1))")
_K_SET = "conv.set_weights([np.asarray(W, dtype='float64')])"
_T_WEIGHT_G = ("with torch.no_grad():   # torch's grouped weight is (out_ch, in_ch // groups, fr, "
               "fc); ours is (fr, fc, in_ch // groups, out_ch)\n"
               "    conv.weight.copy_(torch.as_tensor(W).permute(3, 2, 0, 1))")


def _groups_arg(p):
    """``['groups=g']`` for a grouped layer, nothing for an ordinary one."""
    return [f"groups={p['groups']}"] if p["groups"] > 1 else []


def _depthwise(p):
    return 1 < p["groups"] == p["in_ch"]


def _k_block_diagonal(p, transposed=False):
    """numpy lines building ``W_full``, the dense block-diagonal kernel of a grouped ``W``
    (:func:`conv_teach.block_diagonal`), for Keras's Conv2DTranspose, which has no groups."""
    g = p["groups"]
    cg, og = p["in_ch"] // g, p["out_ch"] // g
    if transposed:      # W (fr, fc, in_ch, out_ch // g): group k's input channels -> its outputs
        src = f"W[:, :, k*{cg}:(k+1)*{cg}, :]"
    else:               # W (fr, fc, in_ch // g, out_ch)
        src = f"W[..., k*{og}:(k+1)*{og}]"
    return ["# Keras's Conv2DTranspose has no groups: use the dense block-diagonal kernel",
            f"# ({g} groups; zeros where a group would read another group's channels)",
            f"W_full = np.zeros(W.shape[:2] + ({p['in_ch']}, {p['out_ch']}))",
            f"for k in range({g}):",
            f"    W_full[:, :, k*{cg}:(k+1)*{cg}, k*{og}:(k+1)*{og}] = {src}"]


def _crop(name, axes_start, axes_len, full, pads_needed):
    """numpy lines cropping ``name`` to ``[start:start+len]`` on its two middle axes, first
    appending the zero rows/columns that ``output_padding`` can ask for past the full output."""
    lines = []
    if any(pads_needed):
        lines.append(f"{name} = np.pad({name}, ((0, 0), (0, {pads_needed[0]}), "
                     f"(0, {pads_needed[1]}), (0, 0)))   # output_padding past the full "
                     "output: zeros, nothing writes there")
    (r0, c0), (nr, nc) = axes_start, axes_len
    lines.append(f"{name} = {name}[:, {r0}:{r0 + nr}, {c0}:{c0 + nc}, :]   # crop the pad "
                 f"(top, left) = ({r0}, {c0}) from the full {tuple(full)} output")
    return lines


def _text(lines, width=88):
    """The source text; a trailing comment that would make a line longer than ``width``
    goes on its own line above it (the view shows the code in a box of about that width)."""
    out, start = [], 0
    for block in lines:
        for line in block.split("\n"):
            if not (out and out[-1].rstrip().endswith((",", "("))):
                start = len(out)                 # the first line of a statement
            code, sep, comment = line.partition("   # ")
            if sep and len(line) > width:        # above the statement, at its indent
                first = out[start] if start < len(out) else code
                indent = first[:len(first) - len(first.lstrip())]
                out.insert(start, f"{indent}# {comment}")
                out.append(code)
            else:
                out.append(line)
    return "\n".join(out) + "\n"


# ---- conv2D and its backward pass -------------------------------------------------------
def _conv2d(framework, p, backward):
    fn = "framework_code"
    s = _pair(fn, "stride", p["stride"], 1)
    d = _pair(fn, "dilation", p["dilation"], 0)
    k = (p["fr"], p["fc"])
    shape = (p["n_ex"], p["in_rows"], p["in_cols"], p["in_ch"])
    g = p["groups"] = v.check_int(fn, "groups", p["groups"], 1)
    # the library's verdict (and its message) first, on zeros of the same shapes
    w_in = max(p["in_ch"] // g, 1)      # indivisible in_ch: the library says so first
    Z = conv2D(np.zeros(shape), np.zeros(k + (w_in, p["out_ch"])), s, p["pad"], d, g)
    pad = p["pad"]
    t, b, l, r = resolve_pad2D(fn, pad, shape[1:3], k, s, d)
    grp = f", groups={g}" if g > 1 else ""
    what = (f"dX, _ = conv2D_backward(dZ, X, W, stride={_lit(s)}, pad={pad!r}, "
            f"dilation={_lit(d)}{grp})" if backward else
            f"Z = conv2D(X, W, stride={_lit(s)}, pad={pad!r}, dilation={_lit(d)}{grp})")
    if framework == "torch":
        return _torch_conv2d(what, p, s, d, k, pad, (t, b, l, r), backward)
    if backward:
        return _keras_conv2d_backward(what, p, s, d, k, (t, b, l, r), Z.shape)
    return _keras_conv2d(what, p, s, d, k, pad, (t, b, l, r))


def _torch_padding(pad, s, tblr):
    """(padding argument, F.pad lines) for torch."""
    t, b, l, r = tblr
    if isinstance(pad, str) and pad == "same" and s == (1, 1):
        return "'same'", []    # TF's 'same' == torch's at stride 1 (extra zero bottom/right)
    if isinstance(pad, str) and pad == "valid":
        return "'valid'", []
    if t == b and l == r:
        if isinstance(pad, str):    # 'same' at stride > 1 that happens to be symmetric
            return _lit((t, l)), [f"# torch's padding='same' refuses stride > 1: TF's 'same' "
                                  f"pads (top, bottom, left, right) = {(t, b, l, r)} here"]
        return _lit((t, l)), []
    why = ("torch's padding='same' refuses stride > 1" if isinstance(pad, str)
           else "torch's padding is symmetric")
    return "0", [f"x = F.pad(x, ({l}, {r}, {t}, {b}))   # {why}: the zeros (top, bottom, left, "
                 f"right) = {(t, b, l, r)} made explicit; F.pad takes (left, right, top, bottom)"]


def _torch_conv2d(what, p, s, d, k, pad, tblr, backward):
    padding, pad_lines = _torch_padding(pad, s, tblr)
    layer = _call("conv = torch.nn.Conv2d", [
        str(p["in_ch"]), str(p["out_ch"]), f"kernel_size={k}", f"stride={_lit(s)}",
        f"padding={padding}", f"dilation={_lit(_plus1(d))}", *_groups_arg(p), "bias=False",
        "dtype=torch.float64"])
    notes = [ln for ln in pad_lines if ln.startswith("#")]
    pad_lines = [ln for ln in pad_lines if not ln.startswith("#")]
    lines = [f"# {what} in PyTorch", *_T_HEAD, *notes,
             layer + "   # torch's dilation = ours + 1",
             _T_WEIGHT_G if p["groups"] > 1 else _T_WEIGHT]
    if backward:
        lines += ["x_in = torch.tensor(np.asarray(X, dtype='float64').transpose(0, 3, 1, 2), "
                  "requires_grad=True)   # NHWC -> NCHW", "x = x_in", *pad_lines,
                  "z = conv(x)",
                  "z.backward(torch.as_tensor(dZ, dtype=torch.float64).permute(0, 3, 1, 2))"
                  "   # autograd runs the backward pass (col2im)",
                  "dX = x_in.grad" + _T_OUT]
    else:
        lines += [_T_X, *pad_lines, "with torch.no_grad():", "    Z = conv(x)" + _T_OUT]
    return _text(lines)


def _keras_conv2d(what, p, s, d, k, pad, tblr):
    detour = max(s) > 1 and max(d) > 0
    explicit = detour or not (isinstance(pad, str) or not any(tblr))
    padding = "'valid'" if explicit or not isinstance(pad, str) else repr(pad)
    common = [f"kernel_size={k}", f"strides={_lit((1, 1) if detour else s)}",
              f"padding={padding}", f"dilation_rate={_lit(_plus1(d))}"]
    if _depthwise(p):
        layer = _call("conv = keras.layers.DepthwiseConv2D", [
            *common, f"depth_multiplier={p['out_ch'] // p['in_ch']}", "use_bias=False",
            "dtype='float64'"])
        kernel = (f"conv.set_weights([np.asarray(W, dtype='float64').reshape({k[0]}, {k[1]}, "
                  f"{p['in_ch']}, {p['out_ch'] // p['in_ch']})])   # DepthwiseConv2D's kernel "
                  "(fr, fc, in_ch, depth_multiplier) is ours (fr, fc, 1, out_ch) reshaped")
    else:
        layer = _call("conv = keras.layers.Conv2D", [
            str(p["out_ch"]), *common, *_groups_arg(p), "use_bias=False", "dtype='float64'"])
        kernel = _K_SET + ("   # Keras's grouped kernel is (fr, fc, in_ch // groups, out_ch), "
                           "as ours" if p["groups"] > 1 else
                           "   # Keras's kernel is (fr, fc, in_ch, out_ch), as ours")
    lines = [f"# {what} in Keras 3 (any backend)", *_K_HEAD, "x = np.asarray(X, dtype='float64')"]
    if explicit:
        t, b, l, r = tblr
        lines.append(f"x = keras.layers.ZeroPadding2D((({t}, {b}), ({l}, {r})), dtype='float64')(x)"
                     "   # Keras has no explicit pad argument: zeros (top, bottom), (left, right)")
    if detour:
        lines.append(f"# Keras refuses strides > 1 with dilation_rate > 1: run at stride 1, "
                     f"keep the outputs at multiples of {_lit(s)}")
    lines += [layer + "   # NHWC; dilation_rate = ours + 1",
              "conv.build(x.shape)", kernel,
              "Z = keras.ops.convert_to_numpy(conv(x))"]
    if detour:
        lines.append(f"Z = Z[:, ::{s[0]}, ::{s[1]}, :]")
    return _text(lines)


def _keras_transposed(lines, src, filters, k, s, d, kernel_expr, full, start, length):
    """Keras lines: ``Conv2DTranspose`` of array expression ``src`` (valid: the full output),
    with the stride-and-dilation detour, then the numpy crop to ``[start:start+length]``."""
    detour = max(s) > 1 and max(d) > 0
    if detour:
        lines += [f"# Keras refuses strides > 1 with dilation_rate > 1: insert {s[0] - 1}/"
                  f"{s[1] - 1} zeros between input rows/columns and run at stride 1",
                  f"u = np.zeros(({src}.shape[0], ({src}.shape[1] - 1) * {s[0]} + 1, "
                  f"({src}.shape[2] - 1) * {s[1]} + 1, {src}.shape[3]))",
                  f"u[:, ::{s[0]}, ::{s[1]}, :] = {src}", ]
        src = "u"
    lines += [_call("conv = keras.layers.Conv2DTranspose", [
                  str(filters), f"kernel_size={k}", f"strides={_lit((1, 1) if detour else s)}",
                  "padding='valid'", "output_padding=0", f"dilation_rate={_lit(_plus1(d))}",
                  "use_bias=False", "dtype='float64'"])
              + "   # 'valid': the full output; dilation_rate = ours + 1",
              f"conv.build({src}.shape)",
              f"conv.set_weights([{kernel_expr}])   # Conv2DTranspose's kernel: "
              "(fr, fc, filters, in_channels)",
              f"Z = keras.ops.convert_to_numpy(conv({src}))"]
    need = tuple(max(st + n - f, 0) for st, n, f in zip(start, length, full))
    lines += _crop("Z", start, length, full, need)
    return lines


def _keras_conv2d_backward(what, p, s, d, k, tblr, z_shape):
    t, b, l, r = tblr
    eff = tuple(effective_kernel(kk, dd) for kk, dd in zip(k, d))
    full = tuple((n - 1) * ss + e for n, ss, e in zip(z_shape[1:3], s, eff))
    lines = [f"# {what} in Keras 3 (any backend)", *_K_HEAD,
             "# dX is the transposed convolution of dZ with the same kernel, cropped by the pad:",
             "# Conv2DTranspose's kernel (fr, fc, filters, in_channels) is W itself here",
             "dZ_ = np.asarray(dZ, dtype='float64')"]
    kernel = "np.asarray(W, dtype='float64')"
    if p["groups"] > 1:
        lines += _k_block_diagonal(p)
        kernel = "W_full"
    lines = _keras_transposed(lines, "dZ_", p["in_ch"], k, s, d, kernel, full, (t, l),
                              (p["in_rows"], p["in_cols"]))
    lines.append("dX = Z")
    return _text(lines)


# ---- conv2D_transpose -------------------------------------------------------------------
def _transpose(framework, p):
    fn = "framework_code"
    k = (p["fr"], p["fc"])
    grp = p["groups"] = v.check_int(fn, "groups", p["groups"], 1)
    if p["out_ch"] % grp:       # W's last axis is out_ch // groups: the output must split evenly
        raise v.groups_not_dividing(fn, grp, p["out_ch"], "the output channels", "out_ch")
    # the library's verdict (and its message) first, on zeros of the same shapes
    conv2D_transpose(np.zeros((p["n_ex"], p["in_rows"], p["in_cols"], p["in_ch"])),
                     np.zeros(k + (p["in_ch"], p["out_ch"] // grp)), p["stride"], p["pad"],
                     p["dilation"], p["output_padding"], grp)
    g, op, full = transpose_geometry(fn, (p["in_rows"], p["in_cols"]), k, p["stride"], p["pad"],
                                     p["dilation"], p["output_padding"])
    s, d, (t, b, l, r), out = g.stride, g.dilation, g.pad, g.out
    pad = p["pad"]
    what = (f"Z = conv2D_transpose(X, W, stride={_lit(s)}, pad={pad!r}, dilation={_lit(d)}, "
            f"output_padding={_lit(_pair(fn, 'output_padding', p['output_padding'], 0))}"
            + (f", groups={grp})" if grp > 1 else ")"))
    need = tuple(max(st + n - f, 0) for st, n, f in zip((t, l), out, full))
    if framework == "keras":
        lines = [f"# {what} in Keras 3 (any backend)", *_K_HEAD, "x = np.asarray(X, dtype='float64')"]
        kernel = "np.asarray(W, dtype='float64').transpose(0, 1, 3, 2)"
        if grp > 1:
            lines += _k_block_diagonal(p, transposed=True)
            kernel = "W_full.transpose(0, 1, 3, 2)"
        lines = _keras_transposed(lines, "x", p["out_ch"], k, s, d, kernel, full, (t, l), out)
        return _text(lines)
    direct = t == b and l == r and not isinstance(pad, str)
    args = [str(p["in_ch"]), str(p["out_ch"]), f"kernel_size={k}", f"stride={_lit(s)}"]
    args += ([f"padding={_lit((t, l))}", f"output_padding={_lit(op)}"] if direct
             else ["padding=0"])
    args += [f"dilation={_lit(_plus1(d))}", *_groups_arg(p), "bias=False", "dtype=torch.float64"]
    lines = [f"# {what} in PyTorch", *_T_HEAD,
             _call("conv = torch.nn.ConvTranspose2d", args) + "   # torch's dilation = ours + 1",
             "with torch.no_grad():   # ConvTranspose2d's weight is (in_ch, out_ch, fr, fc)"
             if grp == 1 else "with torch.no_grad():   # ConvTranspose2d's grouped weight is "
             "(in_ch, out_ch // groups, fr, fc); ours (fr, fc, in_ch, out_ch // groups)",
             "    conv.weight.copy_(torch.as_tensor(W).permute(2, 3, 0, 1))",
             _T_X, "with torch.no_grad():", "    Z = conv(x)" + _T_OUT]
    if not direct:
        why = "'same'" if isinstance(pad, str) else "an asymmetric pad"
        lines.insert(len(_T_HEAD) + 1, f"# torch's padding crops symmetrically only: for {why}, "
                     "compute the full output and crop it")
        lines += _crop("Z", (t, l), out, full, need)
    return _text(lines)


# ---- conv1D -----------------------------------------------------------------------------
def _conv1d(framework, p):
    fn = "framework_code"
    s = v.check_int(fn, "stride", p["stride"], 1)
    d = v.check_int(fn, "dilation", p["dilation"], 0)
    fw, pad = p["fw"], p["pad"]
    g = p["groups"] = v.check_int(fn, "groups", p["groups"], 1)
    conv1D(np.zeros((p["n_ex"], p["l_in"], p["in_ch"])),
           np.zeros((fw, max(p["in_ch"] // g, 1), p["out_ch"])), s, pad, d, g)
    lft, rgt = resolve_pad1D(fn, pad, p["l_in"], fw, s, d)
    what = f"Z = conv1D(X, W, stride={s}, pad={pad!r}, dilation={d}" + (
        f", groups={g})" if g > 1 else ")")
    if framework == "torch":
        if isinstance(pad, str) and pad == "same" and s == 1 or pad == "valid":
            padding, pad_lines = repr(pad), []
        elif lft == rgt and not (isinstance(pad, str) and pad == "causal"):
            padding, pad_lines = str(lft), []
        else:
            why = {"causal": "torch has no 'causal'", "same": "torch's padding='same' refuses "
                   "stride > 1"}.get(pad, "torch's padding is symmetric") if isinstance(pad, str) \
                else "torch's padding is symmetric"
            padding = "0"
            pad_lines = [f"x = F.pad(x, ({lft}, {rgt}))   # {why}: the zeros (left, right) "
                         "made explicit"]
        layer = _call("conv = torch.nn.Conv1d", [
            str(p["in_ch"]), str(p["out_ch"]), f"kernel_size={fw}", f"stride={s}",
            f"padding={padding}", f"dilation={d + 1}", *_groups_arg(p), "bias=False",
            "dtype=torch.float64"])
        lines = [f"# {what} in PyTorch", *_T_HEAD, layer + "   # torch's dilation = ours + 1",
                 "with torch.no_grad():   # torch's weight is (out_ch, in_ch, fw); ours is "
                 "(fw, in_ch, out_ch)" if g == 1 else "with torch.no_grad():   # torch's grouped "
                 "weight is (out_ch, in_ch // groups, fw); ours (fw, in_ch // groups, out_ch)",
                 "    conv.weight.copy_(torch.as_tensor(W).permute(2, 1, 0))",
                 "x = torch.as_tensor(X, dtype=torch.float64).permute(0, 2, 1)   # NLC -> NCL",
                 *pad_lines, "with torch.no_grad():",
                 "    Z = conv(x).permute(0, 2, 1).numpy()   # NCL -> NLC"]
        return _text(lines)
    detour = s > 1 and d > 0
    named = isinstance(pad, str) and not detour
    padding = repr(pad) if named else "'valid'"
    lines = [f"# {what} in Keras 3 (any backend)", *_K_HEAD, "x = np.asarray(X, dtype='float64')"]
    if not named and (lft or rgt):
        lines.append(f"x = keras.layers.ZeroPadding1D(({lft}, {rgt}), dtype='float64')(x)"
                     "   # Keras has no explicit pad argument: zeros (left, right)")
    if detour:
        lines.append(f"# Keras refuses strides > 1 with dilation_rate > 1: run at stride 1, "
                     f"keep the outputs at multiples of {s}")
    common = [f"kernel_size={fw}", f"strides={1 if detour else s}", f"padding={padding}",
              f"dilation_rate={d + 1}"]
    if _depthwise(p):
        m = p["out_ch"] // p["in_ch"]
        layer = _call("conv = keras.layers.DepthwiseConv1D", [
            *common, f"depth_multiplier={m}", "use_bias=False", "dtype='float64'"])
        kernel = (f"conv.set_weights([np.asarray(W, dtype='float64').reshape({fw}, {p['in_ch']}, "
                  f"{m})])   # DepthwiseConv1D's kernel is (fw, in_ch, depth_multiplier): ours "
                  "(fw, 1, out_ch) reshaped")
    else:
        layer = _call("conv = keras.layers.Conv1D", [
            str(p["out_ch"]), *common, *_groups_arg(p), "use_bias=False", "dtype='float64'"])
        kernel = _K_SET + ("   # Keras's grouped kernel is (fw, in_ch // groups, out_ch), as ours"
                           if g > 1 else "   # Keras's kernel is (fw, in_ch, out_ch), as ours")
    lines += [layer + "   # dilation_rate = ours + 1",
              "conv.build(x.shape)", kernel,
              "Z = keras.ops.convert_to_numpy(conv(x))"]
    if detour:
        lines.append(f"Z = Z[:, ::{s}, :]")
    return _text(lines)


# ---- pooling (pool_view) ------------------------------------------------------------------
def _pool(framework, p):
    """Max or average pooling as torch ``F.max_pool2d``/``F.avg_pool2d`` (forward and, with
    ``dZ`` bound, autograd's backward into ``dX``) or Keras ``MaxPooling2D``/``AveragePooling2D``
    (forward only). Padding torch cannot take (asymmetric, larger than half the window, 'same')
    and every Keras pad but max pooling's 'same' become explicit: ``-inf`` for max, zeros for
    average (counted, as ``count_include_pad=True``). Keras's pooling has no dilation: the
    window's taps are then strided slices and their maximum."""
    from .pool import avgpool2D, maxpool2D
    fn = "framework_code"
    mode = v.check_choice(fn, "mode", p["mode"], ("max", "avg"))
    s = _pair(fn, "stride", p["stride"], 1)
    d = _pair(fn, "dilation", p["dilation"], 0)
    k = (p["fr"], p["fc"])
    shape = (p["n_ex"], p["in_rows"], p["in_cols"], p["in_ch"])
    if mode == "avg" and any(d):
        raise v.no_dilation(fn, "avgpool2D")
    # the library's verdict (and its message) first
    Z = (maxpool2D(np.zeros(shape), k, s, p["pad"], d) if mode == "max"
         else avgpool2D(np.zeros(shape), k, s, p["pad"]))
    lib = "maxpool2D" if mode == "max" else "avgpool2D"
    t, b, l, r = resolve_pad2D(lib, p["pad"], shape[1:3], k, s, d)
    args = f"{k}, stride={_lit(s)}, pad={p['pad']!r}" + (f", dilation={_lit(d)}" if mode == "max" else "")
    what = f"Z = {lib}(X, {args})"
    fill = "-np.inf" if mode == "max" else "0"
    if framework == "torch":
        direct = t == b and l == r and t <= k[0] // 2 and l <= k[1] // 2
        pad_value = "-float('inf')" if mode == "max" else "0.0"
        pad_lines = [] if direct else [
            f"x = F.pad(x, ({l}, {r}, {t}, {b}), value={pad_value})"
            f"   # torch pads symmetrically and at most half the window: the pad (top, bottom, "
            f"left, right) = {(t, b, l, r)} made explicit" + (", -inf never wins" if mode == "max"
                                                                else ", zeros counted")]
        padding = _lit((t, l)) if direct else "0"
        if mode == "max":
            call = _call("z = F.max_pool2d", ["x", f"kernel_size={k}", f"stride={_lit(s)}",
                                               f"padding={padding}", f"dilation={_lit(_plus1(d))}"])
            call += "   # torch's dilation = ours + 1; pads with -inf"
        else:
            call = _call("z = F.avg_pool2d", ["x", f"kernel_size={k}", f"stride={_lit(s)}",
                                               f"padding={padding}", "count_include_pad=True"])
            call += "   # divides by fr*fc, padding counted as zeros"
        lines = [f"# {what} and dX = {lib}_backward(dZ, X, ...) in PyTorch", *_T_HEAD,
                 "x_in = torch.tensor(np.asarray(X, dtype='float64').transpose(0, 3, 1, 2), "
                 "requires_grad=True)   # NHWC -> NCHW", "x = x_in", *pad_lines, call,
                 "Z = z.detach()" + _T_OUT,
                 "z.backward(torch.as_tensor(dZ, dtype=torch.float64).permute(0, 3, 1, 2))"
                 "   # autograd routes dZ back",
                 "dX = x_in.grad" + _T_OUT]
        return _text(lines)
    layer = "MaxPooling2D" if mode == "max" else "AveragePooling2D"
    named_same = mode == "max" and p["pad"] == "same" and not any(d)
    lines = [f"# {what} in Keras 3 (any backend)", *_K_HEAD, "x = np.asarray(X, dtype='float64')"]
    if any((t, b, l, r)) and not named_same:
        lines.append(f"x = np.pad(x, ((0, 0), ({t}, {b}), ({l}, {r}), (0, 0)), constant_values={fill})"
                     "   # Keras pooling has no explicit pad: " +
                     ("-inf, which never wins" if mode == "max" else
                      "zeros, counted (Keras's 'same' would not count them)"))
    if any(d):
        oh, ow = Z.shape[1:3]
        lines += [f"# Keras's {layer} has no dilation: take the window's taps, dilation + 1 = "
                  f"{_lit(_plus1(d))} cells apart, as strided slices, and their maximum",
                  "taps = np.stack([x[:, ki:ki + {0}:{1}, kj:kj + {2}:{3}, :]".format(
                      s[0] * (oh - 1) + 1, s[0], s[1] * (ow - 1) + 1, s[1]),
                  f"                 for ki in range(0, {k[0] * (d[0] + 1)}, {d[0] + 1}) "
                  f"for kj in range(0, {k[1] * (d[1] + 1)}, {d[1] + 1})])",
                  "Z = keras.ops.convert_to_numpy(keras.ops.max(taps, axis=0))"]
        return _text(lines)
    lines += [_call(f"pool = keras.layers.{layer}", [f"pool_size={k}", f"strides={_lit(s)}",
                                                      f"padding={'same' if named_same else 'valid'!r}",
                                                      "dtype='float64'"])
              + ("   # Keras's 'same' max pooling = ours (padding never wins)" if named_same else "   # NHWC, as ours"),
              "Z = keras.ops.convert_to_numpy(pool(x))"]
    return _text(lines)
