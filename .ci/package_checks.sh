#!/usr/bin/env bash
# Package checks, called by .ci/run before `make test` (pip's cache is shared with
# `make test`, so the wheels downloaded here are reused there):
#  1. build the wheel and the sdist, `twine check --strict` them;
#  2. install the wheel ALONE (no extras, every dependency resolved by pip) into a clean
#     virtualenv and run .ci/smoke_test.py there: proves the core dependencies suffice;
#  3. install the wheel with the `test` extra and ipywidgets 7.7.1 (Colab's) into another
#     virtualenv (in parallel with 2) and run the kernel-side view tests (tests/test_views*.py) there;
#  4. collect the tests of the unpacked sdist (so the sdist carries every test helper);
#  5. an editable install still finds the lessons in notebooks/.
# Usage: bash .ci/package_checks.sh   (PYTHON=python3.11 to choose the interpreter)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
PYTHON=${PYTHON:-$(command -v python3.11 >/dev/null 2>&1 && echo python3.11 || echo python3)}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/conv-teach-package.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PIP=(-m pip install -q --disable-pip-version-check --progress-bar off)
step() { echo; echo "== package checks: $* (${SECONDS}s)"; }

step "build wheel and sdist"
"$PYTHON" -m venv "$WORK/tools"
# setuptools in the tools venv and --no-isolation: no throw-away build environments
"$WORK/tools/bin/python" "${PIP[@]}" build twine "setuptools>=77"
"$WORK/tools/bin/python" -m build --no-isolation --outdir "$WORK/dist" "$REPO" >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log"; exit 1; }
rm -rf "$REPO/build"       # setuptools' staging folder (ignored by git; keep the clone clean)
WHEEL=$(ls "$WORK"/dist/*.whl)
SDIST=$(ls "$WORK"/dist/*.tar.gz)
ls -l "$WORK/dist"
"$WORK/tools/bin/twine" check --strict "$WHEEL" "$SDIST"

# 3's installation runs in the background while 2 installs and runs
"$PYTHON" -m venv "$WORK/ipyw7"
( "$WORK/ipyw7/bin/python" "${PIP[@]}" "$WHEEL[test]" "ipywidgets==7.7.1" >"$WORK/ipyw7.log" 2>&1 \
  && echo ok >"$WORK/ipyw7.ok" ) &
IPYW7_PID=$!

step "wheel alone (core dependencies only) + smoke test"
"$PYTHON" -m venv "$WORK/core"
"$WORK/core/bin/python" "${PIP[@]}" "$WHEEL"
mkdir "$WORK/smoke"
# run outside the repository, so that only the installed wheel can be imported
(cd "$WORK/smoke" && "$WORK/core/bin/python" "$REPO/.ci/smoke_test.py")

step "kernel-side view tests with ipywidgets 7.7.1"
wait "$IPYW7_PID" || true
[ -f "$WORK/ipyw7.ok" ] || { cat "$WORK/ipyw7.log"; echo "installing the test venv failed" >&2; exit 1; }
"$WORK/ipyw7/bin/python" -c "import ipywidgets; assert ipywidgets.__version__ == '7.7.1', ipywidgets.__version__; print('ipywidgets', ipywidgets.__version__)"
mkdir "$WORK/sdist"
tar -xzf "$SDIST" -C "$WORK/sdist"
SRC=$(ls -d "$WORK"/sdist/*/)
WIDGET_TESTS=$(cd "$SRC" && ls tests/test_views*.py)
[ -n "$WIDGET_TESTS" ] || { echo "no tests/test_views*.py in the sdist" >&2; exit 1; }
# `pytest` (not `python -m pytest`) from the sdist: the installed wheel is what gets imported
(cd "$SRC" && "$WORK/ipyw7/bin/pytest" -q -p no:cacheprovider -W ignore::DeprecationWarning $WIDGET_TESTS)

step "collect the tests from the unpacked sdist"
(cd "$SRC" && "$WORK/ipyw7/bin/python" -m pytest --collect-only -q >"$WORK/collect.log" 2>&1) \
    || { tail -40 "$WORK/collect.log"; exit 1; }
tail -1 "$WORK/collect.log"
if grep -qiE "errors? during collection|^ERROR " "$WORK/collect.log"; then
    grep -iE "error" "$WORK/collect.log" | head -20; exit 1
fi

step "editable install still finds the lessons"
"$WORK/core/bin/python" "${PIP[@]}" -e "$REPO"
(cd "$WORK/smoke" && "$WORK/core/bin/python" -c \
    "import pathlib, conv_teach.lessons as L; d = L.lessons_dir(); assert d == pathlib.Path('$REPO/notebooks'), d; print('editable install: lessons in', d)")
rm -rf "$REPO/build" "$REPO"/*.egg-info

step "done"
