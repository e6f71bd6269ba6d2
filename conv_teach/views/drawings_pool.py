"""pool_view's drawing: max and average pooling, forward and backward, linked cell by cell.

Arrays (in drawing order): ``X``, ``X_pad`` (max pooling pads with ``-inf``, drawn "−∞" on
hatched cells; average pooling with 0), ``Z``, ``dZ`` (a gradient of small integers) and
``dX`` (the library's backward pass of ``dZ``).

Every map is computed with the library, never with index arithmetic written here:

* which ``X`` pixel each ``X_pad`` cell holds: :func:`conv_teach.windows.padded` of cell
  numbers + 1 (0: padding);
* which ``X_pad`` cells each window reads: :func:`conv_teach.windows.window_view` of the cell
  numbers of ``X_pad`` (the very view the pooling functions reduce);
* where each output's gradient goes (and, for max pooling, which cell its maximum is):
  :func:`conv_teach.maxpool2D_backward` / :func:`conv_teach.avgpool2D_backward` of a one-hot
  ``dZ`` per output cell (all of them at once, one example per output cell).
"""
import numpy as np

from .. import _validate as v
from .. import windows as w
from ..pool import avgpool2D, avgpool2D_backward, maxpool2D, maxpool2D_backward
from ..shapes import resolve_pad2D
from .drawings import Drawing, example_data, panel
from .maps import Links, cell_ids
from .readout import out_len_line

__all__ = ["pool_drawing", "pool_maps", "VERBS"]

#: (selected panel, lit panel) -> verb, for the sentence about a selected cell
VERBS = {
    ("Z", "X_pad"): "reads", ("Z", "X"): "reads", ("Z", "dZ"): "has its gradient in",
    ("Z", "dX"): "sends its gradient to",
    ("dZ", "X_pad"): "is the gradient of the window on", ("dZ", "X"): "is the gradient of the window on",
    ("dZ", "Z"): "is the gradient of", ("dZ", "dX"): "is routed to",
    ("X_pad", "Z"): "is read by", ("X_pad", "dZ"): "is read by the windows of",
    ("X_pad", "X"): "is the same pixel as", ("X_pad", "dX"): "has its gradient in",
    ("X", "Z"): "is read by", ("X", "dZ"): "is read by the windows of",
    ("X", "X_pad"): "is the same pixel as", ("X", "dX"): "has its gradient in",
    ("dX", "dZ"): "receives gradient from", ("dX", "Z"): "receives the gradient of",
    ("dX", "X"): "is the gradient of", ("dX", "X_pad"): "is the gradient of",
}


def pool_maps(X_shape, g, forward_backward, X, dZ_dtype=np.float64):
    """The provenance maps of one pooling, computed with the library.

    Parameters
    ----------
    X_shape : tuple (1, in_rows, in_cols, in_ch)
    g : conv_teach.windows.Geometry
    forward_backward : callable(dZ, X) -> dX
        The library's backward pass with the view's arguments bound.
    X : ndarray
        The input (the routing of max pooling depends on its values).

    Returns
    -------
    dict with
        ``pad_src`` (X_pad's shape, int64): the flat ``X`` index each ``X_pad`` cell holds, -1
        for padding; ``win`` (1, out_rows, out_cols, fr, fc, in_ch): the flat ``X_pad`` index
        of every tap of every window; ``route`` (Z.size, X.size) bool: ``route[z, x]`` when
        output ``z``'s gradient reaches pixel ``x`` (nonzero in the backward pass of a one-hot
        ``dZ``).
    """
    ids = cell_ids(X_shape, 1)
    X_pad_ids = w.padded(ids, g, fill=0)
    pad_src = np.array(X_pad_ids) - 1
    win = w.window_view(cell_ids(pad_src.shape), g)
    Z_shape = (1,) + tuple(g.out) + (X_shape[3],)
    n_out = int(np.prod(Z_shape))
    route = np.zeros((n_out, int(np.prod(X_shape))), bool)
    ch = X_shape[3]
    per_ch = int(np.prod(g.out))
    for c in range(ch):      # pooling reads one channel at a time: one batch of one-hots each
        one_hot = np.eye(per_ch).reshape((per_ch,) + tuple(g.out) + (1,))
        Xc = np.broadcast_to(X[..., c:c + 1], (per_ch,) + X_shape[1:3] + (1,))
        dX = forward_backward(one_hot, Xc)                      # (per_ch, rows, cols, 1)
        z = np.arange(per_ch) * ch + c                          # flat Z index of (i, j, c)
        hit = dX[..., 0].reshape(per_ch, -1) != 0               # which (r, q) of channel c
        x = np.arange(hit.shape[1]) * ch + c                    # flat X index of (r, q, c)
        route[np.ix_(z, x)] = hit
    return dict(pad_src=pad_src, win=win, route=route)


def pool_drawing(in_rows, in_cols, in_ch, fr, fc, stride, pad, dilation, mode, X=None):
    fn = "pool_view"
    mode = v.check_choice(fn, "mode", mode, ("max", "avg"))
    if X is None:
        X = example_data((1, in_rows, in_cols, in_ch), 0, 0, 10)
    k = (fr, fc)
    if mode == "max":
        lib = "maxpool2D"
        Z = maxpool2D(X, k, stride, pad, dilation)      # first: a rejected setting raises here

        def backward(dZ, Xb):
            return maxpool2D_backward(dZ, Xb, k, stride, pad, dilation)
    else:
        lib = "avgpool2D"
        if dilation:
            raise v.no_dilation(fn, lib)
        Z = avgpool2D(X, k, stride, pad)

        def backward(dZ, Xb):
            return avgpool2D_backward(dZ, Xb, k, stride, pad)
    pads = resolve_pad2D(lib, pad, X.shape[1:3], k, (stride, stride), (dilation, dilation))
    g = w.geometry(lib, X.shape[1:3], k, stride, pads, dilation)
    fill = -np.inf if mode == "max" else 0.0
    X_pad = np.array(w.padded(X, g, fill=fill, dtype=np.float64))
    dZ = example_data(Z.shape, 2, 1, 4)
    dX = backward(dZ, X)
    m = pool_maps(X.shape, g, backward, X)
    arrays = {"X": X, "X_pad": X_pad, "Z": Z, "dZ": dZ, "dX": dX}
    links, picks = _links(arrays, m, mode)
    pad_cells = np.nonzero(m["pad_src"].ravel() < 0)[0]
    panels = [panel("X", X, "nhwc"), panel("X_pad", X_pad, "nhwc", pad=pad_cells),
              panel("Z", Z, "nhwc"), panel("dZ", dZ, "nhwc"), panel("dX", dX, "nhwc")]
    return Drawing("pool_view", arrays, panels, [[["X", "X_pad", "Z"]], [["dZ", "dX"]]], links,
                   _readout(lib, mode, X, Z, g, pads, pad, stride, dilation, k, m), picks=picks,
                   pad_cells={"X_pad": set(pad_cells.tolist())}, verbs=VERBS, inputs={"X": X, "dZ": dZ})


def _links(arrays, m, mode):
    """The link table and (max pooling) the table of picked maxima."""
    shapes = {k: a.shape for k, a in arrays.items()}
    links, picks = Links(shapes), Links(shapes)
    pad_src, win, route = m["pad_src"].ravel(), m["win"], m["route"]
    inside = np.nonzero(pad_src >= 0)[0]
    links.add("X", pad_src[inside], "X_pad", inside, both=True)     # the same numbers
    pixels = np.arange(arrays["X"].size)
    links.add("X", pixels, "dX", pixels, both=True)
    links.add("X_pad", inside, "dX", pad_src[inside], both=True)    # a pixel and its gradient
    n_out = route.shape[0]
    taps = win.transpose(0, 1, 2, 5, 3, 4).reshape(n_out, -1)     # Z flat (i, j, c) -> its taps
    z = np.repeat(np.arange(n_out), taps.shape[1])
    xp = taps.ravel()
    for out in ("Z", "dZ"):
        links.add(out, z, "X_pad", xp, both=True)
        links.add(out, z, "X", pad_src[xp], both=True)
    links.add("Z", np.arange(n_out), "dZ", np.arange(n_out), both=True)
    rz, rx = np.nonzero(route)
    for out in ("Z", "dZ"):
        links.add(out, rz, "dX", rx, both=True)
    if mode == "max":     # the routed pixel of a max window is the maximum it picks
        x_pad_of = np.full(arrays["X"].size, -1)
        x_pad_of[pad_src[inside]] = inside
        for out in ("Z", "dZ"):
            picks.add(out, rz, "X", rx, both=True)
            picks.add(out, rz, "X_pad", x_pad_of[rx], both=True)
    return links.table(), (picks.table(own=False) if mode == "max" else None)


def _readout(lib, mode, X, Z, g, pads, pad, stride, dilation, k, m):
    t, b, l, r = pads
    call = f"{lib}(X, {k}, stride={stride}, pad={pad!r}" + (f", dilation={dilation})" if mode == "max" else ")")
    lines = [f"Z = {call}: shape {Z.shape}; pad resolved to (top, bottom, left, right) = {pads}",
             out_len_line("out_rows", X.shape[1], t, b, k[0], stride, dilation),
             out_len_line("out_cols", X.shape[2], l, r, k[1], stride, dilation)]
    if mode == "max":
        lines.append("max pooling pads with -inf, so padding never wins; the maximum a window "
                     "picks is marked; on a tie the first in window order wins (torch's rule)")
        lines.append(f"dX = {lib}_backward(dZ, X, ...): each dZ goes to its window's maximum, "
                     "every other cell of the window gets 0")
    else:
        lines.append(f"average pooling pads with 0 and divides by fr*fc = {k[0] * k[1]} "
                     "(count_include_pad=True, torch's default)")
        lines.append(f"dX = {lib}_backward(dZ, X, ...): each dZ is shared out, dZ/{k[0] * k[1]} "
                     "to every input cell its window reads")
    most = int(m["route"].sum(axis=0).max()) if m["route"].size else 0
    if most > 1:
        lines.append(f"windows overlap: up to {most} outputs send gradient to one pixel, and "
                     "dX adds them (never overwrites)")
    return lines
