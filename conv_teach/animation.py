"""Animations of a convolution for slides: GIF, MP4, PNG frames or SVG/PNG stills, pure Python.

``animate(...)`` draws the kernel window sliding over the padded input (padding hatched,
only the dilated kernel's taps highlighted) while the output fills in, one frame per
output cell, optionally with the im2col matrix filling column by column. With
``transposed=True`` it animates :func:`conv_teach.conv2D_transpose` as the equivalent
stride-1 convolution of the zero-inserted input (see :mod:`conv_teach.animation_plan`).

Frames are drawn with matplotlib's Agg canvas (no pyplot, no GUI backend) by moving the
same artists from frame to frame; :class:`Animator` exposes them so that tests can
check what is drawn without looking at pixels. Files are written to a temporary file in
the target folder and renamed at the end, so an error never leaves a partial file, and an
existing file is replaced only with ``force=True``. Next to every output goes a
plain-language description (``<name>.alt.txt``) for screen readers and slide notes.
"""
import os
import shutil
import tempfile
from collections import namedtuple

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from . import _validate as v
from .animation_plan import FN, INPUT, PADDING, ZERO, alt_text, plan, taps, title
from .viz.palette import INPUT as C_INPUT
from .viz.palette import OUTPUT as C_OUTPUT
from .viz.palette import PAD_HATCH
from .viz.palette import PADDING as C_PADDING
from .viz.palette import RECEPTIVE_FIELD as C_FIELD

__all__ = ["animate", "Animator", "AnimationResult"]

#: what :func:`animate` returns
AnimationResult = namedtuple("AnimationResult", [
    "path",           # the file or folder written (None when out is None)
    "alt_text_path",  # the description next to it (None when out is None)
    "fmt",            # 'gif', 'mp4', 'png' or 'svg'
    "n_frames",       # output cells + 2 * hold
    "frame_cells",    # per frame: the output cell (i, j) drawn, or None for a hold frame
    "size",           # (width, height) in pixels
    "out_shape",      # (out_rows, out_cols)
    "alt_text",       # the description itself
])

ZERO_HATCH = ".."
FRAME_PREFIX = "frame_"
CELL_INCHES = 0.36
LABEL_LIMIT = 12      # write input numbers in the cells when the grid is at most this big
IM2COL_LIMIT = 64     # the im2col panel for at most this many output cells


def _light(colour, amount=0.45):
    """``colour`` mixed with white, so that black text stays readable on it."""
    rgb = np.array(to_rgb(colour))
    return tuple(1 - amount * (1 - rgb))


def _grid_axes(ax, rows, cols, name):
    ax.set_xlim(-0.05, cols + 0.05)
    ax.set_ylim(rows + 0.05, -0.05)          # row 0 on top, as in an array
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(name, fontsize=9)


class Animator:
    """The figure of one animation and a ``draw(k)`` that shows frame ``k``.

    Parameters
    ----------
    pl : Plan
        From :func:`conv_teach.animation_plan.plan`.
    show_im2col : bool
    dpi : int

    Attributes
    ----------
    fig : matplotlib.figure.Figure
    tap_patches : list of Rectangle
        One per kernel tap, at grid ``(col, row)``; visible only on frames of an output cell.
    out_patches : dict (i, j) -> Rectangle
        Output cells; filled (facecolor OUTPUT) once computed.
    col_patches, col_texts : dict (tap, column) -> artist
        The im2col panel (when shown).
    """

    def __init__(self, pl, show_im2col=False, dpi=80):
        self.pl, self.dpi = pl, dpi
        self.show_im2col = bool(show_im2col) and pl.out[0] * pl.out[1] <= IM2COL_LIMIT
        gr, gc = pl.kinds.shape
        orr, occ = pl.out
        n_taps, n_out = pl.kernel[0] * pl.kernel[1], orr * occ
        widths = [gc, occ] + ([n_out] if self.show_im2col else [])
        rows = max(gr, orr, n_taps if self.show_im2col else 0)
        width = max((sum(widths) + 1.2 * len(widths)) * CELL_INCHES, 4.2)
        head = title(pl)
        if len(head) * 0.062 > width:          # two lines rather than a cut-off title
            cut = head.index(", stride")
            head = head[:cut] + ",\n" + head[cut + 2:]
        lines = head.count("\n") + pl.transposed        # extra title lines
        height = (rows + 2.4 + 0.5 * lines) * CELL_INCHES
        self.fig = Figure(figsize=(width, height), dpi=dpi)
        FigureCanvasAgg(self.fig)
        axes = self.fig.subplots(1, len(widths), gridspec_kw=dict(width_ratios=widths))
        top = 1 - (1.5 + 0.5 * lines) / (height / CELL_INCHES)
        self.fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=top, wspace=0.15)
        self.fig.suptitle(head, fontsize=8)
        self.ax_grid, self.ax_out = axes[0], axes[1]
        grid_name = ("zero-inserted input\n(kernel rotated 180\u00b0)" if pl.transposed
                     else "padded input")
        self._draw_grid(grid_name)
        self._draw_output()
        if self.show_im2col:
            self.ax_col = axes[2]
            self._draw_im2col()

    # --- static parts -------------------------------------------------------------
    def _draw_grid(self, name):
        pl, ax = self.pl, self.ax_grid
        gr, gc = pl.kinds.shape
        _grid_axes(ax, gr, gc, name)
        write = max(gr, gc) <= LABEL_LIMIT
        for r in range(gr):
            for c in range(gc):
                kind = pl.kinds[r, c]
                if kind == INPUT:
                    ax.add_patch(Rectangle((c, r), 1, 1, facecolor=_light(C_INPUT), edgecolor="k", lw=0.6))
                    if write:
                        ax.text(c + 0.5, r + 0.5, str(pl.labels[r, c]), ha="center", va="center", fontsize=7)
                elif kind == PADDING:
                    ax.add_patch(Rectangle((c, r), 1, 1, facecolor="white", edgecolor=C_PADDING,
                                           hatch=PAD_HATCH, lw=0.6))
                else:
                    ax.add_patch(Rectangle((c, r), 1, 1, facecolor="white", edgecolor=C_PADDING,
                                           hatch=ZERO_HATCH, lw=0.6, ls=":"))
        (fr, fc), (dr, dc) = pl.kernel, pl.dilation
        self.window = Rectangle((0, 0), (fc - 1) * (dc + 1) + 1, (fr - 1) * (dr + 1) + 1, fill=False,
                                edgecolor=C_FIELD, lw=1.2, ls="--", gid="window", visible=False)
        ax.add_patch(self.window)
        self.tap_patches = []
        for _ in range(fr * fc):
            p = Rectangle((0, 0), 1, 1, facecolor=C_FIELD, alpha=0.55, edgecolor=C_FIELD, lw=2.2,
                          gid="tap", visible=False)
            ax.add_patch(p)
            self.tap_patches.append(p)

    def _draw_output(self):
        pl, ax = self.pl, self.ax_out
        _grid_axes(ax, pl.out[0], pl.out[1], "output")
        self.out_patches = {}
        for i in range(pl.out[0]):
            for j in range(pl.out[1]):
                p = Rectangle((j, i), 1, 1, facecolor="white", edgecolor="k", lw=0.6)
                ax.add_patch(p)
                self.out_patches[(i, j)] = p
        self.current = Rectangle((0, 0), 1, 1, fill=False, edgecolor=C_FIELD, lw=2.5,
                                 gid="current", visible=False)
        ax.add_patch(self.current)

    def _draw_im2col(self):
        pl, ax = self.pl, self.ax_col
        n_taps, n_out = pl.X_col.shape
        _grid_axes(ax, n_taps, n_out, "im2col: X_col")
        self.col_patches, self.col_texts = {}, {}
        for t in range(n_taps):
            for k in range(n_out):
                p = Rectangle((k, t), 1, 1, facecolor="white", edgecolor="0.75", lw=0.4)
                ax.add_patch(p)
                self.col_patches[(t, k)] = p
                self.col_texts[(t, k)] = ax.text(k + 0.5, t + 0.5, "", ha="center", va="center",
                                                 fontsize=6)
        self.col_current = Rectangle((0, 0), 1, n_taps, fill=False, edgecolor=C_FIELD, lw=2.0,
                                     gid="column", visible=False)
        ax.add_patch(self.col_current)

    # --- per frame ----------------------------------------------------------------
    def draw(self, k):
        """Show frame ``k`` (moves and recolours artists; does not render)."""
        pl = self.pl
        cell = pl.frames[k]
        cells = [(i, j) for i in range(pl.out[0]) for j in range(pl.out[1])]
        if cell is None:     # a hold frame: nothing at the start, everything at the end
            done = 0 if k < pl.hold else len(cells)
        else:
            done = cells.index(cell) + 1
        for n, c in enumerate(cells):
            self.out_patches[c].set_facecolor(C_OUTPUT if n < done else "white")
        show = cell is not None
        self.window.set_visible(show)
        self.current.set_visible(show)
        for p in self.tap_patches:
            p.set_visible(show)
        if show:
            rc = taps(pl, cell)
            self.window.set_xy((rc[0][1], rc[0][0]))
            for p, (r, c) in zip(self.tap_patches, rc):
                p.set_xy((c, r))
            self.current.set_xy((cell[1], cell[0]))
        if self.show_im2col:
            self._fill_columns(done, cells.index(cell) if show else None)

    def _fill_columns(self, done, current):
        pl = self.pl
        n_taps, n_out = pl.X_col.shape
        tap_rc = [taps(pl, c) for c in [(i, j) for i in range(pl.out[0]) for j in range(pl.out[1])][:done]]
        for k in range(n_out):
            for t in range(n_taps):
                patch, text = self.col_patches[(t, k)], self.col_texts[(t, k)]
                if k < done:
                    kind = pl.kinds[tap_rc[k][t]]
                    patch.set_facecolor(_light(C_INPUT) if kind == INPUT else "white")
                    patch.set_hatch(None if kind == INPUT else (PAD_HATCH if kind == PADDING else ZERO_HATCH))
                    text.set_text(str(pl.X_col[t, k]))
                else:
                    patch.set_facecolor("white")
                    patch.set_hatch(None)
                    text.set_text("")
        self.col_current.set_visible(current is not None)
        if current is not None:
            self.col_current.set_xy((current, 0))

    def _moving(self):
        """The artists that change from frame to frame, in drawing order (texts on top)."""
        moving = [self.window] + self.tap_patches + list(self.ax_grid.texts)
        moving += list(self.out_patches.values()) + [self.current]
        if self.show_im2col:
            moving += list(self.col_patches.values()) + list(self.col_texts.values()) + [self.col_current]
        return moving

    def render_rgb(self, k):
        """Frame ``k`` as an RGB uint8 array of shape (height, width, 3).

        The still parts (grid, hatching, titles) are rendered once and kept as a
        background; each frame restores it and draws only the artists that move (blitting).
        """
        self.draw(k)
        canvas = self.fig.canvas
        if getattr(self, "_background", None) is None:
            moving = self._moving()
            for a in moving:                  # a full draw without them gives the background
                a.set_animated(True)
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            for a in moving:
                a.set_animated(False)
        canvas.restore_region(self._background)
        for a in self._moving():
            a.axes.draw_artist(a)
        return np.asarray(canvas.buffer_rgba())[:, :, :3].copy()

    def render_rgb_full(self, k):
        """Frame ``k`` drawn from scratch (no blitting); the reference for :meth:`render_rgb`."""
        self.draw(k)
        self.fig.canvas.draw()
        return np.asarray(self.fig.canvas.buffer_rgba())[:, :, :3].copy()

    @property
    def size(self):
        """(width, height) in pixels."""
        w, h = self.fig.canvas.get_width_height()
        return int(w), int(h)


# --- files ------------------------------------------------------------------------

def _format_of(out, fmt):
    if fmt is not None:
        f = str(fmt).lower().lstrip(".")
        if f not in v.ANIMATION_FORMATS:
            raise v.bad_format(FN, fmt, out)
        return f
    suffix = os.path.splitext(str(out))[1].lower().lstrip(".")
    if suffix == "":
        return "png"                       # a folder of PNG frames
    if suffix in v.ANIMATION_FORMATS:
        return suffix
    raise v.bad_format(FN, fmt, out)


def _is_frames_dir(path):
    """A folder holding only what animate writes (frames and a description), or nothing."""
    return all(n.startswith(FRAME_PREFIX) and n.endswith(".png") for n in os.listdir(path))


def alt_text_path(path):
    """``conv.gif`` -> ``conv.gif.alt.txt``; a frames folder ``frames`` -> ``frames.alt.txt``."""
    return os.fspath(path).rstrip("/\\") + ".alt.txt"


def _check_targets(path, alt, force, is_dir):
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise v.bad_number(FN, "out", os.fspath(path), f"in an existing folder ({parent} does not exist)")
    for target in (path, alt):
        if os.path.lexists(target):
            if not force:
                raise v.output_exists(FN, target)
            if os.path.isdir(target) and not (is_dir and target == path and _is_frames_dir(target)):
                raise v.not_our_directory(FN, target)
            if os.path.isfile(target) and is_dir and target == path:
                raise v.output_exists(FN, target)


def _write_gif(anim, tmp, fps):
    from PIL import Image
    ms = 1000.0 / fps
    pl = anim.pl
    last = len(pl.frames) - 1
    # identical hold frames are stored once with a longer duration (pillow would merge them anyway)
    keys = [k for k in range(len(pl.frames)) if pl.frames[k] is not None or k in (0, last)]
    rgb = [Image.fromarray(anim.render_rgb(k)) for k in keys]
    # one palette for every frame (from the finished picture, which holds every colour), no
    # dithering: unchanged pixels keep their index, so pillow stores only what changed
    both = Image.new("RGB", (rgb[0].width, 2 * rgb[0].height))
    both.paste(rgb[len(rgb) // 2], (0, 0))
    both.paste(rgb[-1], (0, rgb[0].height))
    palette = both.quantize(colors=64, dither=Image.Dither.NONE)
    images = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in rgb]
    durations = [int(round(ms * (pl.hold if pl.frames[k] is None else 1))) for k in keys]
    images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:], duration=durations,
                   loop=0, optimize=True)   # optimize: unchanged pixels become transparent, far smaller


def _write_mp4(anim, tmp, fps):
    from matplotlib.animation import FFMpegWriter
    writer = FFMpegWriter(fps=fps)
    with writer.saving(anim.fig, tmp, anim.dpi):
        for k in range(len(anim.pl.frames)):
            anim.draw(k)
            writer.grab_frame()


def _write_frames(anim, tmp_dir):
    from PIL import Image
    n = len(anim.pl.frames)
    width = max(3, len(str(n - 1)))
    for k in range(n):
        Image.fromarray(anim.render_rgb(k)).save(os.path.join(tmp_dir, f"{FRAME_PREFIX}{k:0{width}d}.png"))


def _write_still(anim, tmp, fmt, frame):
    anim.draw(frame)
    anim.fig.savefig(tmp, format=fmt, dpi=anim.dpi)


def _publish_mode(path, is_dir):
    """mkstemp/mkdtemp make private files; give the result the usual permissions (umask)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, (0o777 if is_dir else 0o666) & ~umask)


def _replace(tmp, path, is_dir):
    _publish_mode(tmp, is_dir)
    if is_dir and os.path.isdir(path):
        shutil.rmtree(path)               # checked above: only frames we wrote, and force=True
    os.replace(tmp, path)


def animate(input_shape=(5, 5), kernel=(3, 3), stride=1, pad=0, dilation=0, transposed=False,
            show_im2col=False, out=None, fps=2, hold=2, fmt=None, *, output_padding=0,
            frame=None, dpi=80, force=False, max_frames=400):
    """Animate a convolution (or a transposed one) and write it to a file for slides.

    Parameters
    ----------
    input_shape : int or (in_rows, in_cols), default (5, 5)
        Spatial size of the input. Non-square is fine.
    kernel : int or (fr, fc), default (3, 3)
    stride : int or (rows, cols), default 1
    pad : int, 2-tuple, 4-tuple, 'same' or 'valid', default 0
        As for :func:`conv_teach.conv2D` (for ``transposed``, :func:`conv_teach.conv2D_transpose`:
        cells cropped from the output).
    dilation : int or (rows, cols), default 0
        Zeros between kernel taps (torch's dilation minus one); the gaps stay visible.
    transposed : bool, default False
        Animate :func:`conv_teach.conv2D_transpose`, drawn as the equivalent stride-1
        convolution of the zero-inserted input with the kernel rotated by 180 degrees.
    show_im2col : bool, default False
        Add the im2col matrix, filling column by column (up to 64 output cells).
    out : str or path, optional
        Where to write. ``.gif`` (pillow), ``.mp4`` (needs ffmpeg), ``.svg`` or ``.png``
        (one still, frame ``frame``), or a name without a suffix: a new folder of PNG frames.
        None writes nothing (use :class:`Animator` to draw frames yourself).
    fps : float > 0, default 2
        Frames per second (GIF and MP4).
    hold : int >= 0, default 2
        Extra frames showing the empty setting at the start and the finished output at the end.
    fmt : {'gif', 'mp4', 'png', 'svg'}, optional
        Overrides the format guessed from ``out``.
    output_padding : int or (rows, cols), default 0
        Only with ``transposed`` (as torch's ``output_padding``).
    frame : int, optional
        Which frame a still shows; default the first output cell's frame.
    dpi : int, default 80
        Resolution: a 5x5 input with a 3x3 kernel is 336 x 227 pixels at 80.
    force : bool, default False
        Replace an existing output (and its ``.alt.txt``). Without it an existing file is
        never touched. A folder is replaced only if it holds nothing but frames.
    max_frames : int, default 400
        Refuse settings with more output cells than this (too long for a slide).

    Returns
    -------
    AnimationResult
        ``path``, ``alt_text_path``, ``fmt``, ``n_frames`` (= output cells + 2 * hold),
        ``frame_cells`` (the output cell of each frame, None for hold frames), ``size``
        (width, height) in pixels, ``out_shape`` and ``alt_text``.

    Raises
    ------
    ValueError, TypeError
        The library's message for a bad setting (e.g. a kernel larger than the padded input),
        a bad format, fps or frame.
    FileExistsError
        If ``out`` or its ``.alt.txt`` exists and ``force`` is False.
    RuntimeError
        For MP4 without ffmpeg (the message names the alternatives).

    Notes
    -----
    In a GIF the identical hold frames are stored once with a longer duration, so pillow
    reports ``output cells + 2`` images (``+ 0`` with ``hold=0``) whose durations add up to
    ``n_frames / fps`` seconds. PNG frames and MP4 hold every frame.

    Examples
    --------
    >>> r = animate((5, 5), (3, 3), stride=2, pad=1, hold=1)      # nothing written
    >>> r.n_frames, r.frame_cells[1], r.out_shape
    (11, (0, 0), (3, 3))
    """
    f = None if out is None else _format_of(out, fmt)
    try:
        fps = float(fps)
    except (TypeError, ValueError):
        raise v.bad_number(FN, "fps", fps, "a number > 0") from None
    if not fps > 0 or not np.isfinite(fps):
        raise v.bad_number(FN, "fps", fps, "a number > 0")
    dpi = v.check_int(FN, "dpi", dpi, 10)
    pl = plan(input_shape, kernel, stride, pad, dilation, transposed, output_padding, hold, max_frames)
    n_frames = len(pl.frames)
    if frame is None:
        frame = pl.hold
    frame = v.check_int(FN, "frame", frame, 0)
    if frame >= n_frames:
        raise v.bad_number(FN, "frame", frame, f"a frame number below {n_frames}")
    still = frame if f == "svg" or (f == "png" and os.path.splitext(os.fspath(out))[1] != "") else None
    text = alt_text(pl, f or "gif", n_frames, fps, show_im2col, still)
    if out is None:
        anim = Animator(pl, show_im2col, dpi)
        return AnimationResult(None, None, None, n_frames, list(pl.frames), anim.size, pl.out, text)

    path = os.fspath(out)
    is_dir = f == "png" and os.path.splitext(path)[1] == ""
    alt = alt_text_path(path)
    _check_targets(path, alt, force, is_dir)
    if f == "mp4":
        from matplotlib.animation import writers
        if not writers.is_available("ffmpeg"):
            raise v.ffmpeg_missing(FN)
    anim = Animator(pl, show_im2col, dpi)
    folder = os.path.dirname(os.path.abspath(path))
    base = os.path.basename(path.rstrip("/\\"))
    tmp_paths = []
    try:
        if is_dir:
            tmp = tempfile.mkdtemp(prefix=f".{base}.", suffix=".tmp", dir=folder)
            tmp_paths.append(tmp)
            _write_frames(anim, tmp)
        else:
            fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=f".tmp.{f}", dir=folder)
            os.close(fd)
            tmp_paths.append(tmp)
            if f == "gif":
                _write_gif(anim, tmp, fps)
            elif f == "mp4":
                _write_mp4(anim, tmp, fps)
            else:
                _write_still(anim, tmp, f, frame)
        fd, tmp_alt = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp.txt", dir=folder)
        tmp_paths.append(tmp_alt)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        _replace(tmp_paths[0], path, is_dir)
        _publish_mode(tmp_alt, False)
        os.replace(tmp_alt, alt)
        tmp_paths = []
    finally:
        for t in tmp_paths:                     # an error: leave nothing half-written behind
            if os.path.isdir(t):
                shutil.rmtree(t, ignore_errors=True)
            elif os.path.lexists(t):
                os.remove(t)
    return AnimationResult(path, alt, f, n_frames, list(pl.frames), anim.size, pl.out, text)
