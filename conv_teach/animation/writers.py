"""Writing animations to files: GIF (pillow), MP4 (ffmpeg), PNG frames, SVG/PNG stills.

Files are written to temporary files in the target folder and renamed at the end, so an
error never leaves a partial file (an operating-system error -- a read-only folder, a full
disk -- becomes one OSError naming the path, after the temporary files are removed), and
an existing file is replaced only with ``force=True``. Next to every output goes a
plain-language description (``<name>.alt.txt``) for screen readers and slide notes.
"""
import os
import shutil
import tempfile
from collections import namedtuple

import numpy as np

from .. import _validate as v
from .drawing import Animator
from .plan import FN, alt_text, plan

__all__ = ["animate", "AnimationResult", "alt_text_path"]

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

FRAME_PREFIX = "frame_"
#: largest image side in pixels (a 4K slide is 3840 wide)
MAX_SIDE = 10000


# --- files ------------------------------------------------------------------------

def _format_of(out, fmt):
    suffix = os.path.splitext(str(out))[1].lower().lstrip(".")
    if fmt is not None:
        f = str(fmt).lower().lstrip(".")
        if f not in v.ANIMATION_FORMATS:
            raise v.bad_format(FN, fmt, out)
        if suffix in v.ANIMATION_FORMATS and suffix != f:
            raise v.format_contradicts_name(FN, f, out, suffix)
        return f
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
        None writes nothing (use :class:`conv_teach.animation.Animator` to draw frames yourself).
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
    dpi : int >= 10, default 80
        Resolution: text is 13 points, 14.4 pixels at 80 dpi. At most 10000 pixels a side.
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
    OSError
        An operating-system error while writing (read-only folder, full disk, ...): one
        line naming ``out`` and the reason; every temporary file has been removed and an
        existing ``out`` is unchanged.
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
    if out is not None and os.fspath(out) == "":
        raise v.empty_out(FN)
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
    anim = Animator(pl, show_im2col, dpi)         # lays the figure out; draws nothing yet
    if max(anim.size) > MAX_SIDE:
        raise v.image_too_large(FN, dpi, anim.size, MAX_SIDE, int(dpi * MAX_SIDE / max(anim.size)))
    if out is None:
        return AnimationResult(None, None, None, n_frames, list(pl.frames), anim.size, pl.out, text)

    path = os.fspath(out)
    is_dir = f == "png" and os.path.splitext(path)[1] == ""
    alt = alt_text_path(path)
    _check_targets(path, alt, force, is_dir)
    if f == "mp4":
        from matplotlib.animation import writers
        if not writers.is_available("ffmpeg"):
            raise v.ffmpeg_missing(FN)
    try:
        _write_all(anim, path, alt, f, is_dir, fps, frame, text)
    except OSError as err:                     # read-only folder, full disk, ...: one clear line
        raise v.write_failed(FN, path, err) from err
    return AnimationResult(path, alt, f, n_frames, list(pl.frames), anim.size, pl.out, text)


def _write_all(anim, path, alt, f, is_dir, fps, frame, text):
    """Write the animation and its description to temporary files beside ``path``, then move
    both in; on any error remove every temporary file and re-raise."""
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
