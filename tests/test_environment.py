"""The project's setup files agree with each other.

* environment.yml (Binder / conda) lists the same packages with the same
  bounds as pyproject.toml's core dependencies plus the ``lab`` and ``present``
  extras (ENVIRONMENT_EXTRAS), so a Binder session runs what ``pip install
  "conv_teach[lab,present]"`` installs.  There is no conda on the development
  machines, so this comparison stands in for a conda solve.
* The core stays light (no JupyterLab, Voila or test tools), keeps Colab's
  ipywidgets 7, and the ``dev`` extra that the Makefile installs holds the rest.
* README's Quick start shows exactly the two commands ``make lessons`` and
  ``make test``; the Makefile has those targets and ``.ci/run`` runs the same
  test command.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]

# conda-forge package name -> PyPI name, where they differ.
CONDA_TO_PIP = {
    "matplotlib-base": "matplotlib",
    "playwright-python": "playwright",
}
# conda-only entries that need no counterpart in pyproject.toml.
CONDA_ONLY = {"python", "pip"}

QUICK_START = ["make lessons", "make test"]
# the extras environment.yml mirrors besides the core
ENVIRONMENT_EXTRAS = ("lab", "present")


# --------------------------------------------------------------------- helpers
def load_pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def load_environment() -> dict:
    with open(ROOT / "environment.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def pip_requirements(pyproject: dict, extras=ENVIRONMENT_EXTRAS) -> dict[str, str]:
    """{canonical name: specifier} of the core deps + the given extras."""
    project = pyproject["project"]
    lines = list(project["dependencies"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    out: dict[str, str] = {}
    for line in lines:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name not in out or out[name] == str(req.specifier), (
            f"pyproject.toml lists {name!r} twice with different bounds")
        assert not req.extras and req.marker is None and req.url is None, (
            f"pyproject.toml: {line!r} uses extras/markers/url, which "
            "environment.yml cannot mirror; extend tests/test_environment.py"
        )
        out[name] = str(req.specifier)
    return out


_CONDA_SPEC = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*$")


def conda_to_pip(entry: str) -> tuple[str, str]:
    """Turn a conda MatchSpec like ``matplotlib-base>=3.7`` into
    (canonical pip name, pip specifier string).

    ``pkg>=x`` maps to ``pkg>=x``; conda's ``pkg=1.2`` means ``pkg==1.2.*``.
    """
    m = _CONDA_SPEC.match(entry)
    assert m, f"environment.yml: cannot parse dependency {entry!r}"
    conda_name, spec = m.group(1), m.group(2).replace(" ", "")
    name = canonicalize_name(CONDA_TO_PIP.get(conda_name, conda_name))
    parts = []
    for part in filter(None, spec.split(",")):
        if re.fullmatch(r"=[^=].*", part):  # conda fuzzy pin: =1.2 -> ==1.2.*
            version = part[1:]
            part = "==" + (version if version.endswith("*") else version + ".*")
        elif re.fullmatch(r"[0-9][^<>=!~]*", part):  # bare version 1.2 / 1.2.*
            part = "==" + part
        parts.append(part)
    try:
        specifier = SpecifierSet(",".join(parts))
    except Exception as exc:  # packaging.specifiers.InvalidSpecifier
        raise AssertionError(
            f"environment.yml: cannot read the version of {entry!r}: {exc}"
        ) from None
    return name, str(specifier)


def conda_requirements(env: dict) -> tuple[dict[str, str], list]:
    """({canonical name: specifier} of conda deps, pip block entries)."""
    conda: dict[str, str] = {}
    pip_block: list = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            assert set(dep) == {"pip"}, (
                f"environment.yml: unexpected mapping in dependencies: {dep!r}"
            )
            pip_block.extend(dep["pip"] or [])
            continue
        name, spec = conda_to_pip(str(dep))
        assert name not in conda, f"environment.yml lists {name!r} twice"
        conda[name] = spec
    return conda, pip_block


def quick_start_commands(readme: str) -> list[list[str]]:
    """Commands of each fenced block in the README's "Quick start" section
    (comments and blank lines dropped)."""
    m = re.search(
        r"^#{1,6}[ \t]*Quick start[ \t]*\n(.*?)(?=^#{1,6}[ \t]|\Z)",
        readme,
        re.M | re.S | re.I,
    )
    assert m, "README.md has no 'Quick start' heading"
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", m.group(1), re.M | re.S)
    out = []
    for block in blocks:
        commands = []
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                commands.append(" ".join(line.split()))
        out.append(commands)
    return out


# ----------------------------------------------------------------------- tests
def test_environment_yml_uses_only_conda_forge():
    env = load_environment()
    assert env.get("channels") == ["conda-forge"], (
        f"environment.yml channels must be exactly ['conda-forge'], "
        f"got {env.get('channels')!r}"
    )
    assert env.get("name") == "conv-teach"


def test_environment_yml_matches_pyproject():
    pip_reqs = pip_requirements(load_pyproject())
    conda_reqs, _ = conda_requirements(load_environment())
    conda_shared = {k: v for k, v in conda_reqs.items() if k not in CONDA_ONLY}

    missing = sorted(set(pip_reqs) - set(conda_shared))
    extra = sorted(set(conda_shared) - set(pip_reqs))
    differ = {
        n: {"pyproject.toml": pip_reqs[n], "environment.yml": conda_shared[n]}
        for n in sorted(set(pip_reqs) & set(conda_shared))
        if SpecifierSet(pip_reqs[n]) != SpecifierSet(conda_shared[n])
    }
    message = (
        "pyproject.toml and environment.yml disagree "
        f"(conda names mapped with {CONDA_TO_PIP}):\n"
        f"  only in pyproject.toml: {missing}\n"
        f"  only in environment.yml: {extra}\n"
        f"  different bounds: {differ}"
    )
    # Comparing the two whole dicts makes pytest show the exact difference.
    assert conda_shared == pip_reqs, message


def test_environment_yml_python_and_pip_block():
    pyproject = load_pyproject()
    conda_reqs, pip_block = conda_requirements(load_environment())

    assert "python" in conda_reqs, "environment.yml must pin python"
    python_spec = SpecifierSet(conda_reqs["python"])
    requires = SpecifierSet(pyproject["project"]["requires-python"])
    # python=3.11 -> ==3.11.*: 3.11.0 must satisfy requires-python.
    pinned = [Version(s.version.rstrip(".*")) for s in python_spec]
    assert pinned and all(requires.contains(v) for v in pinned), (
        f"environment.yml python {conda_reqs['python']!r} is outside "
        f"pyproject requires-python {str(requires)!r}"
    )

    assert "pip" in conda_reqs, "a 'pip:' block needs 'pip' as a conda dependency"
    assert "-e ." in [str(p).strip() for p in pip_block], (
        f"environment.yml pip block must install the repo itself ('-e .'), "
        f"got {pip_block!r}"
    )
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists(), (
        "a binder/ or .binder/ folder makes repo2docker ignore environment.yml"
    )


CORE_MUST_NOT_HAVE = {"jupyterlab", "notebook", "voila", "nbval", "pytest", "ipympl",
                      "hypothesis", "playwright", "nbgrader", "coverage"}


def test_core_dependencies_are_light_and_keep_colabs_ipywidgets():
    project = load_pyproject()["project"]
    core = {canonicalize_name(Requirement(r).name): Requirement(r).specifier
            for r in project["dependencies"]}
    assert not CORE_MUST_NOT_HAVE & set(core), sorted(CORE_MUST_NOT_HAVE & set(core))
    assert {"numpy", "matplotlib", "ipywidgets", "pillow", "anywidget"} <= set(core)
    widgets = core["ipywidgets"]
    assert widgets.contains("7.7.1") and widgets.contains("7.8.5") and widgets.contains("8.1.9")
    assert not widgets.contains("7.6.5") and not widgets.contains("9.0.0")


def test_dev_extra_holds_what_the_makefile_targets_need():
    extras = load_pyproject()["project"]["optional-dependencies"]
    assert {"lab", "present", "grade", "test", "dev"} <= set(extras)
    (dev,) = extras["dev"]
    req = Requirement(dev)
    assert canonicalize_name(req.name) == "conv-teach"
    # grade: tests/test_nbgrader.py runs nbgrader end to end, and would only skip without it
    assert req.extras == {"lab", "present", "grade", "test"}
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-e '.[dev]'" in makefile


def test_readme_extras_table_lists_every_extra():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    extras = load_pyproject()["project"]["optional-dependencies"]
    for name, reqs in extras.items():
        row = re.search(rf"^\| `{name}` \|(.*)$", readme, re.M)
        assert row, f"README's extras table has no row for `{name}`"
        for r in reqs:
            req = Requirement(r)
            shown = ", ".join(sorted(req.extras)) if name == "dev" else req.name
            assert all(part in row.group(1) for part in shown.split(", ")), (name, req.name)


def test_readme_quick_start_has_exactly_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = quick_start_commands(readme)
    assert blocks == [QUICK_START], (
        f"README Quick start must have one fenced block with exactly "
        f"{QUICK_START}, found {blocks}"
    )


def test_makefile_and_ci_use_the_quick_start_commands():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for command in QUICK_START:
        target = command.split()[1]
        assert re.search(rf"^{target}:", makefile, re.M), (
            f"Makefile has no '{target}' target for README's '{command}'"
        )
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    ci_commands = [
        line.split("#", 1)[0].strip()
        for line in ci.splitlines()
        if line.split("#", 1)[0].strip()
    ]
    assert ci_commands and ci_commands[-1] == "make test", (
        f".ci/run must end by running README's test command 'make test', "
        f"its last command is {ci_commands[-1:]!r}"
    )


@pytest.mark.parametrize(
    "entry, expected",
    [
        ("matplotlib-base>=3.7", ("matplotlib", ">=3.7")),
        ("playwright-python >=1.40", ("playwright", ">=1.40")),
        ("python=3.11", ("python", "==3.11.*")),
        ("numpy 1.24", ("numpy", "==1.24")),
        ("pip", ("pip", "")),
    ],
)
def test_conda_spec_mapping(entry, expected):
    assert conda_to_pip(entry) == expected
