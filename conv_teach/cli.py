"""The ``conv-teach`` command (also ``python -m conv_teach``).

Each subcommand lives in its own module, which provides ``add_arguments(parser)`` and
``run(args) -> int`` and keeps heavy imports (matplotlib, nbformat, voila) inside ``run``
so that ``conv-teach --help`` stays fast. Add a subcommand by listing its module here.
"""
import argparse
import importlib
import sys

#: subcommand name -> (module, one-line help)
COMMANDS = {
    "lessons": ("conv_teach.lessons", "copy the lessons and exercises into a folder and open them in JupyterLab"),
    "present": ("conv_teach.present", "serve a lesson as an app with Voila (no code) for a projector"),
    "release": ("conv_teach.exercises.release", "make student notebooks from solution notebooks"),
    "animate": ("conv_teach.animation.cli", "animate a convolution setting to GIF, MP4, PNG frames or SVG"),
}


def build_parser():
    parser = argparse.ArgumentParser(
        prog="conv-teach", description="conv_teach: convolution arithmetic and im2col, made visible.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_) in COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        mod = importlib.import_module(module)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    return args._run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
