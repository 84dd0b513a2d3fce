"""Stored outputs re-execute identically under nbval.

The committed notebooks carry no outputs, so this test makes them: it
runs each chapter once, stores the outputs in a copy, and has nbval run
the copy again and compare every text output with the stored one. A
picture or number that changed between the two runs (unseeded noise, a
printed timing, a dictionary order) fails here.
"""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_are_reproduced(path, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}
                   ).execute()
    copy = tmp_path / path.name
    nbformat.write(notebook, copy)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-q", "-p",
         "no:cacheprovider", "-o", "addopts=", "-o", "testpaths=",
         "--rootdir", str(tmp_path), "--nbval-current-env", str(copy)],
        cwd=path.parent, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:]
