"""The wheel carries the lessons and student exercises (not the solutions) and the right
metadata; the sdist carries everything the tests need (helpers, notebooks, config).

Builds both once with ``python -m build --no-isolation`` (setuptools from this environment,
no network) from a copy of the tree, so that no ``build/`` or ``*.egg-info`` lands in the
checkout (an egg-info on PYTHONPATH makes pip think conv_teach is installed). CI
(.ci/package_checks.sh) also installs the wheel in a clean environment."""
import email
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from conv_teach.lessons import lesson_files

ROOT = Path(__file__).resolve().parents[1]
pytest.importorskip("build")      # both in the `test` extra
pytest.importorskip("setuptools")


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    tree = tmp_path_factory.mktemp("tree") / "conv_teach"
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".hypothesis",
        "node_modules", ".ipynb_checkpoints", "screenshots", "results"))
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out),
                           str(tree)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return wheel, sdist


def test_wheel_ships_lessons_and_student_exercises_but_no_solutions(dist):
    wheel, _ = dist
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        shipped = sorted(n.removeprefix("conv_teach/notebooks/") for n in names
                         if n.endswith(".ipynb"))
        for rel in lesson_files(ROOT / "notebooks"):
            assert z.read(f"conv_teach/notebooks/{rel}") == (ROOT / "notebooks" / rel).read_bytes()
    expected = sorted([p.name for p in (ROOT / "notebooks").glob("*.ipynb")]
                      + ["exercises/" + p.name for p in (ROOT / "notebooks/exercises").glob("*.ipynb")])
    assert shipped == expected
    assert not [n for n in names if "solution" in n.lower()]
    assert not [n for n in names if n.startswith(("tests/", "notebooks/", "benchmarks/"))]
    assert "conv_teach/lessons.py" in names and "conv_teach/cli.py" in names


def test_wheel_metadata(dist):
    wheel, _ = dist
    with zipfile.ZipFile(wheel) as z:
        meta_name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        meta = email.message_from_bytes(z.read(meta_name))
        entry_points = z.read(meta_name.replace("METADATA", "entry_points.txt")).decode()
    classifiers = meta.get_all("Classifier")
    assert "Intended Audience :: Education" in classifiers
    assert "Framework :: Jupyter" in classifiers and "Topic :: Education" in classifiers
    assert "im2col" in meta["Keywords"] and "convolution" in meta["Keywords"]
    requires = meta.get_all("Requires-Dist")
    core = sorted(r for r in requires if "extra ==" not in r)
    assert core == sorted(["numpy>=1.24", "matplotlib>=3.7", "ipywidgets<9,>=7.7", "pillow>=9",
                           "anywidget>=0.9"]), core
    extras = set(meta.get_all("Provides-Extra"))
    assert {"lab", "present", "grade", "test", "dev"} <= extras
    assert re.search(r"^conv-teach = conv_teach\.cli:main$", entry_points, re.M)


def test_sdist_has_what_the_tests_and_the_wheel_build_need(dist):
    _, sdist = dist
    with tarfile.open(sdist) as t:
        top = t.getnames()[0].split("/")[0]
        names = {n.removeprefix(top + "/") for n in t.getnames()}
    needed = [p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("*.py")
              if "__pycache__" not in p.parts]
    needed += [p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").rglob("*")
               if p.is_file() and ".ipynb_checkpoints" not in p.parts]
    needed += ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE",
               "environment.yml", "Makefile", ".ci/run", ".ci/package_checks.sh", ".ci/smoke_test.py"]
    missing = sorted(set(needed) - names)
    assert not missing, f"the sdist lacks {missing}"
    assert "tests/conftest.py" in names and "tests/viz_cases.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
