"""``conv-teach animate``: one command from a convolution setting to a GIF, MP4, PNG frames or SVG.

    conv-teach animate --input 5 5 --kernel 3 3 --stride 2 --pad 1 --dilation 1 --out conv.gif

matplotlib is imported inside :func:`run` only, so ``conv-teach --help`` stays fast. A bad
setting prints the library's message and exits with status 2; an operating-system error
(read-only folder, full disk, ...) prints one line naming the path and the reason and exits
with status 1. Nothing is written then (no partial or temporary file is left), and an
existing file is replaced only with ``--force``.
"""
import os
import sys

from .. import _validate as v

EXIT_BAD_INPUT = 2
EXIT_OS_ERROR = 1


def _pad(text):
    """--pad items: an int, or 'same' / 'valid'."""
    if text in ("same", "valid"):
        return text
    try:
        return int(text)
    except ValueError:
        return text        # the library words the error (unknown pad 'full'; ...)


def add_arguments(parser):
    parser.add_argument("--input", type=int, nargs="+", default=[5, 5], metavar="N",
                        help="input rows and cols (one number for a square), default 5 5")
    parser.add_argument("--kernel", type=int, nargs="+", default=[3, 3], metavar="K",
                        help="kernel rows and cols (one number for a square), default 3 3")
    parser.add_argument("--stride", type=int, nargs="+", default=[1], metavar="S",
                        help="stride: one int or rows cols, default 1")
    parser.add_argument("--pad", type=_pad, nargs="+", default=[0], metavar="P",
                        help="padding: an int, 2 ints (rows cols), 4 ints (top bottom left right), "
                             "same or valid; default 0")
    parser.add_argument("--dilation", type=int, nargs="+", default=[0], metavar="D",
                        help="zeros inserted between kernel taps (torch's dilation - 1): one int "
                             "or rows cols, default 0")
    parser.add_argument("--transposed", action="store_true",
                        help="animate the transposed convolution (conv2D_transpose)")
    parser.add_argument("--output-padding", type=int, nargs="+", default=[0], metavar="OP",
                        help="with --transposed: extra output rows/cols, as torch's output_padding")
    parser.add_argument("--im2col", action="store_true",
                        help="add a panel with the im2col matrix filling column by column")
    parser.add_argument("--out", required=True,
                        help="output: NAME.gif, NAME.mp4 (needs ffmpeg), NAME.svg or NAME.png "
                             "(one still), or NAME without a suffix (a folder of PNG frames); "
                             "a description goes next to it, with .alt.txt appended "
                             "(conv.gif -> conv.gif.alt.txt)")
    parser.add_argument("--format", dest="fmt", choices=["gif", "mp4", "png", "svg"],
                        help="override the format guessed from --out")
    parser.add_argument("--fps", type=float, default=2.0, help="frames per second, default 2")
    parser.add_argument("--hold", type=int, default=2,
                        help="extra frames at the start and the end, default 2")
    parser.add_argument("--frame", type=int, default=None,
                        help="for a still: which frame (default: the first output cell)")
    parser.add_argument("--dpi", type=int, default=80, help="resolution, default 80")
    parser.add_argument("--force", action="store_true",
                        help="replace --out (and its .alt.txt) if it exists; without it an "
                             "existing file is never touched")


def _one_or_pair(values, name):
    if len(values) == 1:
        return values[0]
    if len(values) == 2:
        return tuple(values)
    raise v.cli_arity(name, values, "one number or two (rows cols)")


def _pad_arg(values):
    if len(values) == 1:
        return values[0]
    if len(values) in (2, 4):
        return tuple(values)
    raise v.cli_arity("pad", values, "an int, 2 ints (rows cols), 4 ints (top bottom left right), "
                                     "same or valid")


def _words(err):
    """The library's message without its own ``animate: `` prefix (the line already has one)."""
    text = str(err)
    return text[len("animate: "):] if text.startswith("animate: ") else text


def run(args):
    """Write the animation; print where it went. Returns the exit status."""
    try:
        from .writers import animate
        shape = _one_or_pair(args.input, "input")
        kernel = _one_or_pair(args.kernel, "kernel")
        result = animate(
            input_shape=shape, kernel=kernel, stride=_one_or_pair(args.stride, "stride"),
            pad=_pad_arg(args.pad), dilation=_one_or_pair(args.dilation, "dilation"),
            transposed=args.transposed, show_im2col=args.im2col, out=args.out, fps=args.fps,
            hold=args.hold, fmt=args.fmt, output_padding=_one_or_pair(args.output_padding, "output-padding"),
            frame=args.frame, dpi=args.dpi, force=args.force)
    except (ValueError, TypeError, FileExistsError, RuntimeError) as err:
        print(f"conv-teach animate: error: {_words(err)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as err:                  # worded by animate: the path and the reason
        print(f"conv-teach animate: error: {_words(err)}", file=sys.stderr)
        return EXIT_OS_ERROR
    w, h = result.size
    frames = f"{result.n_frames} frames"
    if result.fmt in ("png", "svg") and os.path.isfile(result.path):
        frames = f"one still of the animation's {result.n_frames} frames"   # not 29 in one PNG
    stored = len([c for c in result.frame_cells if c is not None]) + 2
    if result.fmt == "gif" and stored < result.n_frames:
        # pillow merges identical hold frames into one longer image: say so, or a teacher
        # counting the GIF's images finds fewer than we printed
        frames += f", stored as {stored} images with the holds merged"
    print(f"wrote {result.path} ({result.fmt}, {frames}, {w}x{h} px, "
          f"output {result.out_shape[0]}x{result.out_shape[1]}) and {result.alt_text_path}")
    return 0
