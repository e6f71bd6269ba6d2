"""Package list for setuptools (everything else is in pyproject.toml).

The lessons stay in ``notebooks/`` in the repository (where JupyterLab, nbval and the
browser tests use them) and ship in the wheel as ``conv_teach/notebooks/``: the lessons
``notebooks/*.ipynb`` and the student exercises ``notebooks/exercises/*.ipynb``. The teachers'
``notebooks/exercises/solutions/`` is not a package here, so it stays out of the wheel.
pyproject.toml cannot combine ``packages.find`` with such a mapping, hence this file.
"""
from setuptools import find_packages, setup

LESSONS = {"conv_teach.notebooks": "notebooks",
           "conv_teach.notebooks.exercises": "notebooks/exercises"}

setup(
    packages=find_packages(include=["conv_teach", "conv_teach.*"]) + list(LESSONS),
    package_dir=LESSONS,
)
