"""Smoke test of an installed wheel without extras (run by .ci/package_checks.sh outside the
repository): the core dependencies are enough to import conv_teach, copy the lessons,
construct and update a view, run a checker and animate to a GIF.

Exits non-zero with a message on the first failure.
"""
import contextlib
import importlib.util
import io
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path


def say(*args):
    print("smoke:", *args, flush=True)


def conv_teach_command():
    """The installed console script, next to this Python."""
    script = Path(sysconfig.get_path("scripts")) / "conv-teach"
    assert script.exists(), f"the wheel installed no conv-teach script in {script.parent}"
    return [str(script)]


def main():
    import numpy as np

    import conv_teach as ct
    site = Path(sysconfig.get_path("purelib")).resolve()
    assert Path(ct.__file__).resolve().is_relative_to(site), (
        f"imported conv_teach from {ct.__file__}, not from the installed wheel in {site}")
    say("import conv_teach", ct.__version__, "from", Path(ct.__file__).parent)
    for extra in ("jupyterlab", "voila", "pytest", "nbval", "ipympl", "nbgrader"):
        assert importlib.util.find_spec(extra) is None, f"{extra} is installed without extras"

    tmp = Path(tempfile.mkdtemp(prefix="conv-teach-smoke."))
    try:
        # conv-teach lessons
        dest = tmp / "lessons"
        out = subprocess.run(conv_teach_command() + ["lessons", str(dest), "--no-open"],
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        names = sorted(str(p.relative_to(dest)) for p in dest.rglob("*.ipynb"))
        assert "00_start_here.ipynb" in names, names
        assert sum(n.startswith("exercises/ex") for n in names) >= 6, names
        assert not any("solution" in n for n in names), names
        again = subprocess.run(conv_teach_command() + ["lessons", str(dest)],
                               capture_output=True, text=True)
        assert again.returncode == 0 and f"Kept {len(names)} files" in again.stdout, again
        assert 'pip install "conv_teach[lab]"' in again.stdout, again.stdout   # no JupyterLab
        say(f"conv-teach lessons copied {len(names)} notebooks; a second run kept them all")

        # a view (conv_teach.views), constructed and updated; the shapes come from conv_out_shape
        from conv_teach.views import im2col_view
        view = im2col_view(pad=1)
        c = {k: w.value for k, w in view.controls.items()}
        view.controls["stride"].value = 2
        X_shape = (c["n_ex"], c["in_rows"], c["in_cols"], c["in_ch"])
        W_shape = (c["fr"], c["fc"], c["in_ch"], 1)
        Z_shape = ct.conv_out_shape(X_shape, W_shape, stride=2, pad=1, dilation=c["dilation"])
        n, rows, cols, _ = Z_shape
        assert view.arrays["Z"].shape == Z_shape, (view.arrays["Z"].shape, Z_shape, c)
        assert view.arrays["X_col"].shape == (c["in_ch"] * c["fr"] * c["fc"], rows * cols * n), (
            view.arrays["X_col"].shape, c)
        assert getattr(view.message, "value", view.message) == "", view.message
        say("views.im2col_view updated to stride 2: Z", view.arrays["Z"].shape,
            "X_col", view.arrays["X_col"].shape)

        # a checker, on the library's own pad2D
        from conv_teach.exercises import check_pad2D
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            check_pad2D(ct.pad2D)
        assert "pass" in printed.getvalue(), printed.getvalue()
        say("check_pad2D:", printed.getvalue().strip().splitlines()[-1])

        # conv-teach animate to a GIF
        gif = tmp / "conv.gif"
        out = subprocess.run(conv_teach_command() + ["animate", "--input", "5", "5", "--kernel", "3", "3",
                                                     "--stride", "2", "--pad", "1", "--dpi", "40",
                                                     "--out", str(gif)], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        from PIL import Image
        with Image.open(gif) as im:
            assert im.format == "GIF" and im.n_frames >= 9, (im.format, im.n_frames)   # 3x3 outputs
            say(f"conv-teach animate wrote a {im.n_frames}-frame GIF, {gif.stat().st_size} bytes")
        Z = ct.conv2D(np.ones((1, 5, 5, 1)), np.ones((3, 3, 1, 1)), 1, 1)   # stride 1, pad 1
        assert Z.shape == (1, 5, 5, 1) and Z[0, 2, 2, 0] == 9 and Z[0, 0, 0, 0] == 4, Z[0, :, :, 0]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    say("all passed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"smoke: FAILED: {e}", file=sys.stderr)
        sys.exit(1)
