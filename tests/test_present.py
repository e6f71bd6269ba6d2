"""`conv-teach present`: argument handling and the Voila command line, without starting a server.

(The served page itself is tested in a real browser in tests/browser/test_voila_present.py.)
"""
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conv_teach import cli, present

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*argv, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "conv_teach", "present", *argv], cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_present_is_a_registered_subcommand():
    module, help_ = cli.COMMANDS["present"]
    assert module == "conv_teach.present" and "Voila" in help_
    args = cli.build_parser().parse_args(["present", "x.ipynb", "--port", "9001", "--no-browser"])
    assert (args.notebook, args.port, args.no_browser, args.token) == ("x.ipynb", 9001, True, None)
    assert args._run is present.run


def test_missing_notebook_fails_with_a_message_and_starts_nothing(tmp_path):
    r = run_cli(str(tmp_path / "nope.ipynb"), "--no-browser")
    assert r.returncode == 2
    assert "nope.ipynb" in r.stderr and "does not exist" in r.stderr
    assert "http://" not in r.stdout  # no server was announced


@pytest.mark.parametrize("name, content, words", [
    ("lesson.txt", "hello", "expected a .ipynb file, got a .txt file"),
    ("broken.ipynb", "{not json", "cannot be read as a notebook"),
    ("list.ipynb", "[1, 2]", "not a Jupyter notebook"),
])
def test_non_notebook_fails_with_a_message(tmp_path, name, content, words):
    f = tmp_path / name
    f.write_text(content)
    args = cli.build_parser().parse_args(["present", str(f), "--no-browser"])
    with pytest.raises(ValueError, match=words):
        present.check_notebook(f)
    assert present.run(args) == 2


def test_directory_is_refused(tmp_path, capsys):
    args = cli.build_parser().parse_args(["present", str(tmp_path), "--no-browser"])
    assert present.run(args) == 2
    assert "is a directory" in capsys.readouterr().err


def test_busy_port_is_refused_with_a_hint(tmp_path, capsys):
    nb = tmp_path / "ok.ipynb"
    nb.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        busy = s.getsockname()[1]
        args = cli.build_parser().parse_args(["present", str(nb), "--port", str(busy), "--no-browser"])
        assert present.run(args) == 2
    err = capsys.readouterr().err
    assert f"--port {busy} is already in use" in err


def test_voila_command_serves_only_localhost_with_the_token(tmp_path):
    nb = tmp_path / "03_im2col.ipynb"
    cmd = present.voila_command(nb, 9123, "abc123")
    assert cmd[:4] == [sys.executable, "-m", "voila", str(nb)]
    opts = cmd[4:]
    for expected in ["--no-browser", "--port=9123", "--Voila.ip=127.0.0.1", "--token=abc123",
                     "--Voila.port_retries=0"]:
        assert expected in opts
    # Voila's default template hides the code cells: nothing may turn the sources back on
    assert not any("strip_sources" in o or "template" in o for o in opts)
    assert present.url_for(9123, "abc123") == "http://127.0.0.1:9123/?token=abc123"
    # a finite per-cell limit: without one a lost kernel-client wake-up hangs the page forever
    assert f"--VoilaExecutor.timeout={present.CELL_TIMEOUT_S}" in opts
    assert 0 < present.CELL_TIMEOUT_S <= 30


def test_voila_command_uses_only_options_voila_knows(tmp_path):
    """Every option we build is a Voila flag, alias or configurable trait (a typo would make
    Voila exit at start, or worse, be ignored)."""
    from voila.app import Voila
    from voila.configuration import VoilaConfiguration
    from voila.execute import VoilaExecutor
    classes = {"Voila": Voila, "VoilaConfiguration": VoilaConfiguration,
               "VoilaExecutor": VoilaExecutor}
    for opt in present.voila_command(tmp_path / "x.ipynb", 9123, "abc")[4:]:
        name = opt[2:].split("=")[0]
        if "." in name:
            cls, trait = name.split(".")
            assert trait in classes[cls].class_traits(config=True), opt
        elif "=" in opt:
            assert name in Voila.aliases, opt
        else:
            assert name in Voila.flags, opt
