# Quick start: `make lessons` and `make test` (see README.md).
# Both create .venv on first use and reuse it afterwards; the package is
# (re)installed only when pyproject.toml or setup.py is newer than .venv/.installed.
# They install the package with its `dev` extra (JupyterLab, Voila, the test tools);
# `pip install conv_teach` alone brings only the light core (see README, Install).

PYTHON ?= $(shell command -v python3.11 >/dev/null 2>&1 && echo python3.11 || echo python3)
VENV   := .venv
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
# jupyter refuses to start as root unless told so (CI and containers run as root).
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
PIP := $(VENV)/bin/python -m pip --disable-pip-version-check

.DEFAULT_GOAL := help
.PHONY: help install lessons present test bench clean-venv

help:
	@echo "make lessons     open your copies of the lessons (lessons/) in JupyterLab"
	@echo "make present LESSON=notebooks/03_im2col.ipynb"
	@echo "                 serve one lesson as an app (no code) for a projector"
	@echo "make test        run every test, incl. the notebooks under nbval"
	@echo "                 (extra pytest options: make test PYTEST_ARGS=\"-k conv -x\")"
	@echo "make bench       run every benchmark: conv, animation, notebooks"
	@echo "make clean-venv  delete .venv"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml setup.py | $(VENV)/bin/python
	@echo "Installing conv_teach and its dependencies into $(VENV) ..."
	$(PIP) install -q --upgrade pip
	$(PIP) install -q --progress-bar off -e '.[dev]'
	@touch $@

install: $(STAMP)

# The lessons open as working copies in lessons/ (git-ignored), made on first use and never
# overwritten, so that working in them never dirties notebooks/ or breaks `make test`.
lessons: $(STAMP)
	$(VENV)/bin/python tools/lesson_copies.py notebooks lessons
	cd lessons && ../$(VENV)/bin/jupyter lab $(ROOT_FLAG) 00_start_here.ipynb

LESSON ?= notebooks/03_im2col.ipynb
present: $(STAMP)
	$(VENV)/bin/python -m conv_teach present $(LESSON)

test: $(STAMP)
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/bench_conv.py
	$(VENV)/bin/python benchmarks/bench_animation.py
	$(VENV)/bin/python benchmarks/bench_notebooks.py

clean-venv:
	rm -rf $(VENV)
