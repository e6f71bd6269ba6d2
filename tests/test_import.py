"""``import conv_teach`` stays light: no matplotlib, no ipywidgets until viz/widgets are touched."""
import subprocess
import sys


def test_import_does_not_pull_in_matplotlib_or_ipywidgets():
    code = ("import sys, conv_teach; "
            "heavy = sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules); "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"import conv_teach imported: {out.stdout.strip()}"


def test_public_api_is_importable():
    import conv_teach
    for name in conv_teach.__all__:
        assert getattr(conv_teach, name) is not None, name
